/**
 * mode: digest, end to end: the bundle against the GitHub emulator (SPEC §6). Incidents are filed
 * by the bundle itself in issue mode (two layouts: examples/repo and examples/petstore), then a
 * release gate reads them.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  ALICE_TOKEN,
  FAILING,
  REPO,
  runBundle,
  useGitHub,
  type Ran,
  type RunOptions
} from './support/emulated.js'

/* eslint-disable @typescript-eslint/no-explicit-any -- the emulator is plain JavaScript */
const gh = useGitHub()

/** An incident filed by the bundle for a scenario, running only the validators that fail in it. */
const file = (scenario: string, options: RunOptions = {}): Promise<Ran> =>
  runBundle(gh, scenario, { validators: FAILING[scenario], ...options })
/** The release gate: a digest run (no validators) with `fail-on: drift` unless told otherwise. */
const gate = (inputs: Record<string, string> = {}): Promise<Ran> =>
  runBundle(gh, 'green', { inputs: { mode: 'digest', 'fail-on': 'drift', ...inputs } })

async function asAlice(method: string, path: string, body?: object): Promise<any> {
  const response = await fetch(`${gh.url}${path}`, {
    method,
    headers: { authorization: `token ${ALICE_TOKEN}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {})
  })
  expect(response.ok).toBe(true)
  return response.json()
}
const incident = (title: RegExp): any =>
  gh.issues(REPO).find((issue: any) => title.test(issue.title) && issue.state === 'open')
const writes = (): string[] =>
  gh.requests.filter((r: any) => r.method !== 'GET').map((r: any) => `${r.method} ${r.route}`)

describe('the release gate', () => {
  it('runs no validator: it reads incidents only', async () => {
    const ran: any = await runBundle(gh, 'green', {
      validators: 'touch digest-ran-a-validator',
      inputs: { mode: 'digest', 'fail-on': 'never' }
    })
    expect(ran.outputs.result).toBe('pass')
    // Give a stray validator the time a touch takes, then look for its trace.
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(existsSync(join(ran.prepared.repo, 'digest-ran-a-validator'))).toBe(false)
  })

  it('passes with only Medium and pull-request incidents, fails once a release-branch incident is High or blind, passes again when they close', async () => {
    // The petstore example routes QA to qa-automation: a collaborator here, so it can be assigned.
    gh.addRepo(REPO, {
      collaborators: [
        'impl-owner',
        'qa-lead',
        'mcp-owner',
        'fixture-owner',
        'alice',
        'qa-automation'
      ]
    })
    // A Medium incident on main (a nightly run) and a blind gate on a pull request: listed, not blocking.
    await file('scheduled-drift')
    await file('validator-crash', { pr: 150 })
    const nightly = incident(/Runtime regression \(Medium\) — main/)
    expect(nightly).toBeDefined()
    const ready = await gate()
    expect(ready.code).toBe(0)
    expect(ready.outputs).toMatchObject({
      result: 'pass',
      ready: 'true',
      'open-incidents': '2',
      'blocking-incidents': '',
      'digest-url': ''
    })
    expect(ready.summary).toContain('✅ Ready — Release readiness — P06')
    expect(ready.summary).toContain('PR #150')

    // A person raises the nightly incident to High: their label counts, the release is blocked.
    await asAlice('PUT', `/repos/${REPO}/issues/${nightly.number}/labels`, {
      labels: [
        'contract-drift',
        'bucket:runtime-regression',
        'severity:high',
        'owner:implementation'
      ]
    })
    // A validator that cannot start on main (the petstore layout, its own incident key): a blind gate.
    await file('petstore-broken-command', { inputs: { 'incident-key': 'petstore' } })
    const blind = incident(/Validator error \(High\) — main/)
    expect(blind).toBeDefined()
    const blocked = await gate()
    expect(blocked.code).not.toBe(0)
    expect(blocked.outputs).toMatchObject({
      result: 'drift',
      ready: 'false',
      'open-incidents': '3',
      'blocking-incidents': [nightly.number, blind.number].sort((a, b) => a - b).join(',')
    })
    expect(blocked.summary).toContain('🔴 Blocked')
    expect(blocked.summary).toContain(
      `[#${nightly.number}](https://github.com/${REPO}/issues/${nightly.number})`
    )
    expect(blocked.summary).toContain('a blind gate (validator error, High)')
    expect(blocked.stdout).toMatch(/::error::Release blocked: 2 open incident\(s\)/)

    // The scheduled example's fail-on: never reports the same without failing the step.
    const scheduled = await gate({ 'fail-on': 'never' })
    expect(scheduled.code).toBe(0)
    expect(scheduled.outputs.ready).toBe('false')

    // Both closed (by a person): ready again; the window still counts them as closed without notes.
    for (const number of [nightly.number, blind.number])
      await asAlice('PATCH', `/repos/${REPO}/issues/${number}`, { state: 'closed' })
    const reopenedForRelease = await gate()
    expect(reopenedForRelease.code).toBe(0)
    expect(reopenedForRelease.outputs).toMatchObject({ ready: 'true', 'open-incidents': '1' })
    expect(reopenedForRelease.summary).toMatch(
      /Closed without root cause or prevention note:\*\* 2/
    )
    // A digest run files nothing and writes nothing unless digest-issue is set.
    gh.resetRequests()
    await gate()
    expect(writes()).toEqual([])
  }, 300_000)

  it('ignores issues the action did not write, however much they look like incidents', async () => {
    // Before any digest issue exists, the label is created with its colour and description.
    await gate({ 'digest-issue': 'true' })
    expect(gh.labels(REPO).find((l: any) => l.name === 'contract-drift-digest')).toMatchObject({
      color: '0e8a16'
    })
    await file('scheduled-drift')
    const nightly = incident(/— main/)
    await asAlice('PATCH', `/repos/${REPO}/issues/${nightly.number}`, { state: 'closed' })
    // A person copies the incident body, marker and state included, and labels it High.
    await asAlice('POST', `/repos/${REPO}/issues`, {
      title: '[contract-drift] Schema drift (High) — main',
      body: nightly.body,
      labels: ['contract-drift', 'severity:high']
    })
    const ran = await gate()
    expect(ran.outputs).toMatchObject({ result: 'pass', ready: 'true', 'open-incidents': '0' })
  }, 180_000)

  it('says error, and fails the step, when the incidents cannot be read', async () => {
    gh.fault({ method: 'GET', path: /\/issues$/, kind: 'read-only', times: 10 })
    const ran = await gate()
    expect(ran.code).not.toBe(0)
    expect(ran.outputs).toMatchObject({ result: 'error', ready: 'false' })
    expect(ran.summary).toContain(`Could not read the incidents of ${REPO}`)
  })
})

