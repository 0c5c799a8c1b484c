/**
 * An organisation on one incident repository (issue 17), through the bundle against the emulator
 * with GitHub's rate limits on: many repositories filing with one token, a run refused past its
 * budget, and the labels other incidents already carry.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
// @ts-expect-error -- plain JavaScript
import { startEmulator } from '../emulator/index.mjs'
// @ts-expect-error -- plain JavaScript shared with `npm run bench -- --org`
import { runOrg } from '../bench/org.mjs'
import { FAILING, REPO, runBundle, useGitHub } from './support/emulated.js'

/* eslint-disable @typescript-eslint/no-explicit-any -- the emulator and bench are plain JavaScript */
const gh = useGitHub()
const roots: string[] = []
const emulators: any[] = []
afterAll(async () => {
  for (const e of emulators) await e.close()
  for (const root of roots) rmSync(root, { recursive: true, force: true })
})
const ENTRY = join(process.cwd(), 'dist', 'index.js')

describe('labels', () => {
  it.each([
    ['examples/repo', 'schema-drift-high'],
    ['examples/petstore', 'petstore-schema-drift']
  ])(
    '%s: a first red where other incidents carry its labels neither reads nor creates labels',
    async (_layout, scenario) => {
      // The validators that fail in the scenario: this test is about requests, not validators.
      const validators = FAILING[scenario]
      await runBundle(gh, scenario, { pr: 140, validators })
      gh.resetRequests()
      const second = await runBundle(gh, scenario, { pr: 141, validators })
      expect(second.outputs['issue-number']).toBeTruthy()
      expect(gh.requests.map((r: any) => `${r.method} ${r.route}`)).toEqual([
        'GET /repos/{owner}/{repo}/issues',
        'GET /repos/{owner}/{repo}/issues',
        'POST /repos/{owner}/{repo}/issues',
        'GET /repos/{owner}/{repo}/issues'
      ])
    }
  )
})

/** A request as another client of GitHub makes it; returns the response's JSON. */
async function post(gh: any, path: string, body: unknown): Promise<any> {
  const response = await fetch(`${gh.url}${path}`, {
    method: 'POST',
    headers: { authorization: `token ${gh.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  expect(response.status).toBe(201)
  return response.json()
}

/**
 * `count` incidents of other repositories' keys in `into`, filed as the action files them (with
 * their `source:` label when `labelled`) or as earlier versions did (without). Seeded straight
 * into the emulator: a request each was 940 requests of this suite.
 */
function fileOthers(
  gh: any,
  from: number,
  count: number,
  { into = REPO, labelled = false }: { into?: string; labelled?: boolean } = {}
): void {
  for (let n = from; n < from + count; n++) {
    gh.addIssue(into, {
      title: `[contract-drift] Schema drift (High) — acme/svc-${n}#1`,
      body: `<!-- contract-drift-triage:key=acme/svc-${n}:pr-1 -->\nThe record.`,
      labels: [
        'contract-drift',
        'bucket:schema-drift',
        'severity:high',
        'owner:contract',
        ...(labelled ? [`source:acme/svc-${n}`] : [])
      ]
    })
  }
}

describe('an incident older than the newest page', () => {
  const route = (r: any): string => `${r.method} ${r.route}`
  const list = 'GET /repos/{owner}/{repo}/issues'
  it.each([
    ['examples/repo', 'schema-drift-high'],
    ['examples/petstore', 'petstore-schema-drift']
  ])(
    '%s: with 150 other incidents, a re-run still finds it (the open ones are read: GitHub search does not see the hidden marker)',
    async (_layout, scenario) => {
      const validators = FAILING[scenario]
      const first = await runBundle(gh, scenario, { pr: 140, validators })
      const number = first.outputs['issue-number']
      expect(number).toBeTruthy()
      fileOthers(gh, 0, 150)
      gh.resetRequests()
      const again = await runBundle(gh, scenario, { pr: 140, validators })
      expect(again.outputs['issue-number']).toBe(number)
      // The newest page, then every open incident (151: two pages).
      expect(gh.requests.map(route)).toEqual([list, list, list])
      // A first red among them: no incident of its key anywhere, so a new one.
      gh.resetRequests()
      const fresh = await runBundle(gh, scenario, { pr: 141, validators })
      expect(fresh.outputs['issue-number']).toBeTruthy()
      expect(fresh.outputs['issue-number']).not.toBe(number)
      expect(gh.requests.map(route)).toEqual([
        list,
        list,
        list,
        list,
        'POST /repos/{owner}/{repo}/issues',
        list
      ])
    }
  )
})

