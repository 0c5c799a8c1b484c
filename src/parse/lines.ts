import type { LineBytes } from './types.js'

/** The longest line kept; the rest of a longer line is dropped, so one 50 MB line costs 64 KiB. */
export const MAX_LINE = 64 * 1024
// Enough bytes for MAX_LINE UTF-16 units whatever the encoding (at most 3 bytes per unit).
export const MAX_LINE_BYTES = MAX_LINE * 3 + 3

// CSI and OSC escape sequences (colours, hyperlinks, titles), then C0 controls other than tab.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u0080-\u009f]/g
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

/** Removes terminal escapes and control characters a log may carry. */
export function cleanLine(text: string): string {
  if (!ANY_CONTROL.test(text)) return text
  return text.replace(ANSI, '').replace(CONTROL, '')
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
}

/**
 * One line's bytes as cleaned text. Invalid UTF-8 becomes U+FFFD; a line break never sits
 * inside a UTF-8 sequence, so decoding line by line reads the same as decoding the stream.
 */
export function decodeLine(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const text = asBuffer(bytes).toString('utf8', start, Math.min(end, start + MAX_LINE_BYTES))
  return cleanLine(text.length > MAX_LINE ? text.slice(0, MAX_LINE) : text)
}

/**
 * Receives the raw bytes of one line (at most MAX_LINE_BYTES of it). `owned` is true when the
 * bytes are a private copy; otherwise they are a view of the caller's chunk.
 */
export type ByteLineHandler = (bytes: Buffer, start: number, end: number, owned: boolean) => void

/**
 * Reads the whole lines of a chunk from `start` (a line's start) at once, when it can: returns
 * where it stopped, just past a line feed, or `start` to leave the next line to the handler.
 */
export type ByteLinesSkimmer = (bytes: Buffer, start: number, size: number) => number

/**
 * Cuts a byte stream into lines without decoding it: CR, LF and CRLF all end a line, a leading
 * UTF-8 byte-order mark is dropped, and the lines do not depend on how the stream was chunked.
 * Scanning bytes lets callers decode only the lines that can matter.
 */
export class ByteLines {
  private carry: Buffer | undefined
  private carryLength = 0
  private pendingCR = false
  private started = false
  private bom = 0
  /** Whether to offer the next line to `skim`: set by the owner, so text pays no call a line. */
  skimming = false

  constructor(
    private readonly onLine: ByteLineHandler,
    private readonly skim?: ByteLinesSkimmer
  ) {}

  push(chunk: Uint8Array): void {
    const bytes = asBuffer(chunk)
    const size = bytes.length
    let pos = 0
    if (size === 0) return
    if (!this.started) pos = this.skipBom(bytes)
    if (pos >= size) return
    if (this.pendingCR) {
      this.pendingCR = false
      if (bytes[pos] === 10) pos++
    }
    let lf = bytes.indexOf(10, pos)
    let cr = bytes.indexOf(13, pos)
    const skim = this.skim
    while (pos < size) {
      if (this.skimming && skim && !this.carry) {
        pos = skim(bytes, pos, size)
        if (pos === size) return
      }
      if (lf !== -1 && lf < pos) lf = bytes.indexOf(10, pos)
      if (cr !== -1 && cr < pos) cr = bytes.indexOf(13, pos)
      const brk = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)
      if (brk === -1) {
        this.hold(bytes, pos, size)
        return
      }
      this.deliver(bytes, pos, brk)
      if (bytes[brk] === 13) {
        if (brk + 1 === size) {
          this.pendingCR = true
          return
        }
        pos = bytes[brk + 1] === 10 ? brk + 2 : brk + 1
      } else pos = brk + 1
    }
  }

  end(): void {
    if (this.carry) this.release()
    // A BOM prefix that never completed is ordinary (invalid) text.
    if (!this.started && this.bom > 0) {
      this.started = true
      this.onLine(Buffer.from([0xef, 0xbb, 0xbf].slice(0, this.bom)), 0, this.bom, true)
    }
  }

  private skipBom(bytes: Buffer): number {
    const BOM = [0xef, 0xbb, 0xbf]
    let i = 0
    while (this.bom < 3 && i < bytes.length && bytes[i] === BOM[this.bom]) {
      this.bom++
      i++
    }
    if (this.bom === 3) {
      this.started = true
      return i
    }
    if (i < bytes.length) {
      // Not a BOM after all: what looked like its start is the line's first bytes.
      this.started = true
      if (this.bom > 0) this.hold(Buffer.from(BOM.slice(0, this.bom)), 0, this.bom)
      return i
    }
    return i
  }

  private hold(bytes: Buffer, start: number, end: number): void {
    const room = MAX_LINE_BYTES - this.carryLength
    const take = Math.min(room, end - start)
    if (!this.carry) {
      this.carry = Buffer.allocUnsafe(Math.max(Math.min(MAX_LINE_BYTES, (end - start) * 2), 256))
      this.carryLength = 0
    }
    if (take <= 0) return
    if (this.carry.length < this.carryLength + take) {
      const grown = Buffer.allocUnsafe(
        Math.min(MAX_LINE_BYTES, Math.max(this.carry.length * 2, this.carryLength + take))
      )
      this.carry.copy(grown, 0, 0, this.carryLength)
      this.carry = grown
    }
    bytes.copy(this.carry, this.carryLength, start, start + take)
    this.carryLength += take
  }

  private deliver(bytes: Buffer, start: number, end: number): void {
    if (this.carry) {
      this.hold(bytes, start, end)
      this.release()
    } else this.onLine(bytes, start, Math.min(end, start + MAX_LINE_BYTES), false)
  }

  private release(): void {
    const carry = this.carry as Buffer
    const length = this.carryLength
    this.carry = undefined
    this.carryLength = 0
    this.onLine(carry, 0, length, true)
  }
}

