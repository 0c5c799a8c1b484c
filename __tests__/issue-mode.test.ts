/**
 * mode: issue, end to end: the bundle (`node dist/index.js`) against the GitHub REST emulator,
 * whose every request and response is checked against GitHub's OpenAPI description.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import {
  ALICE_TOKEN,
  FAILING,
  gitAt,
  prepareBundle,
  REPO,
  runBundle,
  useGitHub,
  type Ran,
  type RunOptions
} from './support/emulated.js'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { prepareScenario, runAction } from '../scripts/scenarios.mjs'
import { readState } from '../src/incident.js'

/* eslint-disable @typescript-eslint/no-explicit-any -- the emulator is plain JavaScript */
const gh = useGitHub()
const roots: string[] = []
afterAll(() => roots.forEach(root => rmSync(root, { recursive: true, force: true })))

/** A run of the bundle in issue mode for a scenario, in the scope of pull request `pr`. */
const run = (scenario: string, options: RunOptions = {}): Promise<Ran> =>
  runBundle(gh, scenario, options)
/** The same, running only the validators that fail in the scenario: for tests about GitHub. */
const quick = (scenario: string, options: RunOptions = {}): Promise<Ran> =>
  run(scenario, { validators: FAILING[scenario], ...options })

const incidents = (): any[] => gh.issues(REPO).filter((issue: any) => !issue.pull_request)
const open = (): any[] => incidents().filter((issue: any) => issue.state === 'open')
const labels = (issue: any): string[] => issue.labels.map((label: any) => label.name).sort()
const writes = (): string[] =>
  gh.requests.filter((r: any) => r.method !== 'GET').map((r: any) => `${r.method} ${r.route}`)

