import { describe, expect, it } from '@jest/globals'
import {
  ISSUE_BODY_LIMIT,
  markerFor,
  readNotes,
  readResultComment,
  readState,
  renderIssueBody,
  renderResultComment,
  storeRun,
  type IncidentState,
  type StoredRun
} from '../src/incident.js'
import type { Section } from '../src/incident/body.js'
import { latestResults } from '../src/incident/results.js'
import type { RenderLimits } from '../src/render.js'
import type { ValidatorRun } from '../src/types.js'

const run = (
  command: string,
  messages: string[],
  outcome: ValidatorRun['outcome'] = 'failed'
): ValidatorRun => ({
  command,
  outcome,
  exitCode: outcome === 'passed' ? 0 : 1,
  durationMs: 10,
  findings: messages.map(message => ({
    source: command,
    tag: 'x',
    message,
    targets: [],
    runtime: false
  })),
  findingCount: messages.length,
  okLines: outcome === 'passed' ? ['[x] OK: fine'] : [],
  excerpt: messages.join('\n'),
  outputBytes: 10
})

const state = (runs: StoredRun[]): IncidentState => ({
  v: 1,
  incidentId: 'DRIFT-20261127-abcdef',
  key: 'acme/contracts:pr-7',
  createdAt: '2026-11-27T08:00:00Z',
  runs,
  lifecycle: { checklist: [true, true, false, false, false], history: [], failingChecks: ['a'] },
  seenComments: 0
})

/** A rendering that only fits when it shows little: four characters per excerpt character. */
const wide = (limits: RenderLimits): Section[] => [
  { id: 'log', text: 'r'.repeat(limits.excerptChars * 4) }
]

describe('incident state in the issue body', () => {
  it('round-trips through the body, after the key marker', () => {
    const s = state([storeRun(run('a', ['one']), '2026-11-27T08:00:00Z', undefined)])
    const body = renderIssueBody(s, undefined, () => [{ id: 'record', text: 'the record' }])
    expect(body.startsWith(markerFor('acme/contracts:pr-7'))).toBe(true)
    expect(readState(body)).toEqual(s)
  })

  it("stays within GitHub's body limit with thousands of long findings, trimming the hidden state", () => {
    const huge = Array.from({ length: 2000 }, (_, i) => `finding ${i} ${'x'.repeat(400)}`)
    const s = state(
      Array.from({ length: 10 }, (_, i) =>
        storeRun(run(`v${i}`, huge), '2026-11-27T08:00:00Z', undefined)
      )
    )
    const body = renderIssueBody(s, undefined, wide)
    expect(body.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT)
    expect(readState(body)?.runs).toHaveLength(10)
  })

  it('fits twenty validators with 500 long findings each, and their result comment too', () => {
    const many = Array.from({ length: 500 }, (_, i) => `finding ${i} ${'y'.repeat(300)}`)
    const runs = Array.from({ length: 20 }, (_, i) =>
      storeRun(run(`validator-${i}`, many), '2026-11-27T08:00:00Z', undefined)
    )
    const body = renderIssueBody(state(runs), undefined, wide)
    expect(body.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT)
    expect(readState(body)?.runs.map(r => r.findingCount)).toEqual(Array(20).fill(500))
    const comment = renderResultComment('Results from a concurrent run.', runs)
    expect(comment.length).toBeLessThan(ISSUE_BODY_LIMIT)
    expect(readResultComment(comment)).toHaveLength(20)
  })

  it("keeps a person's root cause when even the record without findings is too long", () => {
    const s = state([storeRun(run('a', ['one']), '2026-11-27T08:00:00Z', undefined)])
    const rootCause = 'The v2 schema shipped before its fixtures were refreshed.'
    const sections = (): Section[] => [
      { id: 'record', text: '### Incident record' },
      { id: 'routing', text: `### Routing\n\n${'w'.repeat(ISSUE_BODY_LIMIT)}` },
      { id: 'root-cause', text: `### Root cause\n\n${rootCause}` }
    ]
    const fitting = renderIssueBody(s, undefined, () => [
      { id: 'record', text: '### Incident record' },
      { id: 'findings', text: '### Findings\n\n- one' }
    ])
    const note = 'Note from a person: owners agreed on a freeze.'
    const noted = fitting.replace('- one', `- one\n\n${note}`)
    const first = renderIssueBody(s, undefined, sections)
    const again = renderIssueBody(s, noted, sections)
    expect(again).toContain(note)
    for (const body of [first, again]) {
      expect(body.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT)
      expect(body).toContain(rootCause)
      expect(body).not.toContain('### Routing')
    }
  })

  it('ignores a state that does not decode', () => {
    expect(readState('<!-- contract-drift-triage:state=!!!! -->')).toBeUndefined()
    expect(readState('<!-- contract-drift-triage:state=bm90IGpzb24= -->')).toBeUndefined()
  })

  it('reads validator results posted as a comment', () => {
    const runs = [storeRun(run('b', ['two']), '2026-11-27T09:00:00Z', 'https://run')]
    expect(readResultComment(renderResultComment('Results from a concurrent run.', runs))).toEqual(
      runs
    )
    expect(readResultComment('a person wrote this')).toEqual([])
  })
})

describe('latestResults', () => {
  it('keeps the latest result per validator, so runs of different validators add up', () => {
    const old = storeRun(run('a', ['old']), '2026-11-27T08:00:00Z', undefined)
    const other = storeRun(run('b', ['b']), '2026-11-27T08:30:00Z', undefined)
    const fresh = storeRun(run('a', [], 'passed'), '2026-11-27T09:00:00Z', undefined)
    const merged = latestResults([old, other], [fresh])
    expect(merged.map(r => [r.command, r.outcome])).toEqual([
      ['a', 'passed'],
      ['b', 'failed']
    ])
    expect(latestResults([fresh], [old]).find(r => r.command === 'a')?.outcome).toBe('passed')
  })
})

describe('storeRun', () => {
  it('trims what an issue body cannot carry', () => {
    const stored = storeRun(
      run(
        'a',
        Array.from({ length: 80 }, () => 'm'.repeat(900))
      ),
      'now',
      undefined
    )
    expect(stored.findings).toHaveLength(50)
    expect(stored.findings[0]?.message).toHaveLength(500)
    expect(stored.findingCount).toBe(80)
  })
})

describe('readNotes', () => {
  it('keeps what a person wrote into the root cause and the prevention follow-up', () => {
    const body =
      '- **Prevention follow-up:** add a CI check for X\n\n### Root cause\n\nThe adapter mapped aws to gcp.\n\n### Classification\n'
    expect(readNotes(body)).toEqual({
      rootCause: 'The adapter mapped aws to gcp.',
      preventionFollowUp: 'add a CI check for X'
    })
    expect(
      readNotes('- **Prevention follow-up:** pending\n\n### Root cause\n\npending\n\n### X')
    ).toEqual({})
  })
})
