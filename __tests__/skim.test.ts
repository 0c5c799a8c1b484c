import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { ajvParser } from '../src/parse/ajv.js'
import { compilerParser } from '../src/parse/compiler.js'
import { fieldParser } from '../src/parse/field.js'
import { inspectorParser } from '../src/parse/inspector.js'
import { decodeLine, plainChunk, scanLineBytes } from '../src/parse/lines.js'
import { pactParser } from '../src/parse/pact.js'
import type { LineBytes, LineParser, RawFinding } from '../src/parse/types.js'
import { workflowCommandParser } from '../src/parse/workflow.js'

// A huge log is read from its bytes where they settle a line (issue 15: ≥ 200 MB/s): a parser's
// skim must say what its line() says of the decoded, cleaned text, or say it cannot tell.

type Factory = (emit: (raw: RawFinding) => void, full: boolean) => LineParser
const PARSERS: Record<string, Factory> = {
  field: emit => fieldParser(emit, () => {}),
  'workflow commands': emit => workflowCommandParser(emit),
  'GraphQL Inspector': (emit, full) =>
    inspectorParser(
      'graphql-inspector diff git:origin/main:schema.graphql schema.graphql',
      emit,
      () => {},
      () => full
    ),
  ajv: (emit, full) =>
    ajvParser(
      "ajv validate -s schema/pet.schema.json -d 'fixtures/*.json'",
      emit,
      () => {},
      () => full
    ),
  pact: emit => pactParser('pact_verifier_cli --file pacts/pet-web-pet-api.json', emit),
  compiler: (emit, full) => compilerParser(emit, () => full)
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

/**
 * The line's bytes inside a larger buffer, so that a read past either end shows; `lazy` reads
 * them as the line rules read a plain chunk's lines (when the buffer is one), as far as asked.
 */
function lineBytes(
  line: Uint8Array,
  before: Uint8Array,
  after: Uint8Array,
  lazy = false
): LineBytes {
  const buf = Buffer.concat([before, line, after])
  const bytes = {} as LineBytes
  scanLineBytes(bytes, buf, before.length, before.length + line.length, lazy && plainChunk(buf))
  return bytes
}

/** What skim says, and what line() says of the decoded text, with what each reported. */
function both(name: string, bytes: LineBytes, full: boolean) {
  const skimmed: RawFinding[] = []
  const read: RawFinding[] = []
  const factory = PARSERS[name] as Factory
  const skim = factory(raw => skimmed.push(raw), full).skim?.(bytes)
  const parser = factory(raw => read.push(raw), full)
  const line = parser.line(decodeLine(bytes.buf, bytes.start, bytes.end))
  return { skim, skimmed, line, read, greedy: parser.greedy?.() ?? false }
}

// Pieces of the lines the parsers read, and of what makes bytes differ from their text:
// escape sequences, controls, spaces that are not ASCII, U+2028, bytes that are not UTF-8.
const PIECES = [
  'proto/acme/v1/pet.proto',
  'api/openapi.yaml',
  'C:',
  'src\\pet.ts',
  'a.b',
  '.c',
  '.proto',
  ':',
  '::',
  '12',
  '3',
  '(',
  ')',
  ',',
  '/',
  '-',
  ' ',
  '  ',
  '\t',
  'error',
  'fatal',
  'warning',
  'warn',
  'info',
  'information',
  'note',
  'hint',
  'errors',
  '_',
  'Field "2" changed type.',
  '[log]',
  '[success]',
  '[fixture-coverage]',
  '[',
  ']',
  ' ERROR:',
  ' OK:',
  'ERROR',
  '\u2716',
  '\u2714',
  '\u2716  Field Query.pets changed type from [Pet!]! to [Pet]',
  'No changes detected',
  'fixtures/pet.json',
  ' valid',
  ' invalid',
  'valid',
  'Verifying a pact between',
  ' pet-web and pet-api',
  '[Using File ',
  'Failures:',
  'Traceback (most recent call last):',
  'T',
  'V',
  'F',
  'N',
  'x',
  '\u001b[31m',
  '\u001b[0m',
  '\u001b]8;;http://x\u0007',
  '\u001b]0;t',
  '\u001b',
  '\u0007',
  '\u000b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u3000',
  '\ufeff',
  'é',
  '\u2003'
].map(utf8)
const NOT_UTF8 = [[0xff], [0xe2], [0xe2, 0x80], [0xc2], [0x80], [0xe2, 0x9c]].map(
  bytes => new Uint8Array(bytes)
)
const piece = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.constantFrom(...NOT_UTF8) }
)
// Lines shaped like each tool's, slot by slot, then an odd piece put anywhere in some of them.
const shape = (...slots: string[][]) =>
  fc.tuple(...slots.map(choices => fc.constantFrom(...choices))).map(parts => parts.join(''))
