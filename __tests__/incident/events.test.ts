/**
 * What happens to an incident outside a run of its scope, through the pure core: which issues are
 * incidents, a person's close, the pull request closed, a complete remediation.
 */
import { describe, expect, it } from '@jest/globals'
import { markerFor, storeRun, type IncidentState } from '../../src/incident.js'
import {
  bucketOverride,
  closedByPerson,
  incidentBucket,
  isIncident,
  missingNotes,
  pullRequestClosed,
  remediated,
  type IssueIdentity
} from '../../src/incident/events.js'
import type { ValidatorRun } from '../../src/types.js'

const AT = '2026-12-01T12:00:00Z'
const BOT = 'github-actions[bot]'
const KEY = 'acme/contracts:pr-7'
const run = (outcome: ValidatorRun['outcome']): ValidatorRun => ({
  command: 'bash scripts/spec.sh',
  outcome,
  exitCode: outcome === 'passed' ? 0 : 1,
  durationMs: 1,
  findings: [],
  findingCount: outcome === 'passed' ? 0 : 1,
  okLines: outcome === 'passed' ? ['[spec] OK'] : [],
  excerpt: '',
  outputBytes: 1
})
const STATE: IncidentState = {
  v: 1,
  incidentId: 'DRIFT-20261201-abcdef',
  key: KEY,
  createdAt: '2026-12-01T10:00:00Z',
  runs: [{ ...storeRun(run('failed'), AT, undefined), job: 'ci', head: 'h1' }],
  lifecycle: { checklist: [true, true, false, false, false], history: [], failingChecks: [] },
  seenComments: 2,
  scope: 'PR #7'
}
const greenState: IncidentState = {
  ...STATE,
  runs: [{ ...storeRun(run('passed'), AT, undefined), job: 'ci', head: 'h1' }]
}

const ROOT = '\n\n### Root cause\n\nThe adapter table was wrong.\n\n### Classification\n'
const PREVENTION = '\n- **Prevention follow-up:** a parity check in CI\n'
const incident = (notes = '', over: Partial<IssueIdentity> = {}): IssueIdentity => ({
  author: BOT,
  labels: ['contract-drift', 'bucket:schema-drift'],
  body: `${markerFor(KEY)}\n- **Resolution PR:** pending${notes}`,
  isPullRequest: false,
  ...over
})

describe('isIncident: only what this action wrote is trusted (SPEC §3)', () => {
  it.each<[string, IssueIdentity, string | null, boolean]>([
    ['written by the action, labelled, with the key marker', incident(), KEY, true],
    ['any key when none is asked for', incident(), null, true],
    ["a forged marker in someone else's issue", incident('', { author: 'mallory' }), KEY, false],
    [
      'an issue without an author (a deleted account)',
      incident('', { author: undefined }),
      KEY,
      false
    ],
    [
      'without the contract-drift label',
      incident('', { labels: ['bucket:schema-drift'] }),
      KEY,
      false
    ],
    ['another key', incident(), 'acme/contracts:pr-8', false],
    ['the marker not at the start', incident('', { body: `hi\n${markerFor(KEY)}` }), KEY, false],
    ['a pull request', incident('', { isPullRequest: true }), KEY, false],
    ['no body', incident('', { body: null }), null, false]
  ])('%s', (_, issue, key, trusted) => {
    expect(isIncident(issue, BOT, key)).toBe(trusted)
  })
})

