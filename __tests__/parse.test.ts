import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultConfig } from '../src/config.js'
import { OutputCollector, parseOutput, type ParseOptions } from '../src/parse/index.js'
import type { ValidatorRun } from '../src/types.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'parse')
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8')

const options: ParseOptions = {
  workspace: '/work/repo',
  checks: defaultConfig().checks,
  runtimeTags: ['module-outputs']
}
const COVERAGE = 'python3 scripts/validate-fixture-coverage.py'
const PARITY = 'python3 scripts/validate-legacy-alias-parity.py'

describe('parseOutput: the field message forms (SPEC §2)', () => {
  it.each([
    [
      'missing file in an MCP pack',
      "[fixture-coverage] ERROR: MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json",
      'fixture-coverage',
      "MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json",
      ['tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'],
      undefined
    ],
    [
      'invalid JSON in a module pack',
      "[fixture-coverage] ERROR: module pack 'modules.optional-fallback'/1.0/output.expected.healthy.json invalid JSON: Expecting value: line 18 column 1 (char 298)",
      'fixture-coverage',
      "module pack 'modules.optional-fallback'/1.0/output.expected.healthy.json invalid JSON: Expecting value: line 18 column 1 (char 298)",
      ['tests/contracts/fixtures/modules.optional-fallback/1.0/output.expected.healthy.json'],
      18
    ],
    [
      'missing MCP packs',
      "[fixture-coverage] ERROR: Missing required MCP fixture packs: ['billing.oci.ingest']",
      'fixture-coverage',
      "Missing required MCP fixture packs: ['billing.oci.ingest']",
      ['tests/contracts/fixtures/mcp/billing.oci.ingest/'],
      undefined
    ],
    [
      'legacy alias parity row',
      "[legacy-alias-parity] ERROR: rows[1].response.providerAdapterId expected 'aws-billing' for canonical tool 'billing.aws.ingest', got 'gcp-billing'",
      'legacy-alias-parity',
      "rows[1].response.providerAdapterId expected 'aws-billing' for canonical tool 'billing.aws.ingest', got 'gcp-billing'",
      [
        'tests/contracts/fixtures/mcp/legacy-alias-parity/',
        'tests/contracts/fixtures/mcp/billing.aws.ingest/'
      ],
      undefined
    ],
    [
      'feature catalog unknown module',
      '[feature-catalog] ERROR: service-mcp depends on unknown module id: economics-module',
      'feature-catalog',
      'service-mcp depends on unknown module id: economics-module',
      ['src/features/feature-catalog.json'],
      undefined
    ]
  ])(
    '%s: one finding with its tag, message and targets',
    (_case, output, tag, message, targets, line) => {
      const run = parseOutput(COVERAGE, `${output}\n`, 1, options)
      expect(run.outcome).toBe('failed')
      expect(run.findingCount).toBe(1)
      expect(run.findings).toEqual([
        {
          source: COVERAGE,
          tag,
          message,
          targets,
          ...(line !== undefined ? { line } : {}),
          runtime: false
        }
      ])
    }
  )

  it('gives one finding per item under a docs-links header, each pointing at its file and line', () => {
    const run = parseOutput(
      'python3 scripts/validate-docs-links.py',
      fixture('docs-links-broken.txt'),
      1,
      options
    )
    expect(run.outcome).toBe('failed')
    expect(run.findingCount).toBe(3)
    expect(run.findings.map(f => [f.tag, f.message, f.targets, f.line])).toEqual([
      [
        'docs-links',
        "Broken local markdown links detected: docs/playbooks/x.md:102 -> './y.md' (resolved: docs/playbooks/y.md)",
        ['docs/playbooks/x.md', 'docs/playbooks/y.md'],
        102
      ],
      [
        'docs-links',
        "Broken local markdown links detected: docs/contracts/billing-contract.md:7 -> '../guides/setup.md' (resolved: docs/guides/setup.md)",
        ['docs/contracts/billing-contract.md', 'docs/guides/setup.md'],
        7
      ],
      [
        'docs-links',
        "Broken local markdown links detected: README.md:40 -> 'docs/missing.md' (resolved: docs/missing.md)",
        ['README.md', 'docs/missing.md'],
        40
      ]
    ])
  })

  it('keeps a header with no items as one finding', () => {
    const run = parseOutput(
      'v',
      '[docs-links] ERROR: Broken local markdown links detected:\n',
      1,
      options
    )
    expect(run.findings.map(f => f.message)).toEqual(['Broken local markdown links detected:'])
  })

  it('ends the item list at the first line that is not an item', () => {
    const output = [
      '[docs-links] ERROR: Broken local markdown links detected:',
      '- docs/a.md:1 -> "./b.md" (resolved: docs/b.md)',
      'Checked 40 files.',
      '- not an item any more'
    ].join('\n')
    const run = parseOutput('v', output, 1, options)
    expect(run.findingCount).toBe(1)
  })

  it('collects OK lines and judges exit 0 as passed with no findings', () => {
    const run = parseOutput(COVERAGE, fixture('all-green.txt'), 0, options)
    expect(run).toMatchObject({ outcome: 'passed', exitCode: 0, findings: [], findingCount: 0 })
    expect(run.okLines).toEqual([
      '[fixture-coverage] OK: 14 MCP packs and 6 module packs complete',
      '[legacy-alias-parity] OK: 32 rows match their canonical tools'
    ])
  })

  it('believes ERROR lines over a zero exit code: the gate must not go green on a reported problem', () => {
    const run = parseOutput(COVERAGE, '[x] ERROR: docs/contracts/a.md is broken\n', 0, options)
    expect(run.outcome).toBe('failed')
    expect(run.findingCount).toBe(1)
  })

  it('reads coloured output with CRLF line endings like plain output', () => {
    const output =
      "\u001b[31m[fixture-coverage] ERROR:\u001b[0m Missing required MCP fixture packs: ['billing.oci.ingest', 'billing.gcp.ingest']\r\n"
    const run = parseOutput(COVERAGE, output, 1, options)
    expect(run.findings[0]?.targets).toEqual([
      'tests/contracts/fixtures/mcp/billing.oci.ingest/',
      'tests/contracts/fixtures/mcp/billing.gcp.ingest/'
    ])
  })

  it('marks findings of a tag listed under runtime as runtime findings, and only those', () => {
    const output = [
      "[module-outputs] ERROR: module pack 'modules.billing'/2.0/output.expected.json differs from the module's output",
      '[feature-catalog] ERROR: service-mcp depends on unknown module id: economics-module'
    ].join('\n')
    const run = parseOutput('npm run contract:runtime', output, 1, options)
    expect(run.findings.map(f => [f.tag, f.runtime])).toEqual([
      ['module-outputs', true],
      ['feature-catalog', false]
    ])
  })
})