describe("an organisation's incident repository: a run lists its own repository's incidents", () => {
  const INCIDENTS = 'acme/incidents'
  const inputs = { 'incident-repository': INCIDENTS }
  const route = (r: any): string => `${r.method} ${r.route}`
  const lists = (): any[] =>
    gh.requests.filter((r: any) => route(r) === 'GET /repos/{owner}/{repo}/issues')
  const labelled = (issue: any): string[] => issue.labels.map((l: any) => l.name)
  beforeEach(() => {
    gh.addRepo(INCIDENTS, { collaborators: ['impl-owner', 'qa-lead', 'mcp-owner'] })
  })

  it.each([
    ['examples/repo', 'schema-drift-high'],
    ['examples/petstore', 'petstore-schema-drift']
  ])(
    "%s: earlier versions' incidents get their source label once; then, among 250 other repositories' incidents, a run reads one page",
    async (_layout, scenario) => {
      const validators = FAILING[scenario]
      // 150 incidents as an earlier version filed them (no source label), this scope's among them.
      fileOthers(gh, 0, 120, { into: INCIDENTS })
      const earlier = await post(gh, `/repos/${INCIDENTS}/issues`, {
        title: '[contract-drift] Schema drift (High) — PR #140',
        body: '<!-- contract-drift-triage:key=acme/contracts:pr-140 -->\nRecorded by an earlier version.',
        labels: ['contract-drift', 'bucket:schema-drift', 'severity:high', 'owner:contract']
      })
      fileOthers(gh, 120, 29, { into: INCIDENTS })
      const first = await runBundle(gh, scenario, { pr: 140, validators, inputs })
      expect(Number(first.outputs['issue-number'])).toBe(earlier.number)
      const open = gh.issues(INCIDENTS).filter((issue: any) => issue.state === 'open')
      expect(open).toHaveLength(150)
      for (const issue of open)
        expect(labelled(issue)).toContain(`source:${/key=([^:]*):/.exec(issue.body)![1]}`)
      expect(gh.labels(INCIDENTS).map((l: any) => l.name)).toContain(
        'contract-drift:sources-labelled'
      )
      expect(first.stdout).toContain('labelled 150 open incident(s) of other repositories')

      // 100 more, filed as this version files them: a re-run reads its source's page alone.
      fileOthers(gh, 150, 100, { into: INCIDENTS, labelled: true })
      gh.resetRequests()
      const again = await runBundle(gh, scenario, { pr: 140, validators, inputs })
      expect(Number(again.outputs['issue-number'])).toBe(earlier.number)
      expect(lists().map((r: any) => new URLSearchParams(r.query).get('labels'))).toEqual([
        'contract-drift,source:acme/contracts'
      ])
      expect(gh.requests.map(route)).not.toContain(
        'POST /repos/{owner}/{repo}/issues/{issue_number}/labels'
      )

      // A first red of a repository with no incident yet: its (empty) page, the marker that
      // says the labels exist, the page again after the create wait, and once filed (a racing
      // duplicate?); never every open incident, and no label asked for by name.
      gh.addRepo('acme/billing', { collaborators: ['impl-owner', 'qa-lead', 'mcp-owner'] })
      gh.resetRequests()
      const fresh = await runBundle(gh, scenario, {
        pr: 7,
        validators,
        inputs,
        env: { GITHUB_REPOSITORY: 'acme/billing' }
      })
      const number = Number(fresh.outputs['issue-number'])
      expect(number).not.toBe(earlier.number)
      expect(lists()).toHaveLength(3)
      expect(
        gh.requests.filter((r: any) => route(r) === 'GET /repos/{owner}/{repo}/labels/{name}')
      ).toHaveLength(1)
      const filed = gh.issues(INCIDENTS).find((issue: any) => issue.number === number)
      expect(labelled(filed)).toContain('source:acme/billing')
    }
  )
})

