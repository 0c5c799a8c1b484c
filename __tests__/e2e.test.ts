/**
 * The bundle as the runner runs it: `node dist/index.js` with INPUT_* variables, an event payload,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, against every scenario in examples/ (both example layouts).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  loadScenario,
  prepareScenario,
  runAction,
  scenarioNames,
  scenarioRepository
  // @ts-expect-error -- plain JavaScript shared with `npm run demo`
} from '../scripts/scenarios.mjs'
import { FAILING, gitAt } from './support/emulated.js'
import Ajv2020Module from 'ajv/dist/2020.js'
import { parse } from 'yaml'

// ajv is CommonJS: under ESM its class may sit one `default` deeper.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ??
  Ajv2020Module) as typeof Ajv2020Module.default

interface Expect {
  result: string
  bucket: string
  severity: string
  confidence: string
  primaryRole: string
  owners: string[]
  /** `file:line` (or `file`) of error annotations the findings must get, in any order. */
  annotations?: string[]
}
interface Ran {
  code: number
  /** How long the bundle ran, in milliseconds. */
  ms?: number
  stdout: string
  outputs: Record<string, string>
  summary: string
  annotations: string[]
  record:
    | {
        detectedBy: string
        routing?: { primaryRole: string }
        runs: { outcome: string; excerpt: string }[]
      }
    | undefined
}

const names: string[] = scenarioNames()
const layoutOf = (name: string): string => scenarioRepository(name)
const workRoots: string[] = []

async function run(name: string, inputs: Record<string, string> = {}): Promise<Ran> {
  const prepared = prepareScenario(name)
  workRoots.push(dirname(prepared.repo))
  for (const [input, value] of Object.entries(inputs))
    prepared.env[`INPUT_${input.toUpperCase()}`] = value
  const started = Date.now()
  const ran: Ran = await runAction(prepared)
  return { ...ran, ms: Date.now() - started }
}

afterAll(() => {
  for (const root of workRoots) rmSync(root, { recursive: true, force: true })
})

/**
 * A scenario's run as it is (its own inputs), made once: the tests that look closer at one
 * (a crash's traceback, a timeout) read the same run as the row that checks its outcome.
 */
const asIs = new Map<string, Promise<Ran>>()
const scenarioRun = (name: string): Promise<Ran> => {
  if (!asIs.has(name)) asIs.set(name, run(name))
  return asIs.get(name)!
}

