/**
 * The incident's life as a table of transitions (SPEC §5), through the pure core: no GitHub, no
 * clock, milliseconds per row.
 */
import { describe, expect, it } from '@jest/globals'
import { storeRun, type IncidentState, type StoredRun } from '../../src/incident.js'
import {
  nextIncident,
  type IssueAsReturned,
  type LifecycleOptions,
  type ThisRun
} from '../../src/incident/lifecycle.js'
import type { Bucket, IncidentRecord, ValidatorRun } from '../../src/types.js'

const AT = '2026-12-01T12:00:00Z'
const validator = (command: string, messages: string[]): ValidatorRun => ({
  command,
  outcome: messages.length > 0 ? 'failed' : 'passed',
  exitCode: messages.length > 0 ? 1 : 0,
  durationMs: 1,
  findings: messages.map(message => ({
    source: command,
    tag: 't',
    message,
    targets: [],
    runtime: false
  })),
  findingCount: messages.length,
  okLines: messages.length > 0 ? [] : [`[${command}] OK`],
  excerpt: messages.join('\n'),
  outputBytes: 1
})
const stored = (
  command: string,
  messages: string[],
  job = 'ci',
  head = 'h1',
  at = '2026-12-01T10:00:00Z'
): StoredRun => ({ ...storeRun(validator(command, messages), at, undefined), job, head })

const OWNERS: Record<Bucket, { role: 'contract' | 'implementation'; login: string }> = {
  'schema-drift': { role: 'contract', login: 'contract-owner' },
  'fixture-stale': { role: 'contract', login: 'contract-owner' },
  'runtime-regression': { role: 'implementation', login: 'impl-owner' }
}
/** A stand-in for triage: red when a validator failed; the bucket is the first finding's text. */
const triage: LifecycleOptions['triage'] = (runs, override) => {
  const red = runs.filter(run => run.outcome !== 'passed')
  const base: IncidentRecord = {
    incidentId: 'DRIFT-20261201-abcdef',
    key: 'acme/contracts:pr-7',
    scope: 'PR #7',
    detectedAt: AT,
    detectedBy: 'CI',
    result: red.length > 0 ? 'drift' : 'pass',
    owners: [],
    runs,
    context: { changed: [], changeSource: '', intent: [] }
  }
  if (red.length === 0) return base
  const bucket =
    override?.bucket ??
    ((red[0]?.findings[0]?.message.startsWith('runtime')
      ? 'runtime-regression'
      : 'schema-drift') as Bucket)
  const owner = OWNERS[bucket]
  return {
    ...base,
    classification: { bucket, confidence: 'high', rule: 1, reason: 'r', evidence: [] },
    severity: 'high',
    routing: {
      primaryRole: owner.role,
      requiredAction: 'act',
      owners: { [owner.role]: [owner.login] }
    },
    owners: [owner.login]
  }
}
const PREVIOUS: IncidentState = {
  v: 1,
  incidentId: 'DRIFT-20261201-abcdef',
  key: 'acme/contracts:pr-7',
  createdAt: '2026-12-01T10:00:00Z',
  runs: [stored('spec', ['schema: field gone'])],
  lifecycle: { checklist: [true, true, false, false, false], history: [], failingChecks: ['spec'] },
  bucketLabel: 'bucket:schema-drift',
  seenComments: 0,
  verdict: {
    result: 'drift',
    classification: {
      bucket: 'schema-drift',
      confidence: 'high',
      rule: 1,
      reason: 'r',
      evidence: []
    },
    severity: 'high',
    routing: {
      primaryRole: 'contract',
      requiredAction: 'act',
      owners: { contract: ['contract-owner'] }
    },
    owners: ['contract-owner']
  },
  scope: 'PR #7'
}
/** The body only says what the lifecycle decided, plus a person's notes when given. */
const body =
  (notes = ''): LifecycleOptions['renderBody'] =>
  state =>
    `${JSON.stringify([state.runs.map(r => [r.command, r.outcome, r.findings.map(f => f.message)]), state.lifecycle.checklist])}${notes}`

const issue = (notes = '', over: Partial<IssueAsReturned> = {}): IssueAsReturned => ({
  title: '[contract-drift] Schema drift (High) — PR #7',
  body: body(notes)(PREVIOUS, triage(PREVIOUS.runs), undefined),
  comments: 0,
  labels: ['contract-drift', 'bucket:schema-drift', 'severity:high', 'owner:contract'],
  assignees: ['contract-owner'],
  ...over
})
const thisRun = (mine: StoredRun[], over: Partial<ThisRun> = {}): ThisRun => ({
  mine,
  logged: [],
  job: 'ci',
  head: 'h1',
  reopen: false,
  ...over
})
const options = (over: Partial<LifecycleOptions> = {}, notes = ''): LifecycleOptions => ({
  closeOnGreen: false,
  requireCloseNotes: false,
  triage,
  renderBody: body(notes),
  ...over
})
const NOTES =
  '\n- **Prevention follow-up:** a CI check\n\n### Root cause\n\nThe adapter.\n\n### Classification\n'
const ROOT_ONLY = '\n\n### Root cause\n\nThe adapter.\n\n### Classification\n'
const PREVENTION_ONLY = '\n- **Prevention follow-up:** a CI check\n'
const GREEN = [stored('spec', [], 'ci', 'h1', AT)]

