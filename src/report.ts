import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { readdirSync, statSync, type Stats } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import type { Redactor } from './redact.js'
import { plainText } from './markdown.js'
import {
  BUCKET_NAMES,
  findingLinesAtLeast,
  LEVEL_NAMES,
  renderRecord,
  renderSummary,
  renderWithin,
  type RenderLimits
} from './render.js'
import type { RemediationCheck } from './remediation.js'
import { isValidatorError, type Finding, type IncidentRecord, type Result } from './types.js'

/** GitHub shows at most 10 error annotations per step; the rest would be dropped silently. */
export const MAX_ANNOTATIONS = 10
const MAX_ANNOTATION_CHARS = 4000
/** GitHub refuses a step summary over 1 MiB; stay well under it. */
export const SUMMARY_BUDGET = 512 * 1024

export interface Annotation {
  title: string
  message: string
  file?: string
  startLine?: number
}

/**
 * The file to annotate for a finding: a file it names that exists, or that the change set lists
 * (a deleted file: GitHub shows it in the diff under that path); else, in the directory it names
 * or the named file's directory, the file the message names or the pack's `notes.md` (which the
 * playbook asks the remediation to update); else the path it names itself (a directory without
 * its `/`), so an annotation never loses the place a finding names. A guess at an unrelated
 * sibling would mislead, so nothing is searched above that directory.
 */
export function annotationFile(
  targets: readonly string[],
  root: string,
  message = '',
  changed: ReadonlySet<string> = new Set(),
  tree: Tree = checkout(root)
): string | undefined {
  for (const target of targets) {
    if (!target.endsWith('/') && (changed.has(target) || tree.isFile(target))) return target
  }
  for (const target of targets) {
    const dir = target.endsWith('/') ? target.slice(0, -1) : dirname(target)
    if (dir === '.' || dir === '' || !tree.isDir(dir)) continue
    const files = tree.filesUnder(dir)
    const base = (file: string): string => file.split('/').pop() ?? file
    const pick =
      files.find(file => message.includes(base(file))) ??
      files.find(file => base(file) === 'notes.md')
    if (pick) return `${dir}/${pick}`
  }
  return targets[0]?.replace(/\/+$/, '') || undefined
}

/** The checkout below `root`, by paths relative to it (as findings name them). */
interface Tree {
  isFile: (path: string) => boolean
  isDir: (path: string) => boolean
  /** Files below a directory, relative to it, sorted: a few levels deep, at most a few hundred. */
  filesUnder: (dir: string) => string[]
}

/**
 * The checkout as a run's annotations look at it, each path asked once (and joined to the root
 * only then): 10,000 findings name a few hundred paths, and asking the file system for each
 * finding took seconds.
 */
function checkout(root: string): Tree {
  const stats = new Map<string, Stats | undefined>()
  const listings = new Map<string, string[]>()
  const stat = (path: string): Stats | undefined => {
    if (!stats.has(path)) stats.set(path, statOf(join(root, path)))
    return stats.get(path)
  }
  return {
    isFile: path => stat(path)?.isFile() ?? false,
    isDir: path => stat(path)?.isDirectory() ?? false,
    filesUnder: dir => {
      if (!listings.has(dir)) listings.set(dir, filesUnder(join(root, dir), 3).sort())
      return listings.get(dir)!
    }
  }
}

function filesUnder(dir: string, depth: number, prefix = '', found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (found.length >= 500) break
    const path = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isFile()) found.push(path)
    else if (entry.isDirectory() && depth > 1)
      filesUnder(join(dir, entry.name), depth - 1, path, found)
  }
  return found
}

/** Targets come from validator output: any path, possibly through a file (ENOTDIR) or unreadable. */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

