import * as core from '@actions/core'
import { readdirSync, statSync, type Stats } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import type { Redactor } from './redact.js'
import { plainText } from './markdown.js'
import { BUCKET_NAMES, LEVEL_NAMES, renderRecord, renderSummary, renderWithin } from './render.js'
import { renderRemediation, type RemediationCheck } from './remediation.js'
import type { Finding, IncidentRecord, Result } from './types.js'

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
 * A real file to annotate for a finding: the file it names when it exists, else a file in the
 * nearest existing directory that the message names, or the pack's `notes.md` (which the
 * playbook asks the remediation to update), so the annotation lands in the diff; a guess at an
 * unrelated sibling would mislead.
 */
export function annotationFile(
  targets: readonly string[],
  root: string,
  message = ''
): string | undefined {
  for (const target of targets) {
    if (!target.endsWith('/') && isFile(join(root, target))) return target
  }
  for (const target of targets) {
    let dir = target.endsWith('/') ? target.slice(0, -1) : dirname(target)
    while (dir !== '.' && dir !== '' && !isDir(join(root, dir))) dir = dirname(dir)
    if (dir === '.' || dir === '') continue
    const files = filesUnder(join(root, dir), 3).sort()
    const base = (file: string): string => file.split('/').pop() ?? file
    const pick =
      files.find(file => message.includes(base(file))) ??
      files.find(file => base(file) === 'notes.md')
    if (pick) return `${dir}/${pick}`
  }
  return undefined
}

/** Files below a directory, relative to it, a few levels deep and at most a few hundred. */
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
const isFile = (path: string): boolean => statOf(path)?.isFile() ?? false
const isDir = (path: string): boolean => statOf(path)?.isDirectory() ?? false

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
  const scored = record.runs
    .flatMap(run => run.findings)
    .map((finding: Finding) => {
      const file = annotationFile(finding.targets, root, finding.message)
      const exact = file !== undefined && finding.targets.includes(file)
      const score = (file && changed.has(file) ? 4 : 0) + (exact ? 2 : 0) + (file ? 1 : 0)
      return { finding, file, score }
    })
    .sort((a, b) => b.score - a.score)
  const errors: Annotation[] = record.runs
    .filter(
      run => run.outcome === 'crashed' || run.outcome === 'missing' || run.outcome === 'timed-out'
    )
    .map(run => ({
      title: `Contract drift gate: validator ${run.outcome}`,
      message: `${run.command}: ${run.crash ?? run.outcome}. The gate cannot see while this validator does not run; the QA owner is routed.`
    }))
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

export async function writeRecordFiles(
  record: IncidentRecord,
  dir: string,
  redact: Redactor
): Promise<string> {
  await mkdir(dir, { recursive: true })
  const base = join(dir, record.incidentId)
  await writeFile(`${base}.json`, redact(JSON.stringify(record, null, 2)))
  await writeFile(
    `${base}.md`,
    redact(renderWithin(SUMMARY_BUDGET, limits => renderRecord(record, limits)))
  )
  return `${base}.json`
}

export interface ReportOptions {
  root: string
  repoPrefix: string
  redact: Redactor
  env: NodeJS.ProcessEnv
  /** The step will fail: its own failure message takes one of GitHub's ten error annotations. */
  willFail: boolean
  /** The incident issue, in issue mode. */
  incident?: {
    number: number
    url: string
    action: string
    /** Results of other jobs still counted or dropped (SPEC §5), so a red step is explained. */
    otherJobs?: string[]
  }
  /** Checks of the incidents this pull request says it remediates (SPEC §5). */
  remediation?: RemediationCheck[]
}

/** `incomplete`: a remediation pull request whose validators pass but whose deltas are missing. */
export function resultWith(
  record: IncidentRecord,
  remediation: readonly RemediationCheck[] = []
): Result {
  return record.result === 'pass' && remediation.some(check => !check.complete)
    ? 'incomplete'
    : record.result
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
  const remediation = options.remediation ?? []
  const missing: Annotation[] = remediation.flatMap(check =>
    check.requirements
      .filter(requirement => !requirement.satisfied)
      .map(requirement => ({
        title: `Remediation of ${check.incidentId} incomplete`,
        message: `${requirement.what} is missing (${requirement.detail.replace(/`/g, '')}). Incident #${check.issueNumber} needs it before it can be resolved.`
      }))
  )
  const annotations = [
    ...missing,
    ...(record.result === 'pass' ? [] : buildAnnotations(record, options.root, options.repoPrefix))
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
  const incident =
    (options.incident
      ? `**Incident issue:** [#${options.incident.number}](${options.incident.url}) (${options.incident.action})\n\n` +
        (options.incident.otherJobs ?? []).map(line => `${line}\n\n`).join('')
      : '') + remediation.map(check => `${renderRemediation(check)}\n\n`).join('')
  const summary =
    incident +
    renderWithin(SUMMARY_BUDGET - Buffer.byteLength(note) - Buffer.byteLength(incident), limits =>
      renderSummary(record, limits)
    ) +
    note
  if (options.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(redact(summary), true).write()

  const recordPath = await writeRecordFiles(record, recordDirectory(options.env), redact)
  const c = record.classification
  const outputs: Record<string, string> = {
    result: resultWith(record, remediation),
    bucket: c?.bucket ?? '',
    confidence: c?.confidence ?? '',
    severity: record.severity ?? '',
    owners: record.owners.join(','),
    'incident-id': record.result === 'pass' && !record.lifecycle ? '' : record.incidentId,
    'issue-number': options.incident ? String(options.incident.number) : '',
    'issue-url': options.incident?.url ?? '',
    findings: String(record.runs.reduce((n, run) => n + run.findingCount, 0)),
    'record-path': recordPath,
    'bundle-path': ''
  }
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  core.debug(`record written to ${recordPath} (${relative(options.root, recordPath)})`)
  return annotations.slice(room).map(annotation => ({
    ...annotation,
    title: plainText(redact(annotation.title)),
    message: plainText(redact(annotation.message))
  }))
}
