import { randomBytes } from 'node:crypto'
import { classifyFailure } from './classify.js'
import { code } from './markdown.js'
import type { CodeOwners } from './codeowners.js'
import type { Config } from './config.js'
import type { NotesLookup } from './packs.js'
import { normalisePath } from './paths.js'
import { allOwners, route } from './route.js'
import { gradeSeverity } from './severity.js'
import {
  isValidatorError,
  type Bucket,
  type ChangeContext,
  type Classification,
  type IncidentRecord,
  type Result,
  type ValidatorRun
} from './types.js'

export interface TriageInput {
  runs: ValidatorRun[]
  context: ChangeContext
  config: Config
  codeowners: CodeOwners | undefined
  key: string
  scope: string
  detectedBy: 'CI' | 'local'
  detectedAt: Date
  incidentId: string
  workspace: string
  /**
   * Files known to git under the working directory (`git ls-files`), relative to it: a
   * validator's script is one of them. Absent when the commands are not this checkout's to
   * trust (a bundle's, in publish): QA then resolves from CODEOWNERS' catch-all rule only.
   */
  trackedFiles?: ReadonlySet<string>
  runUrl?: string
  /** A `bucket:*` label a person set on the incident: it wins over the classifier (SPEC §4). */
  bucketOverride?: { bucket: Bucket; by: string }
  /** Where the fixture packs' `notes.md` files are (SPEC §3); without it a file's directory is its pack. */
  hasNotes?: NotesLookup
}

/** `DRIFT-<YYYYMMDD>-<6 hex>` (SPEC §3). */
export function newIncidentId(at: Date): string {
  return `DRIFT-${at.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`
}

export function overallResult(runs: readonly ValidatorRun[]): Result {
  if (runs.some(run => isValidatorError(run.outcome))) return 'error'
  if (runs.some(run => run.outcome === 'failed')) return 'drift'
  return 'pass'
}

/**
 * A shell command's words, quotes removed and `\`-continued lines joined as the shell joins them
 * (with nothing between): where a script is named.
 */
export function commandWords(command: string): string[] {
  const words: string[] = []
  const word = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s;&|()<>"']+)/g
  for (const match of command.replace(/\\\r?\n/g, '').matchAll(word))
    // One of the three groups always matched.
    words.push(match[1]?.replace(/\\(.)/g, '$1') ?? match[2] ?? (match[3] as string))
  return words
}

/**
 * SPEC §4: the scripts the red validators run, whose CODEOWNERS owners are the QA owner. A
 * command's script is its first argument that is a tracked file (`python3 scripts/x.py`); an
 * inline command (`npx jest`, `bash -c '…'`) has none.
 */
export function validatorScripts(
  runs: readonly ValidatorRun[],
  trackedFiles: ReadonlySet<string> | undefined,
  workspace: string
): string[] {
  if (!trackedFiles) return []
  const scripts = runs
    .filter(run => run.outcome !== 'passed')
    .map(run =>
      commandWords(run.command)
        .map(word => normalisePath(word, workspace))
        // Stryker disable next-line ConditionalExpression: no path in the set is undefined (a check for the type)
        .find(path => path !== undefined && trackedFiles.has(path))
    )
  return [...new Set(scripts.filter((path): path is string => path !== undefined))]
}

function overridden(
  classified: Classification | undefined,
  override: { bucket: Bucket; by: string }
): Classification {
  const said = classified
    ? `The classifier said ${classified.bucket} (confidence ${classified.confidence}, rule ${classified.rule}): ${classified.reason}`
    : 'The classifier had no findings to go on.'
  return {
    bucket: override.bucket,
    confidence: 'high',
    rule: 0,
    reason: `A person (${code(override.by)}) set the bucket label, which wins over the classifier. ${said}`,
    evidence: classified?.evidence ?? []
  }
}

/** Steps 1–4 of the pipeline as one pure function: findings → bucket, severity, owners, record. */
export function triage(input: TriageInput): IncidentRecord {
  const { runs, context, config } = input
  const result = overallResult(runs)
  const findings = runs.flatMap(run => run.findings)
  const record: IncidentRecord = {
    incidentId: input.incidentId,
    key: input.key,
    scope: input.scope,
    detectedAt: `${input.detectedAt.toISOString().slice(0, 19)}Z`,
    detectedBy: input.detectedBy,
    result,
    owners: [],
    runs,
    context,
    ...(input.runUrl ? { runUrl: input.runUrl } : {})
  }
  if (result === 'pass') return record

  const classified =
    findings.length > 0 ? classifyFailure(findings, context, config, input.hasNotes) : undefined
  const classification = input.bucketOverride
    ? overridden(classified, input.bucketOverride)
    : classified
  const affected = [
    ...context.changed
      .filter(file => ['contract', 'fixture', 'implementation'].includes(file.class))
      .map(file => file.path),
    ...findings.flatMap(finding => finding.targets)
  ]
  const uniqueAffected = [...new Set(affected)]
  const grade = gradeSeverity(classification, uniqueAffected, config.release)
  const routing = route({
    bucket: classification?.bucket,
    validatorError: result === 'error',
    affected: uniqueAffected,
    changedImplementation: context.changed
      .filter(file => file.class === 'implementation')
      .map(file => file.path),
    validatorFiles: validatorScripts(runs, input.trackedFiles, input.workspace),
    ...(input.trackedFiles ? { trackedFiles: input.trackedFiles } : {}),
    config,
    codeowners: input.codeowners
  })
  return {
    ...record,
    ...(classification ? { classification } : {}),
    severity: grade.severity,
    severityReason: grade.reason,
    routing,
    owners: allOwners(routing)
  }
}
