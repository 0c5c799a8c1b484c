/**
 * SPEC §2 through the bundle: a broken command or an unreadable report is a validator error
 * routed to QA, never drift; stdout and stderr are separate streams. Every row runs
 * `node dist/index.js` in mode report against a repository in one of two layouts.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { prepareScenario, runAction } from '../scripts/scenarios.mjs'
import { apply, checkout, cleanUpLayouts, type Prepared } from './support/layouts.js'

type Layout = 'example' | 'plain'

interface Row {
  name: string
  layout: Layout
  /** Files written into the checkout (untracked) before the run. */
  files?: Record<string, string>
  validators?: string
  reports?: string
  /** Extra config keys for the plain layout (YAML lines appended to its config). */
  config?: string
  expect: {
    result: string
    bucket: string
    findings: number
    primaryRole?: string
    /** The outcome of the first run in the record. */
    outcome?: string
  }
  /** Text that must appear in the job summary (what went wrong, named). */
  summary?: string
  /** The shell's or interpreter's words: never in a finding. */
  notFinding?: string
  /** Text a finding annotation must carry. */
  finding?: string
  /** A finding's whole message: what the document said, not a fallback quoting its lines. */
  message?: string
}

interface Ran {
  code: number
  stdout: string
  outputs: Record<string, string>
  summary: string
  annotations: string[]
  record?: {
    routing?: { primaryRole: string }
    runs: { outcome: string; crash?: string; findings: { message: string }[] }[]
  }
}

const roots: string[] = []
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true })
  cleanUpLayouts()
})

const PLAIN_CONFIG = `paths:
  contract: [api/**]
  fixture: [test/fixtures/**]
  implementation: [src/**]
owners:
  contract: [api-owner]
  fixture-module: [fixture-owner]
  fixture-mcp: [fixture-owner]
  implementation: [impl-owner]
  qa: [qa-lead]
`

const PLAIN_FILES = {
  'api/openapi.yaml': 'openapi: 3.0.3\ninfo: { title: billing, version: "1.0" }\npaths: {}\n',
  'test/fixtures/billing/1.0/response.expected.json': '{"total": 3}\n',
  'test/fixtures/billing/1.0/notes.md': '# billing 1.0\n',
  'src/billing.ts': 'export const total = 3\n',
  CODEOWNERS: '* @qa-lead\napi/ @api-owner\n'
}

/** A repository outside the example's layout: an OpenAPI contract, fixtures under test/, code under src/. */
const plainRepository = (config: string): Prepared =>
  checkout({
    name: 'plain',
    fill: repo =>
      apply(repo, { ...PLAIN_FILES, '.github/contract-drift-triage.yml': PLAIN_CONFIG + config }),
    head: { 'src/billing.ts': 'export const total = 4\n' },
    pr: { number: 7, branch: 'feature', title: 'count one more' },
    repository: 'acme/billing'
  })

async function run(row: Row): Promise<Ran> {
  let prepared: { repo: string; env: Record<string, string | undefined> }
  if (row.layout === 'plain') {
    prepared = plainRepository(row.config ?? '')
  } else {
    prepared = prepareScenario('green')
    roots.push(dirname(prepared.repo))
  }
  apply(prepared.repo, row.files)
  prepared.env.INPUT_VALIDATORS = row.validators ?? ''
  prepared.env.INPUT_REPORTS = row.reports ?? ''
  return runAction(prepared)
}

const ERROR_TO_QA = { result: 'error', bucket: '', findings: 0, primaryRole: 'qa' }
const JUNIT_PASSED = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="2" failures="0">
  <testsuite name="contract" tests="2" failures="0">
    <testcase classname="contract" name="totals match" file="src/billing.test.ts"/>
    <testcase classname="contract" name="currency kept" file="src/billing.test.ts"/>
  </testsuite>
</testsuites>
`
const JUNIT_FAILED = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="1" failures="1">
  <testsuite name="contract" tests="1" failures="1">
    <testcase classname="contract" name="totals match" file="src/billing.test.ts">
      <failure message="expected total 3, got 4">AssertionError: expected total 3, got 4</failure>
    </testcase>
  </testsuite>
</testsuites>
`
const FINDINGS_JSON = `{
  "tool": "fixture-check",
  "findings": [
    { "tag": "fixture-check", "message": "response.expected.json: total expected 4, got 3", "file": "test/fixtures/billing/1.0/response.expected.json" }
  ]
}
`
const WARNING = '(node:1) ExperimentalWarning: VM Modules is an experimental feature'

