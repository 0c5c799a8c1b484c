import type { EventFacts } from './event.js'
import type { Git } from './git.js'
import type { Octokit } from './github/client.js'

export interface ChangeSet {
  files: string[]
  /** How it was computed, for the evidence. */
  source: string
  /** The head commit's message, for intent trailers, when it could be read. */
  headMessage?: string
  /** The pull request a merge group tests, read through the API for its intent label and body. */
  pullRequest?: { number: number; labels: string[]; body: string }
}

const ZERO_SHA = /^0+$/
// How deep to fetch when a shallow checkout lacks the merge base, before giving up.
const FETCH_DEPTHS = [100, 2000]

async function diffNames(git: Git, range: string[]): Promise<string[] | undefined> {
  // --relative: in a monorepo package, only its files, relative to it (as the config's globs are).
  const result = await git([
    '-c',
    'core.quotepath=off',
    'diff',
    '--relative',
    '--name-only',
    '--no-renames',
    '-z',
    ...range
  ])
  return result.code === 0 ? result.stdout.split('\0').filter(Boolean) : undefined
}

const hasCommit = async (git: Git, sha: string): Promise<boolean> =>
  (await git(['cat-file', '-e', `${sha}^{commit}`])).code === 0

/**
 * The files changed since the merge base; undefined when either commit is missing or they share
 * no history (`git diff a...b` fails then: one git process, no `cat-file` or `merge-base` first).
 * No revision starts with '-': such a name would reach git as an option.
 */
async function mergeBaseDiff(git: Git, base: string, head: string): Promise<string[] | undefined> {
  if (!base || !head || base.startsWith('-') || head.startsWith('-')) return undefined
  return diffNames(git, [`${base}...${head}`])
}

async function headMessage(git: Git, sha: string): Promise<string | undefined> {
  if (!sha) return undefined
  const result = await git(['log', '-1', '--format=%B', sha])
  return result.code === 0 ? result.stdout : undefined
}

export interface ChangeSetSources {
  git: Git
  /** The API client, created on first use; undefined when there is no token. */
  api: (() => Promise<Octokit>) | undefined
  baseRef: string
  /** The working directory relative to the repository root ('' at the root). */
  prefix: string
}

/** API paths are repository-relative: keep the working directory's, relative to it. */
function underPrefix(files: string[], prefix: string): string[] {
  if (!prefix) return files
  return files
    .filter(file => file.startsWith(`${prefix}/`))
    .map(file => file.slice(prefix.length + 1))
}

/**
 * The change set of SPEC §4: the pull request's files (base…head), a merge group's
 * (base_sha…head_sha), the push's (before…after; a new branch against its merge base with the
 * default branch), or the checkout against `base-ref`. Shallow checkouts are handled by asking the pull request files
 * API, or by fetching deeper until the merge base is known.
 */
