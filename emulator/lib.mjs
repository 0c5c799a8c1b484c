// @ts-check
/**
 * What every resource file in routes/ shares: the thrown/returned `Answer`, GitHub's error
 * bodies, the one list helper (pagination), ids and timestamps, and the rendering of users and
 * repositories that many resources embed.
 */
import { createHash } from 'node:crypto'

/** @typedef {import('./index.mjs').Emulator} Emulator */
/** @typedef {import('./index.mjs').Ctx} Ctx */
/** @typedef {import('./index.mjs').Repo} Repo */

export const ACTIONS_BOT = /** @type {const} */ ({
  login: 'github-actions[bot]',
  id: 41898282,
  type: 'Bot'
})
export const MAX_BODY = 65536

/** An answer to a request; thrown, the handler stops and this is sent. */
export class Answer {
  /** @param {number} status @param {any} body @param {Record<string, string>} [headers] @param {string} [violation] */
  constructor(status, body, headers = {}, violation) {
    this.status = status
    this.body = body
    this.headers = headers
    this.violation = violation
  }
}

/** GitHub's 404 body. @param {string} [docs] @param {string} [message] */
export const notFound = (docs = 'https://docs.github.com/rest', message = 'Not Found') =>
  new Answer(404, { message, documentation_url: docs, status: '404' })

/** @param {string} [docs] */
export const forbidden = (docs = 'https://docs.github.com/rest') =>
  new Answer(403, {
    message: 'Resource not accessible by integration',
    documentation_url: docs,
    status: '403'
  })

/**
 * GitHub's 422 `Validation Failed` (a request of the right shape whose content it refuses).
 * @param {Ctx} ctx @param {any[]} errors @param {string} [violation] recorded as `rejected:` when given
 */
export const validationFailed = (ctx, errors, violation) =>
  new Answer(
    422,
    { message: 'Validation Failed', errors, documentation_url: ctx.docs, status: '422' },
    {},
    violation === undefined ? undefined : `rejected: ${ctx.where}: ${violation}`
  )

/** Bodies of issues and comments: GitHub refuses more than MAX_BODY characters. @param {Ctx} ctx @param {any} body @param {string} resource */
export function checkBody(ctx, body, resource) {
  if (typeof body === 'string' && body.length > MAX_BODY)
    throw validationFailed(
      ctx,
      [
        {
          resource,
          code: 'custom',
          field: 'body',
          message: `body is too long (maximum is ${MAX_BODY} characters)`
        }
      ],
      `body is ${body.length} characters (maximum ${MAX_BODY})`
    )
}

/**
 * The one list helper: pages `items` as GitHub does (`per_page` ≤ `max`, default 30; `page`)
 * with a `link` header, renders the page and answers 200. `envelope` wraps the rendered page
 * for the routes whose list sits inside an object (search, compare).
 * @template T
 * @param {Emulator} emu @param {Ctx} ctx @param {T[]} items @param {(item: T) => any} render
 * @param {{ max?: number, envelope?: (page: any[]) => any }} [options]
 */
export function list(emu, ctx, items, render, { max = 100, envelope = page => page } = {}) {
  const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30), 1), max)
  const page = Math.max(Number(ctx.query.page ?? 1), 1)
  const last = Math.max(1, Math.ceil(items.length / perPage))
  const slice = items.slice((page - 1) * perPage, page * perPage)
  /** @param {number} p */
  const href = p => {
    const u = new URL(`${emu.origin}${ctx.url.pathname}${ctx.url.search}`)
    u.searchParams.set('per_page', String(perPage))
    u.searchParams.set('page', String(p))
    return u.toString()
  }
  /** @type {string[]} */
  const links = []
  if (page < last) links.push(`<${href(page + 1)}>; rel="next"`, `<${href(last)}>; rel="last"`)
  if (page > 1)
    links.push(`<${href(1)}>; rel="first"`, `<${href(Math.min(page - 1, last))}>; rel="prev"`)
  return new Answer(
    200,
    envelope(slice.map(render)),
    links.length ? { link: links.join(', ') } : {}
  )
}

/** GitHub's timestamps: whole seconds, no milliseconds. @param {number} ms */
export const iso = ms => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
/** @param {string} kind @param {number | string} id */
export const nodeId = (kind, id) =>
  Buffer.from(`0:${kind}${id}`).toString('base64').replace(/=+$/, '')
