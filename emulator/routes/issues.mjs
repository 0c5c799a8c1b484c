// @ts-check
/** Issues (pull requests share their numbers and appear in the list) and their assignees. */
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
  renderUser,
  sameLogin,
  validationFailed
} from '../lib.mjs'
import { recordEvent } from './events.mjs'
import { applyLabels, labelName, renderLabel } from './labels.mjs'

/** @typedef {import('../index.mjs').Emulator} Emulator */
/** @typedef {import('../index.mjs').Ctx} Ctx */
/** @typedef {import('../index.mjs').Repo} Repo */
/** @typedef {import('../index.mjs').Issue} Issue */

/** The issue (or pull request) of a path, or GitHub's 404. @param {Ctx} ctx @param {number} number */
export function findIssue(ctx, number) {
  const issue = ctx.repo.issues.get(number)
  if (!issue) throw notFound(ctx.docs)
  return issue
}

/** Keeps the rendered version for search, which sees issues as they were a while ago. @param {Emulator} emu @param {Repo} repo @param {Issue} issue */
export function snapshot(emu, repo, issue) {
  issue.history.push({ at: emu.clock.now(), snapshot: renderIssue(emu, repo, issue) })
  if (issue.history.length > 50) issue.history.splice(0, issue.history.length - 50)
}

/**
 * A new open issue by `user`, numbered next, without labels or assignees yet: POST /issues and
 * the emulator's `addIssue` label it.
 * @param {Emulator} emu @param {Repo} repo @param {string} title @param {string | null} body @param {string} user
 * @returns {Issue}
 */
export function openIssue(emu, repo, title, body, user) {
  const now = emu.clock.now()
  /** @type {Issue} */
  const issue = {
    id: emu._nextId++,
    number: repo.nextNumber++,
    title,
    body,
    state: 'open',
    stateReason: null,
    user,
    labels: [],
    assignees: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    closedBy: null,
    pull: null,
    history: []
  }
  repo.issues.set(issue.number, issue)
  repo.events.set(issue.number, [])
  return issue
}

/** @param {Repo} repo @param {number} number */
const commentCount = (repo, number) =>
  [...repo.comments.values()].filter(c => c.issueNumber === number).length