describe('dist/index.js on the example scenarios', () => {
  it('is built', () => {
    expect(existsSync('dist/index.js')).toBe(true)
  })

  it.each(names)('%s: the bucket, severity and owners the playbook demands', async name => {
    const expected: Expect = loadScenario(name).expect
    const ran = await scenarioRun(name)
    expect({
      result: ran.outputs.result,
      bucket: ran.outputs.bucket,
      severity: ran.outputs.severity,
      confidence: ran.outputs.confidence,
      owners: ran.outputs.owners ? ran.outputs.owners.split(',') : []
    }).toEqual({
      result: expected.result,
      bucket: expected.bucket,
      severity: expected.severity,
      confidence: expected.confidence,
      owners: expected.owners
    })
    expect(ran.record?.routing?.primaryRole ?? '').toBe(expected.primaryRole)
    expect(ran.record?.detectedBy).toBe('CI')
    if (layoutOf(name) !== 'repo') {
      // Nothing of the field's layout may leak into a repository laid out otherwise.
      for (const said of [ran.summary, ran.stdout, JSON.stringify(ran.record ?? {})])
        expect(said).not.toMatch(/tests\/contracts\/fixtures|services\/mcp|docs\/contracts/)
    }
    const annotated = ran.annotations.map(line => {
      const where = /file=([^,:]+)(?:,line=(\d+))?/.exec(line)
      return where ? `${where[1]}${where[2] ? `:${where[2]}` : ''}` : ''
    })
    expect(annotated).toEqual(expect.arrayContaining(expected.annotations ?? []))
    // fail-on: drift (the default) fails the step on drift and on error, never on pass.
    expect(ran.code).toBe(expected.result === 'pass' ? 0 : 1)
    // Findings exactly when there is a bucket: drift, or an error with findings to classify.
    expect(Number(ran.outputs.findings) > 0).toBe(expected.bucket !== '')

    if (expected.result === 'pass') {
      expect(ran.annotations).toEqual([])
      expect(ran.summary).toMatch(/^## ✅ Contract drift gate green/)
      expect(ran.summary.length).toBeLessThan(2000)
      expect(ran.outputs['incident-id']).toBe('')
      return
    }
    expect(ran.outputs['incident-id']).toMatch(/^DRIFT-\d{8}-[0-9a-f]{6}$/)
    const title = expected.bucket
      ? {
          'schema-drift': 'Schema drift',
          'fixture-stale': 'Fixture stale',
          'runtime-regression': 'Runtime regression'
        }[expected.bucket]
      : 'Validator error'
    const severity = expected.severity[0]!.toUpperCase() + expected.severity.slice(1)
    expect(ran.summary.split('\n')[0]).toContain(`${title} (${severity})`)
    for (const field of [
      'Incident ID',
      'Detected at',
      'Detected by (CI/local)',
      'Failing command/check',
      'Bucket (schema drift | fixture stale | runtime regression)',
      'Severity',
      'Owner',
      'Resolution PR',
      'Validation proof',
      'Prevention follow-up'
    ]) {
      expect(ran.summary).toContain(`**${field}:**`)
    }
    expect(ran.summary).toContain('Required action')
    // The record file holds what the summary shows.
    expect(JSON.parse(readFileSync(ran.outputs['record-path']!, 'utf8')).incidentId).toBe(
      ran.outputs['incident-id']
    )
    expect(existsSync(ran.outputs['record-path']!.replace(/\.json$/, '.md'))).toBe(true)
    if (expected.result === 'drift') {
      // Every finding lands on a real file of the checkout.
      const onFiles = ran.annotations.filter(
        line => line.includes(',file=') || line.includes(' file=')
      )
      expect(onFiles.length).toBeGreaterThanOrEqual(1)
      for (const line of onFiles) {
        const file = /file=([^,:]+)/.exec(line)![1]!
        expect(existsSync(`${dirname(ran.outputs['record-path']!)}/../../repo/${file}`)).toBe(true)
      }
    }
  })

  it("keeps a crashed validator's traceback in the record and names the exception", async () => {
    const ran = await scenarioRun('validator-crash')
    const crashed = ran.record!.runs.find(r => r.outcome === 'crashed')!
    expect(crashed.excerpt).toContain('Traceback (most recent call last):')
    expect(ran.summary).toContain('TypeError')
    expect(ran.annotations.some(line => line.includes('validator crashed'))).toBe(true)
  })

  it('stops a hung validator at validator-timeout and reports it', async () => {
    const ran = await scenarioRun('validator-timeout')
    expect(ran.ms).toBeLessThan(20_000)
    expect(ran.record!.runs.map(r => r.outcome)).toEqual(['passed', 'timed-out'])
  })

  it('fail-on: never keeps the step green on drift; fail-on: error only fails on errors', async () => {
    // Only the validator that finds the drift, and only the one that is missing: the rest pass.
    const drift = { validators: 'python3 scripts/validate-fixture-coverage.py' }
    const missing = { validators: 'python3 scripts/no-such-validator.py' }
    const runs = await Promise.all([
      run('schema-drift-high', { ...drift, 'fail-on': 'never' }),
      run('schema-drift-high', { ...drift, 'fail-on': 'error' }),
      run('validator-missing', { ...missing, 'fail-on': 'error' })
    ])
    expect(runs.map(ran => [ran.outputs.result, ran.code])).toEqual([
      ['drift', 0],
      ['drift', 0],
      ['error', 1]
    ])
  })

  it('rejects an invalid input with a message naming it and the valid values', async () => {
    const ran = await run('green', { 'fail-on': 'sometimes' })
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(
      "::error::Invalid fail-on 'sometimes'. Expected one of: drift, error, never."
    )
  })

  it('names a working-directory that does not exist', async () => {
    const ran = await run('green', { 'working-directory': 'no/such/dir' })
    expect(ran.code).toBe(1)
    expect(ran.stdout).toMatch(
      /::error::Invalid working-directory 'no\/such\/dir': .* is not a directory/
    )
  })

  it('reports a broken configuration file by file, key and expectation', async () => {
    const ran = await run('green', { config: 'missing/config.yml' })
    expect(ran.code).toBe(1)
    expect(ran.stdout).toMatch(
      /::error::Cannot read the configuration file '.*missing\/config.yml'/
    )
    expect(ran.outputs.result).toBe('error')
  })

  it('a validator cannot forge annotations, outputs or read the token', async () => {
    const ran = await run('green', {
      validators:
        'echo "::error file=x.py::forged"; echo "result=pass" >> "$GITHUB_OUTPUT"; env; exit 1',
      'github-token': 'ghs_0123456789abcdefghijABCDEFGHIJ012345'
    })
    // The raw command never reaches the runner; the finding it stands for is annotated by us.
    expect(ran.annotations).not.toContain('::error file=x.py::forged')
    expect(ran.outputs.result).toBe('drift')
    // The runner consumes add-mask commands and masks the value in everything else it logs.
    const logged = ran.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
    expect(logged.join('\n')).not.toContain('ghs_0123456789abcdefghijABCDEFGHIJ012345')
    expect(ran.stdout).toContain('::add-mask::ghs_0123456789abcdefghijABCDEFGHIJ012345')
    expect(ran.summary).not.toContain('ghs_0123456789abcdefghijABCDEFGHIJ012345')
  })

  it('refuses to run validators under pull_request_target unless allowed', async () => {
    const prepared = prepareScenario('green')
    workRoots.push(dirname(prepared.repo))
    prepared.env.GITHUB_EVENT_NAME = 'pull_request_target'
    const ran: Ran = await runAction(prepared)
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain('Refusing to run validators')
    expect(ran.stdout).toContain('allow-untrusted-code')
  })
})

describe('the second example layout (examples/petstore)', () => {
  const petstore = names.filter(name => layoutOf(name) === 'petstore')

  it('has a scenario for each bucket, both fixture-stale rules, a docs-only Low, a validator error and green', () => {
    const seen = petstore.map(name => {
      const { expect: e, commitMessage, pr } = loadScenario(name)
      const intent = /Behavior-Change: intentional/.test(commitMessage ?? '') || pr?.labels?.length
      return `${e.result} ${e.bucket || '-'} ${e.severity || '-'}${intent ? ' intent' : ''}`
    })
    expect(seen).toEqual(
      expect.arrayContaining([
        'pass - -',
        'drift schema-drift high',
        'drift schema-drift low',
        'drift fixture-stale high intent',
        'drift fixture-stale high',
        'drift runtime-regression high',
        'error - high'
      ])
    )
  })

  it('sets only paths and owners in its configuration, which the published JSON Schema accepts', () => {
    const config = parse(
      readFileSync('examples/petstore/.github/contract-drift-triage.yml', 'utf8')
    )
    expect(Object.keys(config).sort()).toEqual(['owners', 'paths'])
    const schema = JSON.parse(readFileSync('schema/config.schema.json', 'utf8'))
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema)
    expect(validate(config)).toBe(true)
    // CODEOWNERS at the root, a catch-all first and an owner of its own for each area.
    const owners = readFileSync('examples/petstore/CODEOWNERS', 'utf8')
      .split('\n')
      .filter(line => line.trim() !== '' && !line.startsWith('#'))
      .map(line => line.split(/\s+/))
    expect(owners[0]![0]).toBe('*')
    expect(new Set(owners.map(([, owner]) => owner)).size).toBe(owners.length)
    expect(owners.map(([pattern]) => pattern)).toEqual(
      expect.arrayContaining(['/api/', '/test/fixtures/', '/src/', '/scripts/'])
    )
  })

  it('refuses a scenario whose repo names no example repository, naming the file', () => {
    expect(() => scenarioRepository('x', { repo: '../repo' })).toThrow(
      'examples/scenarios/x/scenario.json: "repo" must name a directory of examples/'
    )
    expect(() => scenarioRepository('x', { repo: 'no-such-layout' })).toThrow('"no-such-layout"')
  })
})