const brokenCommands: Row[] = [
  {
    name: 'a bash syntax error (unexpected token)',
    layout: 'plain',
    validators: 'echo "[check] OK: start"; if then fi (',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: 'syntax error',
    notFinding: 'syntax error'
  },
  {
    name: 'an unterminated quote (unexpected EOF)',
    layout: 'example',
    validators: 'python3 scripts/validate-fixture-coverage.py "--strict',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: 'unexpected EOF',
    notFinding: 'unexpected EOF'
  },
  {
    name: 'a command continued with a backslash runs as one command',
    layout: 'plain',
    files: {
      'scripts/check.py':
        'import sys\nif "--strict" in sys.argv:\n    print("[check] OK: strict mode, all fixtures match")\nelse:\n    print("[check] ERROR: run me with --strict"); sys.exit(1)\n'
    },
    validators: 'python3 scripts/check.py \\\n  --strict',
    expect: { result: 'pass', bucket: '', findings: 0 },
    notFinding: 'bash'
  },
  {
    name: 'exit 126: a script that is not executable',
    layout: 'plain',
    files: { 'scripts/check.sh': '#!/bin/sh\necho "[check] OK: fine"\n' },
    validators: './scripts/check.sh',
    expect: { ...ERROR_TO_QA, outcome: 'missing' },
    notFinding: 'Permission denied'
  },
  {
    name: 'exit 127: a command the shell cannot find',
    layout: 'example',
    validators: 'validate-contracts --all',
    expect: { ...ERROR_TO_QA, outcome: 'missing' },
    notFinding: 'command not found'
  },
  {
    name: "python3: can't open file",
    layout: 'plain',
    validators: 'python3 scripts/no-such-validator.py',
    expect: { ...ERROR_TO_QA, outcome: 'missing' },
    notFinding: "can't open file"
  },
  {
    name: "ModuleNotFoundError at the validator's own import",
    layout: 'example',
    files: { 'scripts/needs-yaml.py': 'import yaml_not_installed_here\nprint("[x] OK: fine")\n' },
    validators: 'python3 scripts/needs-yaml.py',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: 'ModuleNotFoundError',
    notFinding: 'ModuleNotFoundError'
  },
  {
    name: 'a SyntaxError compiling the validator',
    layout: 'plain',
    files: { 'scripts/check.py': 'import sys\ndef main(:\n    pass\n' },
    validators: 'python3 scripts/check.py',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: 'SyntaxError: invalid syntax',
    notFinding: 'SyntaxError'
  },
  {
    name: "Node's Cannot find module (MODULE_NOT_FOUND, requireStack)",
    layout: 'example',
    files: { 'scripts/check.cjs': 'require("./no-such-helper.cjs")\n' },
    validators: 'node scripts/check.cjs',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: 'Cannot find module',
    notFinding: 'MODULE_NOT_FOUND'
  },
  {
    name: 'a Node validator that fails to compile (SyntaxError in the script it runs)',
    layout: 'plain',
    files: { 'scripts/check.js': 'const fs = require("fs")\nfunction (\n' },
    validators: 'node scripts/check.js',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: 'Function statements require a function name',
    notFinding: 'node:internal'
  },
  {
    name: 'a Node ES module validator that fails to compile',
    layout: 'example',
    files: { 'scripts/check.mjs': 'import fs from "node:fs"\nexport const = 1\n' },
    validators: 'node scripts/check.mjs',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: 'SyntaxError',
    notFinding: 'node:internal'
  },
  {
    name: "a Node validator's own JSON SyntaxError about a fixture is a finding",
    layout: 'plain',
    files: {
      'test/fixtures/billing/1.0/response.expected.json': '{"total": }\n',
      'scripts/check.js':
        'const fs = require("fs")\nconst f = "test/fixtures/billing/1.0/response.expected.json"\ntry { JSON.parse(fs.readFileSync(f, "utf8")) } catch (e) { console.log(`[fixture-check] ERROR: ${f}: ${e.name}: ${e.message.split("\\n")[0]}`); process.exit(1) }\n'
    },
    validators: 'node scripts/check.js',
    expect: { result: 'drift', bucket: 'runtime-regression', findings: 1 },
    finding: 'SyntaxError: Unexpected token'
  },
  {
    name: "bash refusing an option (exit 2, bash's usage)",
    layout: 'plain',
    validators: 'bash --bogus-opt',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: 'bash: --bogus-opt: invalid option',
    notFinding: 'GNU long options'
  },
  {
    name: 'bash -c given an option where the command belongs',
    layout: 'example',
    validators: 'bash -c --strict',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: 'invalid option',
    notFinding: 'Shell options'
  },
  {
    name: 'node refusing an option (exit 9)',
    layout: 'plain',
    files: { 'scripts/check.js': 'console.log("[check] OK: fine")\n' },
    validators: 'node --bogus-flag scripts/check.js',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: 'node: bad option: --bogus-flag',
    notFinding: 'bad option'
  },
  {
    name: 'python3 refusing an option (exit 2, its usage)',
    layout: 'example',
    validators: 'python3 -Z scripts/validate-fixture-coverage.py',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: 'Unknown option: -Z',
    notFinding: 'usage'
  },
  {
    name: 'python3 -m with a module that does not exist',
    layout: 'plain',
    validators: 'python3 -m no_such_validator_zz',
    expect: { ...ERROR_TO_QA, outcome: 'missing' },
    summary: 'No module named no_such_validator_zz',
    notFinding: 'No module named'
  },
  {
    name: 'python3 given a directory without __main__',
    layout: 'example',
    validators: 'python3 scripts',
    expect: { ...ERROR_TO_QA, outcome: 'broken' },
    summary: "can't find '__main__' module",
    notFinding: '__main__'
  },
  {
    name: "a validator's ERROR line naming a missing module is a finding",
    layout: 'example',
    validators:
      'echo "[fixture-coverage] ERROR: module pack \'billing.aws.ingest\' imports No module named yaml"; exit 1',
    expect: { result: 'drift', bucket: 'fixture-stale', findings: 1 },
    finding: 'No module named yaml'
  },
  {
    name: 'a validator killed by a signal',
    layout: 'plain',
    validators: 'echo "[check] scanning"; kill -SEGV $$',
    expect: { ...ERROR_TO_QA, outcome: 'crashed' },
    summary: 'SIGSEGV'
  },
  {
    name: "tsc's TS2307 Cannot find module (exit 2) is a finding",
    layout: 'plain',
    validators:
      'echo "src/billing.ts(1,20): error TS2307: Cannot find module \'./money\' or its corresponding type declarations." >&2; exit 2',
    expect: { result: 'drift', bucket: 'runtime-regression', findings: 1 },
    finding: 'TS2307'
  },
  {
    name: 'a JSON SyntaxError a tool reports about a checked fixture is a finding',
    layout: 'plain',
    validators:
      'echo "test/fixtures/billing/1.0/response.expected.json: SyntaxError: Unexpected token } in JSON at position 12"; exit 1',
    expect: { result: 'drift', bucket: 'runtime-regression', findings: 1 },
    finding: 'SyntaxError: Unexpected token'
  },
  {
    name: 'a nonzero exit other than 1 with findings is drift (buf exits 100)',
    layout: 'example',
    validators:
      'echo "[buf-breaking] ERROR: docs/contracts/billing-ingest-contract.md field 1 changed type"; exit 100',
    expect: { result: 'drift', bucket: 'schema-drift', findings: 1 },
    finding: 'field 1 changed type'
  }
]