/** @param {Emulator} emu @param {Repo} repo @param {Issue} i @returns {any} */
export function renderIssue(emu, repo, i) {
  const api = `${repoApi(emu, repo)}/issues/${i.number}`
  const html = `${emu.serverUrl}/${repo.owner}/${repo.name}/${i.pull ? 'pull' : 'issues'}/${i.number}`
  const labels = i.labels.map(n => repo.labels.get(n)).filter(l => l !== undefined)
  /** @type {any} */
  const out = {
    url: api,
    repository_url: repoApi(emu, repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    id: i.id,
    node_id: nodeId(i.pull ? 'PullRequest' : 'Issue', i.id),
    number: i.number,
    title: i.title,
    user: renderUser(emu, i.user),
    labels: labels.map(l => renderLabel(emu, repo, l)),
    state: i.state,
    locked: false,
    assignee: i.assignees[0] ? renderUser(emu, i.assignees[0]) : null,
    assignees: i.assignees.map(a => renderUser(emu, a)),
    milestone: null,
    comments: commentCount(repo, i.number),
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
    closed_at: i.closedAt === null ? null : iso(i.closedAt),
    author_association: association(repo, i.user),
    active_lock_reason: null,
    body: i.body,
    closed_by: i.closedBy ? renderUser(emu, i.closedBy) : null,
    reactions: noReactions(`${api}/reactions`),
    timeline_url: `${api}/timeline`,
    performed_via_github_app: null,
    state_reason: i.stateReason
  }
  if (i.pull) {
    out.draft = i.pull.draft
    out.pull_request = {
      url: `${repoApi(emu, repo)}/pulls/${i.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: i.pull.merged ? iso(i.closedAt ?? i.updatedAt) : null
    }
  }
  return out
}

/** GitHub refuses assignees who are not collaborators. @param {Ctx} ctx @param {string[]} logins */
function checkAssignees(ctx, logins) {
  const bad = logins.filter(l => !ctx.repo.collaborators.some(c => sameLogin(c, l)))
  if (bad.length === 0) return
  throw validationFailed(
    ctx,
    bad.map(value => ({ value, resource: 'Issue', field: 'assignees', code: 'invalid' })),
    `assignees not collaborators of ${ctx.repo.fullName}: ${bad.join(', ')}`
  )
}

/**
 * Replaces or adds assignees (at most 10), recording assigned/unassigned events.
 * @param {Emulator} emu @param {Ctx} ctx @param {Issue} issue @param {string[]} logins @param {boolean} replace
 */
function applyAssignees(emu, ctx, issue, logins, replace) {
  const wanted = logins.map(l => ctx.repo.collaborators.find(c => sameLogin(c, l)) ?? l)
  const isWanted = (/** @type {string} */ x) => wanted.some(w => sameLogin(w, x))
  if (replace) {
    for (const a of issue.assignees.filter(x => !isWanted(x)))
      recordEvent(emu, ctx.repo, issue.number, {
        event: 'unassigned',
        actor: ctx.login,
        assignee: a
      })
    issue.assignees = issue.assignees.filter(isWanted)
  }
  for (const a of wanted) {
    if (issue.assignees.length >= 10) break
    if (!issue.assignees.some(x => sameLogin(x, a))) {
      issue.assignees.push(a)
      recordEvent(emu, ctx.repo, issue.number, { event: 'assigned', actor: ctx.login, assignee: a })
    }
  }
}

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'get /repos/{owner}/{repo}/issues'(ctx, emu) {
    const q = ctx.query
    const state = q.state ?? 'open'
    const wantLabels = q.labels
      ? String(q.labels)
          .split(',')
          .map(s => s.trim().toLowerCase())
          .filter(Boolean)
      : []
    const since = q.since ? Date.parse(q.since) : null
    const assigned = (/** @type {Issue} */ i) =>
      q.assignee === 'none'
        ? i.assignees.length === 0
        : q.assignee === '*'
          ? i.assignees.length > 0
          : i.assignees.some(a => sameLogin(a, String(q.assignee)))
    const items = [...ctx.repo.issues.values()].filter(
      i =>
        (state === 'all' || i.state === state) &&
        wantLabels.every(l => i.labels.includes(l)) &&
        (!q.creator || sameLogin(i.user, String(q.creator))) &&
        (!q.assignee || assigned(i)) &&
        (since === null || i.updatedAt >= since)
    )
    const sort = q.sort ?? 'created'
    const dir = (q.direction ?? 'desc') === 'asc' ? 1 : -1
    const key = (/** @type {Issue} */ i) =>
      sort === 'updated'
        ? i.updatedAt
        : sort === 'comments'
          ? commentCount(ctx.repo, i.number)
          : i.createdAt
    items.sort((a, b) => (key(a) - key(b) || a.number - b.number) * dir)
    return list(emu, ctx, items, i => renderIssue(emu, ctx.repo, i))
  },

  'post /repos/{owner}/{repo}/issues'(ctx, emu) {
    const b = ctx.body
    checkBody(ctx, b.body, 'Issue')
    const assignees = [...(b.assignees ?? []), ...(b.assignee ? [b.assignee] : [])]
    checkAssignees(ctx, assignees)
    const repo = ctx.repo
    const issue = openIssue(emu, repo, String(b.title), b.body ?? null, ctx.login)
    applyLabels(emu, ctx, issue, (b.labels ?? []).map(labelName), false)
    applyAssignees(emu, ctx, issue, assignees, false)
    snapshot(emu, repo, issue)
    const out = renderIssue(emu, repo, issue)
    return new Answer(201, out, { location: out.url })
  },

  'get /repos/{owner}/{repo}/issues/{issue_number}'(ctx, emu) {
    return new Answer(200, renderIssue(emu, ctx.repo, findIssue(ctx, ctx.path.issue_number)))
  },

  'patch /repos/{owner}/{repo}/issues/{issue_number}'(ctx, emu) {
    const issue = findIssue(ctx, ctx.path.issue_number)
    const b = ctx.body
    if ('body' in b) checkBody(ctx, b.body, 'Issue')
    const assignees =
      b.assignees !== undefined
        ? b.assignees.map((/** @type {any} */ a) => (typeof a === 'string' ? a : a.login))
        : null
    if (assignees) checkAssignees(ctx, assignees)
    else if (b.assignee) checkAssignees(ctx, [b.assignee])
    // all checks passed: mutate
    if (b.title !== undefined && b.title !== null) issue.title = String(b.title)
    if ('body' in b) issue.body = b.body
    if (b.labels !== undefined) applyLabels(emu, ctx, issue, b.labels.map(labelName), true)
    if (assignees) applyAssignees(emu, ctx, issue, assignees, true)
    else if ('assignee' in b) applyAssignees(emu, ctx, issue, b.assignee ? [b.assignee] : [], true)
    if (b.state && b.state !== issue.state) {
      issue.state = b.state
      if (b.state === 'closed') {
        issue.closedAt = emu.clock.now()
        issue.closedBy = ctx.login
        issue.stateReason =
          b.state_reason && b.state_reason !== 'reopened' ? b.state_reason : 'completed'
        recordEvent(emu, ctx.repo, issue.number, {
          event: 'closed',
          actor: ctx.login,
          stateReason: issue.stateReason
        })
      } else {
        issue.closedAt = null
        issue.stateReason = 'reopened'
        recordEvent(emu, ctx.repo, issue.number, {
          event: 'reopened',
          actor: ctx.login,
          stateReason: 'reopened'
        })
      }
    } else if (b.state === 'closed' && b.state_reason && issue.state === 'closed') {
      issue.stateReason = b.state_reason
    }
    issue.updatedAt = emu.clock.now()
    snapshot(emu, ctx.repo, issue)
    return new Answer(200, renderIssue(emu, ctx.repo, issue))
  },

  'post /repos/{owner}/{repo}/issues/{issue_number}/assignees'(ctx, emu) {
    const issue = findIssue(ctx, ctx.path.issue_number)
    const logins = ctx.body.assignees ?? []
    checkAssignees(ctx, logins)
    applyAssignees(emu, ctx, issue, logins, false)
    issue.updatedAt = emu.clock.now()
    snapshot(emu, ctx.repo, issue)
    return new Answer(201, renderIssue(emu, ctx.repo, issue))
  },

  'get /repos/{owner}/{repo}/assignees/{assignee}'(ctx) {
    const ok = ctx.repo.collaborators.some(c => sameLogin(c, String(ctx.path.assignee)))
    return ok ? new Answer(204, null) : notFound(ctx.docs)
  }
}
