/**
 * Finding bundles (SPEC §3 `mode: collect` / `mode: publish`): what one job saw, as one JSON file
 * that a later, trusted job merges into one triage per scope. A bundle is untrusted input — a
 * fork's pull request wrote it — so everything read back is validated, bounded and confined.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import * as z from 'zod/mini'
import './zod.js'
import type { Config } from './config.js'
import { incidentKey, type EventFacts } from './event.js'
import type { Octokit } from './github/client.js'
import { code, inlineText } from './markdown.js'
import { classify, normalisePath } from './paths.js'
import { findReports } from './pipeline.js'
import type { Redactor } from './redact.js'
import {
  OUTCOMES,
  type ChangeContext,
  type ChangedFile,
  type Finding,
  type ValidatorRun
} from './types.js'

export const BUNDLE_SCHEMA = 'contract-drift-triage/bundle'
export const BUNDLE_VERSION = 1

/** What one bundle may hold. A bundle beyond them is rejected, never trimmed on the reading side. */
export const BUNDLE_LIMITS = {
  fileBytes: 20 * 1024 * 1024,
  runs: 200,
  findingsPerRun: 1000,
  targetsPerFinding: 50,
  message: 2000,
  command: 4000,
  excerpt: 32 * 1024,
  okLines: 100,
  notes: 50,
  changedFiles: 20_000,
  path: 1024,
  intent: 50,
  labels: 100,
  title: 1024,
  body: 65_536,
  branch: 255,
  pullRequest: 1_000_000_000
} as const

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

const L = BUNDLE_LIMITS

/** `git check-ref-format --branch`, which every branch GitHub reports satisfies. */
export function isBranchName(name: string): boolean {
  if (name.length === 0 || name.length > L.branch || name === '@') return false
  // eslint-disable-next-line no-control-regex -- control characters are what git forbids
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|^[-/]|\/$|\.$/.test(name)) return false
  return name.split('/').every(part => !part.startsWith('.') && !part.endsWith('.lock'))
}

/**
 * The bundle schema (zod/mini), built on first use so that importing this module does no zod
 * work: only a publish job reads bundles back.
 */