/** Turns a byte stream into cleaned lines (see ByteLines and decodeLine). */
export class LineSplitter {
  private readonly lines: ByteLines

  constructor(onLine: (line: string) => void) {
    this.lines = new ByteLines((bytes, start, end) => onLine(decodeLine(bytes, start, end)))
  }

  push(chunk: Uint8Array): void {
    this.lines.push(chunk)
  }

  end(): void {
    this.lines.end()
  }
}

/** Whether a chunk holds no escape byte and no U+2028 or U+2029: then none of its lines does. */
export function plainChunk(buf: Buffer): boolean {
  if (buf.indexOf(0x1b) !== -1) return false
  // E2 80 A8 and E2 80 A9, found by their last byte: E2 starts ✖, ✔, — and ’ too, so a search
  // for the whole sequence stopped at each of those.
  for (const last of [0xa8, 0xa9])
    for (let at = buf.indexOf(last, 2); at !== -1; at = buf.indexOf(last, at + 1))
      if (buf[at - 1] === 0x80 && buf[at - 2] === 0xe2) return false
  return true
}

// The bytes of a plain chunk's line looked at before a parser asks for more: most decisions
// are taken near a line's start, and scanning the rest was most of a long line's cost.
const PLAIN_STEP = 32

/**
 * Fills `line` with one line's bytes and what one pass over them finds (see LineBytes); a line
 * from a plainChunk() is looked at only as far as PLAIN_STEP, then as far as plainTo() asks.
 */
export function scanLineBytes(
  line: LineBytes,
  buf: Buffer,
  start: number,
  end: number,
  inPlainChunk = false
): void {
  line.buf = buf
  line.start = start
  line.end = end
  line.escape = false
  line.separator = false
  const stop = inPlainChunk ? Math.min(end, start + PLAIN_STEP) : end
  let i = plainRun(buf, start, stop)
  line.plain = i
  line.scanned = stop
  if (inPlainChunk) return
  for (; i < end; i++) {
    const byte = buf[i] as number
    if (byte === 0x1b) line.escape = true
    else if (
      byte === 0xe2 &&
      i + 2 < end &&
      buf[i + 1] === 0x80 &&
      ((buf[i + 2] as number) | 1) === 0xa9
    )
      line.separator = true
  }
}

function plainRun(buf: Buffer, from: number, stop: number): number {
  let i = from
  while (i < stop) {
    const byte = buf[i] as number
    if (byte < 0x20 ? byte !== 0x09 : byte > 0x7e) break
    i++
  }
  return i
}

/**
 * Whether the byte at `at` is in the line's plain prefix, scanning further when it was not
 * looked at yet. False leaves `plain` final: at the line's end or at a byte that is not plain.
 */