describe("upgrade day: an organisation's first runs start together", () => {
  it("one run labels every earlier version's incident; the others label their own source's only, and each finds its incident", async () => {
    const INCIDENTS = 'acme/incidents'
    const inputs = { 'incident-repository': INCIDENTS }
    const sources = ['acme/herd-0', 'acme/herd-1', 'acme/herd-2', 'acme/herd-3']
    gh.addRepo(INCIDENTS, { collaborators: ['impl-owner', 'qa-lead', 'mcp-owner'] })
    fileOthers(gh, 0, 100, { into: INCIDENTS })
    const earlier: Record<string, number> = {}
    for (const source of sources) {
      gh.addRepo(source, { collaborators: ['impl-owner', 'qa-lead', 'mcp-owner'] })
      const filed = await post(gh, `/repos/${INCIDENTS}/issues`, {
        title: '[contract-drift] Schema drift (High) — PR #140',
        body: `<!-- contract-drift-triage:key=${source}:pr-140 -->\nRecorded by an earlier version.`,
        labels: ['contract-drift', 'bucket:schema-drift', 'severity:high', 'owner:contract']
      })
      earlier[source] = filed.number
    }
    gh.resetRequests()
    const runs = await Promise.all(
      sources.map(source =>
        runBundle(gh, 'schema-drift-high', {
          pr: 140,
          validators: FAILING['schema-drift-high'],
          inputs,
          env: { GITHUB_REPOSITORY: source }
        })
      )
    )
    expect(runs.map(run => Number(run.outputs['issue-number']))).toEqual(
      sources.map(source => earlier[source])
    )
    const open = gh.issues(INCIDENTS).filter((issue: any) => issue.state === 'open')
    expect(open).toHaveLength(104)
    for (const issue of open)
      expect(issue.labels.map((l: any) => l.name)).toContain(
        `source:${/key=([^:]*):/.exec(issue.body)![1]}`
      )
    // Each of the 104 once, and at most once more by the run of its own source.
    const labelling = gh.requests.filter(
      (r: any) =>
        `${r.method} ${r.route}` === 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels'
    )
    expect(labelling.length).toBeGreaterThanOrEqual(104)
    expect(labelling.length).toBeLessThanOrEqual(104 + sources.length)
    const marker = gh
      .labels(INCIDENTS)
      .find((l: any) => l.name === 'contract-drift:sources-labelled')
    expect(marker.description).toMatch(/^contract-drift-triage: incident labels exist/)
    expect(runs.filter(run => run.stdout.includes('labelled 104 open incident(s)'))).toHaveLength(1)
  })
})

