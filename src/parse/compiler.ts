import { plainTo, skipBlanks } from './lines.js'
import {
  COUNTED,
  COUNTED_PROVISIONAL,
  type LineBytes,
  type LineParser,
  type RawFinding
} from './types.js'

// `path:line[:col]:[ level:] message` (buf, protoc, Spectral `-f text`, tsc `--pretty`) and
// tsc's `path(line,col): error TS…`. The path has an extension and no blanks, so timestamps,
// `host:port` and prose do not pass for one.
const COMPILER_LINE =
  /^((?:[A-Za-z]:)?[^\s:()"'<>|*?]*\.[A-Za-z][A-Za-z0-9]{0,9})(?::(\d+)(?::(\d+))?(?![\d/])|\((\d+)(?:,(\d+))?\)):?\s*(?:-\s+)?(?:(error|fatal|warning|warn|info|information|note|hint)\b:?\s*)?(\S.*)$/
const PROBE_BYTES = 512

/**
 * Compiler-style lines. One with `error` is a finding; one without a level (buf prints none) is
 * a finding only when the run fails, so a green run's warnings of that shape never turn it red.
 */
export function compilerParser(
  emit: (finding: RawFinding) => void,
  full?: (provisional: boolean) => boolean
): LineParser {
  return {
    line(text) {
      const match = COMPILER_LINE.exec(text)
      if (!match) return false
      const [, path, line, , parenLine, , level, message] = match as unknown as string[]
      if (level && level !== 'error' && level !== 'fatal') return true
      // Past the findings kept it is only counted.
      if (full?.(!level)) {
        emit(level ? COUNTED : COUNTED_PROVISIONAL)
        return true
      }
      const at = Number(line ?? parenLine)
      emit({
        tag: '',
        message: message as string,
        files: [path as string],
        ...(at > 0 ? { line: at } : {}),
        ...(level ? {} : { provisional: true })
      })
      return true
    },
    end() {},
    wants: mayBeCompilerLine,
    skim(bytes) {
      const shape = compilerShape(bytes)
      if (shape === undefined || shape === false) return shape
      if (shape === 'other') return true
      // Past the findings kept it is only counted; a finding to keep is built from the text.
      if (!full?.(shape === 'none')) return undefined
      emit(shape === 'none' ? COUNTED_PROVISIONAL : COUNTED)
      return true
    }
  }
}

/** A cheap look at a line's bytes: `.` then `:<digit>` or `(<digit>` near its start. */
export function mayBeCompilerLine(buf: Buffer, start: number, end: number): boolean {
  const first = buf[start]
  if (first === undefined || first <= 0x20) return false
  let dot = false
  const stop = Math.min(end - 1, start + PROBE_BYTES)
  for (let i = start; i < stop; i++) {
    const byte = buf[i] as number
    if (byte === 0x2e) dot = true
    else if (byte === 0x20) return false
    else if (dot && (byte === 0x3a || byte === 0x28)) {
      const next = buf[i + 1] as number
      return next >= 0x30 && next <= 0x39
    }
  }
  return false
}

// COMPILER_LINE read on bytes, for lines past the cap: a huge log of findings is counted without
// decoding it. Each step takes what the regex's first choice takes and tries its other choices in
// its order, so the level found is the one the regex captures. A byte past the line's plain
// prefix is UNKNOWN: whatever it decides is left to the regex on the decoded text.
const END = -1
const UNKNOWN = -2
const LEVEL_WORDS = [
  ['error', 'error'],
  ['fatal', 'error'],
  ['warning', 'other'],
  ['warn', 'other'],
  ['info', 'other'],
  ['information', 'other'],
  ['note', 'other'],
  ['hint', 'other']
] as const
type Shape = 'error' | 'other' | 'none' | false | undefined

const byteAt = (line: LineBytes, i: number): number =>
  i < line.plain || plainTo(line, i)
    ? (line.buf[i] as number)
    : line.plain === line.end
      ? END
      : UNKNOWN
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39
const isLetter = (b: number): boolean => (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a
const isWord = (b: number): boolean => isLetter(b) || isDigit(b) || b === 0x5f
const isBlank = (b: number): boolean => b === 0x20 || b === 0x09
// `[^\s:()"'<>|*?]` on plain bytes
const isPathByte = (b: number): boolean =>
  b > 0x20 &&
  b !== 0x3a &&
  b !== 0x28 &&
  b !== 0x29 &&
  b !== 0x22 &&
  b !== 0x27 &&
  b !== 0x3c &&
  b !== 0x3e &&
  b !== 0x7c &&
  b !== 0x2a &&
  b !== 0x3f
const digitsFrom = (line: LineBytes, i: number): number => {
  while (isDigit(byteAt(line, i))) i++
  return i
}

/**
 * How COMPILER_LINE reads a line, from its bytes: the class of its level ('error' for error and
 * fatal, 'other', 'none' without one), false when it does not match, undefined when bytes that
 * are not plain decide it.
 */
export function compilerShape(line: LineBytes): Shape {
  let i = line.start
  // A drive letter; without it such a path would be one letter, too short for `.ext`.
  if (isLetter(byteAt(line, i)) && byteAt(line, i + 1) === 0x3a) i += 2
  let j = i
  while (isPathByte(byteAt(line, j))) j++
  const stop = byteAt(line, j)
  if (stop === UNKNOWN) return undefined
  if (stop !== 0x3a && stop !== 0x28) return false
  // The path ends in `.` and an extension of 1 to 10 letters and digits, the first a letter.
  let k = j
  while (k > i && isWord(line.buf[k - 1] as number) && line.buf[k - 1] !== 0x5f) k--
  if (j - k < 1 || j - k > 10 || k - 1 < i || line.buf[k - 1] !== 0x2e) return false
  if (!isLetter(line.buf[k] as number)) return false
  return stop === 0x28 ? parenthesised(line, j + 1) : colonised(line, j + 1)
}

// `:line[:col]` and `(?![\d/])`; without the column when the rest does not match. (A column
// followed by `/` is left to the message instead, which reads the same level: none.)
function colonised(line: LineBytes, from: number): Shape {
  const lineEnd = digitsFrom(line, from)
  const after = byteAt(line, lineEnd)
  if (lineEnd === from || after === UNKNOWN) return after === UNKNOWN ? undefined : false
  if (after === 0x3a) {
    const first = byteAt(line, lineEnd + 1)
    if (first === UNKNOWN) return undefined
    if (isDigit(first)) {
      const shape = rest(line, digitsFrom(line, lineEnd + 1))
      if (shape !== false) return shape
    }
  }
  return after === 0x2f ? false : rest(line, lineEnd)
}

// `(line[,col])`: with the column or not, the `)` must follow.
function parenthesised(line: LineBytes, from: number): Shape {
  let at = digitsFrom(line, from)
  if (at === from) return byteAt(line, at) === UNKNOWN ? undefined : false
  if (byteAt(line, at) === 0x2c) {
    const colEnd = digitsFrom(line, at + 1)
    if (byteAt(line, at + 1) === UNKNOWN) return undefined
    if (colEnd > at + 1) at = colEnd
  }
  const close = byteAt(line, at)
  if (close === UNKNOWN) return undefined
  return close === 0x29 ? rest(line, at + 1) : false
}

// `:?\s*(?:-\s+)?(?:(level)\b:?\s*)?(\S.*)$`, each optional part taken first.
function rest(line: LineBytes, from: number): Shape {
  const first = byteAt(line, from)
  if (first === UNKNOWN) return undefined
  if (first === 0x3a) {
    const shape = afterBlanks(line, skipBlanks(line, from + 1))
    if (shape !== false) return shape
  }
  return afterBlanks(line, skipBlanks(line, from))
}

function afterBlanks(line: LineBytes, at: number): Shape {
  const first = byteAt(line, at)
  if (first === UNKNOWN) return undefined
  if (first === 0x2d) {
    const blank = byteAt(line, at + 1)
    if (blank === UNKNOWN) return undefined
    if (isBlank(blank)) {
      const shape = level(line, skipBlanks(line, at + 1))
      if (shape !== false) return shape
    }
  }
  return level(line, at)
}

function level(line: LineBytes, at: number): Shape {
  let w = at
  while (isWord(byteAt(line, w))) w++
  const after = byteAt(line, w)
  if (after === UNKNOWN) return undefined
  const word = levelWord(line.buf, at, w)
  if (word) {
    if (after === 0x3a) {
      const shape = message(line, skipBlanks(line, w + 1))
      if (shape !== false) return shape && word
    }
    const shape = message(line, skipBlanks(line, w))
    if (shape !== false) return shape && word
  }
  return message(line, at) && 'none'
}

// `(\S.*)$`: a character that is not blank, and no line separator after it.
function message(line: LineBytes, at: number): true | false | undefined {
  const first = byteAt(line, at)
  if (first === UNKNOWN || (first !== END && line.separator)) return undefined
  return first !== END && !isBlank(first)
}

// The level word the regex's alternatives take: the whole word, since `\b` follows it.
function levelWord(buf: Buffer, start: number, end: number): 'error' | 'other' | undefined {
  for (const [word, kind] of LEVEL_WORDS) {
    if (word.length !== end - start) continue
    let i = 0
    while (i < word.length && buf[start + i] === word.charCodeAt(i)) i++
    if (i === word.length) return kind
  }
  return undefined
}
