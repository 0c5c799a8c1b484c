/**
 * The incidents a digest counts (SPEC §6), read from issues as GitHub lists them. Pure: only the
 * issues this action wrote (author, `contract-drift` label, key marker and state) are trusted, as
 * for incidents themselves (SPEC §3).
 */
import { readNotes, readState } from '../incident.js'
import type { Bucket, Level } from '../types.js'

/** An issue as the list endpoint returns it, in the fields the digest reads. */
export interface ListedIssue {
  number: number
  html_url: string
  title: string
  body?: string | null
  state: string
  state_reason?: string | null
  created_at: string
  closed_at?: string | null
  user: { login: string } | null
  labels: (string | { name?: string })[]
  assignees?: { login: string }[] | null
  pull_request?: unknown
}

/** `needs-triage`: an error without findings, which no bucket describes. */
export type DigestBucket = Bucket | 'needs-triage'

/** One incident as the digest sees it. */
export interface DigestIncident {
  number: number
  url: string
  incidentId: string
  /** The source repository, `owner/name`: the key's prefix. */
  repository: string
  /** `PR #140` or the branch name. */
  scope: string
  /** The branch of a branch incident; undefined for a pull request's. */
  branch?: string
  open: boolean
  /** Closed as not planned: a duplicate, or a pull request closed unmerged (the drift never landed). */
  notPlanned: boolean
  createdAt: number
  closedAt?: number
  bucket: DigestBucket
  severity: Level
  /** A validator could not run: a blind gate. */
  error: boolean
  owners: string[]
  /** The first unticked step of the resolution checklist (1–5), or 0 when every step is ticked. */
  waitsAt: number
  /** Root cause and prevention note as filled in the record. */
  notes: { rootCause: boolean; prevention: boolean }
  /** When the incident was reopened after a green close (its history says so). */
  reopenedAt: number[]
}

const KEY_MARKER = '<!-- contract-drift-triage:key='
const BUCKETS = ['schema-drift', 'fixture-stale', 'runtime-regression', 'needs-triage'] as const
const LEVELS = ['high', 'medium', 'low'] as const
// The words nextIncident writes when a red run reopens an incident closed green.
const REOPENED_AFTER_GREEN = 'Red again after a green close'

const labelNames = (issue: ListedIssue): string[] =>
  issue.labels
    .map(label => (typeof label === 'string' ? label : (label.name ?? '')))
    .filter(Boolean)

/** The label of `prefix:` a person (or the action) set, when it names a known value. */
function labelled<T extends string>(
  names: readonly string[],
  prefix: string,
  values: readonly T[]
): T | undefined {
  for (const name of names) {
    const value = name.toLowerCase().startsWith(prefix)
      ? name.slice(prefix.length).toLowerCase()
      : ''
    if ((values as readonly string[]).includes(value)) return value as T
  }
  return undefined
}

/**
 * `<owner>/<repo>:pr-<n>[:<incident-key>]` or `<owner>/<repo>:branch-<name>[:<incident-key>]`:
 * a branch name cannot hold `:` (git refuses it), nor can an incident key, so `:` splits it.
 */
export function parseKey(
  key: string
): { repository: string; pr?: number; branch?: string } | undefined {
  const [repository, scope] = key.split(':')
  if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository) || !scope) return undefined
  const pr = /^pr-(\d+)$/.exec(scope)
  if (pr) return { repository, pr: Number(pr[1]) }
  if (scope.startsWith('branch-') && scope.length > 'branch-'.length)
    return { repository, branch: scope.slice('branch-'.length) }
  return undefined
}

/** The incident an issue carries, or undefined when the action would not trust it. */
export function readIncident(issue: ListedIssue, issueAuthor: string): DigestIncident | undefined {
  const names = labelNames(issue)
  const body = issue.body ?? ''
  // A marker pasted by someone else proves nothing: the author must be this action.
  if (
    issue.pull_request ||
    issue.user?.login !== issueAuthor ||
    !names.includes('contract-drift') ||
    !body.startsWith(KEY_MARKER)
  )
    return undefined
  const state = readState(body)
  const key = state && parseKey(state.key)
  if (!state || !key) return undefined
  const verdict = state.verdict
  const notes = { ...state.lifecycle, ...readNotes(body) }
  const routing = verdict?.routing
  const assignees = (issue.assignees ?? []).map(user => user.login)
  const routed = routing ? (routing.owners[routing.primaryRole] ?? []) : []
  const waiting = state.lifecycle.checklist.findIndex(done => !done)
  const closedAt = issue.closed_at ? Date.parse(issue.closed_at) : undefined
  return {
    number: issue.number,
    url: issue.html_url,
    incidentId: state.incidentId,
    repository: key.repository,
    scope: key.branch ?? state.scope ?? `PR #${key.pr}`,
    ...(key.branch !== undefined ? { branch: key.branch } : {}),
    open: issue.state === 'open',
    notPlanned: issue.state !== 'open' && issue.state_reason === 'not_planned',
    createdAt: Date.parse(issue.created_at),
    ...(issue.state !== 'open' && closedAt !== undefined ? { closedAt } : {}),
    // SPEC §4: a person's bucket or severity label counts over the classifier's.
    bucket:
      labelled(names, 'bucket:', BUCKETS) ?? verdict?.classification?.bucket ?? 'needs-triage',
    severity: labelled(names, 'severity:', LEVELS) ?? verdict?.severity ?? 'high',
    error: verdict?.result === 'error',
    owners: assignees.length > 0 ? assignees : routed.length > 0 ? [...routed] : [],
    waitsAt: waiting < 0 ? 0 : waiting + 1,
    notes: { rootCause: Boolean(notes.rootCause), prevention: Boolean(notes.preventionFollowUp) },
    reopenedAt: state.lifecycle.history
      .filter(entry => entry.what.startsWith(REOPENED_AFTER_GREEN))
      .map(entry => Date.parse(entry.at))
  }
}
