/**
 * A run of a scope files its results into the scope's one incident (SPEC §3, §5), as pure
 * decisions; src/github/incidents.ts reads, asks these, executes what they return, and reads back:
 *
 *   the newest incidents, else the open ones ──keyIncidents──▶ the key's open and closed ones
 *   ──chooseIncident──▶ nothing | create | update
 *   create ──a jittered wait, the newest read again──▶ a racing run's fresh incident is updated
 *          ──filed, the newest read again──duplicateOf──▶ the oldest wins: ours is closed into it
 *   update ──readsFor──▶ which comments and label events to read ──nextIncident──▶ next state
 *          ──writeOf──▶ labels to create, owners to assign, the issue's fields, comments
 *          ──read back──verifyRound──▶ done | merge again after a wait | give up and say so
 *
 * Concurrent runs of one key (matrix legs, workflows side by side) write the same body: each
 * writes, reads back, and merges again until its results are in the stored state.
 */
import {
  readNotes,
  readState,
  renderResultComment,
  sameResult,
  storeRun,
  type IncidentState,
  type StoredRun
} from '../incident.js'
import { incidentTitle } from '../render.js'
import type { IncidentRecord, ValidatorRun } from '../types.js'
import { foreignBucket, type EventStep } from './events.js'
import {
  MAX_ASSIGNEES,
  type IncidentAction,
  type IssueAsReturned,
  type LifecycleOptions,
  type NextIncident
} from './lifecycle.js'

/** What a run reports about its incident (step outputs, summary). */
export interface FiledIncident {
  action: IncidentAction
  number?: number
  url?: string
  record: IncidentRecord
  /** Results of other jobs this run still counts or dropped, in words for the summary. */
  otherJobs?: string[]
}

/** Fields of an issue to change in one request; absent ones stay as they are. */
export interface IssueFields {
  title?: string
  body?: string
  labels?: string[]
  assignees?: string[]
  state?: 'open' | 'closed'
  state_reason?: 'completed' | 'not_planned'
}

/** A write to GitHub, in the order given. */
export type Effect =
  | { kind: 'comment'; issue: number; body: string }
  | { kind: 'update'; issue: number; fields: IssueFields }

/** `2026-12-01T12:00:00Z`: the record's instants, to the second. */
export const instant = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

/** This run's results as the incident stores them: trimmed, with when, where, job and commit. */
export function storedResults(
  runs: readonly ValidatorRun[],
  run: { at: string; job: string; head: string; runUrl?: string }
): StoredRun[] {
  return runs.map(result => ({
    ...storeRun(result, run.at, run.runUrl),
    job: run.job,
    head: run.head
  }))
}

/**
 * The stored results with this job's own ones whole again: the issue keeps them trimmed, while
 * triage and the report of this run see every finding it had.
 */
export function withWholeResults(
  stored: readonly StoredRun[],
  whole: readonly ValidatorRun[],
  job: string
): ValidatorRun[] {
  const byCommand = new Map(whole.map(run => [run.command, run]))
  return stored.map(run => (run.job === job ? (byCommand.get(run.command) ?? run) : run))
}

export const isRed = (runs: readonly ValidatorRun[]): boolean =>
  runs.some(run => run.outcome !== 'passed')

/** An incident as a list returns it: numbers grow with creation. */
export interface Listed {
  number: number
  state: string
  body?: string | null
}

/** The key's incidents, oldest open first and newest closed first. */
export type KeyIncidents<I> = { then: 'read-open' } | { then: 'found'; open: I[]; closed: I[] }

/**
 * Where a run finds its key's incidents. `newest` holds the key's incidents among the one page of
 * the newest ones of its source repository (every state; `complete` when there is no other page;
 * filed from another repository, its `source:` label narrows the list): it is always
 * up to date, so it sees what a racing run filed a moment ago, and for a busy key it is all a run
 * reads. It decides alone when it is the whole repository or holds the key's open incident (an
 * older open one would have stopped that one being filed); else every open incident is read
 * (`open`, the key's among them). GitHub's issue search cannot stand in for that list: it does
 * not index text inside HTML comments, where the key's marker is (SPEC §3), so an older incident
 * would be missed and filed again.
 */
