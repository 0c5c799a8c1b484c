// @ts-check
/** Comments on issues and pull requests. */
import {
  Answer,
  association,
  checkBody,
  iso,
  list,
  nodeId,
  noReactions,
  notFound,
  repoApi,
  renderUser
} from '../lib.mjs'
import { findIssue, snapshot } from './issues.mjs'

/** @typedef {import('../index.mjs').Emulator} Emulator */
/** @typedef {import('../index.mjs').Repo} Repo */
/** @typedef {import('../index.mjs').Comment} Comment */

/** @param {Emulator} emu @param {Repo} repo @param {Comment} c */
export function renderComment(emu, repo, c) {
  const issue = repo.issues.get(c.issueNumber)
  const api = repoApi(emu, repo)
  return {
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${emu.serverUrl}/${repo.owner}/${repo.name}/${issue?.pull ? 'pull' : 'issues'}/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${api}/issues/${c.issueNumber}`,
    id: c.id,
    node_id: nodeId('IssueComment', c.id),
    user: renderUser(emu, c.user),
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    author_association: association(repo, c.user),
    body: c.body,
    reactions: noReactions(`${api}/issues/comments/${c.id}/reactions`),
    performed_via_github_app: null
  }
}

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'get /repos/{owner}/{repo}/issues/{issue_number}/comments'(ctx, emu) {
    const issue = findIssue(ctx, ctx.path.issue_number)
    const since = ctx.query.since ? Date.parse(ctx.query.since) : null
    const comments = [...ctx.repo.comments.values()].filter(
      c => c.issueNumber === issue.number && (since === null || c.updatedAt >= since)
    )
    return list(emu, ctx, comments, c => renderComment(emu, ctx.repo, c))
  },

  'post /repos/{owner}/{repo}/issues/{issue_number}/comments'(ctx, emu) {
    const issue = findIssue(ctx, ctx.path.issue_number)
    checkBody(ctx, ctx.body.body, 'IssueComment')
    const now = emu.clock.now()
    /** @type {Comment} */
    const c = {
      id: emu._nextId++,
      issueNumber: issue.number,
      body: ctx.body.body,
      user: ctx.login,
      createdAt: now,
      updatedAt: now
    }
    ctx.repo.comments.set(c.id, c)
    issue.updatedAt = now
    snapshot(emu, ctx.repo, issue)
    const out = renderComment(emu, ctx.repo, c)
    return new Answer(201, out, { location: out.url })
  },

  'get /repos/{owner}/{repo}/issues/comments/{comment_id}'(ctx, emu) {
    const c = ctx.repo.comments.get(ctx.path.comment_id)
    return c ? new Answer(200, renderComment(emu, ctx.repo, c)) : notFound(ctx.docs)
  },

  'patch /repos/{owner}/{repo}/issues/comments/{comment_id}'(ctx, emu) {
    const c = ctx.repo.comments.get(ctx.path.comment_id)
    if (!c) return notFound(ctx.docs)
    checkBody(ctx, ctx.body.body, 'IssueComment')
    c.body = ctx.body.body
    c.updatedAt = emu.clock.now()
    return new Answer(200, renderComment(emu, ctx.repo, c))
  }
}
