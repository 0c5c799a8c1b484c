/**
 * The GitHub side of filing (src/github/incidents.ts) on an in-memory repository: here, how long
 * the write-and-verify rounds wait when a concurrent writer keeps overwriting the body. The
 * decisions themselves are the pure core's (__tests__/incident/transitions.test.ts).
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { IncidentFiler } from '../../src/github/incidents.js'
import type { Octokit } from '../../src/github/client.js'
import { VERIFY_ATTEMPTS } from '../../src/incident/filing.js'
import type { Triage } from '../../src/incident/lifecycle.js'
import type { IncidentRecord, ValidatorRun } from '../../src/types.js'

const BOT = 'github-actions[bot]'
const KEY = 'acme/contracts:pr-7'

/** A red validator run with one finding. */
const red = (message: string): ValidatorRun => ({
  command: 'bash scripts/spec.sh',
  outcome: 'failed',
  exitCode: 1,
  durationMs: 1,
  findings: [
    { source: 'spec', tag: 'contract', message, targets: ['api/openapi.yaml'], runtime: false }
  ],
  findingCount: 1,
  okLines: [],
  excerpt: message,
  outputBytes: 1
})

/** A stand-in for triage (its own suites test it): every red run is a High schema drift. */
const triage: Triage = runs => {
  const record: IncidentRecord = {
    incidentId: 'DRIFT-20261201-abcdef',
    key: KEY,
    scope: 'PR #7',
    detectedAt: '2026-12-01T12:00:00Z',
    detectedBy: 'CI',
    result: 'drift',
    classification: {
      bucket: 'schema-drift',
      confidence: 'high',
      rule: 1,
      reason: 'r',
      evidence: []
    },
    severity: 'high',
    routing: { primaryRole: 'contract', requiredAction: 'act', owners: { contract: ['carol'] } },
    owners: ['carol'],
    runs,
    context: { changed: [], changeSource: '', intent: [] }
  }
  return record
}

/* eslint-disable @typescript-eslint/no-explicit-any -- GitHub's issues as plain JSON */
/**
 * One repository's issues, answering the requests filing makes; with `overwritten` set, every
 * body written is lost, as when a concurrent run's write lands right after ours each time.
 */
function repository(): { octokit: Octokit; overwritten: boolean } {
  const issues: any[] = []
  const github = { overwritten: false, octokit: undefined as unknown as Octokit }
  const request = async (route: string, params: any): Promise<{ data: any }> => {
    const issue = issues[(params.issue_number ?? 0) - 1]
    switch (route) {
      case 'GET /repos/{owner}/{repo}/issues':
        return { data: issues.filter(candidate => candidate.state === params.state) }
      case 'POST /repos/{owner}/{repo}/issues': {
        const created = {
          number: issues.length + 1,
          html_url: `https://github.com/acme/contracts/issues/${issues.length + 1}`,
          title: params.title,
          body: params.body,
          labels: params.labels.map((name: string) => ({ name })),
          assignees: [],
          state: 'open',
          comments: 0,
          created_at: '2026-12-01T12:00:00Z',
          updated_at: '2026-12-01T12:00:00Z',
          user: { login: BOT }
        }
        issues.push(created)
        return { data: structuredClone(created) }
      }
      case 'GET /repos/{owner}/{repo}/issues/{issue_number}':
        return { data: structuredClone(issue) }
      case 'PATCH /repos/{owner}/{repo}/issues/{issue_number}':
        if (params.title) issue.title = params.title
        if (params.body && !github.overwritten) issue.body = params.body
        return { data: structuredClone(issue) }
      case 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments':
        issue.comments++
        return { data: {} }
      case 'GET /repos/{owner}/{repo}/labels':
      case 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments':
      case 'GET /repos/{owner}/{repo}/issues/{issue_number}/events':
        return { data: [] }
      case 'POST /repos/{owner}/{repo}/labels':
      case 'GET /repos/{owner}/{repo}/assignees/{assignee}':
        return { data: {} }
      default:
        throw new Error(`The test's repository does not answer ${route}`)
    }
  }
  github.octokit = {
    request,
    paginate: async (route: string, params: any) => (await request(route, params)).data
  } as unknown as Octokit
  return github
}

const filer = (octokit: Octokit, warnings: string[]): IncidentFiler =>
  new IncidentFiler({
    octokit,
    repository: 'acme/contracts',
    issueAuthor: BOT,
    key: KEY,
    job: 'ci',
    head: 'h1',
    closeOnGreen: true,
    requireCloseNotes: false,
    now: () => new Date('2026-12-01T12:00:00Z'),
    log: { info: () => {}, warning: message => warnings.push(message) },
    redact: text => text
  })

afterEach(() => {
  delete process.env.CONTRACT_DRIFT_TRIAGE_TIME_SCALE
  jest.restoreAllMocks()
})

describe('the waits between write-and-verify rounds', () => {
  // GitHub's pace on a runner; the tests' scaled clock, as for rate-limit waits (./client.ts).
  it.each([
    ['on a runner (no time scale)', 100, 3100, undefined],
    ['at CONTRACT_DRIFT_TRIAGE_TIME_SCALE=0.001', 0.1, 3.1, '0.001']
  ])('%s: each is %d to %d ms', async (_, shortest, longest, scale) => {
    const github = repository()
    const warnings: string[] = []
    await filer(github.octokit, warnings).file([red('amount removed')], triage)
    github.overwritten = true
    if (scale) process.env.CONTRACT_DRIFT_TRIAGE_TIME_SCALE = scale
    // The waits as asked for, each let through at once: nothing here is timed.
    const waits: number[] = []
    jest.spyOn(globalThis, 'setTimeout').mockImplementation(((done: () => void, ms: number) => {
      waits.push(ms)
      setImmediate(done)
    }) as unknown as typeof setTimeout)

    await filer(github.octokit, warnings).file([red('currency removed')], triage)

    expect(warnings).toEqual([expect.stringContaining(`(${VERIFY_ATTEMPTS} attempts)`)])
    expect(waits).toHaveLength(VERIFY_ATTEMPTS - 1)
    for (const ms of waits) {
      expect(ms).toBeGreaterThanOrEqual(shortest)
      expect(ms).toBeLessThanOrEqual(longest)
    }
  })
})
