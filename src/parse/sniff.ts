import type { OutputFormat } from './types.js'

/** Bytes held back at most while the format is decided. */
export const SNIFF_LIMIT = 1024 * 1024
const DOCUMENT_PROBE = 4096
const XML_START = ['<?xml', '<testsuite', '<!--', '<!DOCTYPE']
// `{ "findings": [` possibly after other scalar keys: a findings document, however it is laid out.
const DOCUMENT_HEAD =
  /^\{\s*(?:"(?:[^"\\]|\\.)*"\s*:\s*(?:"(?:[^"\\]|\\.)*"|-?[\d.eE+-]+|true|false|null)\s*,\s*)*"findings"\s*:\s*\[/

const isBlank = (byte: number): boolean => byte === 0x20 || (byte >= 9 && byte <= 13)

const isFindingObject = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  (Array.isArray((value as { findings?: unknown }).findings) ||
    typeof (value as { message?: unknown }).message === 'string')

/**
 * The format an output is in, from its first bytes: JUnit XML, our JSON findings (a findings
 * document, or JSON Lines whose first line is a finding), else text lines. `undefined` while
 * more bytes could change the answer; the answer depends on the content only, never on how it
 * was chunked, so `bytes` beyond SNIFF_LIMIT must not be passed.
 */
export function sniffFormat(
  bytes: Uint8Array,
  final: boolean
): Exclude<OutputFormat, 'auto'> | undefined {
  let at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  while (at < bytes.length && isBlank(bytes[at] as number)) at++
  const complete = final || bytes.length >= SNIFF_LIMIT
  if (at >= bytes.length) return complete ? 'lines' : undefined
  const first = bytes[at]
  if (first === 0x3c) {
    const head = Buffer.from(
      bytes.buffer,
      bytes.byteOffset + at,
      Math.min(16, bytes.length - at)
    ).toString('latin1')
    if (XML_START.some(start => head.startsWith(start))) return 'junit'
    if (!complete && XML_START.some(start => start.startsWith(head))) return undefined
    return 'lines'
  }
  if (first !== 0x7b) return 'lines'
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const newline = text.indexOf(10, at)
  if (newline < 0 && !complete) return undefined
  if (newline >= 0) {
    try {
      return isFindingObject(JSON.parse(text.toString('utf8', at, newline))) ? 'json' : 'lines'
    } catch {
      // Not one object per line: perhaps a pretty-printed findings document.
    }
  }
  if (!final && bytes.length < DOCUMENT_PROBE + at) return undefined
  return DOCUMENT_HEAD.test(text.toString('utf8', at, Math.min(bytes.length, at + DOCUMENT_PROBE)))
    ? 'json'
    : 'lines'
}