describe('parseOutput: how a validator ended', () => {
  it('judges a Python traceback after exit 1 as a crash, naming the exception and keeping earlier findings', () => {
    const run = parseOutput(COVERAGE, fixture('fixture-coverage-crash.txt'), 1, options)
    expect(run.outcome).toBe('crashed')
    expect(run.crash).toBe("KeyError: 'rows'")
    expect(run.findingCount).toBe(1)
    expect(run.findings[0]?.targets).toEqual([
      'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'
    ])
  })

  it('names the last exception of a chained traceback', () => {
    const output = [
      'Traceback (most recent call last):',
      '  File "scripts/validate-legacy-alias-parity.py", line 40, in load',
      '    return json.loads(text)',
      'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "scripts/validate-legacy-alias-parity.py", line 88, in <module>',
      '    main()',
      'RuntimeError: cannot read parity.rows.json'
    ].join('\n')
    const run = parseOutput(PARITY, output, 1, options)
    expect(run.outcome).toBe('crashed')
    expect(run.crash).toBe('RuntimeError: cannot read parity.rows.json')
    expect(run.findings).toEqual([])
  })

  it.each([
    [
      'exit 127 from the shell → missing',
      127,
      'bash: line 1: python3: command not found',
      'missing'
    ],
    [
      "exit 2 with python's can't open file → missing",
      2,
      "python3: can't open file '/x/scripts/nope.py': [Errno 2] No such file or directory",
      'missing'
    ],
    [
      'exit 2 with an argparse usage error → failed',
      2,
      'usage: validate-fixture-coverage.py [-h]\nvalidate-fixture-coverage.py: error: unrecognized arguments: --strict',
      'failed'
    ],
    [
      'exit null (stopped at the timeout) → timed-out',
      null,
      '[fixture-coverage] scanning packs…',
      'timed-out'
    ]
  ])('%s', (_case, exitCode, output, outcome) => {
    const run = parseOutput('python3 scripts/nope.py', output, exitCode, options)
    expect(run.outcome).toBe(outcome)
    expect(run.exitCode).toBe(exitCode)
  })

  it('keeps a failing output in no known format as one fallback finding carrying its last lines', () => {
    const output =
      'Checking feature manifests against docs/contracts…\nFeature manifest changed but no contract doc update detected.\n'
    const run = parseOutput('bash scripts/check-contract-drift.sh', output, 1, options)
    expect(run.outcome).toBe('failed')
    expect(run.findingCount).toBe(1)
    expect(run.findings).toEqual([
      {
        source: 'bash scripts/check-contract-drift.sh',
        tag: '',
        message:
          'Checking feature manifests against docs/contracts…\nFeature manifest changed but no contract doc update detected.',
        targets: [],
        runtime: false
      }
    ])
  })

  it('keeps only the last few non-empty lines in the fallback finding', () => {
    const output = Array.from({ length: 30 }, (_, i) => `step ${i + 1}`).join('\n\n')
    const message = parseOutput('make check', output, 1, options).findings[0]?.message ?? ''
    expect(message.split('\n')).toEqual(['step 26', 'step 27', 'step 28', 'step 29', 'step 30'])
  })

  it('says a silent failing validator printed nothing', () => {
    const run = parseOutput('make check', '', 3, options)
    expect(run.findings.map(f => f.message)).toEqual(['exited with code 3 and printed nothing'])
  })

  it('adds no fallback finding to a crash, a missing validator or a timeout', () => {
    expect(
      parseOutput('v', 'Traceback (most recent call last):\nValueError: x', 1, options).findingCount
    ).toBe(0)
    expect(parseOutput('v', 'sh: 1: nope: not found', 127, options).findingCount).toBe(0)
    expect(parseOutput('v', 'still running', null, options).findingCount).toBe(0)
  })
})

