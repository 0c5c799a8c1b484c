/**
 * OutputCollector with two streams (SPEC §2): stdout is sniffed for a structured document
 * wherever it starts, stderr is text for the line rules, and neither breaks the other.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { defaultConfig } from '../src/config.js'
import { loadXmlParser, OutputCollector, type ParseOptions } from '../src/parse/index.js'
import type { ValidatorRun } from '../src/types.js'

const options: ParseOptions = {
  workspace: '/work/repo',
  checks: defaultConfig().checks,
  runtimeTags: []
}
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

const JUNIT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="contract" tests="2" failures="1">
    <testcase classname="contract" name="totals match" file="src/billing.test.ts">
      <failure message="expected 3, got 4">AssertionError</failure>
    </testcase>
    <testcase classname="contract" name="currency kept" file="src/billing.test.ts"/>
  </testsuite>
</testsuites>
`
const JUNIT_GREEN = JUNIT.replace(/<failure[^]*?<\/failure>/, '')
const FINDINGS =
  '{\n  "findings": [\n    { "tag": "schema", "message": "field total removed" }\n  ]\n}\n'
const WARNING = '(node:1) ExperimentalWarning: VM Modules is an experimental feature\n'
const TRACEBACK =
  'Traceback (most recent call last):\n  File "check.py", line 9, in main\n    rows = data["rows"]\nKeyError: \'rows\'\n'

/** Runs a collector on stdout and stderr written in the order given, as chunks. */
async function collect(
  chunks: readonly ['out' | 'err', string][],
  exitCode: number | null,
  parse: ParseOptions = options
): Promise<ValidatorRun> {
  const collector = new OutputCollector('npm test', parse)
  for (const [stream, text] of chunks) {
    if (stream === 'out') collector.write(bytes(text))
    else collector.writeStderr(bytes(text))
  }
  return collector.finishWhenReady(exitCode, 0)
}

const digest = (run: ValidatorRun) => ({
  outcome: run.outcome,
  format: run.format,
  findings: run.findings.map(f => f.message),
  crash: run.crash,
  notes: run.notes
})

beforeAll(async () => {
  await loadXmlParser()
})

describe('OutputCollector: stdout and stderr are separate streams', () => {
  it.each<[string, ['out' | 'err', string][], number, Partial<ReturnType<typeof digest>>]>([
    [
      'a warning on stderr before JUnit on stdout',
      [
        ['err', WARNING],
        ['out', JUNIT]
      ],
      1,
      {
        outcome: 'failed',
        format: 'junit',
        findings: ['contract › totals match: expected 3, got 4']
      }
    ],
    [
      'a warning on stderr in the middle of JUnit on stdout',
      [
        ['out', JUNIT.slice(0, 100)],
        ['err', WARNING],
        ['out', JUNIT.slice(100)]
      ],
      1,
      {
        outcome: 'failed',
        format: 'junit',
        findings: ['contract › totals match: expected 3, got 4']
      }
    ],
    [
      'a warning on stderr before a findings document on stdout',
      [
        ['err', WARNING],
        ['out', FINDINGS]
      ],
      1,
      { outcome: 'failed', format: 'json', findings: ['field total removed'] }
    ],
    [
      'a banner on stdout before <?xml',
      [['out', '> billing@1.0.0 test\n> vitest run --reporter=junit\n\n' + JUNIT]],
      1,
      {
        outcome: 'failed',
        format: 'junit',
        findings: ['contract › totals match: expected 3, got 4']
      }
    ],
    [
      'an ERROR line in the banner is still a finding',
      [['out', '[setup] ERROR: fixtures dir missing\n' + JUNIT_GREEN]],
      1,
      { outcome: 'failed', format: 'junit', findings: ['fixtures dir missing'] }
    ],
    [
      'text on stdout before a findings document',
      [['out', 'fixture-check 2.3.1\n' + FINDINGS]],
      1,
      { outcome: 'failed', format: 'json', findings: ['field total removed'] }
    ],
    [
      'a traceback on stderr beside green JUnit on stdout',
      [
        ['out', JUNIT_GREEN],
        ['err', TRACEBACK]
      ],
      1,
      { outcome: 'crashed', format: 'junit', findings: [], crash: "KeyError: 'rows'" }
    ],
    [
      'ERROR lines on stderr follow the line rules',
      [
        [
          'err',
          "[fixture-coverage] ERROR: Missing required MCP fixture packs: ['billing.oci.ingest']\n"
        ]
      ],
      1,
      {
        outcome: 'failed',
        findings: ["Missing required MCP fixture packs: ['billing.oci.ingest']"]
      }
    ],
    [
      'a bash syntax error on stderr',
      [
        ['out', '[check] OK: first\n'],
        [
          'err',
          "bash: -c: line 2: syntax error near unexpected token `('\nbash: -c: line 2: `echo ('\n"
        ]
      ],
      2,
      {
        outcome: 'broken',
        findings: [],
        crash: "bash: -c: line 2: syntax error near unexpected token `('"
      }
    ],
    [
      "a validator's own ModuleNotFoundError",
      [
        [
          'err',
          'Traceback (most recent call last):\n  File "scripts/check.py", line 1, in <module>\n    import yaml\nModuleNotFoundError: No module named \'yaml\'\n'
        ]
      ],
      1,
      { outcome: 'broken', findings: [], crash: "ModuleNotFoundError: No module named 'yaml'" }
    ],
    [
      'a ModuleNotFoundError raised inside a function is a crash',
      [
        [
          'err',
          'Traceback (most recent call last):\n  File "check.py", line 3, in <module>\n    main()\n  File "check.py", line 2, in main\n    import plugin\nModuleNotFoundError: No module named \'plugin\'\n'
        ]
      ],
      1,
      { outcome: 'crashed', findings: [] }
    ],
    [
      'a cut-off JUnit document on stdout',
      [['out', JUNIT.slice(0, 200)]],
      0,
      { outcome: 'unreadable', format: 'junit', findings: [] }
    ],
    [
      'a cut-off JUnit document on stdout, then text',
      [['out', JUNIT.slice(0, 200) + '\nDone in 2.31s.\n']],
      1,
      { outcome: 'unreadable', format: 'junit', findings: [] }
    ]
  ])('%s', async (_case, chunks, exitCode, expected) => {
    expect(digest(await collect(chunks, exitCode))).toMatchObject(expected)
  })
})