describe('dist/index.js with a checkout that lacks the pull request commits', () => {
  it('reads the change set and the head commit message through the API, lazily loaded', async () => {
    const { createServer } = await import('node:http')
    const requests: string[] = []
    const server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`)
      response.setHeader('content-type', 'application/json')
      if (request.url?.startsWith('/repos/acme/contracts/pulls/144/files')) {
        response.end(
          JSON.stringify([
            {
              sha: 'x',
              filename: 'services/mcp/src/billing_ingest.py',
              status: 'modified',
              additions: 1,
              deletions: 1,
              changes: 2,
              blob_url: '',
              raw_url: '',
              contents_url: ''
            }
          ])
        )
      } else if (request.url?.startsWith('/repos/acme/contracts/git/commits/')) {
        response.end(
          JSON.stringify({
            sha: 'f'.repeat(40),
            message: 'fix: count records\n\nBehavior-Change: intentional\n'
          })
        )
      } else {
        response.statusCode = 404
        response.end(JSON.stringify({ message: 'Not Found' }))
      }
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    try {
      const prepared = prepareScenario('fixture-stale-mcp-trailer')
      workRoots.push(dirname(prepared.repo))
      // As in a depth-1 checkout of the merge commit: neither the base nor the head commit is here.
      const event = JSON.parse(readFileSync(prepared.env.GITHUB_EVENT_PATH, 'utf8'))
      event.pull_request.base.sha = 'a'.repeat(40)
      event.pull_request.head.sha = 'b'.repeat(40)
      writeFileSync(prepared.env.GITHUB_EVENT_PATH, JSON.stringify(event))
      prepared.env.GITHUB_API_URL = `http://127.0.0.1:${port}`
      prepared.env['INPUT_GITHUB-TOKEN'] = 'ghs_faketoken0123456789abcdefABCDEF0123'
      // The validator that fails in the scenario: this test is about the API, not the validators.
      prepared.env.INPUT_VALIDATORS = FAILING['fixture-stale-mcp-trailer']
      const ran: Ran = await runAction(prepared)
      expect(ran.outputs.bucket).toBe('fixture-stale')
      expect(ran.outputs.confidence).toBe('high')
      expect(ran.summary).toContain('pull request files API (#144)')
      expect(ran.summary).toContain('in the head commit message')
      expect(
        requests.every(line => line.endsWith('token ghs_faketoken0123456789abcdefABCDEF0123'))
      ).toBe(true)
      expect(requests.map(line => line.split(' ')[1]!.split('?')[0])).toEqual([
        '/repos/acme/contracts/pulls/144/files',
        `/repos/acme/contracts/git/commits/${'b'.repeat(40)}`
      ])
    } finally {
      server.close()
    }
  })
})