function buildBundleSchema() {
  const text = (max: number) => z.string().check(z.maxLength(max))
  const sha = z.string().check(z.regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})?$/, 'expected a commit SHA'))
  const count = z.number().check(z.int(), z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER))
  const pullRequestNumber = () => z.number().check(z.int(), z.positive(), z.lte(L.pullRequest))

  const scopeSchema = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('pr'), number: pullRequestNumber() }),
    z.object({
      kind: z.literal('branch'),
      name: z.string().check(z.refine(isBranchName, 'expected a git branch name'))
    })
  ])

  const repository = z
    .string()
    .check(z.maxLength(140), z.regex(/^[\w.-]+\/[\w.-]+$/, 'expected {owner}/{repo}'))

  const factsSchema = z
    .object({
      name: z.string().check(z.regex(/^[a-z_]{1,100}$/, 'expected an event name')),
      repository,
      scope: scopeSchema,
      pullRequest: z.optional(
        z.object({
          number: pullRequestNumber(),
          baseSha: sha,
          headSha: sha,
          labels: z.array(text(L.title)).check(z.maxLength(L.labels)),
          title: text(L.title),
          body: text(L.body),
          fromFork: z.boolean(),
          baseRef: z._default(
            z
              .string()
              .check(
                z.refine(
                  (ref: string) => ref === '' || isBranchName(ref),
                  'expected a git branch name'
                )
              ),
            ''
          ),
          merged: z._default(z.boolean(), false)
        })
      ),
      push: z.optional(
        z.object({ before: sha, after: sha, headMessage: z.optional(text(L.body)) })
      ),
      mergeGroup: z.optional(
        z.object({
          baseSha: sha,
          headSha: sha,
          baseRef: text(L.path),
          headRef: text(L.path),
          pullRequest: z.optional(pullRequestNumber()),
          headMessage: z.optional(text(L.body))
        })
      ),
      headSha: sha,
      runUrl: z.optional(text(L.path))
    })
    .check(
      z.superRefine((facts, ctx) => {
        const pr = facts.scope.kind === 'pr' ? facts.scope.number : undefined
        // A merge queue's run is in its pull request's scope without the pull request's facts.
        const claimed = facts.pullRequest?.number ?? facts.mergeGroup?.pullRequest
        if (pr !== claimed)
          ctx.addIssue({
            code: 'custom',
            path: ['pullRequest'],
            message:
              'a pull request scope and its pullRequest (or mergeGroup) facts must name the same number'
          })
        // The record links the run; only a run of this repository's Actions may be linked.
        const run =
          /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?\/([\w.-]+\/[\w.-]+)\/actions\/runs\/\d+(?:\/attempts\/\d+)?$/
        const linked = facts.runUrl === undefined ? undefined : run.exec(facts.runUrl)?.[1]
        if (facts.runUrl !== undefined && linked?.toLowerCase() !== facts.repository.toLowerCase())
          ctx.addIssue({
            code: 'custom',
            path: ['runUrl'],
            message: `expected the URL of an Actions run of ${facts.repository}`
          })
      })
    )

  const findingSchema = z.object({
    source: text(L.command),
    tag: text(100),
    message: text(L.message),
    targets: z.array(text(L.path)).check(z.maxLength(L.targetsPerFinding)),
    line: z.optional(z.number().check(z.int(), z.positive(), z.lte(100_000_000))),
    runtime: z.boolean()
  })

  const runSchema = z.object({
    command: z.string().check(z.minLength(1), z.maxLength(L.command)),
    outcome: z.enum(OUTCOMES),
    exitCode: z.nullable(z.number().check(z.int(), z.gte(-(2 ** 31)), z.lte(2 ** 32))),
    durationMs: z.number().check(z.nonnegative(), z.lte(1e10)),
    findings: z.array(findingSchema).check(z.maxLength(L.findingsPerRun)),
    findingCount: count,
    okLines: z.array(text(L.message)).check(z.maxLength(L.okLines)),
    excerpt: text(L.excerpt),
    outputBytes: count,
    crash: z.optional(text(L.message)),
    format: z.optional(z.string().check(z.regex(/^[a-z-]{1,40}$/))),
    notes: z.optional(z.array(text(L.message)).check(z.maxLength(L.notes)))
  })

  const contextSchema = z.object({
    changed: z
      .array(
        z.object({
          path: text(L.path),
          class: z.enum(['fixture', 'contract', 'implementation', 'docs', 'other'])
        })
      )
      .check(z.maxLength(L.changedFiles)),
    changeSource: text(L.message),
    intent: z.array(text(L.message)).check(z.maxLength(L.intent))
  })

  return z.object({
    schema: z.literal(BUNDLE_SCHEMA),
    version: z.literal(BUNDLE_VERSION),
    createdAt: z.iso.datetime(),
    facts: factsSchema,
    context: contextSchema,
    runs: z.array(runSchema).check(z.minLength(1), z.maxLength(L.runs))
  })
}

let built: ReturnType<typeof buildBundleSchema> | undefined

/** Built on the first bundle read: collect and publish only. */
const bundleSchema = (): ReturnType<typeof buildBundleSchema> => (built ??= buildBundleSchema())

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
    ...(facts.mergeGroup ? { mergeGroup: facts.mergeGroup } : {}),
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
      tag: clip(finding.tag, 100),
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

function schemaProblem(error: z.core.$ZodError): string {
  const issues = error.issues.slice(0, MAX_ISSUES).map(issue => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)'
    return `${where}: ${issue.message}`
  })
  const more =
    error.issues.length > MAX_ISSUES ? `; and ${error.issues.length - MAX_ISSUES} more` : ''
  return `not a valid bundle: ${issues.join('; ')}${more}`
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

type ParsedBundle = z.infer<ReturnType<typeof buildBundleSchema>>

function confineBundle(parsed: ParsedBundle): { bundle: FindingBundle; notes: string[] } {
  const notes: string[] = []
  let droppedTargets = 0
  const runs: ValidatorRun[] = parsed.runs.map(run => {
    let dropped = 0
    const findings: Finding[] = run.findings.map(finding => {
      const targets = confine(finding.targets)
      dropped += targets.dropped
      return { ...finding, targets: targets.kept }
    })
    droppedTargets += dropped
    const runNotes = [
      ...(run.notes ?? []),
      ...(dropped > 0
        ? [`${dropped} finding target(s) outside the repository dropped from the bundle`]
        : [])
    ]
    return {
      ...run,
      findings,
      findingCount: Math.max(run.findingCount, findings.length),
      ...(runNotes.length > 0 ? { notes: runNotes } : {})
    }
  })
  if (droppedTargets > 0)
    notes.push(`${droppedTargets} finding target(s) outside the repository dropped`)

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
      facts: evidenceFacts(parsed.facts),
      context: { changed, changeSource, intent: parsed.context.intent.map(safeIntent) },
      runs
    },
    notes
  }
}

