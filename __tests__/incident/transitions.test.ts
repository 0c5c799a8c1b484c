/**
 * The incident's life as a table (SPEC §5), read left to right:
 *
 *   incidents found (as GitHub returns them) │ this run │ → what is written │ → state after
 *
 * Each row runs the pure core the way src/github/incidents.ts does — find (isIncident), choose,
 * read, plan, write — with the real body renderer and no GitHub, no clock, in milliseconds. The
 * bundle suites (issue-mode, lifecycle, events) keep one run per scenario; the transitions are here.
 */
import { describe, expect, it } from '@jest/globals'
import {
  markerFor,
  readResultComment,
  readState,
  renderIssueBody,
  storeRun,
  type IncidentState,
  type StoredRun
} from '../../src/incident.js'
import {
  bucketOverride,
  closedByPerson,
  isIncident,
  pullRequestClosed,
  remediated,
  type EventStep
} from '../../src/incident/events.js'
import {
  assigneesAfter,
  chooseIncident,
  createWaitMs,
  CREATE_JITTER_READS,
  CREATE_JITTER_SECONDS,
  duplicateOf,
  editedMeanwhile,
  filedOf,
  instant,
  isRed,
  keyIncidents,
  readsFor,
  rewriteOf,
  storedResults,
  storedState,
  verifyRound,
  VERIFY_ATTEMPTS,
  withWholeResults,
  writeOf,
  type Effect,
  type IncidentWrite
} from '../../src/incident/filing.js'
import {
  assigneesOf,
  firstIncident,
  nextIncident,
  verdictWords,
  type IssueAsReturned,
  type LifecycleOptions
} from '../../src/incident/lifecycle.js'
import { renderRecordSections } from '../../src/render.js'
import {
  isValidatorError,
  type Bucket,
  type IncidentRecord,
  type ValidatorRun
} from '../../src/types.js'

const AT = '2026-12-01T12:00:00Z'
const BEFORE = '2026-12-01T10:00:00Z'
const BOT = 'github-actions[bot]'
const KEY = 'acme/contracts:pr-7'
const SPEC = 'bash scripts/spec.sh'
const LINT = 'bash scripts/lint.sh'

// ------------------------------------------------------------------ the words of the table

/** A validator's result: red with these finding messages, green without any. */
const result = (command: string, ...messages: string[]): ValidatorRun => ({
  command,
  outcome: messages.length > 0 ? 'failed' : 'passed',
  exitCode: messages.length > 0 ? 1 : 0,
  durationMs: 1,
  findings: messages.map(message => ({
    source: command,
    tag: 'contract',
    message,
    targets: ['docs/contracts/billing.md'],
    runtime: false
  })),
  findingCount: messages.length,
  okLines: messages.length > 0 ? [] : [`[${command}] OK`],
  excerpt: messages.join('\n'),
  outputBytes: 1
})
/** A validator error: it crashed without findings. */
const crashed = (command: string): ValidatorRun => ({
  ...result(command),
  outcome: 'crashed',
  exitCode: 127,
  okLines: []
})
const stored = (run: ValidatorRun, job = 'ci', head = 'h1', at = BEFORE): StoredRun => ({
  ...storeRun(run, at, undefined),
  job,
  head
})

const OWNERS: Record<Bucket, { role: 'contract' | 'implementation'; logins: string[] }> = {
  'schema-drift': { role: 'contract', logins: ['carol', 'acme/contract-team'] },
  'fixture-stale': { role: 'contract', logins: ['carol'] },
  'runtime-regression': { role: 'implementation', logins: ['ivan'] }
}
/**
 * A stand-in for triage (its own suites test it): red with findings is a bucket — runtime when
 * a finding says "runtime", else schema drift — or the bucket a person chose; red without
 * findings is a validator error.
 */
const triage: LifecycleOptions['triage'] = (runs, override) => {
  const red = runs.filter(run => run.outcome !== 'passed')
  const findings = red.flatMap(run => run.findings)
  const record: IncidentRecord = {
    incidentId: 'DRIFT-20261201-abcdef',
    key: KEY,
    scope: 'PR #7',
    detectedAt: AT,
    detectedBy: 'CI',
    result:
      red.length === 0
        ? 'pass'
        : red.some(run => isValidatorError(run.outcome))
          ? 'error'
          : 'drift',
    owners: [],
    runs,
    context: { changed: [], changeSource: '', intent: [] }
  }
  if (red.length === 0) return record
  if (findings.length === 0) return { ...record, severity: 'high' }
  const bucket: Bucket =
    override?.bucket ??
    (findings.some(f => f.message.startsWith('runtime')) ? 'runtime-regression' : 'schema-drift')
  const owner = OWNERS[bucket]
  return {
    ...record,
    classification: { bucket, confidence: 'high', rule: 1, reason: 'r', evidence: [] },
    severity: bucket === 'schema-drift' ? 'high' : 'medium',
    routing: {
      primaryRole: owner.role,
      requiredAction: 'act',
      owners: { [owner.role]: owner.logins }
    },
    owners: owner.logins
  }
}
/** The real body: the record's sections between markers, a person's text kept. */
const renderBody: LifecycleOptions['renderBody'] = (state, record, previous) =>
  renderIssueBody(state, previous, limits =>
    renderRecordSections({ ...record, lifecycle: state.lifecycle }, limits)
  )

interface Issue {
  number: number
  html_url: string
  title: string
  body: string
  state: 'open' | 'closed'
  comments: number
  created_at: string
  author: string
  labels: string[]
  assignees: string[]
  isPullRequest: boolean
}
/** The incident a first red run filed: as GitHub returns it, after `edit` by a person. */
function filed(
  runs: ValidatorRun[] = [result(SPEC, 'schema: field `amount` removed')],
  over: Partial<Issue> = {},
  stateOver: Partial<IncidentState> = {}
): Issue {
  const mine = runs.map(run => stored(run))
  const first = firstIncident(triage(mine), mine, KEY, BEFORE)
  return {
    number: 3,
    html_url: 'https://github.com/acme/contracts/issues/3',
    title: first.title,
    body: renderBody({ ...first.state, ...stateOver }, first.shown, undefined),
    state: 'open',
    comments: 0,
    created_at: '2026-12-01T10:00:00.000Z',
    author: BOT,
    labels: first.labels,
    assignees: first.assignees,
    isPullRequest: false,
    ...over
  }
}
const closedGreen = (): Issue => filed(undefined, { state: 'closed' }, { closedBy: 'green' })
const asReturned = (issue: Issue): IssueAsReturned => ({
  title: issue.title,
  body: issue.body,
  comments: issue.comments,
  labels: issue.labels,
  assignees: issue.assignees
})

interface Run {
  results: ValidatorRun[]
  job?: string
  head?: string
  /** Results other runs left in comments since the body was written. */
  logged?: StoredRun[]
  /** Who set a foreign `bucket:` label, as the issue's events say. */
  labelSetter?: string
  closeOnGreen?: boolean
  requireCloseNotes?: boolean
}