describe('dist/index.js reading reports an earlier step wrote', () => {
  it('triages captured output without running a validator', async () => {
    const prepared = prepareScenario('green')
    workRoots.push(dirname(prepared.repo))
    const { mkdirSync } = await import('node:fs')
    mkdirSync(`${prepared.repo}/logs`)
    writeFileSync(
      `${prepared.repo}/logs/fixture-coverage.txt`,
      "[fixture-coverage] ERROR: Missing required MCP fixture packs: ['billing.oci.ingest']\n"
    )
    prepared.env.INPUT_VALIDATORS = ''
    prepared.env.INPUT_REPORTS = 'logs/*.txt'
    const ran: Ran = await runAction(prepared)
    expect(ran.outputs.result).toBe('drift')
    expect(ran.outputs.bucket).toBe('fixture-stale')
    expect(ran.summary).toContain('report: logs/fixture-coverage.txt')
    expect(ran.stdout).not.toContain('::group::Validator:')
  })

  it('reads JUnit XML and JSON findings through the lazily loaded parsers of the bundle', async () => {
    const prepared = prepareScenario('green')
    workRoots.push(dirname(prepared.repo))
    const { copyFileSync, mkdirSync } = await import('node:fs')
    mkdirSync(`${prepared.repo}/reports`)
    copyFileSync(
      '__tests__/__fixtures__/parse/pytest-junit.xml',
      `${prepared.repo}/reports/junit.xml`
    )
    copyFileSync(
      '__tests__/__fixtures__/parse/findings.json',
      `${prepared.repo}/reports/findings.json`
    )
    prepared.env.INPUT_VALIDATORS = ''
    prepared.env.INPUT_REPORTS = 'reports/*'
    const ran: Ran = await runAction(prepared)
    expect(ran.outputs.result).toBe('drift')
    expect(ran.summary).toContain('report: reports/junit.xml')
    expect(ran.summary).toContain('report: reports/findings.json')
    // The pytest failure and setup error became findings (XML chunk), as did the JSON ones.
    expect(ran.summary).toContain('gcp-billing')
    expect(ran.summary).toContain('output.expected.healthy.json')
    expect(ran.summary).toContain('economics-module')
    expect(Number(ran.outputs.findings)).toBe(4)
  })

  it('says what to set when there is nothing to triage', async () => {
    const prepared = prepareScenario('green')
    workRoots.push(dirname(prepared.repo))
    prepared.env.INPUT_VALIDATORS = ''
    const ran: Ran = await runAction(prepared)
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain('::error::Nothing to triage')
  })
})

