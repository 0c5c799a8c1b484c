/** Incident issues as GitHub lists them, built the way the action writes them (marker, state). */
import { markerFor, type IncidentState } from '../../../src/incident.js'
import type { ListedIssue } from '../../../src/digest/incidents.js'
import type { Bucket, Level, Result } from '../../../src/types.js'

export const AUTHOR = 'github-actions[bot]'
export const NOW = new Date('2026-12-01T12:00:00Z')
const DAY = 86_400_000
export const daysAgo = (days: number): string =>
  new Date(NOW.getTime() - days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z')

export interface IncidentSpec {
  number: number
  key: string
  state?: 'open' | 'closed'
  stateReason?: 'completed' | 'not_planned'
  bucket?: Bucket
  severity?: Level
  result?: Result
  createdDaysAgo?: number
  closedDaysAgo?: number
  /** Ticked steps of the checklist, 1-based. */
  ticked?: number[]
  labels?: string[]
  assignees?: string[]
  owners?: string[]
  author?: string
  notes?: { rootCause?: string; prevention?: string }
  reopenedDaysAgo?: number[]
  /** Replaces the body (a forged or hand-edited one). */
  body?: string
}

export function incidentIssue(spec: IncidentSpec): ListedIssue {
  const bucket = spec.bucket ?? 'schema-drift'
  const severity = spec.severity ?? 'high'
  const result = spec.result ?? 'drift'
  const ticked = spec.ticked ?? [1, 2]
  const state: IncidentState = {
    v: 1,
    incidentId: `DRIFT-20261101-${spec.number.toString(16).padStart(6, '0')}`,
    key: spec.key,
    createdAt: daysAgo(spec.createdDaysAgo ?? 3),
    runs: [],
    lifecycle: {
      checklist: [1, 2, 3, 4, 5].map(step =>
        ticked.includes(step)
      ) as IncidentState['lifecycle']['checklist'],
      history: (spec.reopenedDaysAgo ?? []).map(days => ({
        at: daysAgo(days),
        what: 'Red again after a green close: reopened: Schema drift (High), result drift.'
      })),
      failingChecks: [],
      ...(spec.notes?.rootCause ? { rootCause: spec.notes.rootCause } : {}),
      ...(spec.notes?.prevention ? { preventionFollowUp: spec.notes.prevention } : {})
    },
    seenComments: 0,
    verdict: {
      result,
      ...(result === 'error' && !spec.bucket
        ? {}
        : { classification: { bucket, confidence: 'high', rule: 1, reason: '', evidence: [] } }),
      severity,
      routing: {
        primaryRole: 'contract',
        requiredAction: '',
        owners: { contract: spec.owners ?? ['@acme/contract-owners'] }
      },
      owners: spec.owners ?? ['@acme/contract-owners']
    },
    scope: spec.key.includes(':pr-')
      ? `PR #${/pr-(\d+)/.exec(spec.key)?.[1]}`
      : spec.key.split(':branch-')[1]
  }
  const body =
    spec.body ??
    `${markerFor(spec.key)}\nThe record.\n<!-- contract-drift-triage:state=${Buffer.from(JSON.stringify(state)).toString('base64')} -->`
  const closed = (spec.state ?? 'open') === 'closed'
  return {
    number: spec.number,
    html_url: `https://github.com/acme/contracts/issues/${spec.number}`,
    title: `[contract-drift] incident ${spec.number}`,
    body,
    state: closed ? 'closed' : 'open',
    state_reason: closed ? (spec.stateReason ?? 'completed') : null,
    created_at: daysAgo(spec.createdDaysAgo ?? 3),
    closed_at: closed ? daysAgo(spec.closedDaysAgo ?? 1) : null,
    user: { login: spec.author ?? AUTHOR },
    labels: [
      'contract-drift',
      ...(spec.labels ?? [`bucket:${bucket}`, `severity:${severity}`, 'owner:contract'])
    ].map(name => ({ name })),
    assignees: (spec.assignees ?? []).map(login => ({ login }))
  }
}
