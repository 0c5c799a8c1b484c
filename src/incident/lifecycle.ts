/**
 * What happens to an open incident when a run of its scope reports (SPEC §5), as a pure function:
 * (stored state, issue as GitHub returned it, this run, options, time) → (next state, effects).
 * The GitHub side (src/github/incidents.ts) reads, calls this, and executes what it returns.
 */
import {
  findingsFingerprint,
  readNotes,
  sameResult,
  verdictFingerprint,
  verdictOf,
  withHistory,
  type IncidentState,
  type StoredRun
} from '../incident.js'
import { bucketLabel, incidentLabels, mergeLabels } from '../github/labels.js'
import { code, codeBlock } from '../markdown.js'
import { BUCKET_NAMES, incidentTitle, LEVEL_NAMES } from '../render.js'
import type { Bucket, IncidentRecord, Lifecycle, ValidatorRun } from '../types.js'
import { missingNotes, tick } from './events.js'
import { countResults, explainResults } from './results.js'

export type IncidentAction =
  'none' | 'created' | 'updated' | 'unchanged' | 'reopened' | 'proved-green' | 'closed'

/** Triage of a set of validator runs, with a person's bucket label when there is one. */
export type Triage = (
  runs: ValidatorRun[],
  bucketOverride?: { bucket: Bucket; by: string }
) => IncidentRecord

/** The incident issue as GitHub returned it, in the words the lifecycle needs. */
export interface IssueAsReturned {
  title: string
  body?: string | null
  comments: number
  labels: string[]
  assignees: string[]
}

/** This run: its results, what other runs left in comments, and a person's bucket label. */
export interface ThisRun {
  mine: StoredRun[]
  logged: StoredRun[]
  override?: { bucket: Bucket; by: string }
  job: string
  head: string
  runUrl?: string
  /** The incident was closed green and this run is red: it reopens. */
  reopen: boolean
}

export interface LifecycleOptions {
  closeOnGreen: boolean
  requireCloseNotes: boolean
  triage: Triage
  /** The body for a state, merged into the issue's body as it is (people's text kept). */
  renderBody: (
    state: IncidentState,
    shown: IncidentRecord,
    previous: string | null | undefined
  ) => string
}

/** The next state of the incident and the effects that get it there. */
export interface NextIncident {
  state: IncidentState
  shown: IncidentRecord
  body: string
  title: string
  labels: string[]
  sameLabels: boolean
  /** Comments to post (each with this run's results attached). */
  comments: string[]
  close: boolean
  reopen: boolean
  /** New primary owners to assign. */
  rerouted: string[]
  action: IncidentAction
  /** Nothing to write: the issue already says all of it. */
  unchanged: boolean
  otherJobs: string[]
}

/** GitHub assigns at most ten people to an issue. */
export const MAX_ASSIGNEES = 10

/** An update of an open incident (or one closed green that this red run reopens). */
export function nextIncident(
  previous: IncidentState,
  issue: IssueAsReturned,
  run: ThisRun,
  options: LifecycleOptions,
  at: string
): NextIncident {
  // An unchanged result keeps its old timestamp, so an unchanged re-run writes nothing.
  const fresh = run.mine.map(mineRun => {
    const known = previous.runs.find(
      stored => stored.job === mineRun.job && stored.command === mineRun.command
    )
    return known && known.head === mineRun.head && sameResult(known, mineRun) ? known : mineRun
  })
  const counted = countResults([...previous.runs, ...run.logged], fresh, run.job, run.head)
  const runs = counted.runs
  const otherJobs = explainResults(counted)
  const override = run.override
  const reopen = run.reopen
  const triaged = options.triage(runs, override)
  const green = triaged.result === 'pass'
  const findingsChanged = findingsFingerprint(runs) !== findingsFingerprint(previous.runs)
  const verdictChanged =
    !green && verdictFingerprint(verdictOf(triaged)) !== verdictFingerprint(previous.verdict)
  let lifecycle: Lifecycle = {
    ...withoutBucketSetter(previous.lifecycle),
    ...readNotes(issue.body),
    ...(override ? { bucketSetBy: override.by } : {}),
    failingChecks: [...new Set([...previous.lifecycle.failingChecks, ...redCommands(runs)])]
  }
  const comments: string[] = []
  if (green) {
    if (findingsChanged || !lifecycle.checklist[3]) {
      const okLines = runs.flatMap(run => run.okLines)
      const proof = {
        at,
        okLines,
        ...(run.runUrl ? { runUrl: run.runUrl } : {})
      }
      lifecycle = withHistory(
        { ...lifecycle, validationProof: proof, checklist: tick(lifecycle.checklist, 3) },
        'Validators green again: validation proof attached (checklist step 4).',
        at,
        run.runUrl
      )
      comments.push(
        `✅ The validators pass again in this scope.\n\n${codeBlock(okLines.join('\n') || 'every validator exited 0')}`
      )
    }
  } else {
    if (triaged.classification)
      lifecycle = { ...lifecycle, checklist: tick(lifecycle.checklist, 1) }
    if (reopen || findingsChanged || verdictChanged) {
      const relabelled = override && override.bucket !== previous.verdict?.classification?.bucket
      const what = reopen
        ? 'Red again after a green close: reopened'
        : relabelled
          ? `Reclassified by ${code(override.by)} (bucket label); owners and required action follow it`
          : 'Updated'
      lifecycle = withHistory(lifecycle, `${what}: ${verdictWords(triaged)}.`, at, run.runUrl)
      comments.push(changeComment(previous, triaged, runs, reopen))
    }
  }

  // Green keeps showing what the incident was about, next to the proof that it is fixed.
  const verdict = green ? previous.verdict : verdictOf(triaged)
  const shown: IncidentRecord = {
    ...triaged,
    ...(green ? verdict : {}),
    result: triaged.result,
    incidentId: previous.incidentId,
    detectedAt: previous.createdAt,
    lifecycle
  }
  // require-close-notes: a green run does not close while root cause or prevention is pending.
  const close =
    green &&
    options.closeOnGreen &&
    !(options.requireCloseNotes && missingNotes(lifecycle).length > 0)
  if (close) {
    lifecycle = withHistory(
      lifecycle,
      'Closed: the validators are green (close-on-green).',
      at,
      run.runUrl
    )
    shown.lifecycle = lifecycle
  }
  const state: IncidentState = {
    v: 1,
    incidentId: previous.incidentId,
    key: previous.key,
    createdAt: previous.createdAt,
    runs,
    lifecycle,
    bucketLabel: bucketLabel(shown.classification?.bucket),
    seenComments: issue.comments + comments.length,
    ...(verdict ? { verdict } : {}),
    scope: shown.scope,
    ...(close ? { closedBy: 'green' as const } : {})
  }
  const body = options.renderBody(state, shown, issue.body)
  const labels = mergeLabels(issue.labels, incidentLabels(shown))
  // Re-routed (a new bucket, or a person's label): the new primary owners are assigned too.
  const assigned = new Set(issue.assignees)
  const rerouted =
    !green && previous.verdict?.routing?.primaryRole !== shown.routing?.primaryRole
      ? assigneesOf(shown).filter(login => !assigned.has(login))
      : []
  const title = incidentTitle(shown)
  const sameLabels = [...labels].sort().join() === [...issue.labels].sort().join()
  const action: IncidentAction = close
    ? 'closed'
    : reopen
      ? 'reopened'
      : green
        ? 'proved-green'
        : 'updated'
  const unchanged = body === issue.body && title === issue.title && sameLabels && !close && !reopen
  return {
    state,
    shown,
    body,
    title,
    labels,
    sameLabels,
    comments,
    close,
    reopen,
    rerouted,
    action: unchanged && !green ? 'unchanged' : action,
    unchanged,
    otherJobs
  }
}