const unreadableReports: Row[] = [
  {
    name: 'a cut-off JUnit file whose tests all passed',
    layout: 'plain',
    files: { 'reports/junit.xml': JUNIT_PASSED.slice(0, JUNIT_PASSED.indexOf('</testsuite>')) },
    reports: 'reports/*.xml',
    expect: { ...ERROR_TO_QA, outcome: 'unreadable' },
    summary: 'the file ends before the XML is complete',
    notFinding: 'XML'
  },
  {
    name: 'a JUnit file that is not well-formed',
    layout: 'example',
    files: { 'reports/junit.xml': JUNIT_PASSED.replace('</testsuite>', '</testsuit>') },
    reports: 'reports/junit.xml',
    expect: { ...ERROR_TO_QA, outcome: 'unreadable' },
    summary: 'not well-formed at line 6',
    notFinding: 'well-formed'
  },
  {
    name: 'a cut-off JSON findings document',
    layout: 'plain',
    files: { 'reports/findings.json': FINDINGS_JSON.slice(0, 80) },
    reports: 'reports/findings.json',
    expect: { ...ERROR_TO_QA, outcome: 'unreadable' },
    summary: 'JSON ends early',
    notFinding: 'JSON'
  },
  {
    name: 'a cut-off JSON document of another shape',
    layout: 'example',
    files: { 'reports/lint.json': '{\n  "version": "2.1.0",\n  "runs": [\n    { "results": [' },
    reports: 'reports/lint.json',
    expect: { ...ERROR_TO_QA, outcome: 'unreadable' },
    summary: 'JSON ends early',
    notFinding: 'runs'
  },
  {
    name: 'an empty file declared JUnit in formats',
    layout: 'plain',
    config: 'formats:\n  "reports/*.xml": junit\n',
    files: { 'reports/junit.xml': '' },
    reports: 'reports/*.xml',
    expect: { ...ERROR_TO_QA, outcome: 'unreadable' },
    summary: 'empty'
  },
  {
    name: 'an empty text report has no findings',
    layout: 'example',
    files: { 'logs/lint.txt': '' },
    reports: 'logs/*.txt',
    expect: { result: 'pass', bucket: '', findings: 0 }
  },
  {
    name: 'a validator printing a cut-off JUnit document',
    layout: 'plain',
    files: { 'reports/junit.xml': JUNIT_PASSED.slice(0, 200) },
    validators: 'cat reports/junit.xml; exit 1',
    expect: { ...ERROR_TO_QA, outcome: 'unreadable' },
    summary: 'the file ends before the XML is complete'
  }
]