describe('nextIncident: the transitions of SPEC §5', () => {
  it.each<
    [
      string,
      IssueAsReturned,
      ThisRun,
      LifecycleOptions,
      Record<string, unknown>,
      Partial<IncidentState>?
    ]
  >([
    [
      'the same red again: nothing to write',
      issue(),
      thisRun([stored('spec', ['schema: field gone'], 'ci', 'h1', AT)]),
      options(),
      { action: 'unchanged', unchanged: true, comments: 0, close: false }
    ],
    [
      'green: proof attached, step 4 ticked, one comment, stays open',
      issue(),
      thisRun(GREEN),
      options(),
      { action: 'proved-green', comments: 1, close: false, step4: true }
    ],
    [
      'green with close-on-green: closed',
      issue(),
      thisRun(GREEN),
      options({ closeOnGreen: true }),
      { action: 'closed', close: true, closedBy: 'green' }
    ],
    [
      'green, close-on-green and require-close-notes, no notes: stays open',
      issue(),
      thisRun(GREEN),
      options({ closeOnGreen: true, requireCloseNotes: true }),
      { action: 'proved-green', close: false }
    ],
    [
      'green, close-on-green and require-close-notes, only a root cause: stays open',
      issue(ROOT_ONLY),
      thisRun(GREEN),
      options({ closeOnGreen: true, requireCloseNotes: true }, ROOT_ONLY),
      { action: 'proved-green', close: false }
    ],
    [
      'green, close-on-green and require-close-notes, only a prevention note: stays open',
      issue(PREVENTION_ONLY),
      thisRun(GREEN),
      options({ closeOnGreen: true, requireCloseNotes: true }, PREVENTION_ONLY),
      { action: 'proved-green', close: false }
    ],
    [
      'green, close-on-green and require-close-notes, both notes: closed',
      issue(NOTES),
      thisRun(GREEN),
      options({ closeOnGreen: true, requireCloseNotes: true }, NOTES),
      { action: 'closed', close: true }
    ],
    [
      'red with a changed finding: updated, one comment saying what changed',
      issue(),
      thisRun([stored('spec', ['schema: another field gone'], 'ci', 'h1', AT)]),
      options(),
      { action: 'updated', comments: 1, comment: /The incident changed[\s\S]*New findings \(1\)/ }
    ],
    [
      'red after a green close: reopened, one comment',
      issue(),
      thisRun([stored('spec', ['schema: field gone'], 'ci', 'h1', AT)], { reopen: true }),
      options(),
      {
        action: 'reopened',
        reopen: true,
        comments: 1,
        comment: /Red again in this scope: reopened/
      }
    ],
    [
      'reclassified to another bucket: the new primary owner is assigned',
      issue(),
      thisRun([stored('spec', ['runtime: 500 on /v1/ingest'], 'ci', 'h1', AT)]),
      options(),
      { action: 'updated', rerouted: ['impl-owner'] }
    ],
    [
      "another job's red result on this head commit keeps the scope red, and is named",
      issue(),
      thisRun(GREEN, { logged: [stored('lint', ['schema: x'], 'docs', 'h1')] }),
      options(),
      { action: 'updated', otherJobs: /Still counted, from job `docs`/ }
    ],
    [
      "another job's red result the body stored on this head commit keeps the scope red",
      issue(),
      thisRun(GREEN),
      options(),
      {
        action: 'updated',
        counted: ['ci/spec', 'docs/lint'],
        otherJobs: /Still counted, from job `docs`/
      },
      { runs: [...PREVIOUS.runs, stored('lint', ['schema: x'], 'docs', 'h1')] }
    ],
    [
      "another job's red result on an older head commit is dropped: green",
      issue(),
      thisRun(GREEN, {
        head: 'h2',
        mine: [stored('spec', [], 'ci', 'h2', AT)],
        logged: [stored('lint', ['schema: x'], 'docs', 'h1')]
      }),
      options(),
      { action: 'proved-green', otherJobs: /Dropped, from job `docs` on an older head commit/ }
    ]
  ])('%s', (_, given, run, opts, expected, stored = {}) => {
    const next = nextIncident({ ...PREVIOUS, ...stored }, given, run, opts, AT)
    const seen: Record<string, unknown> = {
      action: next.action,
      unchanged: next.unchanged,
      comments: next.comments.length,
      close: next.close,
      reopen: next.reopen,
      closedBy: next.state.closedBy,
      step4: next.state.lifecycle.checklist[3],
      rerouted: next.rerouted,
      comment: next.comments.join('\n'),
      otherJobs: next.otherJobs.join('\n'),
      counted: next.state.runs.map(r => `${r.job}/${r.command}`).sort()
    }
    for (const [name, value] of Object.entries(expected)) {
      if (value instanceof RegExp) expect(seen[name]).toMatch(value)
      else expect([name, seen[name]]).toEqual([name, value])
    }
  })

  it('keeps the incident ID and creation time, and counts the comments it will post', () => {
    const next = nextIncident(PREVIOUS, issue('', { comments: 3 }), thisRun(GREEN), options(), AT)
    expect(next.state.incidentId).toBe(PREVIOUS.incidentId)
    expect(next.state.createdAt).toBe(PREVIOUS.createdAt)
    expect(next.state.seenComments).toBe(4)
    // Green keeps showing what the incident was about.
    expect(next.shown.classification?.bucket).toBe('schema-drift')
    expect(next.title).toBe('[contract-drift] Schema drift (High) — PR #7')
  })
})