/** A new incident: filed (step 1), classified (step 2) unless a validator error has no findings. */
export function firstIncident(
  record: IncidentRecord,
  mine: StoredRun[],
  key: string,
  at: string,
  runUrl?: string
): {
  state: IncidentState
  shown: IncidentRecord
  title: string
  labels: string[]
  assignees: string[]
} {
  const lifecycle = withHistory(
    {
      checklist: [true, record.classification !== undefined, false, false, false],
      history: [],
      failingChecks: redCommands(mine)
    },
    `Filed: ${verdictWords(record)}.`,
    at,
    runUrl
  )
  const state: IncidentState = {
    v: 1,
    incidentId: record.incidentId,
    key,
    createdAt: record.detectedAt,
    runs: mine,
    lifecycle,
    bucketLabel: bucketLabel(record.classification?.bucket),
    seenComments: 0,
    verdict: verdictOf(record),
    scope: record.scope
  }
  return {
    state,
    shown: { ...record, lifecycle },
    title: incidentTitle(record),
    labels: incidentLabels(record),
    assignees: assigneesOf(record)
  }
}

function withoutBucketSetter(lifecycle: Lifecycle): Lifecycle {
  const copy = { ...lifecycle }
  delete copy.bucketSetBy
  return copy
}

export const redCommands = (runs: readonly ValidatorRun[]): string[] =>
  runs.filter(run => run.outcome !== 'passed').map(run => run.command)

export function verdictWords(record: IncidentRecord): string {
  const bucket = record.classification
    ? BUCKET_NAMES[record.classification.bucket]
    : 'Validator error'
  return `${bucket} (${LEVEL_NAMES[record.severity ?? 'high']}), result ${record.result}`
}

/** Users among the primary owners (teams cannot be assigned), at most GitHub's ten. */
export function assigneesOf(record: IncidentRecord): string[] {
  const routing = record.routing
  if (!routing) return []
  return (routing.owners[routing.primaryRole] ?? [])
    .filter(owner => !owner.includes('/'))
    .slice(0, MAX_ASSIGNEES)
}

function changeComment(
  previous: IncidentState,
  record: IncidentRecord,
  runs: readonly StoredRun[],
  reopen: boolean
): string {
  const before = new Set(
    previous.runs.flatMap(run => run.findings.map(f => `${run.command}\u0000${f.tag}:${f.message}`))
  )
  const now = runs.flatMap(run =>
    run.findings.map(f => ({ key: `${run.command}\u0000${f.tag}:${f.message}`, finding: f }))
  )
  const added = now.filter(entry => !before.has(entry.key))
  const gone = before.size - (now.length - added.length)
  const parts = [reopen ? '🔴 Red again in this scope: reopened.' : '🔴 The incident changed.']
  parts.push(`**Now:** ${verdictWords(record)}.`)
  if (added.length > 0) {
    const shown = added
      .slice(0, 20)
      .map(
        ({ finding }) => `- ${code(`${finding.tag ? `[${finding.tag}] ` : ''}${finding.message}`)}`
      )
    if (added.length > 20) shown.push(`- … and ${added.length - 20} more in the record above`)
    parts.push(`**New findings (${added.length}):**\n${shown.join('\n')}`)
  }
  if (gone > 0) parts.push(`**No longer reported:** ${gone} finding(s).`)
  return parts.join('\n\n')
}
