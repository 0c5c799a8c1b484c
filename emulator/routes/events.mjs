// @ts-check
/** The events of an issue (labeled, unlabeled, assigned, unassigned, closed, reopened), with their actor. */
import { iso, list, nodeId, repoApi, renderUser } from '../lib.mjs'
import { findIssue } from './issues.mjs'

/** @typedef {import('../index.mjs').Emulator} Emulator */
/** @typedef {import('../index.mjs').Repo} Repo */
/** @typedef {import('../index.mjs').IssueEvent} IssueEvent */

/** @param {Emulator} emu @param {Repo} repo @param {number} number @param {Omit<IssueEvent, 'id' | 'at'>} event */
export function recordEvent(emu, repo, number, event) {
  const events = repo.events.get(number) ?? []
  events.push({ ...event, id: emu._nextId++, at: emu.clock.now() })
  repo.events.set(number, events)
}

/** @param {Emulator} emu @param {Repo} repo @param {IssueEvent} e */
export function renderEvent(emu, repo, e) {
  /** @type {any} */
  const out = {
    id: e.id,
    node_id: nodeId('Event', e.id),
    url: `${repoApi(emu, repo)}/issues/events/${e.id}`,
    actor: renderUser(emu, e.actor),
    event: e.event,
    commit_id: null,
    commit_url: null,
    created_at: iso(e.at),
    performed_via_github_app: null
  }
  if (e.label) out.label = { ...e.label }
  if (e.assignee !== undefined) {
    out.assignee = renderUser(emu, e.assignee)
    out.assigner = renderUser(emu, e.actor)
  }
  if (e.event === 'closed' || e.event === 'reopened') out.state_reason = e.stateReason ?? null
  return out
}

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'get /repos/{owner}/{repo}/issues/{issue_number}/events'(ctx, emu) {
    const issue = findIssue(ctx, ctx.path.issue_number)
    const events = ctx.repo.events.get(issue.number) ?? []
    return list(emu, ctx, events, e => renderEvent(emu, ctx.repo, e))
  }
}