export function keyIncidents<I extends Listed>(
  newest: { issues: readonly I[]; complete: boolean },
  open?: readonly I[]
): KeyIncidents<I> {
  const decided = newest.complete || newest.issues.some(issue => issue.state === 'open')
  if (!decided && !open) return { then: 'read-open' }
  const fresh = new Set(newest.issues.map(issue => issue.number))
  const older = decided ? [] : (open ?? []).filter(issue => !fresh.has(issue.number))
  const all = [...newest.issues, ...older].sort((a, b) => a.number - b.number)
  return {
    then: 'found',
    open: all.filter(issue => issue.state === 'open'),
    closed: all.filter(issue => issue.state !== 'open').reverse()
  }
}

/**
 * GitHub seconds a run waits at most before filing a new incident, then reads the newest
 * incidents again: runs of one key started together (matrix legs, workflows side by side) find
 * nothing, and without it they file at the same moment and one incident becomes a duplicate to
 * close, three content-creating requests more, which an organisation's token has 500 of an hour.
 */
export const CREATE_JITTER_SECONDS = 10
/**
 * Two runs still race when their waits differ by less than a read and a create take, so the wait
 * spreads over at least this many times the last read's duration: GitHub (or a busy runner)
 * answering slowly widens it.
 */
export const CREATE_JITTER_READS = 10

/**
 * The real milliseconds to wait before filing, for `random` in [0, 1): `scale` real ms per GitHub
 * ms (1 but in the tests), `readMs` the real duration of the read that found nothing.
 */
export const createWaitMs = (random: number, scale: number, readMs: number): number =>
  random * Math.max(CREATE_JITTER_SECONDS * 1000 * scale, CREATE_JITTER_READS * readMs)

/** What a run does with the incidents of its key. */
export type Choice<I> =
  { then: 'nothing' } | { then: 'create' } | { then: 'update'; issue: I; reopen: boolean }

/**
 * Which incident this run files into: the oldest open one of its key (the one that won an
 * earlier race); none when it is green; else the latest closed one, reopened when this action
 * closed it green; else a new one. A person's close is final: red again after it files a new
 * incident.
 */
export function chooseIncident<I extends { body?: string | null }>(
  open: readonly I[],
  closed: readonly I[],
  red: boolean
): Choice<I> {
  const [oldest] = open
  if (oldest) return { then: 'update', issue: oldest, reopen: false }
  if (!red) return { then: 'nothing' }
  const [latest] = closed
  if (latest && readState(latest.body)?.closedBy === 'green')
    return { then: 'update', issue: latest, reopen: true }
  return { then: 'create' }
}

/**
 * After filing `created`, the open incidents of the key as read again (oldest first): when
 * another run filed one first, ours is a duplicate. Its results move to the oldest in a
 * comment; it closes as not planned in the same request that replaces its body with where they
 * went (without the key's marker, so it is nobody's incident any more); then the oldest is
 * updated.
 */
export function duplicateOf(
  created: number,
  open: readonly number[],
  mine: readonly StoredRun[]
): { canonical: number; effects: Effect[] } | undefined {
  const [canonical] = open
  if (canonical === undefined || canonical === created) return undefined
  return {
    canonical,
    effects: [
      {
        kind: 'comment',
        issue: canonical,
        body: renderResultComment(
          `Results from a concurrent run, which filed #${created} as a duplicate and closed it.`,
          mine
        )
      },
      {
        kind: 'update',
        issue: created,
        fields: {
          body: `Duplicate of #${canonical}: concurrent runs of the same scope filed at the same moment; this one's results were moved there.`,
          state: 'closed',
          state_reason: 'not_planned'
        }
      }
    ]
  }
}