/**
 * publish: reads bundle files matching the globs (relative to root, or absolute), validates each,
 * and returns the good ones and why others were rejected. `repositories` are those whose bundles
 * this workflow publishes (`bundle-repositories`, by default `GITHUB_REPOSITORY`): a bundle
 * claiming another one is rejected, as is one whose run URL is not on `serverUrl`
 * (`GITHUB_SERVER_URL`).
 */
export async function readBundles(
  globs: readonly string[],
  root: string,
  repositories: readonly string[],
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
    const parsed = bundleSchema().safeParse(data)
    if (!parsed.success) {
      result.rejected.push({ path, reason: schemaProblem(parsed.error) })
      continue
    }
    const claimed = parsed.data.facts.repository
    const listed = repositories.find(r => r.toLowerCase() === claimed.toLowerCase())
    if (listed === undefined) {
      result.rejected.push({
        path,
        reason: `comes from ${claimed}, which bundle-repositories does not list (it accepts ${repositories.join(', ')}). To publish ${claimed}'s incidents here, add ${claimed} to bundle-repositories.`
      })
      continue
    }
    const runUrl = parsed.data.facts.runUrl
    if (runUrl !== undefined && !runUrl.toLowerCase().startsWith(`${server}/`)) {
      result.rejected.push({ path, reason: `facts.runUrl: expected a run on ${server}` })
      continue
    }
    // The incident key is built from it: one spelling, whatever case the bundle used.
    parsed.data.facts.repository = listed
    const { bundle, notes } = confineBundle(parsed.data)
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

/** The head commit of a repository's pull request through the API, or why it is unknown. */
async function pullRequestHead(
  octokit: Octokit,
  repository: string,
  number: number
): Promise<{ sha: string } | { problem: string }> {
  const [owner, repo] = repository.split('/') as [string, string]
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner,
      repo,
      pull_number: number
    })
    return { sha: data.head.sha }
  } catch (error) {
    const status = (error as { status?: number }).status
    return {
      problem:
        status === 404
          ? `pull request #${number} does not exist in ${repository}`
          : `pull request #${number} of ${repository} could not be checked: ${(error as Error).message}`
    }
  }
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
  const head = await pullRequestHead(octokit, repository, number)
  if ('problem' in head) return head.problem
  if (head.sha !== workflowRunHeadSha)
    return `pull request #${number}'s head is ${head.sha.slice(0, 7)}, not the triggering run's head ${workflowRunHeadSha.slice(0, 7)} (a newer push publishes its own bundle)`
  return undefined
}

/**
 * A bundle of another repository (`bundle-repositories`): no run of this workflow vouches for it,
 * so the commit it claims must be that repository's head now — its pull request's head, or its
 * branch's tip — through the API. Returns undefined when the bundle may publish, else why not.
 */
export async function verifyHead(octokit: Octokit, facts: EventFacts): Promise<string | undefined> {
  const { repository, scope } = facts
  const claimed = facts.headSha.slice(0, 7) || 'an unknown commit'
  if (scope.kind === 'pr') {
    const head = await pullRequestHead(octokit, repository, scope.number)
    if ('problem' in head) return head.problem
    return head.sha === facts.headSha
      ? undefined
      : `the bundle was made at ${claimed}, but pull request #${scope.number} of ${repository} is at ${head.sha.slice(0, 7)} (a newer push publishes its own bundle)`
  }
  const [owner, repo] = repository.split('/') as [string, string]
  let tip: string
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/branches/{branch}', {
      owner,
      repo,
      branch: scope.name
    })
    tip = data.commit.sha
  } catch (error) {
    const status = (error as { status?: number }).status
    return status === 404
      ? `the branch ${scope.name} does not exist in ${repository}`
      : `the branch ${scope.name} of ${repository} could not be checked: ${(error as Error).message}`
  }
  return tip === facts.headSha
    ? undefined
    : `the bundle was made at ${claimed}, but the branch ${scope.name} of ${repository} is at ${tip.slice(0, 7)} (a newer push publishes its own bundle)`
}