describe('dist/index.js in a monorepo package (working-directory)', () => {
  it('scopes the change set to the package, resolves CODEOWNERS at the root and annotates root-relative paths', async () => {
    const { cpSync, mkdirSync, mkdtempSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const workspace = mkdtempSync(`${tmpdir()}/cdt-mono-`)
    workRoots.push(workspace)
    const git = (...args: string[]): string => gitAt(workspace, ...args)
    cpSync('examples/repo', `${workspace}/packages/contracts`, { recursive: true })
    mkdirSync(`${workspace}/.github`)
    writeFileSync(
      `${workspace}/.github/CODEOWNERS`,
      '* @root-qa\n/packages/contracts/services/ @mono-impl\n'
    )
    git('init', '-q', '-b', 'main')
    git('add', '-A')
    git('commit', '-qm', 'base')
    const before = git('rev-parse', 'HEAD')
    cpSync('examples/scenarios/runtime-regression/changes', `${workspace}/packages/contracts`, {
      recursive: true
    })
    writeFileSync(`${workspace}/README.md`, 'outside the package\n')
    git('add', '-A')
    git('commit', '-qm', 'map aws to gcp')
    const after = git('rev-parse', 'HEAD')
    mkdirSync(`${workspace}/.runner`)
    writeFileSync(
      `${workspace}/.runner/event.json`,
      JSON.stringify({ before, after, head_commit: { message: 'map aws to gcp' } })
    )
    writeFileSync(`${workspace}/.runner/output`, '')
    writeFileSync(`${workspace}/.runner/summary`, '')
    // @ts-expect-error -- plain JavaScript shared with `npm run demo`
    const { actionDefaults } = await import('../scripts/scenarios.mjs')
    const inputs: Record<string, string> = {
      ...actionDefaults(),
      mode: 'report',
      'working-directory': 'packages/contracts',
      // The scenario's failing validators: this test is about the package, not the validators.
      validators: FAILING['runtime-regression']!
    }
    const ran: Ran = await runAction({
      repo: workspace,
      outputFile: `${workspace}/.runner/output`,
      summaryFile: `${workspace}/.runner/summary`,
      env: {
        PATH: process.env.PATH,
        GITHUB_WORKSPACE: workspace,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: `${workspace}/.runner/event.json`,
        GITHUB_REPOSITORY: 'acme/monorepo',
        GITHUB_REF_NAME: 'main',
        GITHUB_API_URL: 'http://127.0.0.1:9',
        GITHUB_OUTPUT: `${workspace}/.runner/output`,
        GITHUB_STEP_SUMMARY: `${workspace}/.runner/summary`,
        RUNNER_TEMP: `${workspace}/.runner`,
        ...Object.fromEntries(
          Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])
        )
      }
    })
    expect(ran.outputs.bucket).toBe('runtime-regression')
    expect(ran.outputs.owners!.split(',')[0]).toBe('mono-impl')
    expect(ran.summary).toContain('Change set: 1 file(s)')
    expect(ran.summary).not.toContain('README.md')
    const files = ran.annotations.map(line => /file=([^,:]+)/.exec(line)?.[1]).filter(Boolean)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) expect(file!.startsWith('packages/contracts/')).toBe(true)
  })
})

describe('dist/index.js when the record files cannot be written', () => {
  it('still writes the summary and outputs, then fails the step saying where and what to check', async () => {
    const prepared = prepareScenario('schema-drift-high')
    workRoots.push(dirname(prepared.repo))
    prepared.env.INPUT_VALIDATORS = FAILING['schema-drift-high']!
    // A file where the record directory's parent should be: mkdir fails with ENOTDIR.
    const blocked = `${dirname(prepared.repo)}/not-a-directory`
    writeFileSync(blocked, '')
    prepared.env.RUNNER_TEMP = blocked
    const ran: Ran = await runAction(prepared)
    expect(ran.code).not.toBe(0)
    expect(ran.summary).toContain('## 🔴 Contract drift: Schema drift')
    // The triage is kept; the step's result is the failure to write the record.
    expect(ran.outputs).toMatchObject({
      result: 'error',
      bucket: 'schema-drift',
      'record-path': ''
    })
    expect(ran.stdout).toContain(
      `::error::Could not write the record files into ${blocked}/contract-drift-triage (`
    )
    expect(ran.stdout).toContain('check that RUNNER_TEMP is a writable directory')
  })
})

