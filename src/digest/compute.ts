/**
 * Release readiness over every incident (SPEC §6), as a pure function of the incidents, the
 * release branches and the instant: the same input gives the same digest, byte for byte.
 */
import picomatch from 'picomatch'
import type { Level } from '../types.js'
import {
  readIncident,
  type DigestBucket,
  type DigestIncident,
  type ListedIssue
} from './incidents.js'

export interface DigestInput {
  issues: readonly ListedIssue[]
  issueAuthor: string
  /** The instant the digest is taken at: ages and the window are measured from it. */
  now: Date
  /** Days of closed incidents counted (`digest-window`). */
  windowDays: number
  /** `release.active-phase`, for the title. */
  activePhase?: string
  /** The release branches of a source repository (globs): `release.branches`, else its default branch. */
  releaseBranches: (repository: string) => readonly string[]
}

/** Why the release is blocked: one open incident on a release branch. */
export interface BlockingReason {
  incident: DigestIncident
  why: 'high' | 'error'
}

export interface ResolveTimes {
  bucket: DigestBucket
  resolved: number
  medianMs: number
  p90Ms: number
}

export interface WeekCount {
  /** Monday of the week, `YYYY-MM-DD` (UTC). */
  week: string
  opened: number
  closed: number
}

export interface Digest {
  title: string
  /** `YYYY-MM-DD` (UTC): the day the digest speaks for. */
  asOf: string
  nowMs: number
  windowDays: number
  ready: boolean
  blocking: BlockingReason[]
  /** Open incidents, grouped by source repository (sorted), each by number. */
  open: { repository: string; releaseBranches: readonly string[]; incidents: DigestIncident[] }[]
  bySeverity: Record<DigestBucket, Record<Level, number>>
  byOwner: { owner: string; incidents: DigestIncident[] }[]
  resolveTimes: ResolveTimes[]
  /** Reopened after a green close within the window. */
  recurrences: DigestIncident[]
  /** Closed (completed) within the window without root cause or prevention note. */
  closedWithoutNotes: DigestIncident[]
  /** Scopes with the most incidents opened or reopened within the window. */
  topScopes: { repository: string; scope: string; count: number }[]
  weeks: WeekCount[]
  /** Closed within the window as not planned (duplicates, pull requests closed unmerged): not counted. */
  notPlanned: number
}

const DAY = 86_400_000
export const DIGEST_BUCKETS: readonly DigestBucket[] = [
  'schema-drift',
  'fixture-stale',
  'runtime-regression',
  'needs-triage'
]
export const DIGEST_LEVELS: readonly Level[] = ['high', 'medium', 'low']
const TOP_SCOPES = 5

/** The value at rank ⌈p·n⌉ of the sorted values (nearest rank: an observed time, never an average). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1] as number
}

/** Monday 00:00 UTC of the week holding `ms`. */
function weekStart(ms: number): number {
  const day = Math.floor(ms / DAY) * DAY
  // 1970-01-01 was a Thursday: (days + 3) % 7 is the days since Monday.
  return day - ((Math.floor(ms / DAY) + 3) % 7) * DAY
}

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const byNumber = (a: DigestIncident, b: DigestIncident): number => a.number - b.number
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The source repositories of the trusted incidents among `issues`, sorted. */
export function sourceRepositories(issues: readonly ListedIssue[], issueAuthor: string): string[] {
  const repositories = issues.flatMap(issue => readIncident(issue, issueAuthor)?.repository ?? [])
  return [...new Set(repositories)].sort(compare)
}

