import { beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  loadXmlParser,
  OUTPUT_FORMATS,
  OutputCollector,
  parseOutput,
  type OutputFormat,
  type ParseOptions
} from '../src/parse/index.js'
import { problemMatchersSchema } from '../src/parse/schemas.js'
import { sniffDocument, sniffFormat } from '../src/parse/sniff.js'
import type { ValidatorRun } from '../src/types.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'parse')
const fixture = (name: string): Buffer => readFileSync(join(fixtures, name))
const options: ParseOptions = {
  workspace: '/home/runner/work/platform/platform',
  checks: {},
  runtimeTags: [],
  repoFiles: () => ['packages/billing/src/contract/billing.contract.test.ts'],
  problemMatchers: problemMatchersSchema().parse(
    JSON.parse(fixture('problem-matchers.json').toString())
  )
}
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

beforeAll(async () => {
  await loadXmlParser()
})

describe('format sniffing', () => {
  it.each([
    ['vitest-junit.xml', 'junit'],
    ['pytest-junit.xml', 'junit'],
    ['findings.jsonl', 'json'],
    ['findings.json', 'json'],
    ['workflow-commands.log', 'lines'],
    ['docs-links-broken.txt', 'lines'],
    ['problem-matchers.log', 'lines']
  ])('%s is read as %s', (name, format) => {
    expect(parseOutput('v', fixture(name), 1, options).format).toBe(format)
  })

  it('waits for more bytes only while they could change the answer', () => {
    expect(sniffFormat(bytes('  <?x'), false)).toBeUndefined()
    expect(sniffFormat(bytes('<testsuite'), false)).toBe('junit')
    expect(sniffFormat(bytes('<html>'), true)).toBe('lines')
    expect(sniffFormat(bytes('{"message": "a"'), false)).toBeUndefined()
    expect(sniffFormat(bytes('{"message": "a"}\n'), false)).toBe('json')
    expect(sniffFormat(bytes('{"level": "info"}\n'), true)).toBe('lines')
    expect(sniffFormat(bytes('{\n  "version": 1,\n  "findings": ['), true)).toBe('json')
    expect(sniffFormat(bytes('[fixture-coverage] ERROR'), true)).toBe('lines')
    expect(sniffFormat(bytes(''), true)).toBe('lines')
    // Text so far: a document may still start on a later line (SPEC §2).
    expect(sniffFormat(bytes('<html>\n'), false)).toBeUndefined()
    expect(sniffFormat(bytes('[fixture-coverage] ERROR\n'), false)).toBeUndefined()
  })

  it.each([
    [
      'a banner',
      '> contracts@1.0.0 test\n> vitest run\n\n<?xml version="1.0"?>\n<testsuites/>\n',
      'junit',
      36
    ],
    ['a warning', '(node:1) ExperimentalWarning: x\n<testsuites>\n</testsuites>\n', 'junit', 32],
    ['a findings document', 'checking 1 pack\n{\n  "findings": []\n}\n', 'json', 16],
    ['JSON Lines findings at the start', '{"message": "a"}\ntext\n', 'json', 0],
    ['a comment after text is text', 'see\n<!-- not a report -->\n', 'lines', 0],
    ['a JSON log line after text is text', 'start\n{"message": "a log line"}\n', 'lines', 0],
    ['text only', 'a\nb\n', 'lines', 0]
  ])('finds the document after %s', (_case, output, format, at) => {
    expect(sniffDocument(bytes(output), true)).toEqual({ format, at })
  })

  it('judges the same output the same however it is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            '> npm test\n',
            'warn: x\n',
            '\n',
            '{"level":1}\n',
            '<?xml version="1.0"?>\n',
            '<testsuites>',
            '{"findings": [',
            '[t] ERROR: x\n',
            '<!-- c -->\n'
          ),
          { maxLength: 8 }
        ),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        (parts, cuts) => {
          const all = bytes(parts.join(''))
          const whole = sniffDocument(all, true)
          let from = 0
          let end = 0
          for (const cut of cuts) {
            end = Math.min(all.length, end + cut)
            const found = sniffDocument(all.subarray(0, end), false, from)
            if ('format' in found) {
              // An early answer must be the final one.
              expect(found).toEqual(whole)
              return
            }
            from = found.from
          }
          expect(sniffDocument(all, true, from)).toEqual(whole)
        }
      )
    )
  })
})