describe('upgrade day: a run that finds another labelling', () => {
  const INCIDENTS = 'acme/incidents'
  const since = (minutesAgo: number): string =>
    `contract-drift-triage: labelling incidents with their source: since ${new Date(Date.now() - minutesAgo * 60_000).toISOString()}`
  it.each([
    [
      'started 2 minutes ago: labels its own source only',
      2,
      1,
      /^contract-drift-triage: labelling/
    ],
    [
      'stopped 2 hours ago: takes over, labels every one',
      120,
      21,
      /^contract-drift-triage: incident labels exist/
    ]
  ])('%s', async (_case, minutesAgo, labelRequests, marker) => {
    gh.addRepo(INCIDENTS, {
      collaborators: ['impl-owner', 'qa-lead', 'mcp-owner'],
      labels: [{ name: 'contract-drift:sources-labelled', description: since(minutesAgo) }]
    })
    fileOthers(gh, 0, 20, { into: INCIDENTS })
    const earlier = await post(gh, `/repos/${INCIDENTS}/issues`, {
      title: '[contract-drift] Schema drift (High) — PR #140',
      body: '<!-- contract-drift-triage:key=acme/contracts:pr-140 -->\nRecorded by an earlier version.',
      labels: ['contract-drift', 'bucket:schema-drift', 'severity:high', 'owner:contract']
    })
    gh.resetRequests()
    const ran = await runBundle(gh, 'schema-drift-high', {
      pr: 140,
      validators: FAILING['schema-drift-high'],
      inputs: { 'incident-repository': INCIDENTS }
    })
    expect(Number(ran.outputs['issue-number'])).toBe(earlier.number)
    const labelling = gh.requests.filter(
      (r: any) =>
        `${r.method} ${r.route}` === 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels'
    )
    expect(labelling).toHaveLength(labelRequests)
    const label = gh
      .labels(INCIDENTS)
      .find((l: any) => l.name === 'contract-drift:sources-labelled')
    expect(label.description).toMatch(marker)
  })
})

describe('GitHub refuses past the run budget', () => {
  it('ends with the findings in the summary, the outputs set and a warning saying when the incident will be updated', async () => {
    // Two requests an hour: the third waits an hour, beyond any run's budget.
    const limited = await startEmulator({
      timeScale: 0.001,
      limits: { primary: { perHour: 2 }, secondary: false }
    })
    emulators.push(limited)
    limited.addRepo(REPO, { collaborators: ['impl-owner', 'qa-lead', 'mcp-owner'] })
    const ran = await runBundle(limited, 'schema-drift-high', {
      pr: 140,
      validators: FAILING['schema-drift-high']
    })
    expect(ran.outputs.result).toBe('drift')
    expect(ran.outputs.findings).not.toBe('0')
    expect(ran.outputs.bucket).toBe('schema-drift')
    expect(ran.outputs['issue-number']).toBe('')
    expect(ran.summary).toContain('Schema drift')
    expect(limited.limits.refused.primary).toBeGreaterThan(0)
    expect(ran.stdout).toMatch(
      /::warning::GitHub's rate limit for this token refused the incident's update in acme\/contracts.*the incident will be updated by the next run in this scope after \d\d:\d\d UTC\./
    )
    expect(limited.violations).toEqual([])
  })
})

describe('an organisation on one incident repository', () => {
  it('12 repositories, one token, limits on: no duplicate, no lost finding, no crash, content-creating requests ≤ 80 a minute', async () => {
    const scale = 0.05 // a minute of GitHub's limits in 3 real seconds
    const emulator = await startEmulator({ timeScale: scale })
    emulators.push(emulator)
    const workRoot = mkdtempSync(join(tmpdir(), 'cdt-org-'))
    roots.push(workRoot)
    const org = await runOrg({
      emulator,
      entry: ENTRY,
      node: process.execPath,
      workRoot,
      repos: 12,
      scale,
      concurrency: 8,
      timeoutMs: 60_000
    })
    expect({
      runs: org.runs,
      duplicatesOpen: org.duplicatesOpen,
      lostReports: org.lostReports,
      lostFindings: org.lostFindings,
      crashed: org.crashed,
      violations: org.violations
    }).toEqual({
      runs: 14,
      duplicatesOpen: 0,
      lostReports: 0,
      lostFindings: 0,
      crashed: 0,
      violations: []
    })
    // Every repository's incident: the 3 first reds (one with two legs) filed theirs.
    expect(org.filed).toBe(3)
    expect(org.maxPerMinute).toBeLessThanOrEqual(80)
    expect(org.results.map((r: any) => r.result).sort()).toEqual([
      ...Array(11).fill('drift'),
      ...Array(3).fill('pass')
    ])
  })
})
