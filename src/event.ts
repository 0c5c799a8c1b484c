import { readFileSync } from 'node:fs'
import type { Config } from './config.js'
import { code } from './markdown.js'
import type { Scope } from './types.js'

/** The facts of the triggering event that triage needs, read from the runner's environment. */
export interface EventFacts {
  name: string
  repository: string
  scope: Scope
  pullRequest?: {
    number: number
    baseSha: string
    headSha: string
    labels: string[]
    title: string
    body: string
    fromFork: boolean
    baseRef: string
    merged: boolean
  }
  push?: {
    before: string
    after: string
    headMessage?: string
    /** The repository's default branch: a push that creates a branch is compared with it. */
    defaultBranch?: string
  }
  /** A merge queue's run: the group's commits, and the pull request it tests (from the head ref). */
  mergeGroup?: {
    baseSha: string
    headSha: string
    baseRef: string
    headRef: string
    pullRequest?: number
    headMessage?: string
  }
  headSha: string
  runUrl?: string
  /** The repository's default branch, as the payload names it. */
  defaultBranch?: string
  /** Why running validators here would run untrusted code with a privileged token. */
  untrusted?: string
  /** The payload's `action` (`closed`, `synchronize`, …). */
  action?: string
  /** Who triggered the event. */
  sender?: string
  /** The issue of an `issues` event. */
  issue?: { number: number }
  /** The triggering run's head commit, for a `workflow_run` event. */
  workflowRunHeadSha?: string
}

interface Payload {
  pull_request?: {
    number?: number
    title?: string
    body?: string | null
    labels?: { name?: string }[]
    base?: { sha?: string; ref?: string; repo?: { full_name?: string } }
    head?: { sha?: string; ref?: string; repo?: { full_name?: string } | null }
    merged?: boolean | null
  }
  action?: string
  sender?: { login?: string }
  issue?: { number?: number }
  before?: string
  after?: string
  head_commit?: { message?: string } | null
  merge_group?: {
    head_sha?: string
    head_ref?: string
    base_sha?: string
    base_ref?: string
    head_commit?: { message?: string } | null
  }
  workflow_run?: {
    head_sha?: string
    head_repository?: { full_name?: string } | null
    repository?: { full_name?: string }
  }
  repository?: { full_name?: string; default_branch?: string }
}

// GitHub names a queue's branch `gh-readonly-queue/<base>/pr-<n>-<head sha>`; <base> may hold `/`.
const QUEUE_PULL_REQUEST = /\/pr-(\d+)-[0-9a-f]{40,64}$/

/** The pull request a merge queue's head ref tests, or undefined when the ref names none. */
export function queuedPullRequest(headRef: string): number | undefined {
  const match = QUEUE_PULL_REQUEST.exec(headRef)
  const number = match ? Number(match[1]) : NaN
  return Number.isSafeInteger(number) && number > 0 ? number : undefined
}

function readPayload(path: string | undefined): Payload {
  if (!path) return {}
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Payload
  } catch (error) {
    throw new Error(
      `Cannot read the event payload at GITHUB_EVENT_PATH '${path}': ${(error as Error).message}`
    )
  }
}