/** What a run decided, in the table's words. */
interface Outcome {
  then: 'nothing' | 'create' | 'update' | 'reopen'
  action: string
  /** The writes: `create`, `labels …`, `assign …`, `read again`, `update`, `close`, `reopen`, `comment: <first line>`. */
  writes: string[]
  after?: IncidentState
  title?: string
  body?: string
  reads: string[]
  write?: IncidentWrite
}

/** A run of the scope through the pure core, as src/github/incidents.ts runs it. */
function fileRun(found: Issue[], run: Run): Outcome {
  const job = run.job ?? 'ci'
  const head = run.head ?? 'h1'
  const mine = storedResults(run.results, { at: AT, job, head })
  const full: LifecycleOptions['triage'] = (runs, override) =>
    triage(withWholeResults(runs as StoredRun[], run.results, job), override)
  const incidents = (state: Issue['state']): Issue[] =>
    found.filter(
      issue =>
        issue.state === state &&
        isIncident(
          {
            author: issue.author,
            labels: issue.labels,
            body: issue.body,
            isPullRequest: issue.isPullRequest
          },
          BOT,
          KEY
        )
    )
  const red = isRed(mine)
  const choice = chooseIncident(incidents('open'), incidents('closed').reverse(), red)
  if (choice.then === 'nothing') return { then: 'nothing', action: 'none', writes: [], reads: [] }
  if (choice.then !== 'update') {
    expect(choice).toEqual({ then: 'create' })
    const first = firstIncident(full(mine), mine, KEY, AT)
    return {
      then: 'create',
      action: 'created',
      writes: [
        `labels ${first.labels.join(' ')}`,
        `create "${first.title}" assigned ${first.assignees.join(' ') || 'nobody'}`
      ],
      after: first.state,
      title: first.title,
      body: renderBody(first.state, first.shown, undefined),
      reads: []
    }
  }
  expect(typeof choice.reopen).toBe('boolean')
  const issue = choice.issue
  const previous = storedState(issue, KEY)
  const reads = readsFor(previous, asReturned(issue))
  const override = bucketOverride(issue.labels, previous, BOT, run.labelSetter)
  const next = nextIncident(
    previous,
    asReturned(issue),
    {
      mine,
      logged: reads.resultComments ? (run.logged ?? []) : [],
      job,
      head,
      reopen: choice.reopen,
      ...(override ? { override } : {})
    },
    {
      closeOnGreen: run.closeOnGreen ?? false,
      requireCloseNotes: run.requireCloseNotes ?? false,
      triage: full,
      renderBody
    },
    AT
  )
  const write = writeOf(next, asReturned(issue), mine, reads, renderBody)
  return {
    then: choice.reopen ? 'reopen' : 'update',
    action: filedOf(next, issue).action,
    writes: write ? describeWrite(write) : [],
    after: next.state,
    title: next.title,
    body: next.body,
    reads: [
      ...(reads.resultComments ? ['result comments'] : []),
      ...(reads.bucketSetter ? [`events of ${reads.bucketSetter}`] : [])
    ],
    ...(write ? { write } : {})
  }
}

/** The incident after `run` wrote to it, as GitHub returns it next. */
function after(issue: Issue, run: Run): Issue {
  const write = fileRun([issue], run).write
  if (!write) return issue
  return {
    ...issue,
    title: write.fields.title ?? issue.title,
    body: write.fields.body ?? issue.body,
    labels: write.fields.labels ?? issue.labels,
    state: write.fields.state ?? issue.state,
    comments: issue.comments + write.comments.length
  }
}
const firstLine = (text: string): string => text.split('\n')[0] ?? ''
function describeWrite(write: IncidentWrite): string[] {
  return [
    ...(write.ensureLabels ? [`labels ${write.ensureLabels.join(' ')}`] : []),
    ...(write.assign.length > 0 ? [`assign ${write.assign.join(' ')}`] : []),
    ...(write.rereadFirst ? ['read again'] : []),
    'update',
    ...(write.fields.state === 'closed' ? [`close ${write.fields.state_reason}`] : []),
    ...(write.fields.state === 'open' ? ['reopen'] : []),
    ...write.comments.map(text => `comment: ${firstLine(text)}`)
  ]
}
const describeEffects = (effects: readonly Effect[]): string[] =>
  effects.map(effect =>
    effect.kind === 'comment'
      ? `comment #${effect.issue}: ${firstLine(effect.body)}`
      : effect.kind !== 'update'
        ? `unknown ${JSON.stringify(effect)}`
        : `update #${effect.issue}${effect.fields.state ? ` ${effect.fields.state}${effect.fields.state_reason ? ` ${effect.fields.state_reason}` : ''}` : ''}`
  )
/** The checklist as `x` (ticked) and `_`, steps 1 to 5. */
const steps = (state: IncidentState | undefined): string =>
  (state?.lifecycle.checklist ?? []).map(done => (done ? 'x' : '_')).join('')
const counted = (state: IncidentState | undefined): string[] =>
  (state?.runs ?? []).map(run => `${run.job}:${run.command}:${run.outcome}`).sort()
const lastHistory = (state: IncidentState | undefined): string =>
  state?.lifecycle.history.at(-1)?.what ?? ''

// ------------------------------------------------------------------ the table

const RED = result(SPEC, 'schema: field `amount` removed')
const RED_CHANGED = result(
  SPEC,
  'schema: field `amount` removed',
  'schema: field `currency` removed'
)
const RUNTIME = result(SPEC, 'runtime: 500 on POST /v1/ingest')
const GREEN = result(SPEC)
const withNotes = (issue: Issue, notes: { root?: boolean; prevention?: boolean }): Issue => ({
  ...issue,
  body: issue.body
    .replace(
      '### Root cause\n\npending',
      notes.root ? '### Root cause\n\nThe adapter table was wrong.' : '### Root cause\n\npending'
    )
    .replace(
      '- **Prevention follow-up:** pending',
      notes.prevention
        ? '- **Prevention follow-up:** a parity check in CI'
        : '- **Prevention follow-up:** pending'
    )
})

interface Row {
  found: Issue[]
  run: Run
  then: Outcome['then']
  action: string
  writes: string[]
  /** The checklist after, `x` per ticked step. */
  steps?: string
  /** Results counted after, `job:command:outcome`. */
  counted?: string[]
  history?: RegExp
  title?: string
  closedBy?: 'green' | undefined
  reads?: string[]
}