const SHAPES: fc.Arbitrary<Uint8Array>[] = [
  shape(
    ['', '', '', 'C:', '1:'],
    [
      'proto/acme/v1/pet.proto',
      'a.c',
      'src\\pet.ts',
      'x.x0123456789',
      'services/billing/src/main/proto/acme/billing/v1/billing_service.proto',
      'x.x01234567890',
      'a._a',
      'a.0',
      'a',
      'a b.c'
    ],
    [':12', ':12:3', '(3)', '(3,7)', '(3,\u00077)', ':3:4/', ':1/', ':', '(3,)', '(3', ':12:'],
    ['', ':', ' ', ': ', ' - ', '-', ':  ', '- '],
    [
      '',
      'error',
      'fatal',
      'warning',
      'warn',
      'info',
      'information',
      'note',
      'hint',
      'errors',
      'Error'
    ],
    ['', ':', ' ', ': ', ' ', ' '],
    ['', 'x', 'Field "2" changed type.', 'Field "2" changed type.', ' ']
  ),
  shape(
    ['', '[log]', '[success]', '[]', '[l-g]', '[log', 'log]'],
    ['', ' ', '  ', '\t', '\u00a0', '\u3000'],
    ['\u2716', '\u2714', 'No changes detected', 'N', ''],
    ['', ' ', '  ', '\u00a0', '\u2003'],
    ['', 'Field Query.pets changed type', ' ', 'x']
  ),
  shape(
    ['', ' ', '\t', '\u00a0'],
    ['[', '', '[['],
    ['fixture-coverage', '', ' x', ']', 'x'.repeat(99), 'x'.repeat(100), 'x'.repeat(101)],
    [']', ''],
    [' ERROR:', ' OK:', ' ERROR', 'ERROR:', '  OK:', ' OK', ''],
    ['', ' x', ' ', 'x:']
  ),
  shape(
    ['fixtures/pet.json', 'pet', 'a b.json', ''],
    [' valid', ' invalid', 'valid', ' valid ', ' vali', '']
  ),
  shape(
    ['', ' ', '\t', '\u00a0'],
    [
      'Verifying a pact between',
      '[Using File ',
      'Failures:',
      'Failures',
      'Verifying',
      '[Using',
      'V',
      'F',
      '['
    ],
    ['', ' pet-web and pet-api', 'pacts/x.json]', ' ']
  ),
  shape(['', ' ', '\u00a0'], ['::error', '::', ':', '::warning'], ['', ' file=a.ts::x', '::x'])
].map(shaped =>
  fc
    .tuple(
      shaped.map(utf8),
      fc.oneof(
        { weight: 2, arbitrary: fc.constant([]) },
        fc.array(fc.tuple(fc.nat(), piece), { minLength: 1, maxLength: 2 })
      )
    )
    .map(([bytes, odd]) =>
      odd.reduce((line, [at, insert]) => {
        const cut = at % (line.length + 1)
        return new Uint8Array([...line.subarray(0, cut), ...insert, ...line.subarray(cut)])
      }, bytes)
    )
)
const line = fc.oneof(
  ...SHAPES,
  fc
    .array(piece, { maxLength: 10 })
    .map(pieces => new Uint8Array(pieces.flatMap(bytes => [...bytes])))
)
// Each parser's own shape most of the time.
const OWN = ['compiler', 'GraphQL Inspector', 'field', 'ajv', 'pact', 'workflow commands']
const lineFor = (name: string) =>
  fc.oneof({ weight: 12, arbitrary: SHAPES[OWN.indexOf(name)] as fc.Arbitrary<Uint8Array> }, line)
