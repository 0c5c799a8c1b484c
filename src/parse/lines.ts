/** The longest line kept; the rest of a longer line is dropped, so one 50 MB line costs 64 KiB. */
export const MAX_LINE = 64 * 1024

// CSI and OSC escape sequences (colours, hyperlinks, titles), then C0 controls other than tab.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u0080-\u009f]/g

/** Removes terminal escapes and control characters a log may carry. */
export function cleanLine(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, '')
}

/**
 * Turns a byte stream into cleaned lines. Invalid UTF-8 becomes U+FFFD; CR, LF and CRLF all end a
 * line; the lines produced do not depend on how the stream was chunked.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8')
  private partial = ''
  private overflowing = false
  private pendingCR = false

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Uint8Array): void {
    this.text(this.decoder.decode(chunk, { stream: true }))
  }

  end(): void {
    this.text(this.decoder.decode())
    if (this.partial !== '' || this.overflowing) this.emit()
  }

  private text(text: string): void {
    let start = 0
    if (this.pendingCR && text.length > 0) {
      if (text[0] === '\n') start = 1
      this.pendingCR = false
    }
    const breaks = /\r\n?|\n/g
    breaks.lastIndex = start
    for (let match = breaks.exec(text); match; match = breaks.exec(text)) {
      if (match[0] === '\r' && match.index === text.length - 1) this.pendingCR = true
      this.append(text.slice(start, match.index))
      this.emit()
      start = breaks.lastIndex
    }
    this.append(text.slice(start))
  }

  private append(piece: string): void {
    if (this.overflowing || piece === '') return
    this.partial += piece
    if (this.partial.length > MAX_LINE) {
      this.partial = this.partial.slice(0, MAX_LINE)
      this.overflowing = true
    }
  }

  private emit(): void {
    this.onLine(cleanLine(this.partial))
    this.partial = ''
    this.overflowing = false
  }
}
