/**
 * Finding bundles (SPEC §3 `mode: collect` / `mode: publish`): what one job saw, as one JSON file
 * that a later, trusted job merges into one triage per scope. A bundle is untrusted input — a
 * fork's pull request wrote it — so everything read back is validated, bounded and confined.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import bundleSchema from '../schema/bundle.schema.json' with { type: 'json' }
import type { Config } from './config.js'
import { incidentKey, type EventFacts } from './event.js'
import type { Octokit } from './github/client.js'
import { compile, type Problem, type Validator } from './json-schema.js'
import { code, inlineText } from './markdown.js'
import { classify, normalisePath } from './paths.js'
import { findReports } from './pipeline.js'
import type { Redactor } from './redact.js'
import type { ChangeContext, ChangedFile, Finding, ValidatorRun } from './types.js'

export const BUNDLE_SCHEMA = 'contract-drift-triage/bundle'
export const BUNDLE_VERSION = 1

const { $defs } = bundleSchema

/**
 * What one bundle may hold, as schema/bundle.schema.json says (read from it, so that the limits
 * live in one place): createBundle trims to them; a bundle beyond them is rejected on reading.
 */
export const BUNDLE_LIMITS = {
  // The one limit a schema of the JSON cannot hold, and checked before the JSON is parsed.
  fileBytes: 20 * 1024 * 1024,
  runs: bundleSchema.properties.runs.maxItems,
  findingsPerRun: $defs.run.properties.findings.maxItems,
  targetsPerFinding: $defs.finding.properties.targets.maxItems,
  message: $defs.message.maxLength,
  command: $defs.command.maxLength,
  tag: $defs.finding.properties.tag.maxLength,
  excerpt: $defs.run.properties.excerpt.maxLength,
  okLines: $defs.run.properties.okLines.maxItems,
  notes: $defs.run.properties.notes.maxItems,
  changedFiles: $defs.context.properties.changed.maxItems,
  path: $defs.path.maxLength,
  intent: $defs.context.properties.intent.maxItems,
  labels: $defs.pullRequest.properties.labels.maxItems,
  title: $defs.title.maxLength,
  body: $defs.body.maxLength,
  branch: $defs.branch.maxLength,
  pullRequest: $defs.pullRequestNumber.maximum
}

/** What a `collect` job saw, for a `publish` job to triage (SPEC §3). */
export interface FindingBundle {
  schema: typeof BUNDLE_SCHEMA
  version: typeof BUNDLE_VERSION
  createdAt: string
  facts: EventFacts
  context: ChangeContext
  runs: ValidatorRun[]
}

export interface RejectedBundle {
  path: string
  reason: string
}

export interface ReadBundles {
  bundles: FindingBundle[]
  rejected: RejectedBundle[]
  /** Globs that matched no file. */
  unmatched: string[]
  /** What was dropped from bundles that were kept (paths outside the repository). */
  notes: { path: string; note: string }[]
}

export interface ScopeEvidence {
  key: string
  evidence: { facts: EventFacts; runs: ValidatorRun[]; context: ChangeContext }
}

/** The facts a bundle carries (see evidenceFacts), as schema/bundle.schema.json `$defs.facts`. */
export type BundleFacts = Pick<
  EventFacts,
  'name' | 'repository' | 'scope' | 'pullRequest' | 'push' | 'headSha' | 'runUrl'
>

/**
 * A bundle as the schema accepts it, defaults applied, before the checks it cannot say: keys it
 * does not name are still in it (confineBundle drops them).
 */
interface ParsedBundle extends Omit<FindingBundle, 'facts'> {
  facts: BundleFacts
}

const L = BUNDLE_LIMITS

/** `git check-ref-format --branch`, which every branch GitHub reports satisfies. */
export function isBranchName(name: string): boolean {
  if (name.length === 0 || name.length > L.branch || name === '@') return false
  // eslint-disable-next-line no-control-regex -- control characters are what git forbids
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|^[-/]|\/$|\.$/.test(name)) return false
  return name.split('/').every(part => !part.startsWith('.') && !part.endsWith('.lock'))
}

const clip = (value: string, max: number): string =>
  value.length <= max ? value : `${value.slice(0, max - 1)}…`
// The excerpt's tail is where a log says why it ended.
const clipTail = (value: string, max: number): string =>
  value.length <= max ? value : max <= 1 ? '' : `…${value.slice(-(max - 1))}`