/** An issue whose hidden state was lost (edited by hand): start again from what it shows. */
export function storedState(
  issue: { number: number; created_at: string; body?: string | null; comments: number },
  key: string
): IncidentState {
  const stored = readState(issue.body)
  if (stored) return stored
  const id = /\*\*Incident ID:\*\* (DRIFT-\d{8}-[0-9a-f]{6})/.exec(issue.body ?? '')?.[1]
  return {
    v: 1,
    incidentId:
      id ??
      `DRIFT-${issue.created_at.slice(0, 10).replace(/-/g, '')}-${issue.number.toString(16).padStart(6, '0').slice(-6)}`,
    key,
    createdAt: issue.created_at.replace(/\.\d{3}Z$/, 'Z'),
    runs: [],
    lifecycle: { checklist: [true, false, false, false, false], history: [], failingChecks: [] },
    seenComments: issue.comments
  }
}

/** What to read besides the issue before planning its next state. */
export interface Reads {
  /** Comments came in since the state was written: other runs may have left results there. */
  resultComments: boolean
  /** A `bucket:` label the action did not set: the issue's events say who set it. */
  bucketSetter?: string
  /** The issue may have changed since it was read: read it again right before writing. */
  stale: boolean
}

export function readsFor(
  previous: IncidentState,
  issue: Pick<IssueAsReturned, 'comments' | 'labels'>
): Reads {
  const resultComments = issue.comments > previous.seenComments
  const setter = foreignBucket(issue.labels, previous)
  return {
    resultComments,
    ...(setter ? { bucketSetter: setter } : {}),
    stale:
      resultComments ||
      issue.labels.some(name => name.startsWith('bucket:') && name !== previous.bucketLabel)
  }
}

/** What the run reports for the incident it planned. */
export function filedOf(
  next: Pick<NextIncident, 'action' | 'shown' | 'otherJobs'>,
  issue: { number: number; html_url: string }
): FiledIncident {
  return {
    action: next.action,
    number: issue.number,
    url: issue.html_url,
    record: next.shown,
    ...(next.otherJobs.length > 0 ? { otherJobs: next.otherJobs } : {})
  }
}

/** The write that takes the incident to its next state, in the order GitHub sees it. */
export interface IncidentWrite {
  /** Labels to create when the repository lacks them, before the issue carries them. */
  ensureLabels?: string[]
  /** New primary owners, assigned once the repository accepts them as assignees. */
  assign: string[]
  /**
   * Other requests came in since the issue was read: read it again right before writing, and
   * plan again on a person's edit (SPEC §5: an edit made meanwhile is not lost).
   */
  rereadFirst: boolean
  /** One request: body, title, labels, and the state when the incident closes or reopens. */
  fields: IssueFields
  /** The comments, each carrying this run's results for runs that race it. */
  comments: string[]
  /**
   * The body again when only `posted` of the comments went out: the state must not claim to
   * have seen comments that were never posted, or results another run left there are skipped.
   */
  bodyAfter: (posted: number) => string | undefined
}

/** The write for `next`, planned on `issue` as read; undefined when there is nothing to write. */
export function writeOf(
  next: NextIncident,
  issue: IssueAsReturned,
  mine: readonly StoredRun[],
  reads: Pick<Reads, 'stale'>,
  renderBody: LifecycleOptions['renderBody']
): IncidentWrite | undefined {
  if (next.unchanged) return undefined
  return {
    ...(next.sameLabels
      ? {}
      : { ensureLabels: next.labels.filter(name => /^(bucket|severity|owner):/.test(name)) }),
    assign: next.rerouted,
    // Creating labels and checking assignees are requests in between too.
    rereadFirst: reads.stale || !next.sameLabels || next.rerouted.length > 0,
    fields: {
      title: next.title,
      body: next.body,
      labels: next.labels,
      ...(next.close ? { state: 'closed', state_reason: 'completed' } : {}),
      ...(next.reopen ? { state: 'open' } : {})
    },
    comments: next.comments.map(text => renderResultComment(text, mine)),
    bodyAfter: posted =>
      posted < next.comments.length
        ? renderBody(
            { ...next.state, seenComments: issue.comments + posted },
            next.shown,
            next.body
          )
        : undefined
  }
}