describe('hostile input', () => {
  it('a single 50 MB line costs bounded memory and the next line is still read', () => {
    const collector = new OutputCollector('v', options)
    const block = new Uint8Array(1024 * 1024).fill(0x41)
    const before = process.memoryUsage().arrayBuffers
    for (let i = 0; i < 50; i++) collector.write(block)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(20 * 1024 * 1024)
    collector.write(
      bytes("\n[fixture-coverage] ERROR: Missing required MCP fixture packs: ['a']\n")
    )
    const run = collector.finish(1, 0)
    expect(run.findingCount).toBe(1)
    expect(run.excerpt.length).toBeLessThan(100_000)
  })

  it('NUL bytes, invalid UTF-8, ANSI and CR line endings still give the finding', () => {
    const output = Buffer.concat([
      Buffer.from([0, 0xff, 0xfe, 0x0d]),
      Buffer.from('\u001b[31m[docs-links]\u0000 ERROR:\u001b[0m docs/a.md:3 broken\r\n'),
      Buffer.from([0xc3, 0x28, 0x0a])
    ])
    const run = parseOutput('v', output, 1, options)
    expect(run.findings.map(f => [f.tag, f.targets, f.line])).toEqual([
      ['docs-links', ['docs/a.md'], 3]
    ])
  })
})

describe('properties of every format', () => {
  const forced = OUTPUT_FORMATS.filter(format => format !== 'auto')
  it('no parser throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.constantFrom<OutputFormat>(...OUTPUT_FORMATS),
        fc.constantFrom(0, 1, null),
        (data, format, exit) => {
          const run = parseOutput('v', data, exit, { ...options, format })
          expect(run.findingCount).toBeGreaterThanOrEqual(run.findings.length)
        }
      ),
      { numRuns: 400 }
    )
    expect(forced).toHaveLength(10)
  })

  // Fragments of every format, shuffled: valid, broken and in between.
  const fragment = fc.constantFrom(
    ...[
      '<?xml version="1.0"?>',
      '<testsuites>',
      '<testsuite name="pytest">',
      '<testcase classname="tests.contracts.test_billing" name="t">',
      '<failure message="a &amp; b">tests/contracts/test_billing.py:4: E</failure>',
      '<error message="x"/>',
      '</testcase>',
      '</testsuite>',
      '</testsuites>',
      '<![CDATA[ raw ]]>',
      '<!DOCTYPE x [<!ENTITY e "ee">]>',
      '&e;',
      '{"message":"m","file":"src/contract/billing.contract.test.ts","line":3}',
      '{"findings":[',
      ']}',
      ',',
      '{"tag":"t","message":"é 𝄞"}',
      '"unterminated',
      "[fixture-coverage] ERROR: Missing required MCP fixture packs: ['a']",
      '[docs-links] ERROR: Broken:',
      '- docs/a.md:1 -> "b" (resolved: docs/b.md)',
      '::error file=src/contract/billing.contract.test.ts,line=2::drift',
      'BREAKING in docs/contracts/billing-api.yaml',
      '  line 42: [removed] gone',
      'Traceback (most recent call last):',
      'KeyError: x',
      '\u001b[31m',
      'proto/acme/v1/pet.proto:5:1:Field deleted.',
      'src/pet.ts(6,36): error TS2322: no',
      '{"version":"2.1.0","runs":[{"results":[{"level":"error","message":{"text":"t"}}',
      '{"path":"a.proto","start_line":5,"type":"T","message":"m"}',
      'fixtures/pet.json invalid',
      '[{"instancePath":"/a","message":"m"}]',
      '[log] \u2716  Field Query.pets changed type',
      'Failures:',
      '1) Verifying a pact between a and b - x',
      '    1.1) has a matching body',
      ''
    ]
  )
  const output = fc
    .tuple(
      fc.array(fc.tuple(fragment, fc.constantFrom('\n', '\r\n', '\r', '')), { maxLength: 14 }),
      fc.uint8Array({ maxLength: 8 })
    )
    .map(([parts, noise]) => {
      const text = bytes(parts.map(([part, end]) => part + end).join(''))
      const all = new Uint8Array(text.length + noise.length)
      all.set(text)
      all.set(noise, text.length)
      return all
    })
  const digest = (run: ValidatorRun) => ({ ...run, durationMs: 0 })

  it('parsing is independent of chunking, for every format', () => {
    fc.assert(
      fc.property(
        output,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom<OutputFormat>(...OUTPUT_FORMATS),
        fc.constantFrom(0, 1, null),
        (data, cuts, format, exit) => {
          const opts = { ...options, format }
          const points = [...cuts.map(cut => cut % (data.length + 1)), data.length].sort(
            (a, b) => a - b
          )
          const collector = new OutputCollector('v', opts)
          let start = 0
          for (const point of points) {
            collector.write(data.subarray(start, point))
            start = point
          }
          expect(digest(collector.finish(exit, 0))).toEqual(
            digest(parseOutput('v', data, exit, opts))
          )
        }
      ),
      { numRuns: 600 }
    )
  })

  it('every fixture reads the same one byte at a time', () => {
    for (const name of [
      'vitest-junit.xml',
      'jest-junit.xml',
      'pytest-junit.xml',
      'findings.json',
      'findings.jsonl',
      'workflow-commands.log',
      'problem-matchers.log'
    ]) {
      const data = fixture(name)
      const collector = new OutputCollector('v', options)
      for (const byte of data) collector.write(Uint8Array.of(byte))
      expect(digest(collector.finish(1, 0))).toEqual(digest(parseOutput('v', data, 1, options)))
    }
  })
})
