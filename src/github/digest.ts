/**
 * The GitHub side of the release-readiness digest (SPEC §6): list the incidents in as few
 * requests as pagination allows, and keep the one digest issue up to date in place.
 */
import type { PaginatingEndpoints } from '@octokit/plugin-paginate-rest'
import type { ListedIssue } from '../digest/incidents.js'
import { DIGEST_MARKER, peoplesPart } from '../digest/render.js'
import type { Octokit } from './client.js'
import { ensureLabels } from './labels.js'

export const DIGEST_LABEL = 'contract-drift-digest'

/**
 * Every open incident, and those closed since `since`. GitHub's `since` filters on the last
 * update, which a close is, so a closed incident of the window is never missed; the open ones are
 * listed whatever their age. The server filters by label and creator; the digest checks the
 * author again, since only the action's own check is a promise (SPEC §3).
 */
export async function listIncidents(
  octokit: Octokit,
  repository: string,
  issueAuthor: string,
  since: Date
): Promise<ListedIssue[]> {
  const [owner, repo] = repository.split('/') as [string, string]
  const query = {
    owner,
    repo,
    labels: 'contract-drift',
    creator: issueAuthor,
    // Oldest first: an incident filed while the pages are read lands on the last page, so none
    // is skipped (one listed twice is counted once).
    sort: 'created' as const,
    direction: 'asc' as const,
    per_page: 100
  }
  const [open, closed] = await Promise.all([
    allPages(octokit, { ...query, state: 'open' as const }),
    allPages(octokit, { ...query, state: 'closed' as const, since: since.toISOString() })
  ])
  return [...open, ...closed]
}

type IssuesQuery = PaginatingEndpoints['GET /repos/{owner}/{repo}/issues']['parameters']

/**
 * Every page of a list: the first says how many there are (its `last` link), the others are read
 * together rather than one after the other, so a thousand incidents cost one round trip more
 * than a hundred do.
 */
async function allPages(octokit: Octokit, query: IssuesQuery): Promise<ListedIssue[]> {
  const page = async (number: number): Promise<{ link: string; issues: ListedIssue[] }> => {
    // octokit parses bodies with a BigInt-aware JSON parser, several times slower than the
    // native one on the megabytes a thousand incident bodies make: read the raw body instead.
    const response = await octokit.request('GET /repos/{owner}/{repo}/issues', {
      ...query,
      page: number,
      request: { parseSuccessResponseBody: false }
    })
    const chunks: Uint8Array[] = []
    for await (const chunk of response.data as unknown as AsyncIterable<Uint8Array>)
      chunks.push(chunk)
    return {
      link: response.headers.link ?? '',
      issues: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ListedIssue[]
    }
  }
  const first = await page(1)
  const lastLink = /<([^>]+)>;\s*rel="last"/.exec(first.link)?.[1]
  const last = lastLink ? Number(new URL(lastLink).searchParams.get('page') ?? 1) : 1
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, last - 1) }, (_, i) => page(i + 2))
  )
  return [first, ...rest].flatMap(each => each.issues)
}

/** The default branch of each repository, one request each (only when `release.branches` is unset). */
export async function defaultBranch(octokit: Octokit, repository: string): Promise<string> {
  const [owner, repo] = repository.split('/') as [string, string]
  const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo })
  return data.default_branch
}

export interface DigestIssue {
  action: 'created' | 'updated' | 'unchanged'
  number: number
  url: string
}

/**
 * Creates or updates the one release-readiness issue, written only when its title or body would
 * change. Trusted like an incident: authored by `issueAuthor` with the marker first (SPEC §6).
 */
export async function upsertDigestIssue(
  octokit: Octokit,
  repository: string,
  issueAuthor: string,
  // The body given what people wrote below the digest, so that their words are kept.
  content: { title: string; body: (kept: string) => string }
): Promise<DigestIssue> {
  const [owner, repo] = repository.split('/') as [string, string]
  const listed = (
    await octokit.request('GET /repos/{owner}/{repo}/issues', {
      owner,
      repo,
      labels: DIGEST_LABEL,
      creator: issueAuthor,
      state: 'open',
      sort: 'created',
      direction: 'asc',
      per_page: 100
    })
  ).data as ListedIssue[]
  const mine = listed.find(
    issue =>
      !issue.pull_request &&
      issue.user?.login === issueAuthor &&
      (issue.body ?? '').startsWith(DIGEST_MARKER)
  )
  if (mine) {
    const body = content.body(peoplesPart(mine.body))
    if (mine.title === content.title && mine.body === body)
      return { action: 'unchanged', number: mine.number, url: mine.html_url }
    await octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      owner,
      repo,
      issue_number: mine.number,
      title: content.title,
      body
    })
    return { action: 'updated', number: mine.number, url: mine.html_url }
  }
  await ensureLabels(octokit, owner, repo, [DIGEST_LABEL])
  const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues', {
    owner,
    repo,
    title: content.title,
    body: content.body(''),
    labels: [DIGEST_LABEL]
  })
  return { action: 'created', number: data.number, url: data.html_url }
}
