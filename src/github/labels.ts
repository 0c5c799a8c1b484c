import type { Bucket, IncidentRecord } from '../types.js'
import type { Octokit } from './client.js'

/** SPEC §3's labels, with the colour and description they are created with (never changed after). */
export const LABELS: Record<string, { color: string; description: string }> = {
  'contract-drift': {
    color: 'b60205',
    description: 'Contract drift incident (contract-drift-triage)'
  },
  'bucket:schema-drift': {
    color: 'd93f0b',
    description: 'Contract or schema changed; the fixture baseline did not follow'
  },
  'bucket:fixture-stale': {
    color: 'fbca04',
    description: 'Behaviour changed on purpose; expected fixtures not refreshed'
  },
  'bucket:runtime-regression': {
    color: '5319e7',
    description: 'Contract and fixtures are right; the implementation is wrong'
  },
  'bucket:needs-triage': {
    color: 'ededed',
    description: 'A validator could not run and reported no findings to classify'
  },
  'severity:high': {
    color: 'b60205',
    description: 'Drift on a release-blocking contract path in the active phase'
  },
  'severity:medium': {
    color: 'fbca04',
    description: 'Drift isolated to a non-release path or optional fixture pack'
  },
  'severity:low': {
    color: '0e8a16',
    description: 'Documentation-only mismatch with no runtime contract impact'
  },
  'owner:contract': { color: '1d76db', description: 'Routed to the contract owner' },
  'owner:fixture-module': { color: '1d76db', description: 'Routed to the module fixture owner' },
  'owner:fixture-mcp': { color: '1d76db', description: 'Routed to the MCP fixture owner' },
  'owner:implementation': { color: '1d76db', description: 'Routed to the implementation owner' },
  'owner:qa': { color: '1d76db', description: 'Routed to the QA owner' },
  'contract-drift-digest': {
    color: '0e8a16',
    description: 'Release readiness across contract-drift incidents (contract-drift-triage)'
  }
}

const OURS = /^(contract-drift|bucket:|severity:|owner:)/i

export function bucketLabel(bucket: Bucket | undefined): string {
  return bucket ? `bucket:${bucket}` : 'bucket:needs-triage'
}

/** The labels an incident carries: one bucket, one severity, one owner role (SPEC §3). */
export function incidentLabels(
  record: Pick<IncidentRecord, 'classification' | 'severity' | 'routing'>
): string[] {
  return [
    'contract-drift',
    bucketLabel(record.classification?.bucket),
    `severity:${record.severity ?? 'high'}`,
    ...(record.routing ? [`owner:${record.routing.primaryRole}`] : [])
  ]
}

/** Replaces this action's labels and keeps every label a person added. */
export function mergeLabels(current: readonly string[], ours: readonly string[]): string[] {
  return [...current.filter(name => !OURS.test(name)), ...ours]
}

/**
 * Creates the labels that do not exist yet; an existing label is never recoloured or renamed.
 * `seen`: lower-case names of labels on issues already read, which exist; when they hold every
 * wanted label, the repository's labels are not read at all (in an organisation's incident
 * repository, the other incidents carry them). GitHub would create a missing label itself when an
 * issue is created with it, but grey and without a description: SPEC §3 wants ours.
 */
export async function ensureLabels(
  octokit: Octokit,
  owner: string,
  repo: string,
  wanted: readonly string[],
  seen: ReadonlySet<string> = new Set()
): Promise<void> {
  if (wanted.every(name => seen.has(name.toLowerCase()))) return
  const existing = await octokit.paginate('GET /repos/{owner}/{repo}/labels', {
    owner,
    repo,
    per_page: 100
  })
  const have = new Set(existing.map(label => label.name.toLowerCase()))
  for (const name of wanted) {
    if (have.has(name.toLowerCase())) continue
    const { color, description } = LABELS[name] ?? { color: 'ededed', description: '' }
    try {
      await octokit.request('POST /repos/{owner}/{repo}/labels', {
        owner,
        repo,
        name,
        color,
        description
      })
    } catch (error) {
      // Created meanwhile by a concurrent run: exactly what we wanted.
      if ((error as { status?: number }).status !== 422) throw error
    }
  }
}