describe('OutputCollector: a document ends where its root closes (SPEC §2)', () => {
  const green = (run: ValidatorRun) => ({ ...digest(run), okLines: run.okLines })
  it.each<[string, string, number, Partial<ReturnType<typeof green>>]>([
    [
      "passing JUnit, then the runner's closing line",
      JUNIT_GREEN + 'Done in 2.31s.\n',
      0,
      { outcome: 'passed', format: 'junit', findings: [], notes: undefined }
    ],
    [
      "passing JUnit, then pytest's summary line (no newline at the end)",
      JUNIT_GREEN + '============ 2 passed in 0.12s ============',
      0,
      {
        outcome: 'passed',
        format: 'junit',
        findings: [],
        okLines: ['JUnit: 2 tests, no failures or errors']
      }
    ],
    [
      'the closing tag and the text on one line',
      JUNIT_GREEN.trimEnd() + ' Done in 2.31s.\n',
      0,
      { outcome: 'passed', format: 'junit', findings: [] }
    ],
    [
      'failing JUnit, then a trailer: its failure, no error',
      JUNIT + 'Done in 2.31s.\n',
      1,
      {
        outcome: 'failed',
        format: 'junit',
        findings: ['contract › totals match: expected 3, got 4'],
        notes: undefined
      }
    ],
    [
      'an ERROR line after the document follows the line rules',
      JUNIT_GREEN + '[teardown] ERROR: fixture db left dirty\n',
      1,
      { outcome: 'failed', format: 'junit', findings: ['fixture db left dirty'] }
    ],
    [
      'a traceback after the document is a crash',
      JUNIT_GREEN + TRACEBACK,
      1,
      { outcome: 'crashed', format: 'junit', findings: [], crash: "KeyError: 'rows'" }
    ],
    [
      'a second JUnit document after the first is read too',
      JUNIT_GREEN + JUNIT,
      1,
      {
        outcome: 'failed',
        format: 'junit',
        findings: ['contract › totals match: expected 3, got 4']
      }
    ],
    [
      'a self-closing root, then text',
      '<?xml version="1.0"?>\n<testsuites/>\nno tests collected\n',
      0,
      { outcome: 'passed', format: 'junit', findings: [] }
    ],
    [
      'a cut-off document is still unreadable when text follows inside it',
      JUNIT_GREEN.slice(0, JUNIT_GREEN.indexOf('</testsuite>')) + 'Done in 2.31s.\n',
      0,
      { outcome: 'unreadable', format: 'junit', findings: [] }
    ],
    [
      'a second root element that is not JUnit is unreadable',
      JUNIT_GREEN + '<?xml version="1.0"?>\n<coverage/>\n',
      0,
      { outcome: 'unreadable', format: 'junit' }
    ]
  ])('%s', async (_case, stdout, exitCode, expected) => {
    expect(green(await collect([['out', stdout]], exitCode))).toMatchObject(expected)
  })

  it('reads the same whatever the chunking, the document end inside a chunk or between two', async () => {
    const text = JUNIT + '\r\n[teardown] ERROR: fixture db left dirty\n\u00e9t\u00e9 fini\n'
    const whole = green(await collect([['out', text]], 1))
    expect(whole.findings).toEqual([
      'contract › totals match: expected 3, got 4',
      'fixture db left dirty'
    ])
    const encoded = bytes(text)
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 30 }),
        async sizes => {
          const collector = new OutputCollector('npm test', options)
          let at = 0
          for (const size of sizes) collector.write(encoded.subarray(at, (at += size)))
          collector.write(encoded.subarray(at))
          const run = await collector.finishWhenReady(1, 0)
          expect(green(run)).toEqual(whole)
          expect(run.excerpt).toBe(text.replace(/\r\n/g, '\n').trimEnd())
        }
      ),
      { numRuns: 200 }
    )
  })

  it('a report file: passing JUnit with a trailing line is green', async () => {
    const collector = new OutputCollector('report: out/junit.xml', options)
    collector.write(bytes(JUNIT_GREEN + 'Done in 1s.\n'))
    const run = await collector.finishReport(0)
    expect({ outcome: run.outcome, exitCode: run.exitCode }).toEqual({
      outcome: 'passed',
      exitCode: 0
    })
  })
})

