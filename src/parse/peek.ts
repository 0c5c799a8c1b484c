/**
 * A JSON object's top-level members read straight from its bytes, accepting exactly what
 * JSON.parse accepts, without building the value: past the findings kept, a tool's problem is
 * only counted, and telling whether it is one must cost less than parsing it.
 */

/** A member's value: a string's content (between its quotes) or a number's text, by offsets. */
export interface Peeked {
  kind: 'string' | 'number' | 'other'
  start: number
  end: number
  /** A string with escapes: its bytes are not its text. */
  escaped: boolean
}

const enum State {
  Value,
  FirstValue,
  FirstKey,
  Key,
  Colon,
  AfterValue
}

const isBlank = (byte: number): boolean => byte === 32 || byte === 10 || byte === 13 || byte === 9
const isDigit = (byte: number): boolean => byte >= 48 && byte <= 57
const isHex = (byte: number): boolean =>
  (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102)
// After a backslash: " \ / b f n r t, or u and four hex digits.
const ESCAPES = new Set([34, 92, 47, 98, 102, 110, 114, 116])

// Whether the last string stringEnd read had an escape.
let escapes = false

/** The end (past the closing quote) of the string opening at `at`; -1 when JSON.parse would refuse it. */
function stringEnd(buf: Buffer, at: number, length: number): number {
  escapes = false
  for (let i = at + 1; i < length; i++) {
    const byte = buf[i] as number
    if (byte === 34) return i + 1
    if (byte < 0x20) return -1
    if (byte !== 92) continue
    escapes = true
    const next = buf[i + 1] as number
    if (ESCAPES.has(next)) i++
    else if (
      next === 117 &&
      isHex(buf[i + 2] as number) &&
      isHex(buf[i + 3] as number) &&
      isHex(buf[i + 4] as number) &&
      isHex(buf[i + 5] as number)
    )
      i += 5
    else return -1
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

function literalEnd(buf: Buffer, at: number, word: string): number {
  for (let k = 0; k < word.length; k++) if (buf[at + k] !== word.charCodeAt(k)) return -1
  return at + word.length
}

export function sameBytes(buf: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false
  for (let k = 0; k < text.length; k++) if (buf[start + k] !== text.charCodeAt(k)) return false
  return true
}

/**
 * The top-level members named in `names` of the JSON object that `buf` holds (from `from` to
 * `length`), the last of each
 * name as JSON.parse keeps it (absent: undefined). `undefined` when `buf` is not exactly one
 * JSON object, or when a top-level key has escapes (its name is not its bytes).
 */
export function peekObject(
  buf: Buffer,
  names: readonly string[],
  from = 0,
  length = buf.length
): (Peeked | undefined)[] | undefined {
  const found: (Peeked | undefined)[] = new Array<Peeked | undefined>(names.length).fill(undefined)
  // Whether each open container is an array; the outermost is the object itself.
  const arrays: boolean[] = []
  let member = -1
  let state = State.Value
  let i = from
  while (i < length && isBlank(buf[i] as number)) i++
  if (buf[i] !== 123) return undefined
  for (;;) {
    while (i < length && isBlank(buf[i] as number)) i++
    if (i >= length) return undefined
    const byte = buf[i] as number
    switch (state) {
      case State.FirstValue:
      case State.Value: {
        if (state === State.FirstValue && byte === 93) {
          arrays.pop()
          i++
          state = State.AfterValue
          break
        }
        if (byte === 123 || byte === 91) {
          arrays.push(byte === 91)
          i++
          state = byte === 91 ? State.FirstValue : State.FirstKey
          break
        }
        let end: number
        let kind: Peeked['kind'] = 'other'
        if (byte === 34) {
          end = stringEnd(buf, i, length)
          kind = 'string'
        } else if (byte === 45 || isDigit(byte)) {
          end = numberEnd(buf, i, length)
          kind = 'number'
        } else if (byte === 116) end = literalEnd(buf, i, 'true')
        else if (byte === 102) end = literalEnd(buf, i, 'false')
        else if (byte === 110) end = literalEnd(buf, i, 'null')
        else return undefined
        if (end < 0) return undefined
        if (member >= 0 && arrays.length === 1) {
          const quoted = kind === 'string'
          found[member] = {
            kind,
            start: quoted ? i + 1 : i,
            end: quoted ? end - 1 : end,
            escaped: quoted && escapes
          }
        }
        i = end
        state = State.AfterValue
        break
      }
      case State.FirstKey:
      case State.Key: {
        if (state === State.FirstKey && byte === 125) {
          arrays.pop()
          i++
          state = State.AfterValue
          break
        }
        if (byte !== 34) return undefined
        const end = stringEnd(buf, i, length)
        if (end < 0) return undefined
        member = -1
        if (arrays.length === 1) {
          if (escapes) return undefined
          for (let k = 0; k < names.length && member < 0; k++)
            if (sameBytes(buf, i + 1, end - 1, names[k] as string)) member = k
          // Present, whatever its value; a scalar's kind and text are filled in when read.
          if (member >= 0) found[member] = { kind: 'other', start: 0, end: 0, escaped: false }
        }
        i = end
        state = State.Colon
        break
      }
      case State.Colon:
        if (byte !== 58) return undefined
        i++
        state = State.Value
        break
      case State.AfterValue: {
        if (arrays.length === 0) return undefined
        const array = arrays[arrays.length - 1] as boolean
        if (byte === 44) {
          i++
          member = -1
          state = array ? State.Value : State.Key
        } else if (byte === (array ? 93 : 125)) {
          arrays.pop()
          i++
          member = -1
          if (arrays.length === 0) {
            while (i < length && isBlank(buf[i] as number)) i++
            return i === length ? found : undefined
          }
        } else return undefined
        break
      }
    }
  }
}
