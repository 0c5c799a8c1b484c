import type { OutputFormat } from './types.js'

/** Bytes held back at most while the format is decided. */
export const SNIFF_LIMIT = 1024 * 1024
const DOCUMENT_PROBE = 4096
const XML_START = ['<?xml', '<testsuite', '<!--', '<!DOCTYPE']
// After text lines, only what can start nothing but a document: not a comment in a log.
const XML_START_AFTER_TEXT = ['<?xml', '<testsuite']
// `{ "findings": [` possibly after other keys whose values are scalars, flat objects or arrays of
// scalars: a findings document, SARIF (`runs`), check-jsonschema's (`errors`) or Redocly's
// (`problems`) report, however it is laid out.
const STRING = '"(?:[^"\\\\]|\\\\.)*"'
const SCALAR = `(?:${STRING}|-?[\\d.eE+-]+|true|false|null)`
const FLAT = `(?:${SCALAR}|\\{\\s*(?:${STRING}\\s*:\\s*${SCALAR}\\s*,?\\s*)*\\}|\\[\\s*(?:${SCALAR}\\s*,?\\s*)*\\])`
let documentHead: RegExp | undefined
// Built when an output first opens with `{`: a green run's start-up never pays for it.
const DOCUMENT_HEAD = (): RegExp =>
  (documentHead ??= new RegExp(
    `^\\{\\s*(?:${STRING}\\s*:\\s*${FLAT}\\s*,\\s*)*"(?:findings|runs|errors|problems)"\\s*:\\s*\\[`
  ))

type Mode = Exclude<OutputFormat, 'auto'>

/** Where an output's document starts, and its format; `lines` at 0 when it is text throughout. */
export interface Sniffed {
  format: Mode
  /** Offset of the line the document starts on; the text before it goes to the line rules. */
  at: number
}

const isBlank = (byte: number): boolean => byte === 0x20 || (byte >= 9 && byte <= 13)

const isFindingObject = (value: unknown, documentsOnly: boolean): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  (Array.isArray((value as { findings?: unknown }).findings) ||
    (!documentsOnly && typeof (value as { message?: unknown }).message === 'string'))

/**
 * The format an output is in, from its first bytes: JUnit XML, our JSON findings (a findings
 * document, or JSON Lines whose first line is a finding), else text lines. `undefined` while
 * more bytes could change the answer; `bytes` beyond SNIFF_LIMIT must not be passed.
 */
export function sniffFormat(bytes: Uint8Array, final: boolean): Mode | undefined {
  const found = sniffDocument(bytes, final)
  return 'format' in found ? found.format : undefined
}

/**
 * Where the structured document of an output starts (SPEC §2: wherever it starts), and its
 * format. Text lines before it (a tool's banner, `> npm test`) do not hide it. Returns the
 * offset to resume from while more bytes could change the answer: each line is judged once,
 * by its content only, so the answer never depends on how the output was chunked.
 */
export function sniffDocument(
  bytes: Uint8Array,
  final: boolean,
  from = 0
): Sniffed | { from: number } {
  const complete = final || bytes.length >= SNIFF_LIMIT
  let line = from
  for (;;) {
    let at = line === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : line
    while (at < bytes.length && isBlank(bytes[at] as number)) at++
    if (at >= bytes.length) return complete ? { format: 'lines', at: 0 } : { from: line }
    const format = documentAt(bytes, at, complete, line === 0)
    if (format === 'wait') return { from: line }
    if (format !== 'text') return { format, at: line }
    const newline = bytes.indexOf(10, at)
    if (newline < 0) return complete ? { format: 'lines', at: 0 } : { from: line }
    line = newline + 1
  }
}

/**
 * Whether a text output starts as a JSON document (`{"`, `{}`, `[{`, `[]`) that its first line
 * does not complete: then it must parse as JSON, or it is cut off. A first line that parses on
 * its own is a JSON log line, and the text goes on as text.
 */
export function startsAsJson(bytes: Uint8Array): boolean {
  if (!opensLikeJson(bytes)) return false
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const newline = text.indexOf(10)
  try {
    JSON.parse(text.toString('utf8', 0, newline < 0 ? text.length : newline).replace(/^\uFEFF/, ''))
    return false
  } catch {
    return true
  }
}

function opensLikeJson(bytes: Uint8Array): boolean {
  let at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  while (at < bytes.length && isBlank(bytes[at] as number)) at++
  const open = bytes[at]
  if (open !== 0x7b && open !== 0x5b) return false
  at++
  while (at < bytes.length && isBlank(bytes[at] as number)) at++
  const next = bytes[at]
  return open === 0x7b ? next === 0x22 || next === 0x7d : next === 0x7b || next === 0x5d
}

/** The format of a document starting at `at`, `text` when none does, `wait` for more bytes. */
function documentAt(
  bytes: Uint8Array,
  at: number,
  complete: boolean,
  first: boolean
): Mode | 'text' | 'wait' {
  const byte = bytes[at]
  if (byte === 0x3c) {
    const starts = first ? XML_START : XML_START_AFTER_TEXT
    const head = Buffer.from(
      bytes.buffer,
      bytes.byteOffset + at,
      Math.min(16, bytes.length - at)
    ).toString('latin1')
    if (starts.some(start => head.startsWith(start))) return 'junit'
    if (!complete && starts.some(start => start.startsWith(head))) return 'wait'
    return 'text'
  }
  if (byte === 0x5b) return first ? arrayAt(bytes, at, complete) : 'text'
  if (byte !== 0x7b) return 'text'
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const newline = text.indexOf(10, at)
  if (newline < 0 && !complete) return 'wait'
  if (newline >= 0) {
    try {
      // After text lines, a JSON log line with a `message` is a log line, not a finding.
      if (isFindingObject(JSON.parse(text.toString('utf8', at, newline)), !first)) return 'json'
      return 'text'
    } catch {
      // Not one object per line: perhaps a pretty-printed findings document.
    }
  }
  if (!complete && bytes.length < DOCUMENT_PROBE + at) return 'wait'
  return DOCUMENT_HEAD().test(
    text.toString('utf8', at, Math.min(bytes.length, at + DOCUMENT_PROBE))
  )
    ? 'json'
    : 'text'
}

/** An array of objects opening the output (Spectral's `-f json`) is a document. */
function arrayAt(bytes: Uint8Array, at: number, complete: boolean): Mode | 'text' | 'wait' {
  let next = at + 1
  while (next < bytes.length && isBlank(bytes[next] as number)) next++
  if (next >= bytes.length) return complete ? 'text' : 'wait'
  return bytes[next] === 0x7b ? 'json' : 'text'
}