describe('OutputCollector: two streams, chunked', () => {
  it('reads the same findings however the two streams are chunked and interleaved', async () => {
    const stdoutOf = fc.constantFrom(
      JUNIT,
      JUNIT_GREEN,
      JUNIT + 'Done in 2.31s.\n[a] ERROR: after\n',
      FINDINGS,
      '[a] ERROR: x\n[a] OK: y\n',
      ''
    )
    const stderrOf = fc.constantFrom(WARNING, TRACEBACK, '[b] ERROR: z\n', '')
    await fc.assert(
      fc.asyncProperty(
        stdoutOf,
        stderrOf,
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 64 })), { maxLength: 40 }),
        fc.constantFrom(0, 1, 2),
        async (out, err, schedule, exitCode) => {
          const whole = await collect(
            [
              ['err', err],
              ['out', out]
            ],
            exitCode
          )
          const chunks: ['out' | 'err', string][] = []
          let o = 0
          let e = 0
          for (const [fromOut, size] of schedule) {
            if (fromOut && o < out.length) chunks.push(['out', out.slice(o, (o += size))])
            else if (e < err.length) chunks.push(['err', err.slice(e, (e += size))])
          }
          chunks.push(['out', out.slice(o)], ['err', err.slice(e)])
          const run = await collect(chunks, exitCode)
          // Findings arrive in the order the streams interleave; what is found does not change.
          const sorted = (r: ValidatorRun) => ({
            ...digest(r),
            findings: digest(r).findings.sort()
          })
          expect(sorted(run)).toEqual(sorted(whole))
        }
      ),
      { numRuns: 200 }
    )
  })

  it('keeps memory bounded on a 50 MB stderr line, and reads the next line', () => {
    const collector = new OutputCollector('v', options)
    const block = new Uint8Array(1024 * 1024).fill(0x41)
    const before = process.memoryUsage().arrayBuffers
    for (let i = 0; i < 50; i++) collector.writeStderr(block)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(20 * 1024 * 1024)
    collector.writeStderr(
      bytes("\n[fixture-coverage] ERROR: Missing required MCP fixture packs: ['a']\n")
    )
    const run = collector.finish(1, 0)
    expect(run.findingCount).toBe(1)
    expect(run.excerpt.length).toBeLessThan(100_000)
  })

  it('never throws on arbitrary bytes on both streams, whatever the exit code', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(0, 1, 2, 126, 127, null),
        (out, err, exitCode) => {
          const collector = new OutputCollector('v', options)
          collector.writeStderr(err)
          collector.write(out)
          const run = collector.finish(exitCode, 0)
          expect(run.findingCount).toBeGreaterThanOrEqual(run.findings.length)
        }
      ),
      { numRuns: 300 }
    )
  })
})