describe('closedByPerson: playbook step 5', () => {
  const options = { issueAuthor: BOT, requireCloseNotes: true }
  it.each<[string, IssueIdentity, string | undefined, boolean, string, RegExp | undefined]>([
    [
      'both notes: resolved, step 5 ticked',
      incident(`${PREVENTION}${ROOT}`),
      'alice',
      true,
      'resolved',
      undefined
    ],
    [
      'only a root cause, require-close-notes: reopened, the prevention note named',
      incident(ROOT),
      'alice',
      true,
      'reopened',
      /needs a prevention note \(the "Prevention follow-up" field\) before it closes/
    ],
    [
      'only a prevention note, require-close-notes: reopened, the root cause named',
      incident(PREVENTION),
      'alice',
      true,
      'reopened',
      /needs a root cause \(the "Root cause" section\) before it closes/
    ],
    [
      'no notes, require-close-notes: reopened, both named',
      incident(),
      'alice',
      true,
      'reopened',
      /needs a root cause .* and a prevention note/
    ],
    [
      'no notes, without require-close-notes: noted in the history',
      incident(),
      'alice',
      false,
      'noted',
      undefined
    ],
    ["the action's own close (close-on-green)", incident(), BOT, true, 'ignored', undefined],
    ['closed by nobody known', incident(), undefined, true, 'ignored', undefined],
    [
      "someone else's issue with a marker",
      incident('', { author: 'mallory' }),
      'alice',
      true,
      'ignored',
      undefined
    ],
    [
      'an issue without the label',
      incident('', { labels: [] }),
      'alice',
      true,
      'ignored',
      undefined
    ]
  ])('%s', (_, issue, by, requireCloseNotes, outcome, comment) => {
    const closed = closedByPerson(
      STATE,
      { ...issue, comments: 4 },
      by,
      { ...options, requireCloseNotes },
      AT
    )
    expect(closed.outcome).toBe(outcome)
    if (comment) expect(closed.step?.comment).toMatch(comment)
    else expect(closed.step?.comment).toBeUndefined()
    const step = closed.step
    if (outcome === 'ignored') return expect(step).toBeUndefined()
    expect(step?.state.lifecycle.checklist[4]).toBe(outcome === 'resolved')
    expect(step?.issueState).toEqual(outcome === 'reopened' ? { state: 'open' } : undefined)
    // The comment it will post is counted, so the next run does not read it as another run's.
    expect(step?.state.seenComments).toBe(outcome === 'reopened' ? 5 : 2)
    expect(step?.state.lifecycle.history.at(-1)?.what).toMatch(
      {
        resolved: /^Closed by `alice` with root cause/,
        reopened: /^Reopened: closed by `alice` without/,
        noted: /^Closed by `alice` without/
      }[outcome] ?? /^$/
    )
  })

  it('ignores an issue whose hidden state is gone', () => {
    expect(
      closedByPerson(undefined, { ...incident(), comments: 0 }, 'alice', options, AT).outcome
    ).toBe('ignored')
  })

  it.each([
    [{}, 2],
    [{ rootCause: 'x' }, 1],
    [{ preventionFollowUp: 'y' }, 1],
    [{ rootCause: 'x', preventionFollowUp: 'y' }, 0]
  ])('missingNotes(%j) names %i', (notes, count) => {
    expect(missingNotes(notes)).toHaveLength(count)
  })
})

describe('pullRequestClosed (SPEC §5)', () => {
  const base = { key: 'acme/contracts:branch-main', scope: 'main' }
  it.each<[string, IncidentState, boolean, number | undefined, Record<string, unknown>]>([
    [
      'unmerged: closed as not planned',
      STATE,
      false,
      undefined,
      { outcome: 'closed', issueState: { state: 'closed', state_reason: 'not_planned' }, key: KEY }
    ],
    ['merged green: nothing to do', greenState, true, undefined, { outcome: 'none' }],
    [
      "merged red: moves to the base branch's key and stays open",
      STATE,
      true,
      undefined,
      { outcome: 'moved', key: base.key, scope: 'main', history: /moves to `main` and stays open/ }
    ],
    [
      'merged red with an open incident on the base: closed into it',
      STATE,
      true,
      12,
      {
        outcome: 'merged-into',
        issueState: { state: 'closed', state_reason: 'not_planned' },
        key: KEY,
        continuedIn: 'Pull request PR #7 was merged while red; its incident #3 continues here.',
        history: /continued in #12/
      }
    ]
  ])('%s', (_, state, merged, openIncident, expected) => {
    const out = pullRequestClosed(
      state,
      merged,
      { ...base, ...(openIncident ? { openIncident } : {}) },
      3,
      AT
    )
    const seen: Record<string, unknown> = {
      outcome: out.outcome,
      issueState: out.step?.issueState,
      key: out.step?.state.key,
      scope: out.step?.state.scope,
      continuedIn: out.continuedIn,
      history: out.step?.state.lifecycle.history.at(-1)?.what
    }
    for (const [name, value] of Object.entries(expected)) {
      if (value instanceof RegExp) expect(seen[name]).toMatch(value)
      else expect([name, seen[name]]).toEqual([name, value])
    }
  })
})