const ROWS: Record<string, Row> = {
  // ---- filed (SPEC §5: checklist steps 1 and 2)
  'first red run in the scope: filed, classified and assigned': {
    found: [],
    run: { results: [RED] },
    then: 'create',
    action: 'created',
    writes: [
      'labels contract-drift bucket:schema-drift severity:high owner:contract',
      'create "[contract-drift] Schema drift (High) — PR #7" assigned carol'
    ],
    steps: 'xx___',
    counted: [`ci:${SPEC}:failed`],
    history: /^Filed: Schema drift \(High\), result drift\.$/
  },
  'first run is a validator error without findings: filed, not classified (step 2 open)': {
    found: [],
    run: { results: [crashed(SPEC)] },
    then: 'create',
    action: 'created',
    writes: [
      'labels contract-drift bucket:needs-triage severity:high',
      'create "[contract-drift] Validator error (High) — PR #7" assigned nobody'
    ],
    steps: 'x____'
  },
  'green without an incident: nothing at all': {
    found: [],
    run: { results: [GREEN] },
    then: 'nothing',
    action: 'none',
    writes: []
  },
  'green with only a closed incident: nothing (it is not read)': {
    found: [closedGreen()],
    run: { results: [GREEN] },
    then: 'nothing',
    action: 'none',
    writes: []
  },
  // ---- trust (SPEC §3): only the action's own issues carry the key
  'an issue someone else wrote with the key marker is not the incident: a new one is filed': {
    found: [filed(undefined, { author: 'mallory' })],
    run: { results: [RED] },
    then: 'create',
    action: 'created',
    writes: [
      'labels contract-drift bucket:schema-drift severity:high owner:contract',
      'create "[contract-drift] Schema drift (High) — PR #7" assigned carol'
    ]
  },
  'an incident without the contract-drift label is not the incident': {
    found: [filed(undefined, { labels: ['bucket:schema-drift'] })],
    run: { results: [RED] },
    then: 'create',
    action: 'created',
    writes: [
      'labels contract-drift bucket:schema-drift severity:high owner:contract',
      'create "[contract-drift] Schema drift (High) — PR #7" assigned carol'
    ]
  },
  "another scope's incident is not this one's": {
    found: [filed(undefined, { body: filed().body.replace(markerFor(KEY), markerFor(`${KEY}0`)) })],
    run: { results: [RED] },
    then: 'create',
    action: 'created',
    writes: [
      'labels contract-drift bucket:schema-drift severity:high owner:contract',
      'create "[contract-drift] Schema drift (High) — PR #7" assigned carol'
    ]
  },
  'two open incidents of the scope (a race): the oldest is updated': {
    found: [filed(), filed(undefined, { number: 4 })],
    run: { results: [RED] },
    then: 'update',
    action: 'unchanged',
    writes: []
  },
  // ---- a later red run (SPEC §5: updates and comments only when something changed)
  'the same red again: nothing written': {
    found: [filed()],
    run: { results: [RED] },
    then: 'update',
    action: 'unchanged',
    writes: [],
    steps: 'xx___'
  },
  'the same red on a new head commit: the state notes the commit, no comment': {
    found: [filed()],
    run: { results: [RED], head: 'h2' },
    then: 'update',
    action: 'updated',
    writes: ['update'],
    counted: [`ci:${SPEC}:failed`]
  },
  'red with a new finding: updated, one comment saying what changed': {
    found: [filed()],
    run: { results: [RED_CHANGED] },
    then: 'update',
    action: 'updated',
    writes: ['update', 'comment: 🔴 The incident changed.'],
    history: /^Updated: Schema drift \(High\), result drift\.$/
  },
  'red in another bucket: relabelled, retitled, its new owner assigned': {
    found: [filed()],
    run: { results: [RUNTIME] },
    then: 'update',
    action: 'updated',
    writes: [
      'labels bucket:runtime-regression severity:medium owner:implementation',
      'assign ivan',
      'read again',
      'update',
      'comment: 🔴 The incident changed.'
    ],
    title: '[contract-drift] Runtime regression (Medium) — PR #7'
  },
  'red in another bucket whose owner is already assigned: nobody new': {
    found: [filed(undefined, { assignees: ['ivan'] })],
    run: { results: [RUNTIME] },
    then: 'update',
    action: 'updated',
    writes: [
      'labels bucket:runtime-regression severity:medium owner:implementation',
      'read again',
      'update',
      'comment: 🔴 The incident changed.'
    ]
  },
  // ---- a person's bucket label wins (SPEC §4)
  "a bucket label a person set: reclassified by them, the label's owners assigned": {
    found: [
      filed(undefined, {
        labels: ['contract-drift', 'bucket:runtime-regression', 'severity:high', 'owner:contract']
      })
    ],
    run: { results: [RED], labelSetter: 'alice' },
    then: 'update',
    action: 'updated',
    reads: ['events of bucket:runtime-regression'],
    writes: [
      'labels bucket:runtime-regression severity:medium owner:implementation',
      'assign ivan',
      'read again',
      'update',
      'comment: 🔴 The incident changed.'
    ],
    history: /^Reclassified by `alice` \(bucket label\); owners and required action follow it/
  },
  'a foreign bucket label the action itself set (events say so): the classifier decides': {
    found: [
      filed(undefined, {
        labels: ['contract-drift', 'bucket:runtime-regression', 'severity:high', 'owner:contract']
      })
    ],
    run: { results: [RED], labelSetter: BOT },
    then: 'update',
    action: 'updated',
    reads: ['events of bucket:runtime-regression'],
    writes: ['labels bucket:schema-drift severity:high owner:contract', 'read again', 'update'],
    title: '[contract-drift] Schema drift (High) — PR #7'
  },
  // ---- results per job (SPEC §5)
  'a job that no longer runs its red validator goes green: its old result drops out': {
    found: [filed([RED, result(LINT)])],
    run: { results: [result(LINT)] },
    then: 'update',
    action: 'proved-green',
    writes: ['update', 'comment: ✅ The validators pass again in this scope.'],
    counted: [`ci:${LINT}:passed`],
    steps: 'xx_x_'
  },
  "another job's red result on this head commit still counts: red": {
    found: [filed()],
    run: { results: [result(LINT)], job: 'docs' },
    then: 'update',
    action: 'updated',
    writes: ['update', 'comment: 🔴 The incident changed.'],
    counted: [`ci:${SPEC}:failed`, `docs:${LINT}:passed`]
  },
  "another job's red result on an older head commit is dropped: green": {
    found: [filed()],
    run: { results: [result(LINT)], job: 'docs', head: 'h2' },
    then: 'update',
    action: 'proved-green',
    writes: ['update', 'comment: ✅ The validators pass again in this scope.'],
    counted: [`docs:${LINT}:passed`]
  },
  "another run's result left in a comment since the body was written counts": {
    found: [filed(undefined, { comments: 1 })],
    run: { results: [GREEN], job: 'docs', logged: [stored(RUNTIME, 'leg-2', 'h1', AT)] },
    then: 'update',
    action: 'updated',
    reads: ['result comments'],
    writes: [
      'labels bucket:runtime-regression severity:medium owner:implementation',
      'assign ivan',
      'read again',
      'update',
      'comment: 🔴 The incident changed.'
    ],
    counted: [`ci:${SPEC}:failed`, `docs:${SPEC}:passed`, `leg-2:${SPEC}:failed`]
  },
  'a comment the state has seen is not read again': {
    found: [filed(undefined, { comments: 0 })],
    run: { results: [RED], logged: [stored(RUNTIME, 'leg-2', 'h1', AT)] },
    then: 'update',
    action: 'unchanged',
    writes: [],
    reads: []
  },
  // ---- green (SPEC §5: one comment, proof, step 4; close-on-green)
  'green with the incident open: proof attached, step 4 ticked, stays open': {
    found: [filed()],
    run: { results: [GREEN] },
    then: 'update',
    action: 'proved-green',
    writes: ['update', 'comment: ✅ The validators pass again in this scope.'],
    steps: 'xx_x_',
    history: /^Validators green again: validation proof attached \(checklist step 4\)\.$/,
    title: '[contract-drift] Schema drift (High) — PR #7'
  },
  'green again after the proof: nothing written': {
    found: [after(filed(), { results: [GREEN] })],
    run: { results: [GREEN] },
    then: 'update',
    action: 'proved-green',
    writes: []
  },
  'green with close-on-green: closed as completed': {
    found: [filed()],
    run: { results: [GREEN], closeOnGreen: true },
    then: 'update',
    action: 'closed',
    writes: ['update', 'close completed', 'comment: ✅ The validators pass again in this scope.'],
    closedBy: 'green',
    history: /^Closed: the validators are green \(close-on-green\)\.$/
  },
  'green, close-on-green and require-close-notes, no notes: stays open': {
    found: [filed()],
    run: { results: [GREEN], closeOnGreen: true, requireCloseNotes: true },
    then: 'update',
    action: 'proved-green',
    writes: ['update', 'comment: ✅ The validators pass again in this scope.'],
    closedBy: undefined
  },
  'green, close-on-green and require-close-notes, only a root cause: stays open': {
    found: [withNotes(filed(), { root: true })],
    run: { results: [GREEN], closeOnGreen: true, requireCloseNotes: true },
    then: 'update',
    action: 'proved-green',
    writes: ['update', 'comment: ✅ The validators pass again in this scope.']
  },
  'green, close-on-green and require-close-notes, only a prevention note: stays open': {
    found: [withNotes(filed(), { prevention: true })],
    run: { results: [GREEN], closeOnGreen: true, requireCloseNotes: true },
    then: 'update',
    action: 'proved-green',
    writes: ['update', 'comment: ✅ The validators pass again in this scope.']
  },
  'green, close-on-green and require-close-notes, both notes: closed': {
    found: [withNotes(filed(), { root: true, prevention: true })],
    run: { results: [GREEN], closeOnGreen: true, requireCloseNotes: true },
    then: 'update',
    action: 'closed',
    writes: ['update', 'close completed', 'comment: ✅ The validators pass again in this scope.'],
    closedBy: 'green'
  },
  // ---- red after a close
  'red after the action closed it green: reopened, one comment': {
    found: [closedGreen()],
    run: { results: [RED] },
    then: 'reopen',
    action: 'reopened',
    writes: ['update', 'reopen', 'comment: 🔴 Red again in this scope: reopened.'],
    history: /^Red again after a green close: reopened: Schema drift/,
    closedBy: undefined
  },
  'red after a person closed it: a new incident, the closed one left alone': {
    found: [filed(undefined, { state: 'closed' })],
    run: { results: [RED] },
    then: 'create',
    action: 'created',
    writes: [
      'labels contract-drift bucket:schema-drift severity:high owner:contract',
      'create "[contract-drift] Schema drift (High) — PR #7" assigned carol'
    ]
  },
  'red after the latest close was a person’s, an older green close before it: a new incident': {
    found: [closedGreen(), filed(undefined, { state: 'closed', number: 5 })],
    run: { results: [RED] },
    then: 'create',
    action: 'created',
    writes: [
      'labels contract-drift bucket:schema-drift severity:high owner:contract',
      'create "[contract-drift] Schema drift (High) — PR #7" assigned carol'
    ]
  },
  // ---- the hidden state lost (a person deleted it)
  'a validator-error incident whose validators now find drift: classified, step 2 ticked': {
    found: [filed([crashed(SPEC)])],
    run: { results: [RED] },
    then: 'update',
    action: 'updated',
    writes: [
      'labels bucket:schema-drift severity:high owner:contract',
      'assign carol',
      'read again',
      'update',
      'comment: 🔴 The incident changed.'
    ],
    steps: 'xx___',
    title: '[contract-drift] Schema drift (High) — PR #7',
    history: /^Updated: Schema drift \(High\), result drift\.$/
  },
  'a validator error again, still without findings: nothing new': {
    found: [filed([crashed(SPEC)])],
    run: { results: [crashed(SPEC)] },
    then: 'update',
    action: 'unchanged',
    writes: [],
    steps: 'x____'
  },
  'red with only a closed issue whose hidden state is gone: a new incident': {
    found: [
      filed(undefined, {
        state: 'closed',
        body: filed().body.replace(/<!-- contract-drift-triage:state=[^>]*-->/, '')
      })
    ],
    run: { results: [RED] },
    then: 'create',
    action: 'created',
    writes: [
      'labels contract-drift bucket:schema-drift severity:high owner:contract',
      'create "[contract-drift] Schema drift (High) — PR #7" assigned carol'
    ]
  },
  "a person's own labels are kept and never created by the action": {
    found: [
      filed(undefined, { labels: [...filed().labels, 'area/owner:billing', 'x-severity:p1'] })
    ],
    run: { results: [RUNTIME] },
    then: 'update',
    action: 'updated',
    writes: [
      'labels bucket:runtime-regression severity:medium owner:implementation',
      'assign ivan',
      'read again',
      'update',
      'comment: 🔴 The incident changed.'
    ]
  },
  'an incident whose hidden state was deleted: rebuilt, its incident ID kept, updated': {
    found: [
      filed(undefined, {
        body: filed().body.replace(/<!-- contract-drift-triage:state=[^>]*-->/, '')
      })
    ],
    run: { results: [RED] },
    then: 'update',
    action: 'updated',
    writes: ['read again', 'update', 'comment: 🔴 The incident changed.'],
    steps: 'xx___'
  }
}

