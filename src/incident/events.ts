/**
 * What happens to an incident outside a run of its scope (SPEC §3, §5), as pure functions: which
 * issues are incidents at all, a person's close, the pull request closed, a complete remediation.
 * Each returns the next state and what to do; src/github/incidents.ts reads and executes.
 */
import { markerFor, readNotes, withHistory, type IncidentState } from '../incident.js'
import { code } from '../markdown.js'
import type { Bucket, Lifecycle } from '../types.js'

/** An issue as the list and get endpoints return it, in the words trust needs. */
export interface IssueIdentity {
  author: string | undefined
  labels: readonly string[]
  body?: string | null
  isPullRequest: boolean
}

/**
 * An incident of `key` (every key when null): written by `issueAuthor`, labelled
 * `contract-drift`, its body starting with the key marker. A marker someone else pasted proves
 * nothing; GitHub's `creator` filter narrows the list, this check is what the action trusts.
 */
export function isIncident(issue: IssueIdentity, issueAuthor: string, key: string | null): boolean {
  const marker = key === null ? '<!-- contract-drift-triage:key=' : markerFor(key)
  return (
    !issue.isPullRequest &&
    issue.author === issueAuthor &&
    issue.labels.includes('contract-drift') &&
    (issue.body ?? '').startsWith(marker)
  )
}

const BUCKET_LABEL = /^bucket:(schema-drift|fixture-stale|runtime-regression)$/

/** The incident's bucket: a person's `bucket:` label wins over the one the action classified. */
export function incidentBucket(
  labels: readonly string[],
  state: IncidentState
): Bucket | undefined {
  const label = labels.find(name => BUCKET_LABEL.test(name))
  return (
    (label?.slice('bucket:'.length) as Bucket | undefined) ?? state.verdict?.classification?.bucket
  )
}

/** A `bucket:` label the action did not set: someone else's, whose setter the issue's events name. */
export const foreignBucket = (
  labels: readonly string[],
  state: IncidentState
): string | undefined => labels.find(name => BUCKET_LABEL.test(name) && name !== state.bucketLabel)

/**
 * A bucket a person chose wins over the classifier (SPEC §4): a foreign `bucket:` label set by
 * someone other than the action (`setter`, from the issue's events), or the one a person set
 * before and the state remembers.
 */
export function bucketOverride(
  labels: readonly string[],
  state: IncidentState,
  issueAuthor: string,
  setter?: string
): { bucket: Bucket; by: string } | undefined {
  const foreign = foreignBucket(labels, state)
  if (!foreign) {
    const by = state.lifecycle.bucketSetBy
    const label = labels.find(name => BUCKET_LABEL.test(name))
    return by && label ? { bucket: label.slice('bucket:'.length) as Bucket, by } : undefined
  }
  if (!setter || setter === issueAuthor) return undefined
  return { bucket: foreign.slice('bucket:'.length) as Bucket, by: setter }
}

/** The notes playbook step 5 needs before an incident closes, in words, when still pending. */
export function missingNotes(notes: Pick<Lifecycle, 'rootCause' | 'preventionFollowUp'>): string[] {
  return [
    ...(notes.rootCause ? [] : ['a root cause (the "Root cause" section)']),
    ...(notes.preventionFollowUp ? [] : ['a prevention note (the "Prevention follow-up" field)'])
  ]
}

/** The outcome of an event and the state to write, with what else to do. */
export interface EventStep {
  state: IncidentState
  /** Change the issue's state as well as its body. */
  issueState?: { state: 'open' } | { state: 'closed'; state_reason: 'completed' | 'not_planned' }
  /** A comment to post on the incident after the body is written. */
  comment?: string
}

/** The action's own close (close-on-green) is not a person's. */
export const isPersonsClose = (by: string | undefined, issueAuthor: string): by is string =>
  by !== undefined && by !== '' && by !== issueAuthor

export type PersonCloseOutcome = 'ignored' | 'resolved' | 'reopened' | 'noted'

/**
 * A person closed an incident (`issues: closed`): with root cause and prevention note it is done
 * (step 5); without them and with `require-close-notes`, it is reopened with one comment naming
 * what is missing; without them otherwise, the history says what was missing.
 */