describe('parseOutput: bounds', () => {
  it('keeps maxFindings findings but counts them all', () => {
    const output = Array.from(
      { length: 25 },
      (_, i) =>
        `[fixture-coverage] ERROR: Missing required MCP fixture packs: ['billing.t${i}.ingest']`
    ).join('\n')
    const run = parseOutput(COVERAGE, output, 1, { ...options, maxFindings: 10 })
    expect(run.findingCount).toBe(25)
    expect(run.findings).toHaveLength(10)
    expect(run.findings[9]?.targets).toEqual(['tests/contracts/fixtures/mcp/billing.t9.ingest/'])
  })

  it('keeps the head and the tail of a long output and says how many lines were omitted', () => {
    const total = 1000
    const lines = Array.from(
      { length: total },
      (_, i) => `pytest line ${String(i + 1).padStart(4, '0')}`
    )
    const run = parseOutput('pytest', lines.join('\n'), 1, { ...options, excerptChars: 200 })
    const excerpt = run.excerpt.split('\n')
    const gap = excerpt.findIndex(line => /^… \d+ lines omitted …$/.test(line))
    expect(gap).toBeGreaterThan(0)
    const omitted = Number(/\d+/.exec(excerpt[gap] as string)?.[0])
    expect(excerpt[0]).toBe('pytest line 0001')
    expect(excerpt.at(-1)).toBe('pytest line 1000')
    // The lines shown and the lines omitted account for every line, in order.
    expect(excerpt.length - 1 + omitted).toBe(total)
    expect([...excerpt.slice(0, gap), ...excerpt.slice(gap + 1)]).toEqual([
      ...lines.slice(0, gap),
      ...lines.slice(gap + omitted)
    ])
  })

  it('keeps the whole output when it is short', () => {
    const run = parseOutput(COVERAGE, fixture('all-green.txt'), 0, options)
    expect(run.excerpt).toBe(fixture('all-green.txt').trimEnd())
    expect(run.outputBytes).toBe(Buffer.byteLength(fixture('all-green.txt')))
  })

  it('bounds the excerpt of a 20 MB output and keeps its last line', () => {
    const collector = new OutputCollector('pytest', options)
    const block = new TextEncoder().encode(
      `${'tests/contracts/test_billing.py::test_row PASSED '.padEnd(99, '.')}\n`.repeat(10_000)
    )
    for (let written = 0; written < 20 * 1024 * 1024; written += block.length)
      collector.write(block)
    collector.write(new TextEncoder().encode('=== 1 failed, 209999 passed in 812.41s ===\n'))
    const run = collector.finish(1, 812_410)
    expect(run.outputBytes).toBeGreaterThan(20 * 1024 * 1024)
    expect(run.excerpt.length).toBeLessThan(40_000)
    expect(run.excerpt).toMatch(/… \d+ lines omitted …/)
    expect(run.excerpt.endsWith('=== 1 failed, 209999 passed in 812.41s ===')).toBe(true)
  })

  it('bounds the excerpt when the output is one gigantic line', () => {
    const run = parseOutput('v', `start\n${'x'.repeat(5_000_000)}`, 1, {
      ...options,
      excerptChars: 1000
    })
    expect(run.excerpt.length).toBeLessThan(70_000)
  })
})

