import { createHash } from 'node:crypto'
import type { Bucket, IncidentRecord } from '../types.js'
import type { Octokit } from './client.js'

/**
 * Exists once every open incident filed here from another repository carries its `source:` label
 * (the incidents of earlier versions were labelled): from then on a run reads only its source's.
 * While the one run that labels them works, its description says since when (`labellingSince`).
 */
export const SOURCES_LABELLED = 'contract-drift:sources-labelled'
const LABELLING = 'contract-drift-triage: labelling incidents with their source: since '
/** A labelling run that has not finished after this long has stopped: its job's steps are over. */
const LABELLING_STOPPED_MS = 30 * 60_000

/** The marker's description while a run labels the incidents of earlier versions. */
export const labellingSince = (now: Date): string => LABELLING + now.toISOString()

/**
 * What the marker's description says: every incident labelled, a run labelling them now, or a run
 * that started labelling and stopped (another run takes over, skipping the labelled ones).
 */
export function sourcesMarker(
  description: string | null | undefined,
  now: Date
): 'done' | 'labelling' | 'stopped' {
  if (!description?.startsWith(LABELLING)) return 'done'
  const since = Date.parse(description.slice(LABELLING.length))
  return Number.isNaN(since) || now.getTime() - since > LABELLING_STOPPED_MS
    ? 'stopped'
    : 'labelling'
}

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
  [SOURCES_LABELLED]: {
    color: 'ededed',
    description:
      'contract-drift-triage: incident labels exist; incidents of other repositories carry a source: label (keep this label)'
  },
  'contract-drift-digest': {
    color: '0e8a16',
    description: 'Release readiness across contract-drift incidents (contract-drift-triage)'
  }
}

/** The labels an incident may carry (every one of SPEC §3 but the digest's). */
export const INCIDENT_LABELS = Object.keys(LABELS).filter(name =>
  /^(contract-drift|(bucket|severity|owner):.*)$/.test(name)
)

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

/**
 * The label an incident filed from repository `source` into another one carries, so that a run reads its own
 * repository's incidents only: GitHub's list filters by label, and its search does not index the
 * hidden key marker. Undefined when the incident repository is the key's own. GitHub takes label
 * names of at most 50 characters; a longer repository name is cut and told apart by a hash.
 */
export function sourceLabel(source: string, incidentRepository: string): string | undefined {
  if (source.toLowerCase() === incidentRepository.toLowerCase()) return undefined
  const name = `source:${source}`
  if (name.length <= 50) return name
  const hash = createHash('sha256').update(source.toLowerCase()).digest('hex').slice(0, 6)
  return `${name.slice(0, 43)}~${hash}`
}

/** Replaces this action's labels and keeps every label a person added. */
export function mergeLabels(current: readonly string[], ours: readonly string[]): string[] {
  return [...current.filter(name => !OURS.test(name)), ...ours]
}

/**
 * Creates the labels that do not exist yet; an existing label is never recoloured or renamed.
 * `seen`: lower-case names of labels on issues already read, which exist; when they hold every
 * wanted label, the repository's labels are not read at all (in an organisation's incident
 * repository, the other incidents carry them). `byName`: ask for each missing label alone rather
 * than read the repository's list, which grows with its `source:` labels. GitHub would create a
 * missing label itself when an issue is created with it, but grey and without a description:
 * SPEC §3 wants ours.
 */
export async function ensureLabels(
  octokit: Octokit,
  owner: string,
  repo: string,
  wanted: readonly string[],
  seen: ReadonlySet<string> = new Set(),
  byName = false
): Promise<void> {
  const unseen = wanted.filter(name => !seen.has(name.toLowerCase()))
  if (unseen.length === 0) return
  const missing = byName
    ? await missingByName(octokit, owner, repo, unseen)
    : await missingFromList(octokit, owner, repo, unseen)
  for (const name of missing) await createLabel(octokit, owner, repo, name)
}

/**
 * Creates label `name` with SPEC §3's colour and description (or `description`); one created
 * meanwhile will do. Returns whether this request created it.
 */
export async function createLabel(
  octokit: Octokit,
  owner: string,
  repo: string,
  name: string,
  description = LABELS[name]?.description ?? ''
): Promise<boolean> {
  const color = LABELS[name]?.color ?? 'ededed'
  try {
    await octokit.request('POST /repos/{owner}/{repo}/labels', {
      owner,
      repo,
      name,
      color,
      description
    })
    return true
  } catch (error) {
    // Created meanwhile by a concurrent run: exactly what we wanted.
    if ((error as { status?: number }).status !== 422) throw error
    return false
  }
}

/** Sets the description of label `name`: SPEC §3's, or `description`. */
export async function describeLabel(
  octokit: Octokit,
  owner: string,
  repo: string,
  name: string,
  description = LABELS[name]?.description ?? ''
): Promise<void> {
  await octokit.request('PATCH /repos/{owner}/{repo}/labels/{name}', {
    owner,
    repo,
    name,
    description
  })
}

async function missingFromList(
  octokit: Octokit,
  owner: string,
  repo: string,
  names: readonly string[]
): Promise<string[]> {
  const existing = await octokit.paginate('GET /repos/{owner}/{repo}/labels', {
    owner,
    repo,
    per_page: 100
  })
  const have = new Set(existing.map(label => label.name.toLowerCase()))
  return names.filter(name => !have.has(name.toLowerCase()))
}

async function missingByName(
  octokit: Octokit,
  owner: string,
  repo: string,
  names: readonly string[]
): Promise<string[]> {
  const missing: string[] = []
  for (const name of names) if (!(await getLabel(octokit, owner, repo, name))) missing.push(name)
  return missing
}

/** Label `name` of the repository, or undefined when it has none (one request). */
export async function getLabel(
  octokit: Octokit,
  owner: string,
  repo: string,
  name: string
): Promise<{ description: string | null } | undefined> {
  try {
    return (await octokit.request('GET /repos/{owner}/{repo}/labels/{name}', { owner, repo, name }))
      .data
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined
    throw error
  }
}