export async function computeChangeSet(
  facts: EventFacts,
  sources: ChangeSetSources
): Promise<ChangeSet> {
  const { git, api } = sources
  const [owner, repo] = facts.repository.split('/') as [string, string]
  const pr = facts.pullRequest

  if (sources.baseRef) {
    // A depth-1 checkout of a pull request holds its merge commit, not the head: compare HEAD then.
    const head = pr?.headSha && (await hasCommit(git, pr.headSha)) ? pr.headSha : 'HEAD'
    const files = await deepenUntil(git, sources.baseRef, head, [sources.baseRef])
    if (!files)
      throw new Error(
        `Cannot compute the change set against base-ref '${sources.baseRef}': it is not a commit, branch or tag the checkout can fetch from origin.`
      )
    return {
      files,
      source: `git diff ${sources.baseRef}...${head}`,
      ...(await withMessage(git, pr?.headSha || head, api, owner, repo))
    }
  }

  if (facts.mergeGroup) return mergeGroupChangeSet(facts.mergeGroup, sources, owner, repo)

  if (pr) {
    let files = await mergeBaseDiff(git, pr.baseSha, pr.headSha)
    let source = `git diff ${pr.baseSha.slice(0, 7)}...${pr.headSha.slice(0, 7)}`
    if (!files && api) {
      const client = await api()
      const listed = await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
        owner,
        repo,
        pull_number: pr.number,
        per_page: 100
      })
      const names = listed.flatMap(file => [
        file.filename,
        ...(file.previous_filename ? [file.previous_filename] : [])
      ])
      files = underPrefix([...new Set(names)], sources.prefix)
      source = `pull request files API (#${pr.number})`
    }
    if (!files) files = await deepenUntil(git, pr.baseSha, pr.headSha, [pr.baseSha, pr.headSha])
    if (!files) {
      throw new Error(
        `Cannot compute the change set of pull request #${pr.number}: the checkout lacks its base commit and it could not be fetched. ` +
          'Use actions/checkout with fetch-depth: 0, or give the action a github-token that can read pull requests.'
      )
    }
    return { files, source, ...(await withMessage(git, pr.headSha, api, owner, repo)) }
  }

  if (facts.push) {
    const { before, after } = facts.push
    const message = facts.push.headMessage
      ? { headMessage: facts.push.headMessage }
      : await withMessage(git, after, api, owner, repo)
    if (ZERO_SHA.test(before))
      return { ...(await newBranchChangeSet(facts.push, sources, owner, repo)), ...message }
    for (const sha of [before, after]) {
      if (!(await hasCommit(git, sha)))
        await git(['fetch', '--no-tags', '--no-recurse-submodules', '--depth=1', 'origin', sha])
    }
    let files = await diffNames(git, [before, after])
    let source = `git diff ${before.slice(0, 7)}..${after.slice(0, 7)}`
    if (!files && api) {
      files = await compareFiles(await api(), owner, repo, `${before}...${after}`, sources.prefix)
      source = 'compare API'
    }
    if (!files)
      throw new Error(
        `Cannot compute the change set of the push ${before.slice(0, 7)}..${after.slice(0, 7)}: the commits could not be fetched.`
      )
    return { files, source, ...message }
  }

  return {
    files: [],
    source: `no change set for a ${facts.name} event (set base-ref to compare with a branch)`
  }
}

async function compareFiles(
  client: Octokit,
  owner: string,
  repo: string,
  basehead: string,
  prefix: string
): Promise<string[]> {
  const compared = await client.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
    owner,
    repo,
    basehead
  })
  return underPrefix(
    (compared.data.files ?? []).map(file => file.filename),
    prefix
  )
}

/**
 * A merge queue's group (SPEC §4): base_sha...head_sha of the event. A depth-1 checkout of the
 * group's commit lacks the base; it is fetched as a pull request's is.
 */
async function mergeGroupChangeSet(
  group: NonNullable<EventFacts['mergeGroup']>,
  sources: ChangeSetSources,
  owner: string,
  repo: string
): Promise<ChangeSet> {
  const { git, api } = sources
  const { baseSha, headSha, pullRequest } = group
  const range = `${baseSha.slice(0, 7)}...${headSha.slice(0, 7)}`
  const of = pullRequest ? `the merge group of PR #${pullRequest}` : 'the merge group'
  let files =
    baseSha && headSha ? await deepenUntil(git, baseSha, headSha, [baseSha, headSha]) : undefined
  let source = `git diff ${range} (${of})`
  if (!files && api && baseSha && headSha) {
    files = await compareFiles(await api(), owner, repo, `${baseSha}...${headSha}`, sources.prefix)
    source = `compare API ${range} (${of})`
  }
  if (!files)
    throw new Error(
      `Cannot compute the change set of ${of} (${range}): the checkout lacks its base commit and it could not be fetched. ` +
        'Use actions/checkout with fetch-depth: 0, or give the action a github-token that can read the repository.'
    )
  const message = group.headMessage
    ? { headMessage: group.headMessage }
    : await withMessage(git, headSha, api, owner, repo)
  return {
    files,
    source,
    ...message,
    ...(pullRequest && api ? await queuedPullRequest(api, owner, repo, pullRequest) : {})
  }
}

/** The intent a merge group carries is its pull request's: labels and body are only in the API. */
async function queuedPullRequest(
  api: NonNullable<ChangeSetSources['api']>,
  owner: string,
  repo: string,
  number: number
): Promise<Pick<ChangeSet, 'pullRequest'>> {
  try {
    const { data } = await (
      await api()
    ).request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner,
      repo,
      pull_number: number
    })
    return {
      pullRequest: { number, labels: data.labels.map(label => label.name), body: data.body ?? '' }
    }
  } catch {
    // Only the pull request's intent signals are lost; the head commit's trailer still counts.
    return {}
  }
}