describe('a run of the scope, through the pure core (SPEC §5)', () => {
  it.each(Object.entries(ROWS))('%s', (_, row) => {
    const seen = fileRun(row.found, row.run)
    const expected: Record<string, unknown> = {
      then: row.then,
      action: row.action,
      writes: row.writes,
      ...(row.steps ? { steps: row.steps } : {}),
      ...(row.counted ? { counted: row.counted } : {}),
      ...(row.title ? { title: row.title } : {}),
      ...('closedBy' in row ? { closedBy: row.closedBy } : {}),
      ...(row.reads ? { reads: row.reads } : {})
    }
    expect({
      then: seen.then,
      action: seen.action,
      writes: seen.writes,
      ...(row.steps ? { steps: steps(seen.after) } : {}),
      ...(row.counted ? { counted: counted(seen.after) } : {}),
      ...(row.title ? { title: seen.title } : {}),
      ...('closedBy' in row ? { closedBy: seen.after?.closedBy } : {}),
      ...(row.reads ? { reads: seen.reads } : {})
    }).toEqual(expected)
    if (row.history) expect(lastHistory(seen.after)).toMatch(row.history)
  })

  it("keeps a person's Resolution PR, root cause, note under Findings and Discussion through a changed red run", () => {
    const issue = filed()
    const note = 'Note from alice: the first finding is expected until the adapter ships.'
    const discussion = '### Discussion\n\nalice: we agreed to refresh the pack on Monday.'
    const edited = {
      ...issue,
      body: issue.body
        .replace('- **Resolution PR:** pending', '- **Resolution PR:** #99')
        .replace('### Root cause\n\npending', '### Root cause\n\nThe adapter table was wrong.')
        .replace(/(### Findings\n\n[^\n]*\n(?:- [^\n]*\n)*)/, `$1${note}\n`)
        .replace(/(\n<!-- contract-drift-triage:state=)/, `\n\n${discussion}\n$1`)
        .replace(/\n/g, '\r\n')
    }
    const seen = fileRun([edited], { results: [RUNTIME] })
    const body = (seen.body ?? '').replace(/\r/g, '')
    expect(seen.title).toBe('[contract-drift] Runtime regression (Medium) — PR #7')
    expect(body).toContain('- **Resolution PR:** #99')
    expect(body).not.toContain('- **Resolution PR:** pending')
    expect(body).toContain('The adapter table was wrong.')
    expect(body.indexOf(note)).toBeGreaterThan(body.indexOf('### Findings'))
    expect(body.indexOf(discussion)).toBeGreaterThan(body.indexOf('### History'))
    expect(seen.after?.lifecycle.resolutionPr).toBe('#99')
  })

  it("attaches this run's results to its comments, for runs that race it", () => {
    const seen = fileRun([filed()], { results: [RED_CHANGED] })
    expect(seen.writes).toContain('comment: 🔴 The incident changed.')
    const issue = filed()
    const previous = storedState(issue, KEY)
    const mine = storedResults([RED_CHANGED], { at: AT, job: 'ci', head: 'h1' })
    const next = nextIncident(
      previous,
      asReturned(issue),
      { mine, logged: [], job: 'ci', head: 'h1', reopen: false },
      { closeOnGreen: false, requireCloseNotes: false, triage, renderBody },
      AT
    )
    const write = writeOf(next, asReturned(issue), mine, { stale: false }, renderBody)!
    expect(write.comments.map(readResultComment)).toEqual([mine])
  })

  it('keeps the findings this run saw whole for triage, the stored ones trimmed', () => {
    const many = result(SPEC, ...Array.from({ length: 60 }, (_, i) => `schema: field ${i} removed`))
    const mine = storedResults([many], { at: AT, job: 'ci', head: 'h1', runUrl: 'https://run/1' })
    expect(mine[0]).toMatchObject({ job: 'ci', head: 'h1', at: AT, runUrl: 'https://run/1' })
    expect(mine[0]?.findings).toHaveLength(50)
    const other = stored(RED, 'docs')
    expect(withWholeResults([...mine, other], [many], 'ci')).toEqual([many, other])
    // Another job's result of the same command is not this run's to complete.
    expect(
      withWholeResults([{ ...mine[0]!, job: 'docs' }], [many], 'ci')[0]?.findings
    ).toHaveLength(50)
  })

  it('reports the other jobs it counted only when there are some', () => {
    const record = triage([stored(RED)])
    const issue = { number: 3, html_url: 'https://github.com/acme/contracts/issues/3' }
    expect(filedOf({ action: 'updated', shown: record, otherJobs: [] }, issue)).toEqual({
      action: 'updated',
      number: 3,
      url: issue.html_url,
      record
    })
    expect(
      filedOf({ action: 'updated', shown: record, otherJobs: ['x'] }, issue).otherJobs
    ).toEqual(['x'])
  })

  it('a run is red when any of its validators is', () => {
    expect(isRed([result(SPEC), RED])).toBe(true)
    expect(isRed([result(SPEC), result(LINT)])).toBe(false)
  })

  it('says instants to the second, in UTC', () => {
    expect(instant(new Date('2026-12-01T12:00:00.123Z'))).toBe(AT)
  })
})

describe('what the comments and the record say', () => {
  const plan = (issue: Issue, results: ValidatorRun[]) => {
    const previous = storedState(issue, KEY)
    const mine = storedResults(results, { at: AT, job: 'ci', head: 'h1' })
    return nextIncident(
      previous,
      asReturned(issue),
      { mine, logged: [], job: 'ci', head: 'h1', reopen: false },
      { closeOnGreen: false, requireCloseNotes: false, triage, renderBody },
      AT
    )
  }

  it('lists at most twenty new findings, then how many more', () => {
    const many = Array.from({ length: 25 }, (_, i) => `schema: field f${i} removed`)
    const [comment] = plan(filed(), [result(SPEC, ...many)]).comments
    expect(comment).toContain('**New findings (25):**')
    expect(comment).toContain('- `[contract] schema: field f19 removed`')
    expect(comment).not.toContain('f20 removed')
    expect(comment).toContain('- … and 5 more in the record above')
    expect(comment?.split('\n').filter(line => line.startsWith('- '))).toHaveLength(21)
  })

  it('lists twenty new findings without a "more" line', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `schema: field f${i} removed`)
    const [comment] = plan(filed([result(SPEC, 'schema: old')]), [result(SPEC, ...twenty)]).comments
    expect(comment).toContain('**New findings (20):**')
    expect(comment).not.toContain('more in the record above')
  })

  it('counts the findings no longer reported, and lists none as new when only some went away', () => {
    const [comment] = plan(filed([RED_CHANGED]), [RED]).comments
    expect(comment).toBe(
      '🔴 The incident changed.\n\n**Now:** Schema drift (High), result drift.\n\n**No longer reported:** 1 finding(s).'
    )
  })

  it('keeps every command that was ever red among the failing checks', () => {
    const next = plan(filed(), [result(SPEC), result(LINT, 'schema: lint')])
    expect(next.state.lifecycle.failingChecks).toEqual([SPEC, LINT])
    expect(next.shown.lifecycle?.failingChecks).toEqual([SPEC, LINT])
  })

  it('assigns at most ten people, never a team', () => {
    const logins = Array.from({ length: 12 }, (_, i) => `dev${i}`)
    const record: IncidentRecord = {
      ...triage([stored(RED)]),
      routing: {
        primaryRole: 'contract',
        requiredAction: 'act',
        owners: { contract: ['acme/contract-team', ...logins] }
      }
    }
    expect(assigneesOf(record)).toEqual(logins.slice(0, 10))
    expect(assigneesOf({ ...record, routing: undefined })).toEqual([])
    expect(assigneesOf({ ...record, routing: { ...record.routing!, primaryRole: 'qa' } })).toEqual(
      []
    )
  })

  it('says High when a record has no severity yet', () => {
    const record = triage([stored(RED)])
    expect(verdictWords({ ...record, severity: undefined })).toBe(
      'Schema drift (High), result drift'
    )
    expect(verdictWords({ ...record, classification: undefined, severity: 'low' })).toBe(
      'Validator error (Low), result drift'
    )
  })

  it('a green run does not reassign, whatever the routing says', () => {
    expect(plan(filed([RUNTIME]), [GREEN]).rerouted).toEqual([])
  })
})