describe('the release-readiness issue (digest-issue: true)', () => {
  it('is created once, left alone when nothing changed, and updated in place when it did', async () => {
    // Someone else's issue with the marker and the label is not the digest issue.
    await asAlice('POST', `/repos/${REPO}/issues`, {
      title: '[contract-drift] Release readiness — P06',
      body: '<!-- contract-drift-triage:digest -->\nAll good, ship it.',
      labels: ['contract-drift-digest']
    })
    await file('scheduled-drift')
    const first = await gate({ 'digest-issue': 'true' })
    const digests = (): any[] =>
      gh
        .issues(REPO)
        .filter(
          (issue: any) =>
            issue.user.login === 'github-actions[bot]' &&
            issue.labels.some((l: any) => l.name === 'contract-drift-digest')
        )
    expect(digests()).toHaveLength(1)
    const [issue] = digests()
    expect(issue.title).toBe('[contract-drift] Release readiness — P06')
    expect(issue.body.startsWith('<!-- contract-drift-triage:digest -->\n')).toBe(true)
    expect(issue.labels.map((l: any) => l.name)).toEqual(['contract-drift-digest'])
    expect(first.outputs['digest-url']).toBe(issue.html_url)
    expect(first.summary).toContain(issue.html_url)

    gh.resetRequests()
    const same = await gate({ 'digest-issue': 'true' })
    expect(same.outputs['digest-url']).toBe(issue.html_url)
    expect(writes()).toEqual([])

    await file('validator-crash', { pr: 151 })
    gh.resetRequests()
    await gate({ 'digest-issue': 'true' })
    expect(writes()).toEqual(['PATCH /repos/{owner}/{repo}/issues/{issue_number}'])
    expect(digests()).toHaveLength(1)
    expect(digests()[0].body).toContain('PR #151')

    // A release manager's note below the digest is theirs: kept when the digest changes.
    const note = '\n\nRelease manager: the blind gate on PR #151 is waived for P06.'
    await asAlice('PATCH', `/repos/${REPO}/issues/${issue.number}`, {
      body: `${digests()[0].body}${note}`
    })
    await file('schema-drift-high', { pr: 152 })
    await gate({ 'digest-issue': 'true' })
    const kept = digests()[0].body
    expect(kept).toContain('PR #152')
    expect(kept.endsWith(`<!-- /contract-drift-triage:digest -->${note}`)).toBe(true)
  }, 180_000)

  it('is never written in report mode', async () => {
    gh.resetRequests()
    const ran = await file('schema-drift-high', {
      inputs: { mode: 'report', 'digest-issue': 'true' }
    })
    expect(ran.outputs.result).toBe('drift')
    expect(writes()).toEqual([])
    expect(gh.issues(REPO)).toEqual([])
  })
})