describe('the life of an incident in one pull request', () => {
  it('is filed, left alone when nothing changed, updated, proved green, closed and reopened', async () => {
    // First red run: one issue, labelled, titled, with the record and its key marker.
    const first = await quick('schema-drift-high', { pr: 140 })
    expect(first.outputs.result).toBe('drift')
    expect(open()).toHaveLength(1)
    const [issue] = open()
    expect(issue.title).toBe('[contract-drift] Schema drift (High) — PR #140')
    expect(labels(issue)).toEqual([
      'bucket:schema-drift',
      'contract-drift',
      'owner:contract',
      'severity:high'
    ])
    expect(issue.user.login).toBe('github-actions[bot]')
    expect(issue.body.startsWith('<!-- contract-drift-triage:key=acme/contracts:pr-140 -->')).toBe(
      true
    )
    expect(issue.body).toContain('- [x] 2. Record bucket classification and owner assignment.')
    expect(first.outputs['issue-number']).toBe(String(issue.number))
    expect(first.outputs['issue-url']).toBe(`https://github.com/${REPO}/issues/${issue.number}`)
    expect(first.outputs['incident-id']).toBe(readState(issue.body)!.incidentId)
    expect(first.summary).toContain(`[#${issue.number}]`)
    // Labels were created with the playbook's colours and descriptions.
    const created = gh.labels(REPO).find((label: any) => label.name === 'severity:high')
    expect(created).toMatchObject({ color: 'b60205' })
    expect(created.description).toMatch(/release-blocking/)

    // The same red again: one read, no write, no comment.
    gh.resetRequests()
    const again = await quick('schema-drift-high', { pr: 140 })
    expect(again.outputs['issue-number']).toBe(String(issue.number))
    expect(gh.requests.map((r: any) => `${r.method} ${r.route}`)).toEqual([
      'GET /repos/{owner}/{repo}/issues'
    ])
    expect(gh.comments(REPO, issue.number)).toHaveLength(0)

    // The classification changes: the record is updated and one comment says what changed.
    const changed = await quick('runtime-regression', { pr: 140 })
    expect(changed.outputs.bucket).toBe('runtime-regression')
    expect(open()).toHaveLength(1)
    const updated = open()[0]
    expect(updated.title).toBe('[contract-drift] Runtime regression (High) — PR #140')
    expect(labels(updated)).toEqual([
      'bucket:runtime-regression',
      'contract-drift',
      'owner:implementation',
      'severity:high'
    ])
    expect(gh.comments(REPO, issue.number)).toHaveLength(1)
    expect(gh.comments(REPO, issue.number)[0].body).toContain('Runtime regression (High)')
    // The same job ran again (the validators that fail in each scenario): its new results replace
    // the old ones, so the record holds exactly this run's validators and findings, none of the
    // first run's.
    const stored = readState(updated.body)!.runs
    expect(stored.map(r => r.command).sort()).toEqual(
      FAILING['runtime-regression']!.split('\n').sort()
    )
    expect(stored.reduce((n, r) => n + r.findingCount, 0)).toBe(Number(changed.outputs.findings))
    expect(changed.outputs.findings).not.toBe(first.outputs.findings)
    expect(readState(updated.body)!.incidentId).toBe(readState(issue.body)!.incidentId)

    // Green with close-on-green: the proof is attached, step 4 ticked, one comment, closed. (Green
    // without it, and require-close-notes, are rows of __tests__/incident/lifecycle.test.ts.)
    const green = await run('green', {
      pr: 140,
      validators: FAILING['schema-drift-high'],
      inputs: { 'close-on-green': 'true' }
    })
    expect(green.outputs.result).toBe('pass')
    expect(green.outputs['issue-number']).toBe(String(issue.number))
    expect(open()).toHaveLength(0)
    const proved = incidents()[0]
    expect(proved.state_reason).toBe('completed')
    expect(proved.body).toContain('- [x] 4. Re-run triage validators and attach green output.')
    expect(proved.body).toMatch(/\*\*Validation proof:\*\* `\[fixture-coverage\] OK:/)
    expect(proved.title).toBe('[contract-drift] Runtime regression (High) — PR #140')
    expect(gh.comments(REPO, issue.number)).toHaveLength(2)

    // A later red run reopens the same incident.
    const reopened = await quick('schema-drift-high', { pr: 140 })
    expect(reopened.outputs['issue-number']).toBe(String(issue.number))
    expect(open()).toHaveLength(1)
    expect(incidents()).toHaveLength(1)
    expect(open()[0].body).toContain('reopened')
  })
})

describe('who decides', () => {
  it('lets a bucket label a person set win over the classifier, and says so', async () => {
    await quick('runtime-regression', { pr: 150 })
    const [issue] = open()
    // Alice relabels the incident as fixture stale.
    await fetch(
      `${gh.url}/repos/${REPO}/issues/${issue.number}/labels/bucket%3Aruntime-regression`,
      {
        method: 'DELETE',
        headers: { authorization: `token ${ALICE_TOKEN}` }
      }
    )
    await fetch(`${gh.url}/repos/${REPO}/issues/${issue.number}/labels`, {
      method: 'POST',
      headers: {
        authorization: `token ${ALICE_TOKEN}`,
        'content-type': 'application/json'
      },
      body: JSON.stringify({ labels: ['bucket:fixture-stale'] })
    })
    const after = await quick('runtime-regression', { pr: 150 })
    expect(after.outputs.bucket).toBe('fixture-stale')
    expect(after.outputs.owners!.split(',')[0]).toBe('mcp-owner')
    const relabelled = open()[0]
    expect(relabelled.title).toBe('[contract-drift] Fixture stale (High) — PR #150')
    expect(relabelled.body).toContain('set by `alice`, over the classifier')
    expect(relabelled.body).toMatch(/Reclassified by `alice` \(bucket label\)/)
    expect(labels(relabelled).filter(name => name.startsWith('bucket:'))).toEqual([
      'bucket:fixture-stale'
    ])
  })

  it('ignores an issue someone else wrote with a forged key marker', async () => {
    await fetch(`${gh.url}/repos/${REPO}/issues`, {
      method: 'POST',
      headers: {
        authorization: `token ${ALICE_TOKEN}`,
        'content-type': 'application/json'
      },
      body: JSON.stringify({
        title: 'fake',
        body: '<!-- contract-drift-triage:key=acme/contracts:pr-160 -->\nhijacked',
        labels: ['contract-drift']
      })
    })
    const ran = await quick('schema-drift-high', { pr: 160 })
    const mine = open().filter((issue: any) => issue.user.login === 'github-actions[bot]')
    expect(mine).toHaveLength(1)
    expect(ran.outputs['issue-number']).toBe(String(mine[0].number))
    expect(incidents().find((issue: any) => issue.title === 'fake').body).toContain('hijacked')
  })
})

describe('many runs at once', () => {
  it('matrix legs of one key started together end with one incident holding every finding: two on a first red, then five more', async () => {
    const validators = Array.from(
      { length: 7 },
      (_, i) =>
        `echo "[check-${i}] ERROR: problem ${i} in docs/contracts/billing-ingest-contract.md"; exit 1`
    )
    // Matrix legs: each its own job (SPEC §5), so their results add up. All checked out first,
    // so that the legs of a round start together, as a matrix's do.
    const legs = validators.map((validator, i) =>
      prepareBundle(gh, 'green', {
        pr: 170,
        validators: validator,
        inputs: { 'job-key': `leg-${i}` }
      })
    )
    const together = (round: any[]): Promise<Ran[]> => Promise.all(round.map(leg => runAction(leg)))
    // No incident yet: both legs find none, and only one may stay open (the wait before filing,
    // and a duplicate closed into the survivor).
    const first = await together(legs.slice(0, 2))
    expect(open()).toHaveLength(1)
    // Five legs update that incident at once: each merges again until its result is in the record.
    const runs = [...first, ...(await together(legs.slice(2)))]
    expect(runs.every(r => r.outputs.result === 'drift')).toBe(true)
    const survivors = open()
    expect(survivors).toHaveLength(1)
    const state = readState(survivors[0].body)!
    expect(state.runs.map(r => r.command).sort()).toEqual([...validators].sort())
    for (let i = 0; i < validators.length; i++)
      expect(survivors[0].body).toContain(`problem ${i} in`)
    // Any duplicate filed in the race was closed, its body pointing at the survivor, and its
    // results were moved there: one comment on the survivor per duplicate.
    const duplicates = incidents().filter((issue: any) => issue.number !== survivors[0].number)
    const moved = gh
      .comments(REPO, survivors[0].number)
      .filter((c: any) => c.body.includes('Results from a concurrent run'))
    expect(moved).toHaveLength(duplicates.length)
    expect(
      duplicates.map((issue: any) => [
        issue.state,
        issue.state_reason,
        String(issue.body).startsWith(`Duplicate of #${survivors[0].number}: `)
      ])
    ).toEqual(duplicates.map(() => ['closed', 'not_planned', true]))
  })
})