/** A person (or another tool) changed the issue's body or labels since it was read. */
export const editedMeanwhile = (
  read: { body?: string | null; labels: readonly string[] },
  fresh: { body?: string | null; labels: readonly string[] }
): boolean =>
  fresh.body !== read.body || [...fresh.labels].sort().join() !== [...read.labels].sort().join()

/** The assignees after adding the ones the repository accepted; undefined leaves them as they are. */
export function assigneesAfter(
  current: readonly string[],
  accepted: readonly string[]
): string[] | undefined {
  if (accepted.length === 0) return undefined
  return [...new Set([...current, ...accepted])].slice(0, MAX_ASSIGNEES)
}

// Twenty matrix legs finishing together on a busy runner need more than a few rounds to settle.
export const VERIFY_ATTEMPTS = 10

/** What a round of write-and-verify found when it read the issue back. */
export type ReadBack = { edited: true } | { edited: false; body?: string | null; comments: number }

export type Round =
  { then: 'done' } | { then: 'again'; waitMs: number } | { then: 'give-up'; warning: string }

/**
 * Round `attempt` (from 0) of writing the incident: done when every result of this run is in the
 * state read back and no comment came in since it was written (a comment may hold another run's
 * results, to merge); else plan again on what was read back — at once after a person's edit,
 * after a growing, jittered wait (`random` in [0, 1)) after a concurrent write, so the writers
 * spread out instead of lining up again — until the attempts are used up.
 */
export function verifyRound(
  attempt: number,
  back: ReadBack,
  mine: readonly StoredRun[],
  number: number,
  random: number
): Round {
  if (!back.edited) {
    const written = readState(back.body)
    const missing = mine.some(
      run =>
        !written?.runs.some(
          stored =>
            stored.job === run.job && stored.command === run.command && sameResult(stored, run)
        )
    )
    if (!missing && back.comments <= (written?.seenComments ?? 0)) return { then: 'done' }
  }
  if (attempt + 1 >= VERIFY_ATTEMPTS)
    return {
      then: 'give-up',
      warning: `Incident #${number} kept changing under concurrent runs (${VERIFY_ATTEMPTS} attempts): this run's results may be missing from its record until the next run in this scope; this job's summary holds them.`
    }
  return {
    then: 'again',
    waitMs: back.edited ? 0 : 100 + random * Math.min(3000, 150 * 2 ** attempt)
  }
}

/**
 * An event's step (a person's close, the pull request closed, a remediation) as writes: the
 * record rendered from the stored state, keeping what the issue showed and what a person filled
 * in, then the step's comment.
 */
export function rewriteOf(
  step: EventStep,
  issue: { number: number; title: string; body?: string | null },
  renderBody: LifecycleOptions['renderBody']
): Effect[] {
  const scope = step.state.scope ?? issue.title.split(' — ').pop() ?? ''
  // What a person filled in stays theirs, whatever this rewrite is about.
  const state: IncidentState = {
    ...step.state,
    scope,
    lifecycle: { ...step.state.lifecycle, ...readNotes(issue.body) }
  }
  const shown: IncidentRecord = {
    incidentId: state.incidentId,
    key: state.key,
    scope,
    detectedAt: state.createdAt,
    detectedBy: 'CI',
    result: state.verdict?.result ?? 'drift',
    owners: state.verdict?.owners ?? [],
    ...state.verdict,
    runs: state.runs,
    context: { changed: [], changeSource: '', intent: [] },
    lifecycle: state.lifecycle
  }
  return [
    {
      kind: 'update',
      issue: issue.number,
      fields: {
        title: incidentTitle(shown),
        body: renderBody(state, shown, issue.body),
        ...step.issueState
      }
    },
    ...(step.comment ? [{ kind: 'comment' as const, issue: issue.number, body: step.comment }] : [])
  ]
}