/** Annotations for a red run, the most useful first: findings on changed files, then on any file, then the rest. */
export function buildAnnotations(
  record: IncidentRecord,
  root: string,
  repoPrefix: string
): Annotation[] {
  const verdict = record.classification
    ? `${BUCKET_NAMES[record.classification.bucket]} (${LEVEL_NAMES[record.severity ?? 'high']})`
    : `Validator error (${LEVEL_NAMES[record.severity ?? 'high']})`
  const action = record.routing
    ? ` Required action: ${record.routing.requiredAction.replace(/`/g, '')}.`
    : ''
  const changed = new Set(record.context.changed.map(file => file.path))
  const tree = checkout(root)
  const scored = record.runs
    .flatMap(run => run.findings)
    .map((finding: Finding) => {
      const file = annotationFile(finding.targets, root, finding.message, changed, tree)
      const exact = file !== undefined && finding.targets.includes(file)
      const score = (file && changed.has(file) ? 4 : 0) + (exact ? 2 : 0) + (file ? 1 : 0)
      return { finding, file, score }
    })
    .sort((a, b) => b.score - a.score)
  const errors: Annotation[] = record.runs
    .filter(run => isValidatorError(run.outcome))
    .map(run =>
      run.outcome === 'unreadable'
        ? {
            title: 'Contract drift gate: output unreadable',
            message: `${run.command}: ${run.crash ?? run.outcome}. The gate cannot see what this output holds; the QA owner is routed.`
          }
        : {
            title: `Contract drift gate: validator ${run.outcome}`,
            message: `${run.command}: ${run.crash ?? run.outcome}. The gate cannot see while this validator does not run; the QA owner is routed.`
          }
    )
  const findings: Annotation[] = scored.map(({ finding, file }) => ({
    title: `Contract drift: ${verdict}`,
    message: `${finding.tag ? `[${finding.tag}] ` : ''}${finding.message}${action}`.slice(
      0,
      MAX_ANNOTATION_CHARS
    ),
    ...(file ? { file: repoPrefix ? `${repoPrefix}/${file}` : file } : {}),
    ...(file && finding.line !== undefined && file === finding.targets[0]
      ? { startLine: finding.line }
      : {})
  }))
  return [...errors, ...findings]
}

/** Where the record files go: the runner's temporary directory, kept for later steps of the job. */
export function recordDirectory(env: NodeJS.ProcessEnv): string {
  return join(env.RUNNER_TEMP || tmpdir(), 'contract-drift-triage')
}

/**
 * The record at each size renderWithin tries, each rendered once: the summary and the record file
 * show the same record, and 10,000 findings took ~0.2 s a rendering.
 */
function recordRenderings(record: IncidentRecord): (limits: RenderLimits) => string {
  const rendered = new Map<RenderLimits, string>()
  return limits => {
    let text = rendered.get(limits)
    if (text === undefined) {
      text = renderRecord(record, limits)
      rendered.set(limits, text)
    }
    return text
  }
}

export async function writeRecordFiles(
  record: IncidentRecord,
  dir: string,
  redact: Redactor,
  recordAt = recordRenderings(record)
): Promise<string> {
  await mkdir(dir, { recursive: true })
  // Named for the incident; a run concerning none gets a name of its own, never another run's.
  const base = join(dir, record.incidentId || `no-incident-${randomBytes(4).toString('hex')}`)
  await writeFile(`${base}.json`, redact(JSON.stringify(record, null, 2)))
  const markdown = renderWithin(
    SUMMARY_BUDGET,
    recordAt,
    text => Buffer.byteLength(text),
    limits => findingLinesAtLeast(record, limits)
  )
  await writeFile(`${base}.md`, redact(markdown))
  return `${base}.json`
}

/** The incident issue a run's outputs name: its own, or the one its remediation check is about. */
export interface IncidentLink {
  number: number
  url: string
  action: string
  /** Results of other jobs still counted or dropped (SPEC §5), so a red step is explained. */
  otherJobs?: string[]
}

export interface ReportOptions {
  root: string
  repoPrefix: string
  redact: Redactor
  env: NodeJS.ProcessEnv
  /** The step will fail: its own failure message takes one of GitHub's ten error annotations. */
  willFail: boolean
  /** The incident issue the run concerns (from `verdict`). */
  incident?: IncidentLink
  /** A check run can take the annotations beyond the step's (false: none are returned). */
  overflow?: boolean
}

/**
 * The run's one decision, which the summary, the record file and the outputs all tell (SPEC §3):
 * `incomplete` when the validators pass but a remediation the pull request claims lacks deltas
 * (§5); the checks in the record; and the incident the run concerns. That is the scope's own
 * when it has one, else the referenced incident the check decided about (the first incomplete
 * one); a green run concerning no incident names none, not a fresh ID that no issue carries.
 */
export function verdict(
  record: IncidentRecord,
  remediation: readonly RemediationCheck[],
  incident?: IncidentLink
): { record: IncidentRecord; incident?: IncidentLink } {
  const result: Result =
    record.result === 'pass' && remediation.some(check => !check.complete)
      ? 'incomplete'
      : record.result
  const decided: IncidentRecord = {
    ...record,
    result,
    ...(remediation.length > 0 ? { remediation: [...remediation] } : {})
  }
  // A red run's record is an incident even when it could not be filed (report mode, no token).
  if (incident) return { record: decided, incident }
  if (record.result !== 'pass' || record.lifecycle) return { record: decided }
  const about = remediation.find(check => !check.complete) ?? remediation[0]
  if (!about) return { record: { ...decided, incidentId: '' } }
  return {
    record: { ...decided, incidentId: about.incidentId },
    incident: {
      number: about.issueNumber,
      url: about.issueUrl ?? '',
      action: about.complete ? 'remediation complete' : 'remediation incomplete'
    }
  }
}

/**
 * SPEC §1 step 6: annotations, job summary, step outputs and the record files. Returns the
 * annotations beyond what a step may write, for a check run where one is allowed.
 */
export async function publishReport(
  record: IncidentRecord,
  options: ReportOptions
): Promise<Annotation[]> {
  const { redact } = options
  const missing: Annotation[] = (record.remediation ?? []).flatMap(check =>
    check.requirements
      .filter(requirement => !requirement.satisfied)
      .map(requirement => ({
        title: `Remediation of ${check.incidentId} incomplete`,
        message: `${requirement.what} is missing (${requirement.detail.replace(/`/g, '')}). Incident #${check.issueNumber} needs it before it can be resolved.`
      }))
  )
  const annotations = [
    ...missing,
    ...(record.result === 'pass' || record.result === 'incomplete'
      ? []
      : buildAnnotations(record, options.root, options.repoPrefix))
  ]
  const room = MAX_ANNOTATIONS - (options.willFail ? 1 : 0)
  for (const annotation of annotations.slice(0, room)) {
    core.error(plainText(redact(annotation.message)), {
      title: plainText(redact(annotation.title)),
      ...(annotation.file ? { file: annotation.file } : {}),
      ...(annotation.startLine !== undefined ? { startLine: annotation.startLine } : {})
    })
  }
  const note =
    annotations.length > room
      ? `\n\n_${annotations.length - room} more annotation(s) not shown: GitHub keeps ${MAX_ANNOTATIONS} error annotations per step. The findings are listed above; the record file (record-path output) holds every finding kept._`
      : ''
  const incident = options.incident
    ? `**Incident issue:** [#${options.incident.number}](${options.incident.url}) (${options.incident.action})\n\n` +
      (options.incident.otherJobs ?? []).map(line => `${line}\n\n`).join('')
    : ''
  const recordAt = recordRenderings(record)
  // The record JSON (7 MB for 10,000 findings) is made first, while the heap is smallest; a record
  // directory that cannot be written fails the run only once the summary and outputs are written.
  const recordPath = await writeRecordFiles(
    record,
    recordDirectory(options.env),
    redact,
    recordAt
  ).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
  const summary =
    incident +
    renderWithin(
      SUMMARY_BUDGET - Buffer.byteLength(note) - Buffer.byteLength(incident),
      limits => renderSummary(record, limits, recordAt),
      text => Buffer.byteLength(text),
      limits => findingLinesAtLeast(record, limits)
    ) +
    note
  if (options.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(redact(summary), true).write()

  const c = record.classification
  const outputs: Record<string, string> = {
    result: record.result,
    bucket: c?.bucket ?? '',
    confidence: c?.confidence ?? '',
    severity: record.severity ?? '',
    owners: record.owners.join(','),
    'incident-id': record.incidentId,
    'issue-number': options.incident ? String(options.incident.number) : '',
    'issue-url': options.incident?.url ?? '',
    findings: String(record.runs.reduce((n, run) => n + run.findingCount, 0)),
    'record-path': recordPath instanceof Error ? '' : recordPath,
    'bundle-path': ''
  }
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  if (recordPath instanceof Error)
    throw new Error(
      `Could not write the record files into ${recordDirectory(options.env)} (${recordPath.message}): check that RUNNER_TEMP is a writable directory with free space. The summary and outputs hold the record.`
    )
  core.debug(`record written to ${recordPath} (${relative(options.root, recordPath)})`)
  // Not made for nothing: 10,000 findings' annotations, redacted, took ~10 MB at peak.
  if (options.overflow === false) return []
  return annotations.slice(room).map(annotation => ({
    ...annotation,
    title: plainText(redact(annotation.title)),
    message: plainText(redact(annotation.message))
  }))
}