export function closedByPerson(
  state: IncidentState | undefined,
  issue: IssueIdentity & { comments: number },
  by: string | undefined,
  options: { issueAuthor: string; requireCloseNotes: boolean; runUrl?: string },
  at: string
): { outcome: PersonCloseOutcome; step?: EventStep } {
  if (!isPersonsClose(by, options.issueAuthor) || !state) return { outcome: 'ignored' }
  if (!isIncident(issue, options.issueAuthor, null)) return { outcome: 'ignored' }
  const notes = readNotes(issue.body)
  const missing = missingNotes(notes)
  const lifecycle: Lifecycle = { ...state.lifecycle, ...notes }
  const note = (what: string, next: Lifecycle = lifecycle): Lifecycle =>
    withHistory(next, what, at, options.runUrl)
  if (missing.length === 0)
    return {
      outcome: 'resolved',
      step: {
        state: {
          ...state,
          lifecycle: note(
            `Closed by ${code(by)} with root cause and prevention note (checklist step 5).`,
            { ...lifecycle, checklist: tick(lifecycle.checklist, 4) }
          )
        }
      }
    }
  const without = `without ${missing.join(' and ')}`
  if (!options.requireCloseNotes)
    return {
      outcome: 'noted',
      step: { state: { ...state, lifecycle: note(`Closed by ${code(by)} ${without}.`) } }
    }
  return {
    outcome: 'reopened',
    step: {
      state: {
        ...state,
        lifecycle: note(`Reopened: closed by ${code(by)} ${without}.`),
        seenComments: issue.comments + 1
      },
      issueState: { state: 'open' },
      comment: `Reopened: this incident needs ${missing.join(' and ')} before it closes (playbook 3.5, step 5). Fill them in the record above, then close it again.`
    }
  }
}

export type PullRequestClosedOutcome = 'none' | 'closed' | 'moved' | 'merged-into'

/**
 * The pull request of this scope was closed (`pull_request: closed`). Unmerged, its incident
 * closes as not planned (the drift never reached the branch); merged while red, the incident
 * moves to the base branch's key and stays open, or, when the base already has one, closes into
 * it with its results as a comment there.
 */
export function pullRequestClosed(
  state: IncidentState,
  merged: boolean,
  base: { key: string; scope: string; openIncident?: number },
  number: number,
  at: string,
  runUrl?: string
): { outcome: PullRequestClosedOutcome; step?: EventStep; continuedIn?: string } {
  const note = (what: string): Lifecycle => withHistory(state.lifecycle, what, at, runUrl)
  if (!merged)
    return {
      outcome: 'closed',
      step: {
        state: {
          ...state,
          lifecycle: note(
            'The pull request was closed unmerged: the drift never reached the branch. Closed as not planned.'
          )
        },
        issueState: { state: 'closed', state_reason: 'not_planned' }
      }
    }
  if (!state.runs.some(run => run.outcome !== 'passed')) return { outcome: 'none' }
  if (base.openIncident !== undefined)
    return {
      outcome: 'merged-into',
      step: {
        state: {
          ...state,
          lifecycle: note(`Merged while red; continued in #${base.openIncident}.`)
        },
        issueState: { state: 'closed', state_reason: 'not_planned' }
      },
      continuedIn: `Pull request ${state.scope ?? ''} was merged while red; its incident #${number} continues here.`
    }
  return {
    outcome: 'moved',
    step: {
      state: {
        ...state,
        key: base.key,
        scope: base.scope,
        lifecycle: note(
          `Merged while red: the incident moves to ${code(base.scope)} and stays open.`
        )
      }
    }
  }
}

/**
 * A remediation pull request with every required delta and green validators (SPEC §5): it becomes
 * the `Resolution PR` with the green output as proof, steps 3 and 4 ticked. A Resolution PR a
 * person filled in wins: then nothing is recorded.
 */
export function remediated(
  state: IncidentState,
  body: string | null | undefined,
  pr: string,
  okLines: string[],
  at: string,
  runUrl?: string
): IncidentState | undefined {
  if (readNotes(body).resolutionPr ?? state.lifecycle.resolutionPr) return undefined
  const lifecycle: Lifecycle = {
    ...state.lifecycle,
    resolutionPr: pr,
    validationProof: { at, okLines, ...(runUrl ? { runUrl } : {}) },
    checklist: tick(tick(state.lifecycle.checklist, 2), 3)
  }
  return {
    ...state,
    lifecycle: withHistory(
      lifecycle,
      `Remediation pull request ${pr} has every required delta and green validators (checklist steps 3 and 4).`,
      at,
      runUrl
    )
  }
}

export function tick(checklist: Lifecycle['checklist'], index: number): Lifecycle['checklist'] {
  const next = [...checklist] as Lifecycle['checklist']
  next[index] = true
  return next
}
