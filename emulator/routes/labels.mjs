// @ts-check
/** Repository labels and the labels of an issue. Names compare case-insensitively, as on GitHub. */
import { Answer, list, nodeId, notFound, repoApi, validationFailed } from '../lib.mjs'
import { recordEvent } from './events.mjs'
import { findIssue, snapshot } from './issues.mjs'

/** @typedef {import('../index.mjs').Emulator} Emulator */
/** @typedef {import('../index.mjs').Ctx} Ctx */
/** @typedef {import('../index.mjs').Repo} Repo */
/** @typedef {import('../index.mjs').Issue} Issue */
/** @typedef {import('../index.mjs').Label} Label */

/** @param {Emulator} emu @param {Repo} repo @param {string} name @param {string} color @param {string | null} description */
export function createLabel(emu, repo, name, color, description) {
  /** @type {Label} */
  const label = {
    id: emu._nextId++,
    name,
    color: color.replace(/^#/, ''),
    description,
    default: false
  }
  repo.labels.set(name.toLowerCase(), label)
  return label
}

/** Label by name, created as GitHub does (ededed, no description) when missing. @param {Emulator} emu @param {Repo} repo @param {string} name */
export const ensureLabel = (emu, repo, name) =>
  repo.labels.get(name.toLowerCase()) ?? createLabel(emu, repo, name, 'ededed', null)

/** A label in a request body: a name or `{ name }`. @param {any} item */
export const labelName = item => (typeof item === 'string' ? item : String(item?.name ?? ''))

/** @param {Emulator} emu @param {Repo} repo @param {Label} l */
export function renderLabel(emu, repo, l) {
  return {
    id: l.id,
    node_id: nodeId('Label', l.id),
    url: `${repoApi(emu, repo)}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    default: l.default,
    description: l.description
  }
}

/** @param {Emulator} emu @param {Repo} repo @param {Issue} issue */
const issueLabels = (emu, repo, issue) =>
  issue.labels
    .map(k => repo.labels.get(k))
    .filter(l => l !== undefined)
    .map(l => renderLabel(emu, repo, l))

/** @param {Ctx} ctx @param {any} color */
function checkColor(ctx, color) {
  if (color !== undefined && !/^#?[0-9a-f]{6}$/i.test(color))
    throw validationFailed(
      ctx,
      [{ resource: 'Label', code: 'invalid', field: 'color' }],
      `color ${JSON.stringify(color)} is not 6 hex digits`
    )
}

/**
 * Replaces or adds labels on an issue, recording labeled/unlabeled events.
 * @param {Emulator} emu @param {Ctx} ctx @param {Issue} issue @param {string[]} names @param {boolean} replace
 */
export function applyLabels(emu, ctx, issue, names, replace) {
  const wanted = names.filter(n => n.trim() !== '').map(n => ensureLabel(emu, ctx.repo, n.trim()))
  const wantedKeys = wanted.map(l => l.name.toLowerCase())
  if (replace) {
    for (const key of issue.labels.filter(k => !wantedKeys.includes(k))) {
      const l = ctx.repo.labels.get(key)
      if (l)
        recordEvent(emu, ctx.repo, issue.number, {
          event: 'unlabeled',
          actor: ctx.login,
          label: { name: l.name, color: l.color }
        })
    }
    issue.labels = issue.labels.filter(k => wantedKeys.includes(k))
  }
  for (const l of wanted) {
    const key = l.name.toLowerCase()
    if (!issue.labels.includes(key)) {
      issue.labels.push(key)
      recordEvent(emu, ctx.repo, issue.number, {
        event: 'labeled',
        actor: ctx.login,
        label: { name: l.name, color: l.color }
      })
    }
  }
}

/** POST adds, PUT replaces. @param {Emulator} emu @param {Ctx} ctx @param {boolean} replace */
function writeIssueLabels(emu, ctx, replace) {
  const issue = findIssue(ctx, ctx.path.issue_number)
  const b = ctx.body
  /** @type {any[]} */
  const names = Array.isArray(b) ? b : typeof b === 'string' ? [b] : (b.labels ?? [])
  if (!replace && names.length === 0)
    throw new Answer(
      422,
      {
        message: 'Invalid request.\n\nNo labels given.',
        documentation_url: ctx.docs,
        status: '422'
      },
      {},
      `request: ${ctx.where}: no labels`
    )
  applyLabels(emu, ctx, issue, names.map(labelName), replace)
  issue.updatedAt = emu.clock.now()
  snapshot(emu, ctx.repo, issue)
  return new Answer(200, issueLabels(emu, ctx.repo, issue))
}

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'get /repos/{owner}/{repo}/labels'(ctx, emu) {
    return list(emu, ctx, [...ctx.repo.labels.values()], l => renderLabel(emu, ctx.repo, l))
  },

  'post /repos/{owner}/{repo}/labels'(ctx, emu) {
    const b = ctx.body
    if (ctx.repo.labels.has(String(b.name).toLowerCase()))
      return validationFailed(ctx, [{ resource: 'Label', code: 'already_exists', field: 'name' }])
    checkColor(ctx, b.color)
    const label = createLabel(emu, ctx.repo, b.name, b.color ?? 'ededed', b.description ?? null)
    const out = renderLabel(emu, ctx.repo, label)
    return new Answer(201, out, { location: out.url })
  },

  'get /repos/{owner}/{repo}/labels/{name}'(ctx, emu) {
    const l = ctx.repo.labels.get(String(ctx.path.name).toLowerCase())
    return l ? new Answer(200, renderLabel(emu, ctx.repo, l)) : notFound(ctx.docs)
  },

  'patch /repos/{owner}/{repo}/labels/{name}'(ctx, emu) {
    const key = String(ctx.path.name).toLowerCase()
    const l = ctx.repo.labels.get(key)
    if (!l) return notFound(ctx.docs)
    const b = ctx.body
    checkColor(ctx, b.color)
    if (b.color !== undefined) l.color = String(b.color).replace(/^#/, '')
    if (b.description !== undefined) l.description = b.description
    if (b.new_name !== undefined && b.new_name.toLowerCase() !== key) {
      ctx.repo.labels.delete(key)
      l.name = b.new_name
      ctx.repo.labels.set(l.name.toLowerCase(), l)
      for (const i of ctx.repo.issues.values())
        i.labels = i.labels.map(k => (k === key ? l.name.toLowerCase() : k))
    } else if (b.new_name !== undefined) l.name = b.new_name
    return new Answer(200, renderLabel(emu, ctx.repo, l))
  },

  'get /repos/{owner}/{repo}/issues/{issue_number}/labels'(ctx, emu) {
    const issue = findIssue(ctx, ctx.path.issue_number)
    const labels = issue.labels.map(k => ctx.repo.labels.get(k)).filter(l => l !== undefined)
    return list(emu, ctx, labels, l => renderLabel(emu, ctx.repo, l))
  },

  'post /repos/{owner}/{repo}/issues/{issue_number}/labels'(ctx, emu) {
    return writeIssueLabels(emu, ctx, false)
  },

  'put /repos/{owner}/{repo}/issues/{issue_number}/labels'(ctx, emu) {
    return writeIssueLabels(emu, ctx, true)
  },

  'delete /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}'(ctx, emu) {
    const issue = findIssue(ctx, ctx.path.issue_number)
    const key = String(ctx.path.name).toLowerCase()
    if (!issue.labels.includes(key)) return notFound(ctx.docs, 'Label does not exist')
    const l = ctx.repo.labels.get(key)
    issue.labels = issue.labels.filter(k => k !== key)
    if (l)
      recordEvent(emu, ctx.repo, issue.number, {
        event: 'unlabeled',
        actor: ctx.login,
        label: { name: l.name, color: l.color }
      })
    issue.updatedAt = emu.clock.now()
    snapshot(emu, ctx.repo, issue)
    return new Answer(200, issueLabels(emu, ctx.repo, issue))
  }
}