/** Reads `GITHUB_*` and the event payload. */
export function readEvent(env: NodeJS.ProcessEnv): EventFacts {
  const payload = readPayload(env.GITHUB_EVENT_PATH)
  const repository = env.GITHUB_REPOSITORY || payload.repository?.full_name || 'local/repository'
  const name = env.GITHUB_EVENT_NAME || 'local'
  const headSha = env.GITHUB_SHA || ''
  const runUrl =
    env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
      ? `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined
  const untrusted = untrustedCodeReason(name, payload)
  const common = {
    name,
    repository,
    ...(runUrl ? { runUrl } : {}),
    ...(untrusted ? { untrusted } : {}),
    ...(payload.repository?.default_branch
      ? { defaultBranch: payload.repository.default_branch }
      : {}),
    ...(payload.action ? { action: payload.action } : {}),
    ...(payload.sender?.login ? { sender: payload.sender.login } : {}),
    ...(typeof payload.issue?.number === 'number'
      ? { issue: { number: payload.issue.number } }
      : {}),
    ...(payload.workflow_run?.head_sha ? { workflowRunHeadSha: payload.workflow_run.head_sha } : {})
  }
  const pr = payload.pull_request
  if (pr && typeof pr.number === 'number') {
    return {
      ...common,
      scope: { kind: 'pr', number: pr.number },
      pullRequest: {
        number: pr.number,
        baseSha: pr.base?.sha ?? '',
        headSha: pr.head?.sha ?? '',
        labels: (pr.labels ?? []).map(label => label.name ?? '').filter(Boolean),
        title: pr.title ?? '',
        body: pr.body ?? '',
        fromFork:
          (pr.head?.repo?.full_name ?? repository) !== (pr.base?.repo?.full_name ?? repository),
        baseRef: pr.base?.ref ?? '',
        merged: pr.merged === true
      },
      headSha: pr.head?.sha || headSha
    }
  }
  const group = payload.merge_group
  if (name === 'merge_group' && group) {
    const headRef = group.head_ref ?? ''
    const number = queuedPullRequest(headRef)
    return {
      ...common,
      // A queue run belongs to the pull request it tests: the same incident, never the queue's branch.
      scope: number
        ? { kind: 'pr', number }
        : { kind: 'branch', name: headRef.replace(/^refs\/heads\//, '') || 'unknown' },
      mergeGroup: {
        baseSha: group.base_sha ?? '',
        headSha: group.head_sha ?? '',
        baseRef: (group.base_ref ?? '').replace(/^refs\/heads\//, ''),
        headRef,
        ...(number ? { pullRequest: number } : {}),
        ...(group.head_commit?.message ? { headMessage: group.head_commit.message } : {})
      },
      // Check runs go on the group's commit: that is what the queue waits on.
      headSha: group.head_sha || headSha
    }
  }
  const branch =
    env.GITHUB_HEAD_REF ||
    env.GITHUB_REF_NAME ||
    (env.GITHUB_REF ?? '').replace(/^refs\/(heads|tags)\//, '') ||
    'unknown'
  return {
    ...common,
    scope: { kind: 'branch', name: branch },
    ...(name === 'push' && payload.before && payload.after
      ? {
          push: {
            before: payload.before,
            after: payload.after,
            ...(payload.head_commit?.message ? { headMessage: payload.head_commit.message } : {}),
            ...(payload.repository?.default_branch
              ? { defaultBranch: payload.repository.default_branch }
              : {})
          }
        }
      : {}),
    headSha: payload.after || headSha
  }
}

/**
 * Validators are the pull request's code. Under `pull_request_target`, or a fork's `workflow_run`,
 * this job holds a privileged token, so running them here would hand it to the fork.
 */
function untrustedCodeReason(name: string, payload: Payload): string | undefined {
  if (name === 'pull_request_target')
    return 'the pull_request_target event runs with a privileged token'
  const run = payload.workflow_run
  if (
    name === 'workflow_run' &&
    run &&
    run.head_repository?.full_name !== run.repository?.full_name
  ) {
    return "a fork's workflow_run runs with a privileged token"
  }
  return undefined
}

/** `<owner>/<repo>:pr-<n>` or `<owner>/<repo>:branch-<name>`, plus `:<incident-key>` (SPEC §3). */
export function incidentKey(repository: string, scope: Scope, extra: string): string {
  const base = `${repository}:${scope.kind === 'pr' ? `pr-${scope.number}` : `branch-${scope.name}`}`
  return extra ? `${base}:${extra}` : base
}

export function scopeLabel(scope: Scope): string {
  return scope.kind === 'pr' ? `PR #${scope.number}` : scope.name
}

/** Intent signals (SPEC §4): an intent label, or an intent trailer in the PR body or head commit. */
export function findIntent(
  signals: { labels: readonly string[]; texts: { where: string; text: string }[] },
  intent: Config['intent']
): string[] {
  const found: string[] = []
  const wanted = new Set(intent.labels.map(label => label.toLowerCase()))
  for (const label of signals.labels)
    if (wanted.has(label.toLowerCase())) found.push(`label ${code(label)}`)
  const normalise = (line: string): string =>
    line
      .trim()
      .replace(/\s*:\s*/, ': ')
      .toLowerCase()
  const trailers = new Set(intent.trailers.map(normalise))
  for (const { where, text } of signals.texts) {
    for (const line of text.split(/\r?\n/)) {
      if (trailers.has(normalise(line))) found.push(`trailer ${code(line.trim())} in ${where}`)
    }
  }
  return [...new Set(found)]
}