describe('when GitHub misbehaves', () => {
  it('retries a 502 on a read and files the incident', async () => {
    gh.fault({ method: 'GET', path: /\/issues$/, kind: '502', times: 1 })
    await quick('schema-drift-high', { pr: 180 })
    expect(open()).toHaveLength(1)
  })

  it('does not duplicate an issue whose create succeeded but answered 502', async () => {
    gh.fault({ method: 'POST', path: /\/issues$/, kind: 'write-then-502', times: 1 })
    const ran = await quick('schema-drift-high', { pr: 181 })
    expect(incidents()).toHaveLength(1)
    expect(ran.outputs['issue-number']).toBe(String(incidents()[0].number))
  })

  it.each([
    ['secondary-403', { retryAfter: 2 }],
    ['secondary-429', {}],
    ['primary-exhausted', { resetSeconds: 2 }],
    ['503', {}]
  ])('waits out a %s and files exactly one incident', async (kind, extra) => {
    gh.fault({ method: 'POST', path: /\/issues$/, kind, times: 1, ...extra })
    await quick('schema-drift-high', { pr: 182 })
    expect(incidents()).toHaveLength(1)
  })

  it('keeps the report when the token is read-only (a fork), and says how to file', async () => {
    gh.addToken('ghs_readonly_token_000000000000000000000', {
      login: 'github-actions[bot]',
      type: 'Bot',
      permission: 'read'
    })
    const ran = await quick('schema-drift-high', {
      pr: 190,
      token: 'ghs_readonly_token_000000000000000000000'
    })
    expect(incidents()).toHaveLength(0)
    expect(ran.code).toBe(1)
    expect(ran.outputs.bucket).toBe('schema-drift')
    expect(ran.stdout).toMatch(/::warning::The token cannot write issues .* workflow_run/)
    expect(ran.summary).toContain('**Incident ID:**')
  })

  it('keeps the report when GitHub stays down', async () => {
    gh.fault({ kind: '503', times: 100 })
    const ran = await quick('schema-drift-high', { pr: 191 })
    expect(ran.outputs.result).toBe('drift')
    expect(ran.stdout).toMatch(/::warning::Could not file or update the incident issue/)
    expect(ran.summary).toContain('**Incident ID:**')
  })
})