function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map(item => redactDeep(item, redact) as unknown) as T
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)])
    ) as T
  return value
}

/**
 * The facts a bundle carries: the scope and the change, nothing about lifecycle. `untrusted`,
 * `action`, `sender`, `issue` and `workflowRunHeadSha` describe an event, and only the
 * publishing job's own event may close, move or reopen an incident.
 */
function evidenceFacts(facts: EventFacts): EventFacts {
  return {
    name: facts.name,
    repository: facts.repository,
    scope: facts.scope,
    headSha: facts.headSha,
    ...(facts.pullRequest ? { pullRequest: { ...facts.pullRequest, merged: false } } : {}),
    ...(facts.push ? { push: facts.push } : {}),
    ...(facts.runUrl ? { runUrl: facts.runUrl } : {})
  }
}

function clipRun(run: ValidatorRun): ValidatorRun {
  const clipped: ValidatorRun = {
    ...run,
    command: clip(run.command, L.command),
    findings: run.findings.slice(0, L.findingsPerRun).map(finding => ({
      ...finding,
      source: clip(finding.source, L.command),
      tag: clip(finding.tag, L.tag),
      message: clip(finding.message, L.message),
      targets: finding.targets.filter(t => t.length <= L.path).slice(0, L.targetsPerFinding)
    })),
    findingCount: Math.max(run.findingCount, run.findings.length),
    okLines: run.okLines.slice(0, L.okLines).map(line => clip(line, L.message)),
    excerpt: clipTail(run.excerpt, L.excerpt)
  }
  if (run.crash !== undefined) clipped.crash = clip(run.crash, L.message)
  if (run.notes !== undefined)
    clipped.notes = run.notes.slice(0, L.notes).map(note => clip(note, L.message))
  return clipped
}

/**
 * collect: what the job saw, as one bundle, within the limits `readBundles` enforces. Secrets
 * are redacted first: the workflow uploads the bundle as an artifact others can download.
 */
export function createBundle(
  evidence: { facts: EventFacts; context: ChangeContext; runs: ValidatorRun[] },
  now: Date,
  redact: Redactor = value => value
): FindingBundle {
  const facts = redactDeep(evidenceFacts(evidence.facts), redact)
  const pr = facts.pullRequest
  const context = redactDeep(evidence.context, redact)
  return {
    schema: BUNDLE_SCHEMA,
    version: BUNDLE_VERSION,
    createdAt: now.toISOString(),
    facts: {
      ...facts,
      ...(pr
        ? {
            pullRequest: {
              ...pr,
              labels: pr.labels.slice(0, L.labels).map(label => clip(label, L.title)),
              title: clip(pr.title, L.title),
              body: clip(pr.body, L.body)
            }
          }
        : {}),
      ...(facts.push?.headMessage
        ? { push: { ...facts.push, headMessage: clip(facts.push.headMessage, L.body) } }
        : {})
    },
    context: {
      changed: context.changed.filter(f => f.path.length <= L.path).slice(0, L.changedFiles),
      changeSource: clip(context.changeSource, L.message),
      intent: context.intent.slice(0, L.intent).map(line => clip(line, L.message))
    },
    runs: redactDeep(evidence.runs, redact).slice(0, L.runs).map(clipRun)
  }
}

/** Writes `<dir>/contract-drift-bundle-<random>.json` and returns its path. */
export async function writeBundle(bundle: FindingBundle, dir: string): Promise<string> {
  let json = JSON.stringify(bundle)
  // A log-heavy matrix leg still publishes: fewer findings and shorter excerpts, never no bundle.
  for (const [findings, excerpt] of [
    [200, 8000],
    [50, 2000],
    [10, 500],
    [0, 0]
  ] as const) {
    if (Buffer.byteLength(json) <= L.fileBytes) break
    json = JSON.stringify({
      ...bundle,
      runs: bundle.runs.map(run => ({
        ...run,
        findings: run.findings.slice(0, findings),
        excerpt: clipTail(run.excerpt, excerpt)
      }))
    })
  }
  await mkdir(dir, { recursive: true })
  const path = join(dir, `contract-drift-bundle-${randomBytes(8).toString('hex')}.json`)
  await writeFile(path, json, { flag: 'wx' })
  return path
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** The file's JSON, or why it cannot be read: its size is known before a byte is read. */
async function readJson(path: string): Promise<unknown> {
  const handle = await open(path, 'r')
  try {
    // fstat on the open handle: the file checked is the file read.
    const stat = await handle.stat()
    if (!stat.isFile()) throw new Error('not a regular file')
    if (stat.size > L.fileBytes)
      throw new Error(
        `${megabytes(stat.size)}, over the ${megabytes(L.fileBytes)} a bundle may be; not read`
      )
    const bytes = Buffer.alloc(stat.size)
    let read = 0
    while (read < bytes.length) {
      const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read)
      if (bytesRead === 0) break
      read += bytesRead
    }
    const source = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, read))
    try {
      return JSON.parse(source.replace(/^\uFEFF/, '')) as unknown
    } catch (error) {
      throw new Error(`not JSON: ${(error as Error).message}`)
    }
  } finally {
    await handle.close()
  }
}

