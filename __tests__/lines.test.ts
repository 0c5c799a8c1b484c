import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { cleanLine, LineSplitter, MAX_LINE } from '../src/parse/lines.js'

const encoder = new TextEncoder()
const bytes = (text: string): Uint8Array => encoder.encode(text)

/** Feeds the chunks to a fresh splitter and returns every line it produced. */
function split(...chunks: Uint8Array[]): string[] {
  const lines: string[] = []
  const splitter = new LineSplitter(line => lines.push(line))
  for (const chunk of chunks) splitter.push(chunk)
  splitter.end()
  return lines
}

/** Cuts one buffer at the given offsets (any order, duplicates allowed: empty chunks). */
function chunked(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...cuts.map(cut => cut % (data.length + 1)), data.length].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let start = 0
  for (const point of points) {
    chunks.push(data.subarray(start, point))
    start = point
  }
  return chunks
}

describe('LineSplitter line endings', () => {
  it.each([
    ['LF', 'fixture-coverage\nlegacy-alias-parity\n'],
    ['CRLF', 'fixture-coverage\r\nlegacy-alias-parity\r\n'],
    ['CR', 'fixture-coverage\rlegacy-alias-parity\r'],
    ['mixed', 'fixture-coverage\r\nlegacy-alias-parity\n'],
    ['no final newline', 'fixture-coverage\nlegacy-alias-parity']
  ])('%s ends a line', (_name, text) => {
    expect(split(bytes(text))).toEqual(['fixture-coverage', 'legacy-alias-parity'])
  })

  it('keeps empty lines between line breaks, one per break', () => {
    expect(split(bytes('a\n\nb\r\n\r\nc\r\rd'))).toEqual(['a', '', 'b', '', 'c', '', 'd'])
  })

  it('reads a CRLF split across two chunks as one line break', () => {
    expect(
      split(bytes('[fixture-coverage] OK: 4 packs\r'), bytes('\n[docs-links] OK: 12 files\r\n'))
    ).toEqual(['[fixture-coverage] OK: 4 packs', '[docs-links] OK: 12 files'])
  })

  it('reads a CR at the end of a chunk followed by an empty chunk and then LF as one line break', () => {
    expect(split(bytes('first\r'), new Uint8Array(0), bytes('\nsecond'))).toEqual([
      'first',
      'second'
    ])
  })

  it('ends a line with a CR that is the last byte of the stream', () => {
    expect(split(bytes('progress 100%\r'))).toEqual(['progress 100%'])
  })

  it('produces nothing for an empty stream', () => {
    expect(split()).toEqual([])
    expect(split(new Uint8Array(0))).toEqual([])
  })
})

describe('LineSplitter cleaning', () => {
  it('removes ANSI colour codes', () => {
    const red = '\u001b[31m\u001b[1m[fixture-coverage] ERROR:\u001b[0m missing required file'
    expect(split(bytes(red))).toEqual(['[fixture-coverage] ERROR: missing required file'])
  })

  it('removes OSC 8 hyperlinks and keeps their text', () => {
    const link =
      'see \u001b]8;;https://example.test/docs\u001b\\docs/playbooks/x.md\u001b]8;;\u001b\\ for details'
    const bell = 'title \u001b]0;window title\u0007done'
    expect(split(bytes(`${link}\n${bell}`))).toEqual([
      'see docs/playbooks/x.md for details',
      'title done'
    ])
  })

  it('removes NUL and other control bytes but keeps tabs', () => {
    expect(split(bytes('[feature-catalog]\u0000 ERROR:\u0007\u0008 bad\tid\u007f\u0085'))).toEqual([
      '[feature-catalog] ERROR: bad\tid'
    ])
  })

  it('turns invalid UTF-8 into U+FFFD without throwing', () => {
    const invalid = Uint8Array.from([0x61, 0xff, 0x62, 0xc3, 0x0a, 0xe2, 0x82, 0x63])
    expect(split(invalid)).toEqual(['a\ufffdb\ufffd', '\ufffdc'])
  })

  it('keeps a multi-byte character split across chunks whole', () => {
    const euro = bytes('price: €5 ✓\n')
    expect(split(euro.subarray(0, 9), euro.subarray(9, 10), euro.subarray(10))).toEqual([
      'price: €5 ✓'
    ])
  })

  it('cleanLine leaves ordinary text alone', () => {
    const text =
      "[legacy-alias-parity] ERROR: rows[1].response.providerAdapterId expected 'aws-billing', got 'gcp-billing' — ✓"
    expect(cleanLine(text)).toBe(text)
  })
})

describe('LineSplitter long lines', () => {
  it('cuts a line longer than MAX_LINE to MAX_LINE and still reads the next line', () => {
    const long = 'x'.repeat(MAX_LINE * 3 + 17)
    const lines = split(bytes(`${long}\n[fixture-coverage] OK: after the long line\n`))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toBe('x'.repeat(MAX_LINE))
    expect(lines[1]).toBe('[fixture-coverage] OK: after the long line')
  })

  it('cuts a long line the same way when it arrives in many small chunks', () => {
    const long = bytes(`${'y'.repeat(MAX_LINE + 5000)}\r\nnext`)
    const chunks = Array.from({ length: Math.ceil(long.length / 1000) }, (_, i) =>
      long.subarray(i * 1000, (i + 1) * 1000)
    )
    expect(split(...chunks)).toEqual(['y'.repeat(MAX_LINE), 'next'])
  })

  it('keeps a line of exactly MAX_LINE characters whole', () => {
    expect(split(bytes(`${'z'.repeat(MAX_LINE)}\nnext`))).toEqual(['z'.repeat(MAX_LINE), 'next'])
  })
})

describe('LineSplitter properties', () => {
  it('never throws on arbitrary bytes, and every line is free of line breaks and controls', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (data, cuts) => {
          for (const line of split(...chunked(data, cuts))) {
            // eslint-disable-next-line no-control-regex -- line breaks, NUL and ESC must be gone
            expect(line).not.toMatch(/[\r\n\u0000\u001b]/)
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  // Text biased to what matters: line breaks of each kind, escapes and multi-byte characters.
  const piece = fc.constantFrom(
    '\r',
    '\n',
    '\r\n',
    '\u001b[31m',
    '\u001b]8;;u\u001b\\',
    'é',
    '€',
    '𝄞',
    '\u0000',
    'ok',
    ' ',
    '[tag] ERROR: x'
  )
  const logText = fc
    .array(fc.oneof(piece, fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 40 })
    .map(parts => parts.join(''))

  it('produces the same lines however the byte stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.oneof(logText.map(bytes), fc.uint8Array({ maxLength: 300 })),
        fc.array(fc.nat(), { maxLength: 12 }),
        (data, cuts) => {
          expect(split(...chunked(data, cuts))).toEqual(split(data))
        }
      ),
      { numRuns: 500 }
    )
  })

  it('produces the same lines when every byte is its own chunk', () => {
    fc.assert(
      fc.property(logText, text => {
        const data = bytes(text)
        const oneByOne = Array.from(data, byte => Uint8Array.of(byte))
        expect(split(...oneByOne)).toEqual(split(data))
      }),
      { numRuns: 200 }
    )
  })
})