// Whatever surrounds the line in its chunk, line breaks included.
const around = fc.uint8Array({ maxLength: 4 })

describe('a line read from its bytes reads as its text', () => {
  it.each(Object.keys(PARSERS))('%s', name => {
    fc.assert(
      fc.property(
        lineFor(name),
        around,
        around,
        fc.boolean(),
        fc.boolean(),
        (bytes, before, after, full, lazy) => {
          const {
            skim,
            skimmed,
            line: claimed,
            read,
            greedy
          } = both(name, lineBytes(bytes, before, after, lazy), full)
          if (skim === undefined) return
          expect(claimed).toBe(skim)
          expect(skimmed).toEqual(read)
          // A line skimmed changes no parser's state: the next line is read as it would have been.
          expect(greedy).toBe(false)
        }
      ),
      { numRuns: 4000 }
    )
  })
})

// The lines of the bench's huge logs: each settled from its bytes, so none is decoded.
describe('the lines of a huge log are settled from their bytes', () => {
  const settled = (text: string, full: boolean) =>
    [false, true].map(lazy => {
      const bytes = () => lineBytes(utf8(text), new Uint8Array(), utf8('\n'), lazy)
      return Object.keys(PARSERS).map(name => both(name, bytes(), full).skim)
    })
  it.each([
    [
      'a buf finding past the cap',
      'proto/acme/v3/pet.proto:12:3:Field "2" with name "name" on message "Pet" changed type.',
      [false, false, false, false, false, true]
    ],
    [
      'a tsc error past the cap',
      "src/pet.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      [false, false, false, false, false, true]
    ],
    [
      'a Spectral warning (never a finding)',
      'api/openapi.yaml:4:9 warning operation-tags Operation must have "tags".',
      [false, false, false, false, false, true]
    ],
    [
      'a breaking GraphQL change past the cap',
      '[log] \u2716  Field Query.pets changed type from [Pet!]! to [Pet]',
      [false, false, true]
    ],
    [
      'a safe GraphQL change',
      '[log] \u2714  Field Query.added was added to object type Query',
      [false, false, false, false, false, false]
    ],
    [
      'a timestamped progress line',
      '2025-11-27T09:12:30Z building image 3 of the module set',
      [false, false, false, false, false, false]
    ]
  ])('%s', (_name, text, expected) => {
    for (const skims of settled(text, true))
      expect(skims.slice(0, expected.length)).toEqual(expected)
  })

  it('a finding still to keep is built from the text', () => {
    for (const skims of settled('proto/acme/v1/pet.proto:12:3:Field "2" changed type.', false))
      expect(skims.at(-1)).toBeUndefined()
  })
})

describe('a plain chunk: no escape byte, no U+2028 or U+2029', () => {
  it.each([
    ['\u2028 at the start', '\u2028x', false],
    ['U+2029 at the end', 'x\u2029', false],
    ['U+2028 among ✖, — and ’', '\u2716 a \u2014 b \u2019 \u2028 c', false],
    ['an escape sequence', 'x\u001b[31my', false],
    ['✖, ✔, —, ’ and é', '[log] \u2716 \u2714 \u2014 \u2019 \u00e9 \u00a8', true],
    ['ASCII', 'proto/acme/v1/pet.proto:1:2:x', true]
  ])('%s', (_name, text, plain) => {
    expect(plainChunk(Buffer.from(text))).toBe(plain)
  })

  it('the last bytes of a separator without its first are not one', () => {
    expect(plainChunk(Buffer.from([0x78, 0x80, 0xa8, 0xc3, 0xa9]))).toBe(true)
  })
})