function headerProblem(data: unknown): string | undefined {
  const header = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>
  if (header.schema !== BUNDLE_SCHEMA)
    return `not a contract-drift-triage finding bundle (expected "schema": "${BUNDLE_SCHEMA}")`
  if (header.version !== BUNDLE_VERSION)
    return `bundle version ${JSON.stringify(header.version)}; this action reads version ${BUNDLE_VERSION}. Use the same release of contract-drift-triage to collect and to publish.`
  return undefined
}

const MAX_ISSUES = 5

function schemaProblem(problems: readonly Problem[]): string {
  const issues = problems.slice(0, MAX_ISSUES).map(problem => {
    const where = problem.path.length > 0 ? problem.path.join('.') : '(top level)'
    return `${where}: ${problem.message}`
  })
  const more = problems.length > MAX_ISSUES ? `; and ${problems.length - MAX_ISSUES} more` : ''
  return `not a valid bundle: ${issues.join('; ')}${more}`
}

// Compiled on first use, not at import: only a publish job reads bundles.
let validator: Validator<ParsedBundle> | undefined

// The pattern gave the shape, which February 30th has too. To the second: Date keeps no more.
function dateExists(at: string): boolean {
  const date = new Date(`${at.slice(0, 19)}Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(at.slice(0, 19))
}

// The record links the run; only a run of this repository's Actions may be linked.
const RUN_URL =
  /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?\/([\w.-]+\/[\w.-]+)\/actions\/runs\/\d+(?:\/attempts\/\d+)?$/

/** The bundle, or its problems: first the schema's, then, once it holds, what no schema can say. */
function validateBundle(data: unknown): { value: ParsedBundle; problems: Problem[] } {
  validator ??= compile<ParsedBundle>(bundleSchema)
  const { value, problems } = validator(data)
  if (problems.length > 0) return { value, problems }
  const { scope, pullRequest, runUrl, repository } = value.facts
  const branch = 'expected a git branch name'
  if (!dateExists(value.createdAt))
    problems.push({ path: ['createdAt'], message: 'expected a date and time that exist' })
  if (scope.kind === 'branch' && !isBranchName(scope.name))
    problems.push({ path: ['facts', 'scope', 'name'], message: branch })
  if (pullRequest && pullRequest.baseRef !== '' && !isBranchName(pullRequest.baseRef))
    problems.push({ path: ['facts', 'pullRequest', 'baseRef'], message: branch })
  if ((scope.kind === 'pr' ? scope.number : undefined) !== pullRequest?.number)
    problems.push({
      path: ['facts', 'pullRequest'],
      message: 'a pull request scope and its pullRequest facts must name the same number'
    })
  if (runUrl !== undefined && RUN_URL.exec(runUrl)?.[1]?.toLowerCase() !== repository.toLowerCase())
    problems.push({
      path: ['facts', 'runUrl'],
      message: `expected the URL of an Actions run of ${repository}`
    })
  return { value, problems }
}

/**
 * The keys the schema names and no others. A key it does not name fails no bundle, but a bundle
 * is untrusted: only what was validated is carried into the record.
 */
function known<T extends object>(value: T, schema: { properties: object }): T {
  const keys = Object.keys(schema.properties).filter(key => Object.hasOwn(value, key))
  return Object.fromEntries(keys.map(key => [key, value[key as keyof T]])) as T
}

/** Repository-relative paths only: absolute paths and `..` escapes are dropped, and counted. */
function confine(paths: readonly string[]): { kept: string[]; dropped: number } {
  const kept: string[] = []
  let dropped = 0
  for (const raw of paths) {
    const path = normalisePath(raw, '')
    if (path === undefined) dropped++
    else if (!kept.includes(path)) kept.push(path)
  }
  return { kept, dropped }
}

const INTENT =
  /^(label|trailer) (`+) ?(.*?) ?\2((?: in the (?:pull request body|head commit message))?)$/s

/**
 * Intent lines and the change source reach the record as Markdown prose, not code spans: a
 * bundle's are rebuilt so that only what `findIntent` itself writes can be live Markdown.
 */
function safeIntent(line: string): string {
  const match = INTENT.exec(line)
  return match ? `${match[1]} ${code(match[3] ?? '')}${match[4] ?? ''}` : code(line)
}

function confineBundle(parsed: ParsedBundle): { bundle: FindingBundle; notes: string[] } {
  const notes: string[] = []
  let droppedTargets = 0
  const runs: ValidatorRun[] = parsed.runs.map(run => {
    let dropped = 0
    const findings: Finding[] = run.findings.map(finding => {
      const targets = confine(finding.targets)
      dropped += targets.dropped
      return { ...known(finding, $defs.finding), targets: targets.kept }
    })
    droppedTargets += dropped
    const runNotes = [
      ...(run.notes ?? []),
      ...(dropped > 0
        ? [`${dropped} finding target(s) outside the repository dropped from the bundle`]
        : [])
    ]
    return {
      ...known(run, $defs.run),
      findings,
      findingCount: Math.max(run.findingCount, findings.length),
      ...(runNotes.length > 0 ? { notes: runNotes } : {})
    }
  })
  if (droppedTargets > 0)
    notes.push(`${droppedTargets} finding target(s) outside the repository dropped`)

  const { scope, pullRequest, push } = parsed.facts
  const changed: ChangedFile[] = []
  let droppedChanged = 0
  for (const file of parsed.context.changed) {
    const path = normalisePath(file.path, '')
    if (path === undefined) droppedChanged++
    else if (!changed.some(known => known.path === path)) changed.push({ path, class: file.class })
  }
  let changeSource = inlineText(parsed.context.changeSource)
  if (droppedChanged > 0) {
    notes.push(`${droppedChanged} changed file(s) outside the repository dropped`)
    changeSource += ` (${droppedChanged} path(s) outside the repository dropped from the bundle)`
  }

  return {
    bundle: {
      schema: BUNDLE_SCHEMA,
      version: BUNDLE_VERSION,
      createdAt: parsed.createdAt,
      facts: evidenceFacts({
        ...parsed.facts,
        scope:
          scope.kind === 'pr'
            ? { kind: 'pr', number: scope.number }
            : { kind: 'branch', name: scope.name },
        ...(pullRequest ? { pullRequest: known(pullRequest, $defs.pullRequest) } : {}),
        ...(push ? { push: known(push, $defs.push) } : {})
      }),
      context: { changed, changeSource, intent: parsed.context.intent.map(safeIntent) },
      runs
    },
    notes
  }
}

/**
 * publish: reads bundle files matching the globs (relative to root, or absolute), validates each,
 * and returns the good ones and why others were rejected. `expectedRepository` is the publishing
 * workflow's own repository (`GITHUB_REPOSITORY`): a bundle claiming another one is rejected, as
 * is one whose run URL is not on `serverUrl` (`GITHUB_SERVER_URL`).
 */
export async function readBundles(
  globs: readonly string[],
  root: string,
  expectedRepository: string,
  options: { serverUrl?: string } = {}
): Promise<ReadBundles> {
  const server = (options.serverUrl || 'https://github.com').replace(/\/+$/, '').toLowerCase()
  const found = await findReports(globs, root)
  const result: ReadBundles = { bundles: [], rejected: [], unmatched: found.unmatched, notes: [] }
  for (const path of found.files) {
    let data: unknown
    try {
      data = await readJson(resolve(root, path))
    } catch (error) {
      result.rejected.push({ path, reason: (error as Error).message })
      continue
    }
    const problem = headerProblem(data)
    if (problem) {
      result.rejected.push({ path, reason: problem })
      continue
    }
    const parsed = validateBundle(data)
    if (parsed.problems.length > 0) {
      result.rejected.push({ path, reason: schemaProblem(parsed.problems) })
      continue
    }
    const claimed = parsed.value.facts.repository
    if (claimed.toLowerCase() !== expectedRepository.toLowerCase()) {
      result.rejected.push({
        path,
        reason: `claims the repository ${claimed}; this workflow publishes for ${expectedRepository}`
      })
      continue
    }
    const runUrl = parsed.value.facts.runUrl
    if (runUrl !== undefined && !runUrl.toLowerCase().startsWith(`${server}/`)) {
      result.rejected.push({ path, reason: `facts.runUrl: expected a run on ${server}` })
      continue
    }
    // The incident key is built from it: one spelling, whatever case the bundle used.
    parsed.value.facts.repository = expectedRepository
    const { bundle, notes } = confineBundle(parsed.value)
    result.bundles.push(bundle)
    for (const note of notes) result.notes.push({ path, note })
  }
  return result
}

/**
 * Groups bundles by incident key and merges their runs (the latest per validator command, as
 * SPEC §5 keeps them) and contexts (changed files and intent united): one evidence per scope, as
 * if one job had run every validator. The key is computed from each bundle's validated
 * repository and scope; `paths`, when given, re-classifies changed files by the publisher's config.
 */
export function mergeBundles(
  bundles: readonly FindingBundle[],
  incidentKeySuffix: string,
  options: { paths?: Config['paths'] } = {}
): ScopeEvidence[] {
  const groups = new Map<string, FindingBundle[]>()
  for (const bundle of bundles) {
    const key = incidentKey(bundle.facts.repository, bundle.facts.scope, incidentKeySuffix)
    groups.set(key, [...(groups.get(key) ?? []), bundle])
  }
  return [...groups].map(([key, group]) => {
    // Stable: bundles written at the same instant keep their reading order.
    const ordered = group
      .map((bundle, index) => ({ bundle, index }))
      .sort((a, b) => a.bundle.createdAt.localeCompare(b.bundle.createdAt) || a.index - b.index)
      .map(({ bundle }) => bundle)
    const runs = new Map<string, ValidatorRun>()
    const changed = new Map<string, ChangedFile>()
    const sources: string[] = []
    const intent: string[] = []
    for (const bundle of ordered) {
      for (const run of bundle.runs) runs.set(run.command, run)
      for (const file of bundle.context.changed)
        if (!changed.has(file.path))
          changed.set(file.path, {
            path: file.path,
            class: options.paths ? classify(file.path, options.paths) : file.class
          })
      if (!sources.includes(bundle.context.changeSource)) sources.push(bundle.context.changeSource)
      for (const line of bundle.context.intent) if (!intent.includes(line)) intent.push(line)
    }
    const latest = ordered[ordered.length - 1] as FindingBundle
    return {
      key,
      evidence: {
        facts: latest.facts,
        runs: [...runs.values()],
        context: { changed: [...changed.values()], changeSource: sources.join('; '), intent }
      }
    }
  })
}

/**
 * workflow_run: `workflow_run.pull_requests` is empty for a fork, so the pull request a bundle
 * claims is accepted only when the API confirms that its head SHA is the triggering run's.
 * Returns undefined when the bundle may publish, else the reason it may not. A fork's run
 * (`fromFork`) never speaks for a branch of this repository.
 */
export async function verifyPullRequest(
  octokit: Octokit,
  repository: string,
  facts: EventFacts,
  workflowRunHeadSha: string,
  options: { fromFork?: boolean } = {}
): Promise<string | undefined> {
  if (!/^[0-9a-f]{40,64}$/.test(workflowRunHeadSha))
    return `the triggering run's head SHA is unknown ('${workflowRunHeadSha}'), so no pull request can be confirmed`
  if (facts.headSha !== workflowRunHeadSha)
    return `the bundle was made at ${facts.headSha.slice(0, 7) || 'an unknown commit'}, not at the triggering run's head ${workflowRunHeadSha.slice(0, 7)}`
  if (facts.scope.kind === 'branch')
    return options.fromFork
      ? `a fork's run cannot publish for the branch ${facts.scope.name} of ${repository}`
      : undefined
  const number = facts.scope.number
  const [owner, repo] = repository.split('/') as [string, string]
  let headSha: string
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner,
      repo,
      pull_number: number
    })
    headSha = data.head.sha
  } catch (error) {
    const status = (error as { status?: number }).status
    return status === 404
      ? `pull request #${number} does not exist in ${repository}`
      : `pull request #${number} of ${repository} could not be checked: ${(error as Error).message}`
  }
  if (headSha !== workflowRunHeadSha)
    return `pull request #${number}'s head is ${headSha.slice(0, 7)}, not the triggering run's head ${workflowRunHeadSha.slice(0, 7)} (a newer push publishes its own bundle)`
  return undefined
}