const streams: Row[] = [
  {
    name: 'a warning on stderr before JUnit on stdout',
    layout: 'plain',
    files: { 'reports/junit.xml': JUNIT_FAILED },
    validators: `echo "${WARNING}" >&2; sleep 0.2; cat reports/junit.xml; exit 1`,
    expect: { result: 'drift', bucket: 'runtime-regression', findings: 1 },
    finding: 'totals match: expected total 3, got 4',
    notFinding: 'ExperimentalWarning'
  },
  {
    name: 'a warning on stderr before a JSON findings document on stdout',
    layout: 'plain',
    files: { 'reports/findings.json': FINDINGS_JSON },
    validators: `echo "${WARNING}" >&2; sleep 0.2; cat reports/findings.json; exit 1`,
    expect: { result: 'drift', bucket: 'runtime-regression', findings: 1 },
    finding: 'total expected 4, got 3',
    message: 'response.expected.json: total expected 4, got 3',
    notFinding: 'ExperimentalWarning'
  },
  {
    name: 'text lines on stdout before <?xml',
    layout: 'example',
    files: { 'reports/junit.xml': JUNIT_FAILED },
    validators:
      'echo "> contracts@1.0.0 test"; echo "> vitest run --reporter=junit"; echo; cat reports/junit.xml; exit 1',
    expect: { result: 'drift', bucket: 'runtime-regression', findings: 1 },
    finding: 'totals match: expected total 3, got 4',
    notFinding: 'vitest run'
  },
  {
    name: 'text lines on stdout before a JSON findings document',
    layout: 'plain',
    files: { 'reports/findings.json': FINDINGS_JSON },
    validators:
      'echo "fixture-check 2.3.1"; echo "checking 1 pack"; cat reports/findings.json; exit 1',
    expect: { result: 'drift', bucket: 'runtime-regression', findings: 1 },
    finding: 'total expected 4, got 3',
    message: 'response.expected.json: total expected 4, got 3',
    notFinding: 'checking 1 pack'
  },
  {
    name: 'a Python traceback on stderr beside passing JUnit on stdout is a crash',
    layout: 'example',
    files: {
      'reports/junit.xml': JUNIT_PASSED,
      'scripts/teardown.py':
        'import sys\nsys.stdout.write(open("reports/junit.xml").read()); sys.stdout.flush()\nraise KeyError("session")\n'
    },
    validators: 'python3 scripts/teardown.py',
    expect: { ...ERROR_TO_QA, outcome: 'crashed' },
    summary: "KeyError: 'session'"
  }
]

const documentEnds: Row[] = [
  {
    name: "passing JUnit on stdout, then the runner's closing line",
    layout: 'plain',
    files: { 'reports/junit.xml': JUNIT_PASSED },
    validators: 'cat reports/junit.xml; echo "Done in 2.31s."',
    expect: { result: 'pass', bucket: '', findings: 0 }
  },
  {
    name: "passing JUnit on stdout, then pytest's summary line",
    layout: 'example',
    files: { 'reports/junit.xml': JUNIT_PASSED },
    validators: 'cat reports/junit.xml; echo "============ 2 passed in 0.12s ============"',
    expect: { result: 'pass', bucket: '', findings: 0 }
  },
  {
    name: 'a passing JUnit report file with a trailing line',
    layout: 'plain',
    files: { 'reports/junit.xml': JUNIT_PASSED + 'Done in 1s.\n' },
    reports: 'reports/*.xml',
    expect: { result: 'pass', bucket: '', findings: 0 }
  },
  {
    name: 'failing JUnit, then a trailer: drift, not an error',
    layout: 'example',
    files: { 'reports/junit.xml': JUNIT_FAILED },
    validators: 'cat reports/junit.xml; echo "Done in 2.31s."; exit 1',
    expect: { result: 'drift', bucket: 'runtime-regression', findings: 1 },
    finding: 'totals match: expected total 3, got 4',
    notFinding: 'Done in'
  },
  {
    name: 'a cut-off JUnit document with text after it stays unreadable',
    layout: 'plain',
    files: {
      'reports/junit.xml':
        JUNIT_PASSED.slice(0, JUNIT_PASSED.indexOf('</testsuite>')) + 'Done in 1s.\n'
    },
    reports: 'reports/*.xml',
    expect: { ...ERROR_TO_QA, outcome: 'unreadable' },
    summary: 'the file ends before the XML is complete'
  }
]

