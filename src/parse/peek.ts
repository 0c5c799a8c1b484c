/**
 * A JSON object's top-level members read straight from its bytes, accepting exactly what
 * JSON.parse accepts, without building the value: past the findings kept, a tool's problem is
 * only counted, and telling whether it is one must cost less than parsing it. The stream reader
 * runs the same scan to find where an element ends, so an element is read once, not twice.
 */

/** What a member's value is; `Other` for a literal, an object or an array. */
export const enum Kind {
  Absent,
  Other,
  String,
  Number
}

/**
 * The named top-level members of the object last scanned, by the index of their name: a
 * string's content (between its quotes) or a number's text, by offsets. Reused from one object
 * to the next, so counting a million problems allocates nothing.
 */
export class Members {
  readonly kind: Uint8Array
  readonly start: Float64Array
  readonly end: Float64Array
  /** A string with escapes: its bytes are not its text. */
  readonly escaped: Uint8Array
  /** The indices of the names of each length: a key is compared only with names as long. */
  readonly byLength: number[][] = []

  constructor(readonly names: readonly string[]) {
    this.kind = new Uint8Array(names.length)
    this.start = new Float64Array(names.length)
    this.end = new Float64Array(names.length)
    this.escaped = new Uint8Array(names.length)
    names.forEach((name, k) => (this.byLength[name.length] ??= []).push(k))
  }

  /** Whether the string member `at` is exactly `text`; undefined when it has escapes. */
  is(buf: Buffer, at: number, text: string): boolean | undefined {
    if (this.kind[at] !== Kind.String) return false
    if (this.escaped[at]) return undefined
    return sameBytes(buf, this.start[at] as number, this.end[at] as number, text)
  }

  /** Whether the member `at` is a string that is not empty. */
  filled(at: number): boolean {
    return this.kind[at] === Kind.String && (this.end[at] as number) > (this.start[at] as number)
  }
}

export function sameBytes(buf: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false
  for (let k = 0; k < text.length; k++) if (buf[start + k] !== text.charCodeAt(k)) return false
  return true
}

const isHex = (byte: number): boolean =>
  (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102)
const isDigit = (byte: number): boolean => byte >= 48 && byte <= 57

// After the scan: how many line feeds the object held, and whether its last string had escapes.
let newlines = 0
let escapes = false

/** Line feeds in the object the last scanObject read. */
export const scannedLines = (): number => newlines

/** The end (past the closing quote) of the string opening at `at`; -1 when JSON.parse would refuse it. */
function stringEnd(buf: Buffer, at: number, length: number): number {
  escapes = false
  for (let i = at + 1; i < length; i++) {
    const byte = buf[i] as number
    // Past the backslash: a letter, most of a string, is tested once.
    if (byte > 92) continue
    if (byte === 34) return i + 1
    if (byte === 92) {
      escapes = true
      // " \ / b f n r t, or u and four hex digits.
      const next = buf[i + 1] as number
      if (
        next === 34 ||
        next === 92 ||
        next === 47 ||
        next === 98 ||
        next === 102 ||
        next === 110 ||
        next === 114 ||
        next === 116
      )
        i++
      else if (
        next === 117 &&
        isHex(buf[i + 2] as number) &&
        isHex(buf[i + 3] as number) &&
        isHex(buf[i + 4] as number) &&
        isHex(buf[i + 5] as number)
      )
        i += 5
      else return -1
    } else if (byte < 0x20) return -1
  }
  return -1
}

/** The end of the number starting at `at` (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`); -1 if none. */
function numberEnd(buf: Buffer, at: number, length: number): number {
  let i = at
  if (buf[i] === 45) i++
  if (buf[i] === 48) i++
  else if (i < length && isDigit(buf[i] as number))
    while (i < length && isDigit(buf[i] as number)) i++
  else return -1
  if (buf[i] === 46) {
    i++
    if (!(i < length && isDigit(buf[i] as number))) return -1
    while (i < length && isDigit(buf[i] as number)) i++
  }
  if (buf[i] === 101 || buf[i] === 69) {
    i++
    if (buf[i] === 43 || buf[i] === 45) i++
    if (!(i < length && isDigit(buf[i] as number))) return -1
    while (i < length && isDigit(buf[i] as number)) i++
  }
  return i
}

function literalEnd(buf: Buffer, at: number, word: string, length: number): number {
  if (at + word.length > length) return -1
  for (let k = 0; k < word.length; k++) if (buf[at + k] !== word.charCodeAt(k)) return -1
  return at + word.length
}

// Whether each open container is an array (1) or an object (0), outermost first.
let stack = new Uint8Array(64)
// Set by blanks(): whether a line feed was met where the object had to stay on one line.
let brokenLine = false

