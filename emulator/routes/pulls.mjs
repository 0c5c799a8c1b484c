// @ts-check
/** Pull requests and their changed files. A pull request is an issue with `pull` set (issues.mjs). */
import { Answer, list, notFound, repoApi, renderRepository, renderUser, sha1 } from '../lib.mjs'
import { renderIssue } from './issues.mjs'

/** @typedef {import('../index.mjs').Emulator} Emulator */
/** @typedef {import('../index.mjs').Repo} Repo */
/** @typedef {import('../index.mjs').Issue} Issue */
/** @typedef {import('../index.mjs').PullExtra} PullExtra */
/** @typedef {import('../index.mjs').FileChange} FileChange */

/** @param {Emulator} emu @param {Repo} repo @param {Issue} i */
function renderPull(emu, repo, i) {
  const pull = /** @type {PullExtra} */ (i.pull)
  const issue = renderIssue(emu, repo, i)
  const api = `${repoApi(emu, repo)}/pulls/${i.number}`
  const headRepo = pull.headRepo ? emu.repos.get(pull.headRepo.toLowerCase()) : repo
  /** @param {string} ref @param {string} sha @param {Repo | undefined} r */
  const side = (ref, sha, r = repo) => ({
    label: `${r.owner}:${ref}`,
    ref,
    sha,
    user: renderUser(emu, r.owner),
    repo: renderRepository(emu, r)
  })
  const files = pull.files
  const link = (/** @type {string} */ href) => ({ href })
  const reviewComment = `${repoApi(emu, repo)}/pulls/comments{/number}`
  const statuses = `${repoApi(emu, repo)}/statuses/${pull.headSha}`
  return {
    url: api,
    id: i.id,
    node_id: issue.node_id,
    html_url: issue.html_url,
    diff_url: `${issue.html_url}.diff`,
    patch_url: `${issue.html_url}.patch`,
    issue_url: issue.url,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: reviewComment,
    comments_url: issue.comments_url,
    statuses_url: statuses,
    number: i.number,
    state: i.state,
    locked: false,
    title: i.title,
    user: renderUser(emu, i.user),
    body: i.body,
    labels: issue.labels,
    milestone: null,
    active_lock_reason: null,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    merged_at: pull.merged ? (issue.closed_at ?? issue.updated_at) : null,
    merge_commit_sha: null,
    assignee: issue.assignee,
    assignees: issue.assignees,
    requested_reviewers: [],
    requested_teams: [],
    head: side(pull.headRef, pull.headSha, headRepo),
    base: side(pull.baseRef, pull.baseSha, repo),
    _links: {
      self: link(api),
      html: link(issue.html_url),
      issue: link(issue.url),
      comments: link(issue.comments_url),
      review_comments: link(`${api}/comments`),
      review_comment: link(reviewComment),
      commits: link(`${api}/commits`),
      statuses: link(statuses)
    },
    author_association: issue.author_association,
    auto_merge: null,
    draft: pull.draft,
    merged: pull.merged,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: issue.comments,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: files.reduce((n, f) => n + (f.additions ?? 1), 0),
    deletions: files.reduce((n, f) => n + (f.deletions ?? 0), 0),
    changed_files: files.length
  }
}

/** A changed file as pulls/files and compare list it. @param {Emulator} emu @param {Repo} repo @param {string} ref @param {FileChange} f */
export function renderFile(emu, repo, ref, f) {
  const path = f.filename.split('/').map(encodeURIComponent).join('/')
  /** @type {Record<string, any>} */
  const out = {
    sha: sha1(`${ref}:${f.filename}`),
    filename: f.filename,
    status: f.status,
    additions: f.additions ?? (f.status === 'removed' ? 0 : 1),
    deletions: f.deletions ?? (f.status === 'added' ? 0 : f.status === 'removed' ? 1 : 0),
    changes: 0,
    blob_url: `${emu.serverUrl}/${repo.fullName}/blob/${ref}/${path}`,
    raw_url: `${emu.serverUrl}/${repo.fullName}/raw/${ref}/${path}`,
    contents_url: `${repoApi(emu, repo)}/contents/${path}?ref=${ref}`
  }
  out.changes = out.additions + out.deletions
  if (f.patch !== undefined) out.patch = f.patch
  if (f.previous_filename !== undefined) out.previous_filename = f.previous_filename
  return out
}

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'get /repos/{owner}/{repo}/pulls/{pull_number}'(ctx, emu) {
    const issue = ctx.repo.issues.get(ctx.path.pull_number)
    return issue?.pull ? new Answer(200, renderPull(emu, ctx.repo, issue)) : notFound(ctx.docs)
  },

  'get /repos/{owner}/{repo}/pulls/{pull_number}/files'(ctx, emu) {
    const issue = ctx.repo.issues.get(ctx.path.pull_number)
    if (!issue?.pull) return notFound(ctx.docs)
    const headSha = issue.pull.headSha
    // GitHub lists at most 3,000 files of a pull request
    const files = issue.pull.files.slice(0, 3000)
    return list(emu, ctx, files, f => renderFile(emu, ctx.repo, headSha, f))
  }
}