describe('remediated: a complete remediation pull request', () => {
  it('becomes the Resolution PR with the green output as proof, steps 3 and 4 ticked', () => {
    const next = remediated(STATE, incident().body, '#31', ['[spec] OK'], AT, 'https://run/1')
    expect(next?.lifecycle.resolutionPr).toBe('#31')
    expect(next?.lifecycle.checklist).toEqual([true, true, true, true, false])
    expect(next?.lifecycle.validationProof).toEqual({
      at: AT,
      okLines: ['[spec] OK'],
      runUrl: 'https://run/1'
    })
  })

  it.each([
    ['a person filled the Resolution PR', incident().body!.replace('pending', '#99'), STATE],
    [
      'an earlier pull request recorded it',
      incident().body,
      { ...STATE, lifecycle: { ...STATE.lifecycle, resolutionPr: '#30' } }
    ]
  ])('records nothing when %s', (_, body, state) => {
    expect(remediated(state, body, '#31', [], AT)).toBeUndefined()
  })
})

describe('incidentBucket', () => {
  const classified: IncidentState = {
    ...STATE,
    verdict: {
      result: 'drift',
      owners: [],
      classification: {
        bucket: 'schema-drift',
        confidence: 'high',
        rule: 1,
        reason: 'r',
        evidence: []
      }
    }
  }
  it.each<[string[], IncidentState, string | undefined]>([
    [['contract-drift', 'bucket:fixture-stale'], classified, 'fixture-stale'],
    [['contract-drift', 'bucket:needs-triage'], classified, 'schema-drift'],
    [['contract-drift'], classified, 'schema-drift'],
    [['contract-drift'], STATE, undefined]
  ])('labels %j', (labels, state, bucket) => {
    expect(incidentBucket(labels, state)).toBe(bucket)
  })
})

describe("bucketOverride: a person's bucket label wins over the classifier", () => {
  const labelled: IncidentState = { ...STATE, bucketLabel: 'bucket:schema-drift' }
  const remembered: IncidentState = {
    ...labelled,
    bucketLabel: 'bucket:fixture-stale',
    lifecycle: { ...STATE.lifecycle, bucketSetBy: 'alice' }
  }
  it.each<[string, string[], IncidentState, string | undefined, object | undefined]>([
    [
      'the label the action set: no override',
      ['bucket:schema-drift'],
      labelled,
      undefined,
      undefined
    ],
    [
      'a label alice set',
      ['bucket:fixture-stale'],
      labelled,
      'alice',
      { bucket: 'fixture-stale', by: 'alice' }
    ],
    [
      'a label the action itself set (events say so)',
      ['bucket:fixture-stale'],
      labelled,
      BOT,
      undefined
    ],
    [
      'a label nobody is known to have set',
      ['bucket:fixture-stale'],
      labelled,
      undefined,
      undefined
    ],
    [
      'the label alice set earlier, remembered',
      ['bucket:fixture-stale'],
      remembered,
      undefined,
      { bucket: 'fixture-stale', by: 'alice' }
    ],
    ['needs-triage is no bucket', ['bucket:needs-triage'], labelled, 'alice', undefined]
  ])('%s', (_, labels, state, setter, expected) => {
    expect(bucketOverride(labels, state, BOT, setter)).toEqual(expected)
  })
})