describe('a race between runs of one scope', () => {
  const mine = [stored(RED_CHANGED, 'leg-1', 'h1', AT)]
  const written = (runs: StoredRun[], seenComments = 0): string =>
    renderBody({ ...readState(filed().body)!, runs, seenComments }, triage(runs), undefined)

  it.each<[string, Parameters<typeof verifyRound>[1], number, string]>([
    [
      'our results are in the body read back: done',
      { edited: false, body: written(mine), comments: 0 },
      0,
      'done'
    ],
    [
      'our results are there beside another leg’s: done',
      { edited: false, body: written([stored(RED, 'leg-2', 'h1', AT), ...mine]), comments: 0 },
      3,
      'done'
    ],
    [
      'another run wrote over ours: merge again after a wait',
      { edited: false, body: written([stored(RED, 'leg-2', 'h1', AT)]), comments: 0 },
      0,
      'again 100–250 ms'
    ],
    [
      'our job is there with another result: merge again',
      { edited: false, body: written([stored(RED, 'leg-1', 'h1', AT)]), comments: 0 },
      0,
      'again 100–250 ms'
    ],
    [
      'a comment came in since our write (another run’s results): merge again',
      { edited: false, body: written(mine, 2), comments: 3 },
      0,
      'again 100–250 ms'
    ],
    [
      'the comments our write counted: done',
      { edited: false, body: written(mine, 3), comments: 3 },
      0,
      'done'
    ],
    [
      'the body lost its hidden state: merge again',
      { edited: false, body: 'a person replaced it all', comments: 0 },
      0,
      'again 100–250 ms'
    ],
    [
      'a person edited it before our write: plan again at once',
      { edited: true },
      0,
      'again 0–0 ms'
    ],
    [
      'the same result stored under another job is not ours: merge again',
      { edited: false, body: written([{ ...mine[0]!, job: 'leg-2' }]), comments: 0 },
      0,
      'again 100–250 ms'
    ],
    [
      'the waits grow with each round',
      { edited: false, body: written([]), comments: 0 },
      3,
      'again 100–1300 ms'
    ],
    [
      'and stop growing at 3 s',
      { edited: false, body: written([]), comments: 0 },
      8,
      'again 100–3100 ms'
    ],
    [
      'the last round still lost: give up and say so',
      { edited: false, body: written([]), comments: 0 },
      VERIFY_ATTEMPTS - 1,
      'give-up'
    ],
    ['the last round edited by a person: give up', { edited: true }, VERIFY_ATTEMPTS - 1, 'give-up']
  ])('%s', (_, back, attempt, expected) => {
    const describe = (random: number): string => {
      const round = verifyRound(attempt, back, mine, 3, random)
      return round.then === 'again' ? `again ${round.waitMs}` : round.then
    }
    const low = describe(0)
    const high = describe(1)
    const seen = low.startsWith('again') ? `${low}–${high.split(' ')[1]} ms` : low
    expect(seen).toBe(expected)
  })

  it('is done only when every result of this run is in', () => {
    const two = [...mine, stored(RED, 'leg-1', 'h1', AT)].map(run => ({
      ...run,
      command: run === mine[0] ? SPEC : LINT
    }))
    const back = (runs: StoredRun[]): Parameters<typeof verifyRound>[1] => ({
      edited: false,
      body: written(runs),
      comments: 0
    })
    expect(verifyRound(0, back(two), two, 3, 0).then).toBe('done')
    expect(verifyRound(0, back([two[0]!]), two, 3, 0).then).toBe('again')
    expect(verifyRound(0, back([two[1]!]), two, 3, 0).then).toBe('again')
  })

  it('gives up after ten rounds, saying where the results are', () => {
    expect(VERIFY_ATTEMPTS).toBe(10)
    const round = verifyRound(9, { edited: true }, mine, 42, 0.5)
    expect(round).toEqual({
      then: 'give-up',
      warning:
        "Incident #42 kept changing under concurrent runs (10 attempts): this run's results may be missing from its record until the next run in this scope; this job's summary holds them."
    })
  })

  it.each<[string, number, number[], string[] | undefined]>([
    ['ours is the only open one: no duplicate', 5, [5], undefined],
    ['none read back yet (the list lags): no duplicate', 5, [], undefined],
    [
      'another run filed one first: ours closes into it, its results moved there',
      6,
      [5, 6],
      // Two content-creating requests: the results moved, and one update that closes ours.
      [
        'comment #5: Results from a concurrent run, which filed #6 as a duplicate and closed it.',
        'update #6 closed not_planned'
      ]
    ]
  ])('duplicateOf: %s', (_, created, open, expected) => {
    const duplicate = duplicateOf(created, open, mine)
    expect(duplicate && describeEffects(duplicate.effects)).toEqual(expected)
    if (duplicate) {
      expect(duplicate.canonical).toBe(open[0])
      const moved = duplicate.effects[0]
      expect(moved?.kind === 'comment' && readResultComment(moved.body)).toEqual(mine)
      const closed = duplicate.effects[1]
      const body = closed?.kind === 'update' ? (closed.fields.body ?? '') : ''
      expect(body).toMatch(/^Duplicate of #5: /)
      // Without the key's marker, the closed duplicate is no incident of the key any more.
      expect(
        isIncident(
          { author: BOT, labels: ['contract-drift'], body, isPullRequest: false },
          BOT,
          null
        )
      ).toBe(false)
    }
  })

  it.each<[string, { body: string; labels: string[] }, boolean]>([
    ['nothing changed', { body: 'b', labels: ['a', 'b'] }, false],
    ['the same labels in another order', { body: 'b', labels: ['b', 'a'] }, false],
    ['the same labels read in another order', { body: 'b', labels: ['a', 'b'] }, false],
    ['a person edited the body', { body: 'b, edited', labels: ['a', 'b'] }, true],
    ['a person added a label', { body: 'b', labels: ['a', 'b', 'c'] }, true],
    ['a person removed a label', { body: 'b', labels: ['a'] }, true]
  ])('editedMeanwhile: %s', (_, fresh, expected) => {
    expect(editedMeanwhile({ body: 'b', labels: ['a', 'b'] }, fresh)).toBe(expected)
    expect(editedMeanwhile({ body: 'b', labels: ['b', 'a'] }, fresh)).toBe(expected)
  })
})

describe("finding the key's incidents without reading every incident (SPEC §7)", () => {
  interface Seen {
    number: number
    state: 'open' | 'closed'
    body: string
  }
  const greenClosed = (number: number): Seen => ({
    number,
    state: 'closed',
    body: closedGreen().body ?? ''
  })
  const open = (number: number): Seen => ({ number, state: 'open', body: markerFor(KEY) })
  const closed = (number: number): Seen => ({ number, state: 'closed', body: markerFor(KEY) })
  const numbers = (found: ReturnType<typeof keyIncidents<Seen>>): string =>
    found.then === 'read-open'
      ? 'read-open'
      : `open ${found.open.map(i => i.number).join(',') || '-'}; closed ${found.closed.map(i => i.number).join(',') || '-'}`

  it.each<[string, Seen[], boolean, Seen[] | undefined, string]>([
    [
      'the whole repository on one page: decided by it',
      [closed(3), open(9)],
      true,
      undefined,
      'open 9; closed 3'
    ],
    [
      'one page, nothing of the key: nothing more to read',
      [],
      true,
      undefined,
      'open -; closed -'
    ],
    [
      'more pages, the key open among the newest: no more reads',
      [open(300)],
      false,
      undefined,
      'open 300; closed -'
    ],
    [
      'more pages, two legs raced: both fresh, the oldest first',
      [open(301), open(300)],
      false,
      undefined,
      'open 300,301; closed -'
    ],
    [
      'more pages, only a closed one among the newest: the open ones are read',
      [closed(300)],
      false,
      undefined,
      'read-open'
    ],
    [
      'more pages, nothing of the key among the newest: the open ones are read',
      [],
      false,
      undefined,
      'read-open'
    ],
    [
      'the open list adds the older ones',
      [],
      false,
      [open(12), open(4)],
      'open 4,12; closed -'
    ],
    [
      'the newest page wins over the open list read before it for the same incident',
      [closed(300)],
      false,
      [open(300), open(7)],
      'open 7; closed 300'
    ]
  ])('keyIncidents: %s', (_, newest, complete, openOnes, expected) => {
    expect(numbers(keyIncidents({ issues: newest, complete }, openOnes))).toBe(expected)
  })

  it.each<[string, Seen[], Seen[], boolean, string]>([
    ['red, an open one', [open(5)], [], true, 'update 5'],
    ['green, an open one: proven green', [open(5)], [], false, 'update 5'],
    ['green, none open: nothing', [], [greenClosed(4)], false, 'nothing'],
    [
      'red, the latest closed green by the action: reopened',
      [],
      [greenClosed(4), closed(2)],
      true,
      'reopen 4'
    ],
    [
      'red, the latest closed by a person: a new one',
      [],
      [closed(4), greenClosed(2)],
      true,
      'create'
    ],
    ['red, nothing at all: a new one', [], [], true, 'create']
  ])('chooseIncident: %s', (_, openOnes, closedOnes, red, expected) => {
    const choice = chooseIncident(openOnes, closedOnes, red)
    expect(
      choice.then === 'update'
        ? `${choice.reopen ? 'reopen' : 'update'} ${choice.issue.number}`
        : choice.then
    ).toBe(expected)
  })

  it.each<[string, number, number, number[]]>([
    ['GitHub answering at once: up to ten GitHub seconds, spread evenly', 1, 300, [0, 5000, 9990]],
    ["the tests' scaled clock: ten GitHub seconds are 10 ms", 0.001, 0.5, [0, 5, 9.99]],
    ['a slow read (3 s): spread over ten reads', 1, 3000, [0, 15000, 29970]],
    [
      'a slow read on the scaled clock: ten reads, not ten GitHub seconds',
      0.25,
      1000,
      [0, 5000, 9990]
    ]
  ])('the wait before filing: %s', (_, scale, readMs, expected) => {
    expect(CREATE_JITTER_SECONDS).toBe(10)
    expect(CREATE_JITTER_READS).toBe(10)
    expect([0, 0.5, 0.999].map(random => createWaitMs(random, scale, readMs))).toEqual(expected)
  })
})

describe('the write', () => {
  const plan = (issue: Issue, results: ValidatorRun[]): IncidentWrite => {
    const previous = storedState(issue, KEY)
    const mine = storedResults(results, { at: AT, job: 'ci', head: 'h1' })
    const next = nextIncident(
      previous,
      asReturned(issue),
      { mine, logged: [], job: 'ci', head: 'h1', reopen: false },
      { closeOnGreen: false, requireCloseNotes: false, triage, renderBody },
      AT
    )
    return writeOf(
      next,
      asReturned(issue),
      mine,
      readsFor(previous, asReturned(issue)),
      renderBody
    )!
  }

  it('a comment that could not be posted is taken back out of the state', () => {
    const issue = filed(undefined, { comments: 2 }, { seenComments: 2 })
    const write = plan(issue, [RED_CHANGED])
    expect(readState(write.fields.body)?.seenComments).toBe(3)
    expect(write.bodyAfter(1)).toBeUndefined()
    const after = write.bodyAfter(0)!
    expect(readState(after)?.seenComments).toBe(2)
    // Only the count changes: the record is the one just written.
    expect(after.replace(/<!-- contract-drift-triage:state=[^>]*-->/, '')).toBe(
      write.fields.body!.replace(/<!-- contract-drift-triage:state=[^>]*-->/, '')
    )
  })

  it('reads the issue again before writing when comments came in since it was read', () => {
    const issue = filed(undefined, { comments: 1 })
    expect(plan(issue, [RED_CHANGED]).rereadFirst).toBe(true)
    expect(plan(filed(), [RED_CHANGED]).rereadFirst).toBe(false)
  })

  it.each<[string, string[], string[], string[] | undefined]>([
    ['nobody accepted: assignees left as they are', ['carol'], [], undefined],
    ['the new owner added to the ones there', ['carol'], ['ivan'], ['carol', 'ivan']],
    ['someone already assigned is not repeated', ['carol'], ['carol', 'ivan'], ['carol', 'ivan']],
    [
      'at most ten (GitHub refuses more)',
      Array.from({ length: 9 }, (_, i) => `p${i}`),
      ['ivan', 'olga'],
      [...Array.from({ length: 9 }, (_, i) => `p${i}`), 'ivan']
    ]
  ])('assigneesAfter: %s', (_, current, accepted, expected) => {
    expect(assigneesAfter(current, accepted)).toEqual(expected)
  })

  it.each<[string, Partial<IncidentState>, Partial<IssueAsReturned>, object]>([
    ['nothing new', {}, {}, { resultComments: false, stale: false }],
    [
      'comments came in',
      { seenComments: 1 },
      { comments: 2 },
      { resultComments: true, stale: true }
    ],
    [
      'the comments the state saw',
      { seenComments: 2 },
      { comments: 2 },
      { resultComments: false, stale: false }
    ],
    [
      'a person set another bucket',
      {},
      { labels: ['contract-drift', 'bucket:fixture-stale'] },
      { resultComments: false, bucketSetter: 'bucket:fixture-stale', stale: true }
    ],
    [
      'a person set needs-triage (no bucket to look up, but the issue moved)',
      {},
      { labels: ['contract-drift', 'bucket:needs-triage'] },
      { resultComments: false, stale: true }
    ],
    [
      'the bucket label the action set',
      {},
      { labels: ['contract-drift', 'bucket:schema-drift'] },
      { resultComments: false, stale: false }
    ]
  ])('readsFor: %s', (_, state, issue, expected) => {
    const previous = { ...readState(filed().body)!, ...state }
    expect(readsFor(previous, { ...asReturned(filed()), ...issue })).toEqual(expected)
  })

  it('an issue without hidden state or incident ID starts from its number and creation', () => {
    const rebuilt = storedState(
      { number: 300, created_at: '2026-11-30T08:00:00.000Z', body: 'gone', comments: 4 },
      KEY
    )
    expect(rebuilt).toEqual({
      v: 1,
      incidentId: 'DRIFT-20261130-00012c',
      key: KEY,
      createdAt: '2026-11-30T08:00:00Z',
      runs: [],
      lifecycle: { checklist: [true, false, false, false, false], history: [], failingChecks: [] },
      seenComments: 4
    })
    // A number beyond six hex digits keeps its last six.
    expect(
      storedState(
        { number: 0x1000001, created_at: '2026-11-30T08:00:00Z', body: '', comments: 0 },
        KEY
      ).incidentId
    ).toBe('DRIFT-20261130-000001')
    expect(
      storedState(
        {
          number: 300,
          created_at: '2026-11-30T08:00:00Z',
          body: '- **Incident ID:** DRIFT-20261101-abc123',
          comments: 0
        },
        KEY
      ).incidentId
    ).toBe('DRIFT-20261101-abc123')
  })
})

describe('events outside a run of the scope, as writes (SPEC §5)', () => {
  const issue = filed()
  const state = readState(issue.body)!
  const identity = (given: Issue): Parameters<typeof closedByPerson>[1] => ({
    author: given.author,
    labels: given.labels,
    body: given.body,
    isPullRequest: false,
    comments: given.comments
  })
  const writes = (step: EventStep | undefined, on: Issue = issue): string[] =>
    step ? describeEffects(rewriteOf(step, on, renderBody)) : []
  const options = (requireCloseNotes: boolean) => ({ issueAuthor: BOT, requireCloseNotes })

  it.each<[string, () => { outcome: string; step?: EventStep }, Issue, string, string[], string]>([
    [
      'closed by a person with root cause and prevention note: step 5',
      () =>
        closedByPerson(
          state,
          identity(withNotes(issue, { root: true, prevention: true })),
          'alice',
          options(true),
          AT
        ),
      withNotes(issue, { root: true, prevention: true }),
      'resolved',
      ['update #3'],
      'xx__x'
    ],
    [
      'closed by a person without notes, require-close-notes: reopened, one comment',
      () => closedByPerson(state, identity(issue), 'alice', options(true), AT),
      issue,
      'reopened',
      [
        'update #3 open',
        'comment #3: Reopened: this incident needs a root cause (the "Root cause" section) and a prevention note (the "Prevention follow-up" field) before it closes (playbook 3.5, step 5). Fill them in the record above, then close it again.'
      ],
      'xx___'
    ],
    [
      'closed by a person with only a root cause, require-close-notes: reopened',
      () =>
        closedByPerson(
          state,
          identity(withNotes(issue, { root: true })),
          'alice',
          options(true),
          AT
        ),
      withNotes(issue, { root: true }),
      'reopened',
      [
        'update #3 open',
        'comment #3: Reopened: this incident needs a prevention note (the "Prevention follow-up" field) before it closes (playbook 3.5, step 5). Fill them in the record above, then close it again.'
      ],
      'xx___'
    ],
    [
      'closed by a person without notes, no require-close-notes: noted in the history',
      () => closedByPerson(state, identity(issue), 'alice', options(false), AT),
      issue,
      'noted',
      ['update #3'],
      'xx___'
    ],
    [
      'closed by the action itself (close-on-green): nothing',
      () => closedByPerson(state, identity(issue), BOT, options(true), AT),
      issue,
      'ignored',
      [],
      ''
    ],
    [
      'pull request closed unmerged: closed as not planned',
      () =>
        pullRequestClosed(
          state,
          false,
          { key: 'acme/contracts:branch-main', scope: 'main' },
          3,
          AT
        ),
      issue,
      'closed',
      ['update #3 closed not_planned'],
      'xx___'
    ],
    [
      'pull request merged while red: moves to the base branch, stays open',
      () =>
        pullRequestClosed(state, true, { key: 'acme/contracts:branch-main', scope: 'main' }, 3, AT),
      issue,
      'moved',
      ['update #3'],
      'xx___'
    ],
    [
      'pull request merged while red, the base has its own incident: closed into it',
      () =>
        pullRequestClosed(
          state,
          true,
          { key: 'acme/contracts:branch-main', scope: 'main', openIncident: 9 },
          3,
          AT
        ),
      issue,
      'merged-into',
      ['update #3 closed not_planned'],
      'xx___'
    ],
    [
      'pull request merged green: nothing',
      () =>
        pullRequestClosed(
          { ...state, runs: [stored(GREEN)] },
          true,
          { key: 'acme/contracts:branch-main', scope: 'main' },
          3,
          AT
        ),
      issue,
      'none',
      [],
      ''
    ]
  ])('%s', (_, event, on, outcome, expected, checklist) => {
    const { outcome: seen, step } = event()
    expect([seen, writes(step, on), steps(step?.state)]).toEqual([outcome, expected, checklist])
  })

  it('a moved incident is retitled and re-keyed for the base branch', () => {
    const { step } = pullRequestClosed(
      state,
      true,
      { key: 'acme/contracts:branch-main', scope: 'main' },
      3,
      AT
    )
    const [update] = rewriteOf(step!, issue, renderBody)
    expect(update?.kind === 'update' && update.fields.title).toBe(
      '[contract-drift] Schema drift (High) — main'
    )
    expect(
      update?.kind === 'update' &&
        update.fields.body?.startsWith(markerFor('acme/contracts:branch-main'))
    ).toBe(true)
  })

  it('a complete remediation fills Resolution PR and ticks steps 3 and 4; a person’s Resolution PR wins', () => {
    const next = remediated(state, issue.body, '#12', ['[spec] OK'], AT)!
    const [update] = rewriteOf({ state: next }, issue, renderBody)
    const body = update?.kind === 'update' ? (update.fields.body ?? '') : ''
    expect(body).toContain('- **Resolution PR:** #12')
    expect(steps(readState(body))).toBe('xxxx_')
    const filledByPerson = issue.body.replace(
      '- **Resolution PR:** pending',
      '- **Resolution PR:** #99'
    )
    expect(remediated(state, filledByPerson, '#12', [], AT)).toBeUndefined()
  })

  it("a rewrite keeps a person's notes and the scope the title showed when the state lacks it", () => {
    const noted = withNotes(issue, { root: true, prevention: true })
    const unscoped: IncidentState = { ...state }
    delete unscoped.scope
    const [update] = rewriteOf({ state: unscoped }, noted, renderBody)
    const fields = update?.kind === 'update' ? update.fields : {}
    expect(fields.title).toBe('[contract-drift] Schema drift (High) — PR #7')
    expect(fields.body).toContain('The adapter table was wrong.')
    expect(fields.body).toContain('- **Detected by (CI/local):** CI')
    expect(readState(fields.body)?.lifecycle.rootCause).toBe('The adapter table was wrong.')
    expect(fields).not.toHaveProperty('state')
  })
})