/**
 * A push that creates a branch has no `before` (SPEC §4): it is compared with its merge base with
 * the default branch, which a depth-1 checkout of the new branch lacks until fetched.
 */
async function newBranchChangeSet(
  push: NonNullable<EventFacts['push']>,
  sources: ChangeSetSources,
  owner: string,
  repo: string
): Promise<ChangeSet> {
  const { git, api } = sources
  const main = push.defaultBranch
  if (!main)
    throw new Error(
      'a push that creates a branch is compared with the default branch, but the event payload names none (repository.default_branch). Set base-ref to the branch to compare with.'
    )
  const after = push.after.slice(0, 7)
  const tracking = `refs/remotes/origin/${main}`
  const files = await deepenUntil(git, tracking, push.after, [
    `+refs/heads/${main}:${tracking}`,
    push.after
  ])
  if (files)
    return {
      files,
      source: `git diff origin/${main}...${after} (a new branch, against its merge base with ${main})`
    }
  if (api) {
    try {
      return {
        files: await compareFiles(
          await api(),
          owner,
          repo,
          `${main}...${push.after}`,
          sources.prefix
        ),
        source: `compare API ${main}...${after} (a new branch, against its merge base with ${main})`
      }
    } catch {
      // Said below: the change set is unavailable.
    }
  }
  throw new Error(
    `a push that creates a branch is compared with its merge base with ${main}, which could not be fetched from origin. ` +
      'Use actions/checkout with fetch-depth: 0, or give the action a github-token that can read the repository.'
  )
}

async function deepenUntil(
  git: Git,
  base: string,
  head: string,
  wants: string[]
): Promise<string[] | undefined> {
  const known = await mergeBaseDiff(git, base, head)
  if (known) return known
  for (const depth of FETCH_DEPTHS) {
    await git([
      'fetch',
      '--no-tags',
      '--no-recurse-submodules',
      `--depth=${depth}`,
      'origin',
      ...wants
    ])
    const base2 = (await hasCommit(git, base)) ? base : 'FETCH_HEAD'
    const files = await mergeBaseDiff(git, base2, head)
    if (files) return files
  }
  return undefined
}

/** The head commit's message from git, or through the API when the checkout does not hold it. */
async function withMessage(
  git: Git,
  sha: string,
  api: ChangeSetSources['api'],
  owner: string,
  repo: string
): Promise<{ headMessage?: string }> {
  const local = await headMessage(git, sha)
  if (local !== undefined) return { headMessage: local }
  if (!api || !sha || sha === 'HEAD') return {}
  try {
    const client = await api()
    const commit = await client.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
      owner,
      repo,
      commit_sha: sha
    })
    return { headMessage: commit.data.message }
  } catch {
    // Only intent trailers are lost; the change set stands.
    return {}
  }
}

/** A developer's change set: the working tree (untracked files included) against the merge base with `base`. */
export async function localChangeSet(git: Git, base: string | undefined): Promise<ChangeSet> {
  const candidates = base
    ? [base]
    : ['origin/HEAD', 'origin/main', 'main', 'origin/master', 'master']
  for (const candidate of candidates) {
    const mergeBase = await git(['merge-base', candidate, 'HEAD'])
    if (mergeBase.code !== 0) continue
    const sha = mergeBase.stdout.trim()
    const tracked = (await diffNames(git, [sha])) ?? []
    const untracked = await git(['ls-files', '-z', '--others', '--exclude-standard'])
    const files = [...new Set([...tracked, ...untracked.stdout.split('\0').filter(Boolean)])].sort()
    return {
      files,
      source: `working tree against ${candidate} (merge base ${sha.slice(0, 7)})`,
      ...(await withMessage(git, 'HEAD', undefined, '', ''))
    }
  }
  if (base)
    throw new Error(
      `--base '${base}' is not a branch, tag or commit this repository knows (try 'git fetch' first).`
    )
  return { files: [], source: 'no base branch found (pass --base): no change set' }
}