describe('annotations beyond the ten a step may write', () => {
  it('go to a check run on the head commit, fifty per request', async () => {
    const findings = Array.from(
      { length: 75 },
      (_, i) => `[docs-links] ERROR: broken link ${i} in docs/playbooks/triage.md:${i + 1}`
    )
    const validator = `printf '%s\\n' ${findings.map(f => `'${f}'`).join(' ')}; exit 1`
    const ran = await run('green', { pr: 196, validators: validator })
    expect(ran.outputs.findings).toBe('75')
    const [check] = gh.checkRuns(REPO)
    expect(check.name).toBe('contract-drift-triage findings')
    expect(check.output.annotations_count).toBe(75 - 9)
    expect(
      gh.requests.filter((r: any) => r.route.includes('check-runs')).map((r: any) => r.method)
    ).toEqual(['POST', 'PATCH'])
  })
})

describe('what reaches the issue', () => {
  it('masks a token and a secret-named variable a validator prints, in body, state and comments', async () => {
    const token = `ghp_${'Z9y8X7w6'.repeat(5).slice(0, 36)}`
    const validator = `echo "[check] ERROR: leaked ${token} and $MY_API_TOKEN in docs/contracts/billing-ingest-contract.md"; exit 1`
    const ran = await run('schema-drift-high', {
      pr: 197,
      validators: validator,
      env: { MY_API_TOKEN: 's3cr3t-value-for-tests' }
    })
    expect(ran.outputs.result).toBe('drift')
    const [issue] = open()
    const comments = gh
      .comments(REPO, issue.number)
      .map((c: any) => c.body)
      .join('\n')
    for (const text of [
      issue.body,
      Buffer.from(/state=([A-Za-z0-9+/=]+)/.exec(issue.body)![1]!, 'base64').toString(),
      comments
    ]) {
      expect(text).not.toContain(token)
      expect(text).not.toContain('s3cr3t-value-for-tests')
    }
  })

  it("keeps a person's root cause (CRLF, headings and all), Resolution PR, a note under Findings and a Discussion section through a changed red run", async () => {
    await quick('schema-drift-high', { pr: 164 })
    const [issue] = open()
    const note = 'Note from alice: the first finding is expected until the adapter ships.'
    const discussion = '### Discussion\n\nalice: we agreed to refresh the pack on Monday.'
    const edited = issue.body
      .replace('- **Resolution PR:** pending', '- **Resolution PR:** #99')
      .replace(
        '### Root cause\n\npending',
        '### Root cause\n\nThe adapter table was wrong.\n\n### Details\n\nSee the parity rows.'
      )
      .replace(/(### Findings\n\n[^\n]*\n(?:- [^\n]*\n)*)/, `$1${note}\n`)
      .replace(/(\n<!-- contract-drift-triage:state=)/, `\n\n${discussion}\n$1`)
      // The browser sends CRLF.
      .replace(/\n/g, '\r\n')
    expect(edited).toContain(note)
    expect(edited).toContain(discussion.replace(/\n/g, '\r\n'))
    expect(edited).toContain('The adapter table was wrong.')
    await fetch(`${gh.url}/repos/${REPO}/issues/${issue.number}`, {
      method: 'PATCH',
      headers: { authorization: `token ${ALICE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: edited })
    })
    const changed = await quick('runtime-regression', { pr: 164 })
    expect(changed.outputs.bucket).toBe('runtime-regression')
    // People's lines keep their bytes, CRLF included; the words and their places are what count.
    const body: string = open()[0].body.replace(/\r/g, '')
    expect(open()[0].title).toContain('Runtime regression')
    expect(body).toContain('- **Resolution PR:** #99')
    expect(body).not.toContain('- **Resolution PR:** pending')
    expect(body).toContain(note)
    expect(body).toContain(discussion)
    expect(body).toContain('The adapter table was wrong.\n\n### Details\n\nSee the parity rows.')
    // The note stays under Findings, the discussion after the record.
    expect(body.indexOf(note)).toBeGreaterThan(body.indexOf('### Findings'))
    expect(body.indexOf(note)).toBeLessThan(body.indexOf('### Resolution checklist'))
    expect(body.indexOf(discussion)).toBeGreaterThan(body.indexOf('### History'))
  })

  it('updates the record when its comment fails, and says so', async () => {
    await quick('schema-drift-high', { pr: 199 })
    gh.fault({ method: 'POST', path: /\/comments$/, kind: '500', times: 10 })
    const ran = await quick('runtime-regression', { pr: 199 })
    expect(open()[0].title).toContain('Runtime regression')
    expect(ran.outputs['issue-number']).toBe(String(open()[0].number))
    expect(ran.stdout).toMatch(/::warning::Incident #\d+: a comment could not be posted/)
    expect(readState(open()[0].body)!.seenComments).toBe(0)
  })

  it('escapes a branch name that tries to close the key marker', async () => {
    const prepared = prepareScenario('schema-drift-high')
    roots.push(dirname(prepared.repo))
    Object.assign(prepared.env, {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF_NAME: 'fix/x--><h1>@octocat-fixes-#1</h1>',
      GITHUB_API_URL: gh.url,
      CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001',
      INPUT_MODE: 'issue',
      'INPUT_GITHUB-TOKEN': gh.token,
      INPUT_VALIDATORS: FAILING['schema-drift-high']
    })
    writeFileSync(
      prepared.env.GITHUB_EVENT_PATH,
      JSON.stringify({ repository: { full_name: REPO } })
    )
    await runAction(prepared)
    const [issue] = open()
    const firstLine = issue.body.split('\n')[0]
    expect(firstLine).toMatch(
      /^<!-- contract-drift-triage:key=acme\/contracts:branch-fix\/x%2D-%3E%3Ch1%3E@octocat-fixes-#1%3C\/h1%3E -->$/
    )
    expect(issue.body).not.toContain('<h1>')
  })
})

describe('a package of a monorepo (working-directory)', () => {
  /** The example checkout moved into app/ of its repository, committed as the head. */
  const asPackage = (prepared: any): void => {
    const top = prepared.repo
    mkdirSync(join(top, 'app'))
    for (const name of readdirSync(top))
      if (name !== '.git' && name !== 'app') renameSync(join(top, name), join(top, 'app', name))
    gitAt(top, 'add', '-A')
    gitAt(top, 'commit', '-q', '-m', 'packages')
    const head = gitAt(top, 'rev-parse', 'HEAD')
    const event = JSON.parse(readFileSync(prepared.env.GITHUB_EVENT_PATH, 'utf8'))
    event.pull_request.head.sha = head
    writeFileSync(prepared.env.GITHUB_EVENT_PATH, JSON.stringify(event))
    prepared.env.GITHUB_SHA = head
  }
  const red = `echo "[fixture-coverage] ERROR: MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json"; exit 1`

  it("annotates repository paths when a green run counts another job's red result from the incident", async () => {
    const inputs = { 'working-directory': 'app' }
    await run('green', {
      pr: 150,
      validators: `${red}\ntrue`,
      inputs: { ...inputs, 'job-key': 'fixtures' },
      edit: asPackage
    })
    const green = await run('green', {
      pr: 150,
      validators: 'true',
      inputs: { ...inputs, 'job-key': 'smoke' },
      edit: asPackage
    })
    expect(green.outputs.result).toBe('drift')
    const annotated = green.annotations.filter(line => line.includes('billing.aws.ingest'))
    expect(annotated.length).toBeGreaterThan(0)
    for (const line of annotated) expect(line).toMatch(/file=app\/tests\/contracts\/fixtures\//)
  })
})

describe('results per job (SPEC §5)', () => {
  // A layout other than the example's: the contract at api/openapi.yaml.
  const scripts = {
    'scripts/spec.sh': 'echo "[spec] ERROR: field total missing in api/openapi.yaml"; exit 1\n',
    'scripts/lint.sh': 'echo "[lint] OK: 3 files"\n'
  }
  const state = (): any => readState(open()[0].body)

  it('lets a job that no longer runs a red validator go green, without its old annotation', async () => {
    const red = await run('green', { pr: 210, files: scripts, validators: 'bash scripts/spec.sh' })
    expect(red.outputs.result).toBe('drift')
    const green = await run('green', {
      pr: 210,
      files: scripts,
      validators: 'bash scripts/lint.sh'
    })
    expect(green.outputs.result).toBe('pass')
    expect(green.code).toBe(0)
    expect(green.annotations.join('\n')).not.toContain('field total missing')
    expect(state().runs.map((r: any) => r.command)).toEqual(['bash scripts/lint.sh'])
    expect(open()[0].body).toContain('- [x] 4. Re-run triage validators and attach green output.')
  })

  it("counts another job's red result on the same head commit, says from which job, and drops it on a new commit", async () => {
    await run('green', {
      pr: 211,
      files: scripts,
      validators: 'bash scripts/spec.sh',
      inputs: { 'job-key': 'contracts' }
    })
    const other = await run('green', {
      pr: 211,
      files: scripts,
      validators: 'bash scripts/lint.sh',
      inputs: { 'job-key': 'lint' }
    })
    expect(other.outputs.result).toBe('drift')
    expect(other.summary).toContain(
      'Still counted, from job `contracts` on this head commit: `bash scripts/spec.sh` (failed, 1 finding(s)).'
    )
    expect(other.stdout).toContain('Still counted, from job `contracts`')
    // A new head commit: the contracts job runs again there; its old result no longer counts.
    const next = await run('green', {
      pr: 211,
      files: { ...scripts, 'api/openapi.yaml': 'openapi: 3.1.0\n' },
      validators: 'bash scripts/lint.sh',
      inputs: { 'job-key': 'lint' }
    })
    expect(next.outputs.result).toBe('pass')
    expect(next.summary).toMatch(
      /Dropped, from job `contracts` on an older head commit \(`[0-9a-f]{7}`\): `bash scripts\/spec.sh`/
    )
  })
})

describe('report mode', () => {
  it('writes nothing to GitHub', async () => {
    await quick('schema-drift-high', { pr: 195, inputs: { mode: 'report' } })
    expect(writes()).toEqual([])
    expect(incidents()).toHaveLength(0)
  })
})
