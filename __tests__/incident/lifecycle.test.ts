/**
 * The incident's life as a table of transitions (SPEC §5), through the pure core: no GitHub, no
 * clock, milliseconds per row.
 */
import { describe, expect, it } from '@jest/globals'
import { storeRun, type IncidentState, type StoredRun } from '../../src/incident.js'
import {
  assigneesOf,
  firstIncident,
  nextIncident,
  redCommands,
  verdictWords,
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

describe('nextIncident: what the record, the history and the comments say', () => {
  const next = (run: ThisRun, opts = options(), given = issue(), previous = PREVIOUS) =>
    nextIncident(previous, given, run, opts, AT)
  const lastEntry = (n: ReturnType<typeof next>): string | undefined =>
    n.state.lifecycle.history.at(-1)?.what

  it.each<[string, StoredRun, string]>([
    [
      'the same result on the same head commit keeps the time it was first seen',
      stored('spec', ['schema: field gone'], 'ci', 'h1', AT),
      '2026-12-01T10:00:00Z'
    ],
    [
      'on another head commit it is seen anew',
      stored('spec', ['schema: field gone'], 'ci', 'h2', AT),
      AT
    ],
    [
      'from another job it is a result of its own',
      stored('spec', ['schema: field gone'], 'docs', 'h1', AT),
      AT
    ],
    [
      'another command is a result of its own',
      stored('lint', ['schema: field gone'], 'ci', 'h1', AT),
      AT
    ],
    ['a changed result is seen anew', stored('spec', ['schema: other'], 'ci', 'h1', AT), AT]
  ])('%s', (_, mine, at) => {
    const n = next(thisRun([mine], { job: mine.job!, head: mine.head! }))
    expect(n.state.runs.find(r => r.job === mine.job && r.command === mine.command)?.at).toBe(at)
  })

  it('a changed finding: the comment lists it, says what went away, and the history says Updated', () => {
    const n = next(
      thisRun([stored('spec', ['schema: another field gone'], 'ci', 'h1', AT)], {
        runUrl: 'https://run/2'
      })
    )
    expect(n.comments).toEqual([
      '🔴 The incident changed.\n\n**Now:** Schema drift (High), result drift.\n\n**New findings (1):**\n- `[t] schema: another field gone`\n\n**No longer reported:** 1 finding(s).'
    ])
    expect(n.state.lifecycle.history.at(-1)).toEqual({
      at: AT,
      what: 'Updated: Schema drift (High), result drift.',
      runUrl: 'https://run/2'
    })
    expect(n.state.lifecycle.failingChecks).toEqual(['spec'])
  })

  it('lists twenty new findings, then how many more; a finding without a tag has no brackets', () => {
    const many = Array.from({ length: 23 }, (_, i) => `schema: f${i}`)
    const run = { ...stored('spec', many, 'ci', 'h1', AT) }
    run.findings = run.findings.map((f, i) => (i === 0 ? { ...f, tag: '' } : f))
    const [comment] = next(thisRun([run])).comments
    const lines = comment!.split('\n').filter(line => line.startsWith('- '))
    expect(lines).toHaveLength(21)
    expect(lines[0]).toBe('- `schema: f0`')
    expect(lines[19]).toBe('- `[t] schema: f19`')
    expect(lines[20]).toBe('- … and 3 more in the record above')
    expect(comment).toContain('**New findings (23):**')
    const twenty = next(thisRun([stored('spec', many.slice(0, 20), 'ci', 'h1', AT)])).comments[0]
    expect(twenty).not.toContain('more in the record above')
  })

  it('a finding that stays is neither new nor gone', () => {
    const n = next(thisRun([stored('spec', ['schema: field gone', 'schema: new'], 'ci', 'h1', AT)]))
    expect(n.comments[0]).toContain('**New findings (1):**\n- `[t] schema: new`')
    expect(n.comments[0]).not.toContain('No longer reported')
  })

  it('reopened: the history says so', () => {
    const n = next(
      thisRun([stored('spec', ['schema: field gone'], 'ci', 'h1', AT)], { reopen: true })
    )
    expect(lastEntry(n)).toBe(
      'Red again after a green close: reopened: Schema drift (High), result drift.'
    )
    expect(n.comments).toEqual([
      '🔴 Red again in this scope: reopened.\n\n**Now:** Schema drift (High), result drift.'
    ])
  })

  it("a person's bucket label: reclassified by them, in the history and the record", () => {
    const n = next(
      thisRun([stored('spec', ['schema: field gone'], 'ci', 'h1', AT)], {
        override: { bucket: 'runtime-regression', by: 'alice' }
      })
    )
    expect(lastEntry(n)).toBe(
      'Reclassified by `alice` (bucket label); owners and required action follow it: Runtime regression (High), result drift.'
    )
    expect(n.state.lifecycle.bucketSetBy).toBe('alice')
    expect(n.state.bucketLabel).toBe('bucket:runtime-regression')
    expect(n.rerouted).toEqual(['impl-owner'])
    expect(n.labels).toContain('bucket:runtime-regression')
    // The same label on the bucket it already has is no reclassification.
    const same = next(
      thisRun([stored('spec', ['schema: other'], 'ci', 'h1', AT)], {
        override: { bucket: 'schema-drift', by: 'alice' }
      })
    )
    expect(lastEntry(same)).toBe('Updated: Schema drift (High), result drift.')
  })

  it.each<[string, Partial<IncidentState>]>([
    ['a state stored before verdicts were kept', { verdict: undefined }],
    ['a validator error before', { verdict: { result: 'error', owners: [] } }]
  ])("a person's bucket label over %s: reclassified by them, owner assigned", (_, before) => {
    const n = next(
      thisRun([stored('spec', ['schema: field gone'], 'ci', 'h1', AT)], {
        override: { bucket: 'fixture-stale', by: 'alice' }
      }),
      options(),
      issue('', { assignees: [] }),
      { ...PREVIOUS, ...before }
    )
    expect(lastEntry(n)).toMatch(/^Reclassified by `alice` \(bucket label\)/)
    expect(n.rerouted).toEqual(['contract-owner'])
  })

  it('the second validator of a job, unchanged, keeps the time it was first seen too', () => {
    const both = [stored('spec', ['schema: field gone']), stored('lint', ['schema: lint'])]
    const n = next(
      thisRun([
        stored('spec', ['schema: field gone'], 'ci', 'h1', AT),
        stored('lint', ['schema: lint'], 'ci', 'h1', AT)
      ]),
      options(),
      issue(),
      { ...PREVIOUS, runs: both }
    )
    expect(n.state.runs.map(r => r.at)).toEqual(['2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z'])
  })

  it('green after a red that followed an earlier green: a new proof and comment, every OK line', () => {
    const redAgain: IncidentState = {
      ...PREVIOUS,
      lifecycle: { ...PREVIOUS.lifecycle, checklist: [true, true, false, true, false] }
    }
    const n = next(
      thisRun([...GREEN, stored('lint', [], 'ci', 'h1', AT)]),
      options(),
      issue(),
      redAgain
    )
    expect(n.comments).toEqual([
      '✅ The validators pass again in this scope.\n\n```text\n[spec] OK\n[lint] OK\n```'
    ])
  })

  it('a new primary owner already assigned is not assigned again', () => {
    const n = next(
      thisRun([stored('spec', ['runtime: 500'], 'ci', 'h1', AT)]),
      options(),
      issue('', { assignees: ['impl-owner'] })
    )
    expect(n.rerouted).toEqual([])
    expect(next(thisRun([stored('spec', ['schema: other'], 'ci', 'h1', AT)])).rerouted).toEqual([])
  })

  it('ticks step 2 once a red run is classified, not for a validator error without findings', () => {
    const unclassified: IncidentState = {
      ...PREVIOUS,
      lifecycle: { ...PREVIOUS.lifecycle, checklist: [true, false, false, false, false] }
    }
    const classified = next(
      thisRun([stored('spec', ['schema: field gone'], 'ci', 'h1', AT)]),
      options(),
      issue(),
      unclassified
    )
    expect(classified.state.lifecycle.checklist).toEqual([true, true, false, false, false])
    const crashed = {
      ...stored('spec', [], 'ci', 'h1', AT),
      outcome: 'crashed' as const,
      exitCode: null
    }
    const error = next(
      thisRun([crashed]),
      options({
        triage: runs => ({
          ...triage(runs),
          classification: undefined,
          routing: undefined,
          result: 'error'
        })
      }),
      issue(),
      unclassified
    )
    expect(error.state.lifecycle.checklist).toEqual([true, false, false, false, false])
  })

  it('green: the proof, its history entry and comment; green again with step 4 ticked says nothing', () => {
    const n = next(thisRun(GREEN, { runUrl: 'https://run/3' }))
    expect(n.state.lifecycle.validationProof).toEqual({
      at: AT,
      okLines: ['[spec] OK'],
      runUrl: 'https://run/3'
    })
    expect(lastEntry(n)).toBe(
      'Validators green again: validation proof attached (checklist step 4).'
    )
    expect(n.comments).toEqual([
      '✅ The validators pass again in this scope.\n\n```text\n[spec] OK\n```'
    ])
    // Still about what it was: the verdict and the bucket label stay.
    expect(n.state.verdict).toEqual(PREVIOUS.verdict)
    expect(n.state.bucketLabel).toBe('bucket:schema-drift')
    expect(n.rerouted).toEqual([])
    const again = next(thisRun(GREEN), options(), issue(), n.state)
    expect(again.comments).toEqual([])
    expect(again.state.lifecycle.history).toEqual(n.state.lifecycle.history)
    const quiet = next(thisRun([{ ...GREEN[0]!, okLines: [] }]))
    expect(quiet.comments[0]).toContain('every validator exited 0')
  })

  it('closed on green: the history says why, in the state and the record shown', () => {
    const n = next(thisRun(GREEN), options({ closeOnGreen: true }))
    expect(lastEntry(n)).toBe('Closed: the validators are green (close-on-green).')
    expect(n.shown.lifecycle?.history.at(-1)?.what).toBe(
      'Closed: the validators are green (close-on-green).'
    )
    expect(next(thisRun(GREEN)).state.lifecycle.history.map(e => e.what)).not.toContain(
      'Closed: the validators are green (close-on-green).'
    )
  })

  it('labels a person changed are written back, even when nothing else changed', () => {
    const n = next(
      thisRun([stored('spec', ['schema: field gone'], 'ci', 'h1', AT)]),
      options(),
      issue('', {
        labels: ['contract-drift', 'bucket:schema-drift', 'severity:low', 'owner:contract']
      })
    )
    expect([n.sameLabels, n.unchanged, n.action]).toEqual([false, false, 'updated'])
    expect(n.labels).toContain('severity:high')
    const retitled = next(
      thisRun([stored('spec', ['schema: field gone'], 'ci', 'h1', AT)]),
      options(),
      issue('', { title: 'x' })
    )
    expect([retitled.unchanged, retitled.title]).toEqual([
      false,
      '[contract-drift] Schema drift (High) — PR #7'
    ])
  })
})

describe('firstIncident: filed', () => {
  const red = triage([stored('spec', ['schema: field gone'])])
  it.each<[string, IncidentRecord, boolean[], string, string[]]>([
    [
      'classified: steps 1 and 2',
      red,
      [true, true, false, false, false],
      'Filed: Schema drift (High), result drift.',
      ['contract-owner']
    ],
    [
      'a validator error without findings: step 1 only, needs triage',
      {
        ...red,
        classification: undefined,
        routing: undefined,
        severity: undefined,
        result: 'error'
      },
      [true, false, false, false, false],
      'Filed: Validator error (High), result error.',
      []
    ]
  ])('%s', (_, record, checklist, what, assignees) => {
    const mine = [stored('spec', ['schema: field gone']), stored('lint', [])]
    const filed = firstIncident(record, mine, 'acme/contracts:pr-7', AT, 'https://run/1')
    expect(filed.state).toEqual({
      v: 1,
      incidentId: record.incidentId,
      key: 'acme/contracts:pr-7',
      createdAt: record.detectedAt,
      runs: mine,
      lifecycle: {
        checklist,
        history: [{ at: AT, what, runUrl: 'https://run/1' }],
        failingChecks: ['spec']
      },
      bucketLabel: record.classification ? 'bucket:schema-drift' : 'bucket:needs-triage',
      seenComments: 0,
      verdict: expect.objectContaining({ result: record.result }),
      scope: 'PR #7'
    })
    expect(filed.shown).toEqual({ ...record, lifecycle: filed.state.lifecycle })
    expect(filed.assignees).toEqual(assignees)
    expect(filed.labels[1]).toBe(filed.state.bucketLabel)
    expect(filed.title).toBe(
      `[contract-drift] ${record.classification ? 'Schema drift' : 'Validator error'} (High) — PR #7`
    )
  })
})

describe('the words and people of an incident', () => {
  it('red commands are those that did not pass, in order', () => {
    const crashed = { ...validator('c', []), outcome: 'crashed' as const }
    expect(redCommands([validator('a', ['x']), validator('b', []), crashed])).toEqual(['a', 'c'])
  })

  it('says the bucket, the severity (High when not known yet) and the result', () => {
    const record = triage([stored('spec', ['runtime: 500'])])
    expect(verdictWords({ ...record, severity: 'low' })).toBe(
      'Runtime regression (Low), result drift'
    )
    expect(verdictWords({ ...record, severity: undefined, classification: undefined })).toBe(
      'Validator error (High), result drift'
    )
  })

  it('assigns users among the primary owners, at most ten, never a team', () => {
    const logins = Array.from({ length: 12 }, (_, i) => `dev${i}`)
    const record = triage([stored('spec', ['schema: x'])])
    const routing = {
      ...record.routing!,
      owners: { contract: ['acme/team', ...logins], implementation: ['impl'] }
    }
    expect(assigneesOf({ ...record, routing })).toEqual(logins.slice(0, 10))
    expect(assigneesOf({ ...record, routing: { ...routing, primaryRole: 'qa' } })).toEqual([])
    expect(assigneesOf({ ...record, routing: undefined })).toEqual([])
  })
})