/** The verdict and the numbers behind it (SPEC §6). */
export function computeDigest(input: DigestInput): Digest {
  const nowMs = input.now.getTime()
  const since = nowMs - input.windowDays * DAY
  const incidents = input.issues
    .map(issue => readIncident(issue, input.issueAuthor))
    .filter((incident): incident is DigestIncident => incident !== undefined)
    .sort(byNumber)
    // Listed twice (a page boundary moving under the pagination) is still one incident.
    .filter((incident, i, all) => i === 0 || all[i - 1]?.number !== incident.number)
  const open = incidents.filter(incident => incident.open)

  const repositories = [...new Set(incidents.map(incident => incident.repository))].sort(compare)
  const branchesOf = new Map(
    repositories.map(repository => [repository, input.releaseBranches(repository)])
  )
  const onRelease = new Map(
    repositories.map(repository => [
      repository,
      picomatch([...(branchesOf.get(repository) ?? [])], { dot: true })
    ])
  )
  // Pull-request incidents are listed, never blocking: the drift has not reached a release branch.
  const blocking: BlockingReason[] = open.flatMap(incident =>
    incident.branch !== undefined &&
    onRelease.get(incident.repository)?.(incident.branch) &&
    (incident.error || incident.severity === 'high')
      ? [{ incident, why: incident.error ? ('error' as const) : ('high' as const) }]
      : []
  )

  const bySeverity = Object.fromEntries(
    DIGEST_BUCKETS.map(bucket => [bucket, { high: 0, medium: 0, low: 0 }])
  ) as Digest['bySeverity']
  for (const incident of open) bySeverity[incident.bucket][incident.severity]++

  const owners = new Map<string, DigestIncident[]>()
  for (const incident of open)
    for (const owner of incident.owners.length > 0 ? incident.owners : [''])
      owners.set(owner, [...(owners.get(owner) ?? []), incident])
  const byOwner = [...owners]
    .map(([owner, queue]) => ({ owner, incidents: queue }))
    // The longest queue first; the unassigned last, where nobody will read it as a person's.
    .sort(
      (a, b) =>
        Number(a.owner === '') - Number(b.owner === '') ||
        b.incidents.length - a.incidents.length ||
        compare(a.owner, b.owner)
    )

  const inWindow = (ms: number | undefined): ms is number =>
    ms !== undefined && ms >= since && ms <= nowMs
  const closed = incidents.filter(incident => !incident.open && inWindow(incident.closedAt))
  const resolved = closed.filter(incident => !incident.notPlanned)
  const resolveTimes = DIGEST_BUCKETS.flatMap(bucket => {
    const times = resolved
      .filter(incident => incident.bucket === bucket)
      .map(incident => (incident.closedAt as number) - incident.createdAt)
      .sort((a, b) => a - b)
    return times.length === 0
      ? []
      : [
          {
            bucket,
            resolved: times.length,
            medianMs: percentile(times, 0.5),
            p90Ms: percentile(times, 0.9)
          }
        ]
  })
  const counted = incidents.filter(incident => !incident.notPlanned)
  const recurrences = counted.filter(incident => incident.reopenedAt.some(at => inWindow(at)))
  const closedWithoutNotes = resolved.filter(
    incident => !incident.notes.rootCause || !incident.notes.prevention
  )

  const scopes = new Map<string, { repository: string; scope: string; count: number }>()
  for (const incident of counted) {
    const times = [incident.createdAt, ...incident.reopenedAt].filter(at => inWindow(at)).length
    if (times === 0) continue
    const id = `${incident.repository}\u0000${incident.scope}`
    const known = scopes.get(id) ?? {
      repository: incident.repository,
      scope: incident.scope,
      count: 0
    }
    scopes.set(id, { ...known, count: known.count + times })
  }
  const topScopes = [...scopes.values()]
    .sort(
      (a, b) =>
        b.count - a.count || compare(a.repository, b.repository) || compare(a.scope, b.scope)
    )
    .slice(0, TOP_SCOPES)

  const weeks: WeekCount[] = []
  for (let week = weekStart(since); week <= nowMs; week += 7 * DAY) {
    const within = (ms: number | undefined): boolean =>
      ms !== undefined && ms >= Math.max(week, since) && ms < week + 7 * DAY && ms <= nowMs
    weeks.push({
      week: isoDay(week),
      opened: counted.filter(incident => within(incident.createdAt)).length,
      closed: resolved.filter(incident => within(incident.closedAt)).length
    })
  }

  return {
    title: `[contract-drift] Release readiness — ${input.activePhase ?? 'all phases'}`,
    asOf: isoDay(nowMs),
    nowMs,
    windowDays: input.windowDays,
    ready: blocking.length === 0,
    blocking,
    open: repositories
      .map(repository => ({
        repository,
        releaseBranches: branchesOf.get(repository) ?? [],
        incidents: open.filter(incident => incident.repository === repository)
      }))
      .filter(group => group.incidents.length > 0),
    bySeverity,
    byOwner,
    resolveTimes,
    recurrences,
    closedWithoutNotes,
    topScopes,
    weeks,
    notPlanned: closed.length - resolved.length
  }
}