export function plainTo(line: LineBytes, at: number): boolean {
  if (at < line.plain) return true
  if (line.plain < line.scanned || line.scanned === line.end) return false
  const stop = Math.min(line.end, Math.max(at + 1, line.scanned + PLAIN_STEP))
  line.plain = plainRun(line.buf, line.scanned, stop)
  line.scanned = stop
  return at < line.plain || plainTo(line, at)
}

/** Whether the whole line is plain: then a position past `plain` is its end. */
export function allPlain(line: LineBytes): boolean {
  return plainTo(line, line.end - 1) || line.plain === line.end
}

/** Whether `text` (ASCII) is at `at` in the line's plain bytes. */
export function plainAt(line: LineBytes, at: number, text: string): boolean {
  if (!plainTo(line, at + text.length - 1)) return false
  for (let i = 0; i < text.length; i++) if (line.buf[at + i] !== text.charCodeAt(i)) return false
  return true
}

/** The first position from `at` that is not a space or a tab. */
export function skipBlanks(line: LineBytes, at: number): number {
  const { buf, end } = line
  while (at < end && (buf[at] === 0x20 || buf[at] === 0x09)) at++
  return at
}

/**
 * Whether the text at `at` starts with `text` (ASCII), as far as the line's bytes tell: false
 * when a plain byte differs or the line ends first, undefined when a byte past `plain` decides.
 */
export function textAt(line: LineBytes, at: number, text: string): boolean | undefined {
  for (let i = 0; i < text.length; i++) {
    if (!plainTo(line, at + i)) {
      if (line.plain === line.end || (at + i === line.plain && isOtherChar(line, at + i)))
        return false
      return undefined
    }
    if (line.buf[at + i] !== text.charCodeAt(i)) return false
  }
  return true
}

/**
 * Whether the bytes at `at` decode to a character that cleaning keeps and that is neither ASCII
 * nor a space: not the C1 controls (removed) and not the spaces `\s` and trim() take
 * (U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF).
 */
export function isOtherChar(line: LineBytes, at: number): boolean {
  const byte = at < line.end ? (line.buf[at] as number) : 0
  if (byte < 0x80) return false
  const next = at + 1 < line.end ? (line.buf[at + 1] as number) : 0
  switch (byte) {
    case 0xc2:
      return next < 0x80 || next > 0xa0
    case 0xe1:
      return next !== 0x9a
    case 0xe2:
      return next !== 0x80 && next !== 0x81
    case 0xe3:
      return next !== 0x80
    case 0xef:
      return next !== 0xbb
    default:
      return true
  }
}

/**
 * The line feeds from `start` to `end`, four bytes at a time: a JSON document past the excerpt's
 * head is only counted in lines, and a byte at a time was most of what that cost.
 */
export function countLineFeeds(buf: Buffer, start: number, end: number): number {
  let i = start
  let count = 0
  while (i < end && (buf.byteOffset + i) % 4 !== 0) if (buf[i++] === 10) count++
  if (end - i < 4) {
    for (; i < end; i++) if (buf[i] === 10) count++
    return count
  }
  const words = new Int32Array(buf.buffer, buf.byteOffset + i, (end - i) >> 2)
  let k = 0
  // A byte of `x ^ 0x0a0a0a0a` is zero where a line feed was; each zero byte sets the high bit
  // of its byte in `zeros` (no carry crosses bytes: the high bits are masked off first), and
  // four words' bits, shifted down, sum per byte to at most 4 before one multiply adds the bytes.
  for (; k + 4 <= words.length; k += 4) {
    const sum =
      zeros((words[k] as number) ^ 0x0a0a0a0a) +
      zeros((words[k + 1] as number) ^ 0x0a0a0a0a) +
      zeros((words[k + 2] as number) ^ 0x0a0a0a0a) +
      zeros((words[k + 3] as number) ^ 0x0a0a0a0a)
    count += Math.imul(sum, 0x01010101) >>> 24
  }
  for (; k < words.length; k++)
    count += Math.imul(zeros((words[k] as number) ^ 0x0a0a0a0a), 0x01010101) >>> 24
  for (i += words.length * 4; i < end; i++) if (buf[i] === 10) count++
  return count
}

/** 1 in each byte of `x` that is zero, else 0. */
const zeros = (x: number): number => (~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) >>> 7) & 0x01010101