/** Past the blanks from `i`: the only place a valid value holds a line feed. */
function blanks(buf: Buffer, i: number, length: number, oneLine: boolean): number {
  while (i < length) {
    const byte = buf[i] as number
    if (byte === 32 || byte === 13 || byte === 9) i++
    else if (byte === 10) {
      if (oneLine) brokenLine = true
      newlines++
      i++
    } else break
  }
  return i
}

/**
 * Reads the JSON object that opens at `from` (a `{`) in `buf`, up to `length`, and fills
 * `members` with its top-level members named there (the last of each name, as JSON.parse keeps
 * it). Returns the offset just past its closing brace; -1 when it does not end before `length`,
 * is not what JSON.parse accepts, nests more than `maxDepth` containers, holds a line feed while
 * `oneLine`, or has a top-level key with escapes (its name is not its bytes).
 */
export function scanObject(
  buf: Buffer,
  from: number,
  length: number,
  members: Members,
  maxDepth = Infinity,
  oneLine = false
): number {
  const kinds = members.kind
  for (let k = 0; k < kinds.length; k++) kinds[k] = Kind.Absent
  newlines = 0
  brokenLine = false
  if (buf[from] !== 123) return -1
  let depth = 1
  stack[0] = 0
  let inObject = true
  let i = from + 1
  // Each turn reads a member (key and value) or an element, right after `{`, `[` or `,`.
  for (;;) {
    i = blanks(buf, i, length, oneLine)
    if (i >= length || brokenLine) return -1
    let byte = buf[i] as number
    let member = -1
    if (inObject) {
      if (byte !== 34) return -1
      const end = stringEnd(buf, i, length)
      if (end < 0) return -1
      if (depth === 1) {
        if (escapes) return -1
        const candidates = members.byLength[end - i - 2]
        if (candidates)
          for (const k of candidates)
            if (sameBytes(buf, i + 1, end - 1, members.names[k] as string)) {
              member = k
              // Present, whatever its value; a scalar's kind and text are filled in when read.
              kinds[k] = Kind.Other
              break
            }
      }
      i = blanks(buf, end, length, oneLine)
      if (i >= length || brokenLine || buf[i] !== 58) return -1
      i = blanks(buf, i + 1, length, oneLine)
      if (i >= length || brokenLine) return -1
      byte = buf[i] as number
    }
    if (byte === 123 || byte === 91) {
      if (depth >= maxDepth) return -1
      if (depth === stack.length) {
        const grown = new Uint8Array(depth * 2)
        grown.set(stack)
        stack = grown
      }
      inObject = byte === 123
      stack[depth++] = inObject ? 0 : 1
      i = blanks(buf, i + 1, length, oneLine)
      if (i >= length || brokenLine) return -1
      // An empty container is a value read: on to what follows it.
      if (buf[i] !== (inObject ? 125 : 93)) continue
    } else {
      let end: number
      let kind = Kind.Other
      if (byte === 34) {
        end = stringEnd(buf, i, length)
        kind = Kind.String
      } else if (byte === 45 || isDigit(byte)) {
        end = numberEnd(buf, i, length)
        kind = Kind.Number
      } else if (byte === 116) end = literalEnd(buf, i, 'true', length)
      else if (byte === 102) end = literalEnd(buf, i, 'false', length)
      else if (byte === 110) end = literalEnd(buf, i, 'null', length)
      else return -1
      if (end < 0) return -1
      if (member >= 0) {
        const quoted = kind === Kind.String
        kinds[member] = kind
        members.start[member] = quoted ? i + 1 : i
        members.end[member] = quoted ? end - 1 : end
        members.escaped[member] = quoted && escapes ? 1 : 0
      }
      i = blanks(buf, end, length, oneLine)
      if (i >= length || brokenLine) return -1
    }
    // After a value: the containers it closes, then a comma.
    for (;;) {
      byte = buf[i] as number
      if (byte === 44) {
        i++
        break
      }
      if (byte !== (inObject ? 125 : 93)) return -1
      if (--depth === 0) return i + 1
      inObject = stack[depth - 1] === 0
      i = blanks(buf, i + 1, length, oneLine)
      if (i >= length || brokenLine) return -1
    }
  }
}

/**
 * The top-level members named in `members` of the JSON object that `buf` holds from `from` to
 * `length`, blanks around it allowed; false when it is not exactly one JSON object, or when a
 * top-level key has escapes.
 */
export function peekObject(buf: Buffer, members: Members, from = 0, length = buf.length): boolean {
  let i = from
  while (i < length && isBlank(buf[i] as number)) i++
  const end = scanObject(buf, i, length, members)
  if (end < 0) return false
  i = end
  while (i < length && isBlank(buf[i] as number)) i++
  return i === length
}

const isBlank = (byte: number): boolean => byte === 32 || byte === 10 || byte === 13 || byte === 9