describe('parseOutput properties', () => {
  it('never throws on arbitrary bytes, whatever the exit code', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 500 }),
        fc.constantFrom(0, 1, 2, 127, null),
        (data, exit) => {
          const run = parseOutput('v', data, exit, options)
          expect(run.findingCount).toBeGreaterThanOrEqual(run.findings.length)
        }
      ),
      { numRuns: 300 }
    )
  })

  const lineOf = fc.constantFrom(
    "[fixture-coverage] ERROR: MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json",
    '[docs-links] ERROR: Broken local markdown links detected:',
    "- docs/playbooks/x.md:102 -> './y.md' (resolved: docs/playbooks/y.md)",
    '[feature-catalog] ERROR: service-mcp depends on unknown module id: economics-module',
    '[fixture-coverage] OK: 14 packs',
    'Traceback (most recent call last):',
    '  File "x.py", line 1, in <module>',
    "KeyError: 'rows'",
    "python3: can't open file '/x/scripts/nope.py': [Errno 2] No such file or directory",
    '\u001b[32mcoloured ✓ é 𝄞\u001b[0m',
    ''
  )
  const output = fc
    .tuple(
      fc.array(fc.tuple(lineOf, fc.constantFrom('\n', '\r\n', '\r')), { maxLength: 12 }),
      fc.uint8Array({ maxLength: 20 })
    )
    .map(([lines, noise]) => {
      const text = new TextEncoder().encode(lines.map(([line, end]) => line + end).join(''))
      const all = new Uint8Array(text.length + noise.length)
      all.set(text)
      all.set(noise, text.length)
      return all
    })

  const digest = (run: ValidatorRun) => ({
    outcome: run.outcome,
    findings: run.findings,
    findingCount: run.findingCount,
    okLines: run.okLines,
    crash: run.crash,
    excerpt: run.excerpt
  })

  it('gives the same findings, outcome and OK lines however the output is chunked', () => {
    fc.assert(
      fc.property(
        output,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom(0, 1, 2, 127, null),
        (data, cuts, exit) => {
          const points = [...cuts.map(cut => cut % (data.length + 1)), data.length].sort(
            (a, b) => a - b
          )
          const collector = new OutputCollector('v', options)
          let start = 0
          for (const point of points) {
            collector.write(data.subarray(start, point))
            start = point
          }
          expect(digest(collector.finish(exit, 0))).toEqual(
            digest(parseOutput('v', data, exit, options))
          )
        }
      ),
      { numRuns: 400 }
    )
  })
})