/** @param {string} s */
export const sha1 = s => createHash('sha1').update(s).digest('hex')
/** @param {Record<string, any>} o @param {string[]} keys */
export const omit = (o, keys) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)))
/** @param {string} a @param {string} b */
export const sameLogin = (a, b) => a.toLowerCase() === b.toLowerCase()

/** The reaction rollup GitHub returns with issues and comments: nobody has reacted here. @param {string} url */
export const noReactions = url => ({
  url,
  total_count: 0,
  '+1': 0,
  '-1': 0,
  laugh: 0,
  hooray: 0,
  confused: 0,
  heart: 0,
  rocket: 0,
  eyes: 0
})

/** @param {Emulator} emu @param {Repo} repo */
export const repoApi = (emu, repo) => `${emu.url}/repos/${repo.owner}/${repo.name}`

/** @param {Repo} repo @param {string} login */
export function association(repo, login) {
  if (sameLogin(login, repo.owner)) return 'OWNER'
  if (repo.collaborators.some(c => sameLogin(c, login))) return 'COLLABORATOR'
  return 'NONE'
}

/** @param {Emulator} emu @param {string} login */
export function renderUser(emu, login) {
  const a = emu._account(login)
  const api = `${emu.url}/users/${encodeURIComponent(a.login)}`
  return {
    login: a.login,
    id: a.id,
    node_id: nodeId(a.type, a.id),
    avatar_url: `https://avatars.githubusercontent.com/${a.type === 'Bot' ? 'in/15368' : `u/${a.id}`}?v=4`,
    gravatar_id: '',
    url: api,
    html_url:
      a.type === 'Bot'
        ? `${emu.serverUrl}/apps/${encodeURIComponent(a.login.replace(/\[bot\]$/, ''))}`
        : `${emu.serverUrl}/${encodeURIComponent(a.login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: a.type,
    user_view_type: 'public',
    site_admin: false
  }
}

/** The repository object embedded in pull requests (head/base). @param {Emulator} emu @param {Repo} repo */
export function renderRepository(emu, repo) {
  const api = repoApi(emu, repo)
  const html = `${emu.serverUrl}/${repo.fullName}`
  const host = new URL(emu.serverUrl).host
  const open = [...repo.issues.values()].filter(i => i.state === 'open').length
  /** @type {Record<string, any>} */
  const out = {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: renderUser(emu, repo.owner),
    private: false,
    html_url: html,
    description: null,
    fork: false,
    url: api,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: open,
    open_issues: open,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    visibility: 'public',
    pushed_at: iso(emu.clock.now()),
    created_at: '2020-01-01T00:00:00Z',
    updated_at: iso(emu.clock.now()),
    license: null,
    mirror_url: null,
    clone_url: `${html}.git`,
    git_url: `git://${host}/${repo.fullName}.git`,
    ssh_url: `git@${host}:${repo.fullName}.git`,
    svn_url: html
  }
  const templated = {
    archive_url: '/{archive_format}{/ref}',
    assignees_url: '/assignees{/user}',
    blobs_url: '/git/blobs{/sha}',
    branches_url: '/branches{/branch}',
    collaborators_url: '/collaborators{/collaborator}',
    comments_url: '/comments{/number}',
    commits_url: '/commits{/sha}',
    compare_url: '/compare/{base}...{head}',
    contents_url: '/contents/{+path}',
    git_commits_url: '/git/commits{/sha}',
    git_refs_url: '/git/refs{/sha}',
    git_tags_url: '/git/tags{/sha}',
    issue_comment_url: '/issues/comments{/number}',
    issue_events_url: '/issues/events{/number}',
    issues_url: '/issues{/number}',
    keys_url: '/keys{/key_id}',
    labels_url: '/labels{/name}',
    milestones_url: '/milestones{/number}',
    notifications_url: '/notifications{?since,all,participating}',
    pulls_url: '/pulls{/number}',
    releases_url: '/releases{/id}',
    statuses_url: '/statuses/{sha}',
    trees_url: '/git/trees{/sha}'
  }
  for (const [k, v] of Object.entries(templated)) out[k] = `${api}${v}`
  for (const k of [
    'contributors',
    'deployments',
    'downloads',
    'events',
    'forks',
    'hooks',
    'languages',
    'merges',
    'stargazers',
    'subscribers',
    'subscription',
    'tags',
    'teams'
  ])
    out[`${k}_url`] = `${api}/${k}`
  return out
}