describe('dist/index.js on a hostile log (the safe-rendering boundary)', () => {
  it('turns a token, mentions, closing keywords, a fake marker, a fence break-out and 100,000 findings into a bounded, harmless record', async () => {
    const token = 'ghp_' + 'A1b2C3d4'.repeat(5).slice(0, 36)
    const prepared = prepareScenario('green')
    workRoots.push(dirname(prepared.repo))
    writeFileSync(
      `${prepared.repo}/hostile.py`,
      [
        'import os, sys',
        `print("[fixture-coverage] ERROR: leaked ${token} @everyone @acme/admins Fixes #1 closes acme/contracts#2")`,
        'print("[fixture-coverage] ERROR: <!-- contract-drift-triage:key=acme/contracts:pr-999 --> ``` @everyone ```")',
        'print("::error file=README.md::forged annotation")',
        'print("::add-mask::nothing")',
        'for i in range(100000):',
        "    print(f\"[fixture-coverage] ERROR: MCP pack 'p{i}' version '1.0' missing required file: notes.md @everyone Fixes #{i}\")",
        'sys.exit(1)'
      ].join('\n')
    )
    prepared.env.INPUT_VALIDATORS = 'python3 hostile.py'
    prepared.env.HOSTILE_TOKEN = token
    const started = Date.now()
    const ran: Ran = await runAction(prepared)
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(ran.outputs.result).toBe('drift')
    // The forged ::error line is read as a finding (workflow commands are a validator format).
    expect(ran.outputs.findings).toBe('100003')

    // Bounded: the summary stays well under GitHub's 1 MiB, with the record fields whole.
    expect(Buffer.byteLength(ran.summary)).toBeLessThan(600 * 1024)
    expect(ran.summary).toContain('**Prevention follow-up:** pending')
    expect(ran.summary).toMatch(/more finding\(s\), not shown here/)
    // GitHub keeps 10 error annotations per step: 9 findings and the step's own failure.
    expect(ran.annotations.length).toBe(10)
    expect(ran.annotations[9]).toMatch(/^::error::Contract drift gate: drift/)
    expect(ran.annotations).not.toContain('::error file=README.md::forged annotation')

    // Harmless: nothing live outside code, no marker, no token anywhere GitHub shows.
    const live = ran.summary
      .replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '')
      .replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, '')
    for (const text of [
      '@everyone',
      '@acme/admins',
      'Fixes #1',
      'closes acme/contracts#2',
      '<!--'
    ]) {
      expect(live).not.toContain(text)
    }
    expect(ran.summary).not.toContain('<!--')
    for (const channel of [
      ran.summary,
      ran.annotations.join('\n'),
      readFileSync(ran.outputs['record-path']!, 'utf8')
    ]) {
      expect(channel).not.toContain(token)
    }
    for (const line of ran.annotations) {
      expect(line).not.toMatch(/@everyone|Fixes #\d/)
    }
  })
})

describe('dist/index.js on large, multi-byte output', () => {
  it('keeps the job summary under its byte budget when findings are long and full of replacement characters', async () => {
    const prepared = prepareScenario('green')
    workRoots.push(dirname(prepared.repo))
    writeFileSync(
      `${prepared.repo}/wide.py`,
      [
        'import sys',
        'for i in range(5000):',
        "    sys.stdout.buffer.write(b'[fixture-coverage] ERROR: bad bytes ' + bytes([0xff]) * 450 + b'\\n')",
        'sys.exit(1)'
      ].join('\n')
    )
    prepared.env.INPUT_VALIDATORS = 'python3 wide.py'
    const ran: Ran = await runAction(prepared)
    expect(ran.outputs.findings).toBe('5000')
    expect(Buffer.byteLength(ran.summary)).toBeLessThanOrEqual(512 * 1024)
    expect(ran.summary).toContain('**Incident ID:**')
  })
})