const isFinding = (line: string): boolean => /title=Contract drift%3A /.test(line)

describe.each([
  ['a broken command is an error, never drift', brokenCommands],
  ['a truncated or malformed report is an error for that report', unreadableReports],
  ['stdout and stderr are separate streams', streams],
  ['a document ends where its root element closes', documentEnds]
])('dist/index.js: %s', (_point, rows) => {
  it.each(rows.map(row => [`${row.name} (${row.layout} layout)`, row] as const))(
    '%s',
    async (_name, row) => {
      const ran = await run(row)
      expect({
        result: ran.outputs.result,
        bucket: ran.outputs.bucket,
        findings: Number(ran.outputs.findings)
      }).toEqual({
        result: row.expect.result,
        bucket: row.expect.bucket,
        findings: row.expect.findings
      })
      if (row.expect.primaryRole)
        expect(ran.record?.routing?.primaryRole).toBe(row.expect.primaryRole)
      if (row.expect.primaryRole === 'qa') expect(ran.outputs.owners?.split(',')[0]).toBe('qa-lead')
      if (row.expect.outcome) expect(ran.record?.runs[0]?.outcome).toBe(row.expect.outcome)
      if (row.expect.result === 'error' && row.expect.findings === 0) {
        expect(ran.summary.split('\n')[0]).toContain('Validator error (High)')
        expect(ran.annotations.filter(isFinding)).toEqual([])
      }
      if (row.summary) expect(ran.summary).toContain(row.summary)
      if (row.finding)
        expect(ran.annotations.filter(isFinding).some(line => line.includes(row.finding!))).toBe(
          true
        )
      if (row.message)
        expect(ran.record?.runs.flatMap(r => r.findings.map(f => f.message))).toContain(row.message)
      if (row.notFinding) {
        for (const line of ran.annotations.filter(isFinding))
          expect(line).not.toContain(row.notFinding)
      }
    }
  )
})

describe('dist/index.js: validators input', () => {
  it('a continued line is one validator, shown as one command', async () => {
    const ran = await run({
      name: 'continuation',
      layout: 'example',
      files: { 'scripts/ok.sh': 'echo "[ok] OK: $*"\n' },
      validators: 'bash scripts/ok.sh one \\\n  two\nbash scripts/ok.sh three',
      expect: { result: 'pass', bucket: '', findings: 0 }
    })
    expect(ran.outputs.result).toBe('pass')
    expect(ran.stdout).toContain('::group::Validator: bash scripts/ok.sh one two')
    expect(ran.stdout).toContain('::group::Validator: bash scripts/ok.sh three')
    expect(ran.stdout).toContain('[ok] OK: one two')
  })

  it('runs validators one after another, as a run: block does, each echoed in its own group', async () => {
    const ran = await run({
      name: 'one after another',
      layout: 'example',
      files: {
        'scripts/first.sh':
          'sleep 0.5\necho "[first] ERROR: first done"\ntouch first.done\nexit 1\n',
        'scripts/second.sh':
          'if [ -e first.done ]; then echo "[second] ERROR: after first"; else echo "[second] ERROR: beside first"; fi\nexit 1\n'
      },
      validators: 'bash scripts/first.sh\nbash scripts/second.sh',
      expect: { result: 'drift', bucket: '', findings: 2 }
    })
    expect(ran.record?.runs.flatMap(r => r.findings.map(f => f.message))).toEqual([
      'first done',
      'after first'
    ])
    const at = (text: string, from = 0): number => ran.stdout.indexOf(text, from)
    const second = at('::group::Validator: bash scripts/second.sh')
    expect(at('::group::Validator: bash scripts/first.sh')).toBeLessThan(at('[first] ERROR'))
    expect(at('::endgroup::', at('[first] ERROR'))).toBeLessThan(second)
    expect(at('[second] ERROR')).toBeGreaterThan(second)
  })
})
