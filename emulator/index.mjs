// @ts-check
/**
 * A stateful GitHub REST API emulator for the action's tests and demo. See README.md here.
 *
 * Every request is matched to its OpenAPI operation and validated (path, query, JSON body);
 * every response is validated against the operation's schema for its status. Anything real
 * GitHub would reject, and any response that does not fit GitHub's schema, is recorded in
 * `emulator.violations`.
 *
 * State changes happen synchronously inside one request handler (no `await` in between), so
 * concurrent clients see atomic updates, as on GitHub.
 */
import { createServer } from 'node:http'
import { createHash } from 'node:crypto'
import { compileOperations, describeErrors, findSpecOperation, loadDocument } from './openapi.mjs'

/**
 * @typedef {'write' | 'read'} Permission
 * @typedef {{ login: string, id: number, type: 'Bot' | 'User' | 'Organization' }} Account
 * @typedef {{ id: number, name: string, color: string, description: string | null, default: boolean }} Label
 * @typedef {{ event: string, actor: string, at: number, label?: { name: string, color: string }, assignee?: string, stateReason?: string | null, id: number }} IssueEvent
 * @typedef {{ id: number, issueNumber: number, body: string, user: string, createdAt: number, updatedAt: number }} Comment
 * @typedef {{ filename: string, status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged', previous_filename?: string, additions?: number, deletions?: number, patch?: string }} FileChange
 * @typedef {{ headSha: string, baseSha: string, headRef: string, baseRef: string, headRepo: string | null, files: FileChange[], draft: boolean, merged: boolean }} PullExtra
 * @typedef {object} Issue
 * @property {number} id
 * @property {number} number
 * @property {string} title
 * @property {string | null} body
 * @property {'open' | 'closed'} state
 * @property {string | null} stateReason
 * @property {string} user               login of the author
 * @property {string[]} labels           lower-case label names (resolved against the repository's labels)
 * @property {string[]} assignees        logins
 * @property {number} createdAt
 * @property {number} updatedAt
 * @property {number | null} closedAt
 * @property {string | null} closedBy
 * @property {PullExtra | null} pull
 * @property {Array<{ at: number, snapshot: object }>} history  rendered versions, for lagging search
 * @typedef {object} Repo
 * @property {number} id
 * @property {string} owner
 * @property {string} name
 * @property {string} fullName
 * @property {string[]} collaborators      logins
 * @property {Map<string, Label>} labels   by lower-case name
 * @property {Map<number, Issue>} issues
 * @property {number} nextNumber
 * @property {Map<number, Comment>} comments
 * @property {Map<number, IssueEvent[]>} events
 * @property {Map<number, any>} checkRuns
 * @property {Map<string, { sha: string, message: string, parents: string[], author: string, at: number }>} commits
 * @property {Map<string, { files: FileChange[], commits: string[], status: string }>} comparisons
 * @typedef {object} FaultSpec
 * @property {string} [method]
 * @property {RegExp | string} [path]   tested against the request path (no query string, no pathPrefix); a string must equal it
 * @property {number} [times]           how many matching requests it hits (default 1)
 * @property {'secondary-403' | 'secondary-429' | 'primary-exhausted' | '500' | '502' | '503' | 'write-then-502' | 'read-only' | 'slow'} kind
 * @property {number} [retryAfter]      seconds (integer, as GitHub sends it) for secondary limits
 * @property {number} [resetSeconds]    primary-exhausted: x-ratelimit-reset this many seconds ahead (default 2)
 * @property {number} [delayMs]         slow: emulator milliseconds to wait (default 2000), scaled by timeScale
 * @typedef {{ method: string, path: string, query: string, route: string | null, status: number, fault?: string, login?: string }} RequestRecord
 * @typedef {object} EmulatorOptions
 * @property {string} [serverUrl]        GITHUB_SERVER_URL for html_url links (default https://github.com)
 * @property {number} [timeScale]        real ms per emulator ms for every wait (default 1; e.g. 0.01)
 * @property {number} [searchLagMs]      emulator ms the search index lags writes (default 60000)
 * @property {string} [token]            token of the default identity (default 'ghs_emulator_default')
 * @property {number} [port]             default 0 (random)
 * @property {string} [pathPrefix]       e.g. '/api/v3' to look like GitHub Enterprise Server (url gets it too)
 */

export const ACTIONS_BOT = /** @type {const} */ ({
  login: 'github-actions[bot]',
  id: 41898282,
  type: 'Bot'
})
export const MAX_BODY = 65536

/** The operations the emulator implements: [method, OpenAPI path template]. */
const IMPLEMENTED = /** @type {const} */ ([
  ['get', '/repos/{owner}/{repo}/issues'],
  ['post', '/repos/{owner}/{repo}/issues'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}'],
  ['patch', '/repos/{owner}/{repo}/issues/{issue_number}'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['get', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['patch', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['get', '/repos/{owner}/{repo}/labels'],
  ['post', '/repos/{owner}/{repo}/labels'],
  ['get', '/repos/{owner}/{repo}/labels/{name}'],
  ['patch', '/repos/{owner}/{repo}/labels/{name}'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/labels'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/labels'],
  ['put', '/repos/{owner}/{repo}/issues/{issue_number}/labels'],
  ['delete', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/assignees'],
  ['get', '/repos/{owner}/{repo}/assignees/{assignee}'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/events'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/files'],
  ['get', '/repos/{owner}/{repo}/git/commits/{commit_sha}'],
  ['get', '/repos/{owner}/{repo}/compare/{basehead}'],
  ['post', '/repos/{owner}/{repo}/check-runs'],
  ['patch', '/repos/{owner}/{repo}/check-runs/{check_run_id}'],
  ['get', '/search/issues'],
  ['get', '/rate_limit']
])

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])
const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID EMULATOR.'

/** @param {number} ms */
const iso = ms => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
/** @param {string} kind @param {number | string} id */
/** The reaction rollup GitHub returns with issues and comments: nobody has reacted here. */
const noReactions = url => ({
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

const nodeId = (kind, id) => Buffer.from(`0:${kind}${id}`).toString('base64').replace(/=+$/, '')
/** @param {string} s */
const sha1 = s => createHash('sha1').update(s).digest('hex')
/** @param {number} ms */
const sleep = ms => new Promise(r => setTimeout(r, ms))

/** A thrown answer: the handler stops and this is sent. */
class Answer {
  /** @param {number} status @param {any} body @param {Record<string, string>} [headers] @param {string} [violation] */
  constructor(status, body, headers = {}, violation) {
    this.status = status
    this.body = body
    this.headers = headers
    this.violation = violation
  }
}

/**
 * Starts an emulator on 127.0.0.1 (random port). Loading and compiling the OpenAPI validators
 * happens once per process (~0.5 s the first time; see `emulator.startupMs`).
 * @param {EmulatorOptions} [options]
 */
export async function startEmulator(options = {}) {
  const t0 = performance.now()
  const { ops } = compileOperations(IMPLEMENTED.map(([method, template]) => ({ method, template })))
  const emulator = new Emulator(ops, options)
  await emulator._listen(options.port ?? 0)
  emulator.startupMs = performance.now() - t0
  return emulator
}

export class Emulator {
  /**
   * @param {import('./openapi.mjs').Operation[]} ops
   * @param {EmulatorOptions} options
   */
  constructor(ops, options) {
    this.ops = ops
    this.serverUrl = (options.serverUrl ?? 'https://github.com').replace(/\/+$/, '')
    this.timeScale = options.timeScale ?? 1
    this.searchLagMs = options.searchLagMs ?? 60000
    /** base URL for octokit / GITHUB_API_URL (origin + pathPrefix); set by listen */
    this.url = ''
    /** http://127.0.0.1:port */
    this.origin = ''
    this.pathPrefix = (options.pathPrefix ?? '').replace(/\/+$/, '')
    this.startupMs = 0
    /** @type {string[]} */
    this.violations = []
    /** @type {RequestRecord[]} */
    this.requests = []
    /** @type {Map<string, Repo>} */
    this.repos = new Map()
    /** @type {Map<string, Account>} */
    this.accounts = new Map()
    /** @type {Map<string, { login: string, permission: Permission }>} */
    this.tokens = new Map()
    /** @type {Array<FaultSpec & { remaining: number }>} */
    this.faults = []
    this._nextId = 1000
    this._nextUserId = 5000000
    this._offsetMs = 0
    this._core = { limit: 5000, used: 0 }
    this.token = options.token ?? 'ghs_emulator_default'
    this._account(ACTIONS_BOT.login, 'Bot', ACTIONS_BOT.id)
    this.addToken(this.token, { login: ACTIONS_BOT.login, type: 'Bot', permission: 'write' })
    /**
     * The emulator's clock: real time plus whatever `advance` added. Timestamps it hands out
     * (created_at, …) and the search lag use it.
     */
    this.clock = {
      now: () => Date.now() + this._offsetMs,
      /** @param {number} ms emulator milliseconds */
      advance: ms => {
        this._offsetMs += ms
      },
      /** emulator seconds → real milliseconds the emulator (or a client) actually waits */
      /** @param {number} seconds */
      realMs: seconds => seconds * 1000 * this.timeScale
    }
    this.server = createServer((req, res) => {
      this._handle(req, res).catch(error => {
        this.violations.push(
          `emulator crashed on ${req.method} ${req.url}: ${error?.stack ?? error}`
        )
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ message: 'Emulator error' }))
        }
      })
    })
    this.server.keepAliveTimeout = 1000
  }

  /** @param {number} port */
  _listen(port) {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => {
        const address = this.server.address()
        if (!address || typeof address === 'string') return reject(new Error('no address'))
        this.origin = `http://127.0.0.1:${address.port}`
        this.url = `${this.origin}${this.pathPrefix}`
        resolve(undefined)
      })
    })
  }

  /** Stops the server and drops idle keep-alive connections. */
  close() {
    return new Promise(resolve => {
      this.server.close(() => resolve(undefined))
      this.server.closeAllConnections()
    })
  }

  // ---------------------------------------------------------------- setup

  /**
   * @param {string} login
   * @param {'Bot' | 'User' | 'Organization'} [type]
   * @param {number} [id]
   */
  _account(login, type = 'User', id) {
    const key = login.toLowerCase()
    let account = this.accounts.get(key)
    if (!account) {
      account = { login, id: id ?? this._nextUserId++, type }
      this.accounts.set(key, account)
    }
    return account
  }

  /**
   * Registers a token. Requests carry `authorization: token X` or `Bearer X`.
   * @param {string} token
   * @param {{ login: string, type?: 'Bot' | 'User', permission?: Permission, id?: number }} identity
   */
  addToken(token, identity) {
    const account = this._account(identity.login, identity.type ?? 'User', identity.id)
    this.tokens.set(token, { login: account.login, permission: identity.permission ?? 'write' })
  }

  /**
   * @param {string} fullName owner/repo
   * @param {{ collaborators?: string[], labels?: Array<{ name: string, color?: string, description?: string | null }> }} [init]
   */
  addRepo(fullName, init = {}) {
    const [owner, name] = fullName.split('/')
    if (!owner || !name) throw new Error(`addRepo: expected owner/repo, got ${fullName}`)
    this._account(owner, 'Organization')
    /** @type {Repo} */
    const repo = {
      id: this._nextId++,
      owner,
      name,
      fullName,
      collaborators: [],
      labels: new Map(),
      issues: new Map(),
      nextNumber: 1,
      comments: new Map(),
      events: new Map(),
      checkRuns: new Map(),
      commits: new Map(),
      comparisons: new Map()
    }
    for (const login of init.collaborators ?? []) {
      this._account(login, 'User')
      repo.collaborators.push(login)
    }
    for (const l of init.labels ?? [])
      this._createLabel(repo, l.name, l.color ?? 'ededed', l.description ?? null)
    this.repos.set(fullName.toLowerCase(), repo)
    return this
  }

  /**
   * Adds a pull request; it takes the next issue number unless `number` is given (and later issues
   * continue after it), as pull requests and issues share numbers on GitHub.
   * @param {string} fullName
   * @param {{ number?: number, title?: string, body?: string | null, labels?: string[], user?: string, state?: 'open' | 'closed', merged?: boolean, draft?: boolean, files?: FileChange[], headSha?: string, baseSha?: string, headRef?: string, baseRef?: string, headRepo?: string }} pr
   */
  addPullRequest(fullName, pr) {
    const repo = this._repo(fullName)
    const number = pr.number ?? repo.nextNumber
    if (repo.issues.has(number)) throw new Error(`addPullRequest: #${number} exists in ${fullName}`)
    repo.nextNumber = Math.max(repo.nextNumber, number + 1)
    const now = this.clock.now()
    const author = pr.user ?? repo.collaborators[0] ?? 'octocat'
    this._account(author)
    /** @type {Issue} */
    const issue = {
      id: this._nextId++,
      number,
      title: pr.title ?? `Pull request ${number}`,
      body: pr.body ?? null,
      state: pr.state ?? 'open',
      stateReason: null,
      user: author,
      labels: [],
      assignees: [],
      createdAt: now,
      updatedAt: now,
      closedAt: pr.state === 'closed' ? now : null,
      closedBy: null,
      history: [],
      pull: {
        headSha: pr.headSha ?? sha1(`head-${fullName}-${number}`),
        baseSha: pr.baseSha ?? sha1(`base-${fullName}-${number}`),
        headRef: pr.headRef ?? `feature-${number}`,
        baseRef: pr.baseRef ?? 'main',
        headRepo: pr.headRepo ?? null,
        files: pr.files ?? [],
        draft: pr.draft ?? false,
        merged: pr.merged ?? false
      }
    }
    for (const l of pr.labels ?? [])
      issue.labels.push(this._ensureLabel(repo, l).name.toLowerCase())
    repo.issues.set(number, issue)
    repo.events.set(number, [])
    this._snapshot(repo, issue)
    return number
  }

  /**
   * @param {string} fullName
   * @param {{ sha: string, message: string, parents?: string[], author?: string }} commit
   */
  addCommit(fullName, commit) {
    const repo = this._repo(fullName)
    repo.commits.set(commit.sha, {
      sha: commit.sha,
      message: commit.message,
      parents: commit.parents ?? [],
      author: commit.author ?? 'Octo Cat',
      at: this.clock.now()
    })
  }

  /**
   * What `GET /compare/{base}...{head}` answers. Without one, a pull request whose base/head sha or
   * ref match answers with its files.
   * @param {string} fullName
   * @param {{ base: string, head: string, files: FileChange[], commits?: string[], status?: 'ahead' | 'behind' | 'diverged' | 'identical' }} c
   */
  addComparison(fullName, c) {
    this._repo(fullName).comparisons.set(`${c.base}...${c.head}`, {
      files: c.files,
      commits: c.commits ?? [],
      status: c.status ?? 'ahead'
    })
  }

  /**
   * Injects a fault into the next `times` requests matching method and path.
   * @param {FaultSpec} spec
   */
  fault(spec) {
    this.faults.push({ ...spec, remaining: spec.times ?? 1 })
  }

  clearFaults() {
    this.faults = []
  }

  resetRequests() {
    this.requests = []
  }

  // ------------------------------------------------------- assertions (plain objects)

  /** @param {string} fullName @returns {any[]} every issue and pull request, rendered as the API would, by number */
  issues(fullName) {
    const repo = this._repo(fullName)
    return [...repo.issues.values()]
      .sort((a, b) => a.number - b.number)
      .map(i => this._renderIssue(repo, i))
  }

  /** @param {string} fullName @param {number} number */
  comments(fullName, number) {
    const repo = this._repo(fullName)
    return [...repo.comments.values()]
      .filter(c => c.issueNumber === number)
      .map(c => this._renderComment(repo, c))
  }

  /** @param {string} fullName */
  labels(fullName) {
    const repo = this._repo(fullName)
    return [...repo.labels.values()].map(l => this._renderLabel(repo, l))
  }

  /** @param {string} fullName @param {number} number */
  events(fullName, number) {
    const repo = this._repo(fullName)
    return (repo.events.get(number) ?? []).map(e => this._renderEvent(repo, number, e))
  }

  /** @param {string} fullName */
  checkRuns(fullName) {
    return [...this._repo(fullName).checkRuns.values()].map(c => JSON.parse(JSON.stringify(c)))
  }

  // ---------------------------------------------------------------- internals: state

  /** @param {string} fullName */
  _repo(fullName) {
    const repo = this.repos.get(fullName.toLowerCase())
    if (!repo) throw new Error(`unknown repository ${fullName} (call addRepo first)`)
    return repo
  }

  /** @param {Repo} repo @param {string} name @param {string} color @param {string | null} description */
  _createLabel(repo, name, color, description) {
    /** @type {Label} */
    const label = {
      id: this._nextId++,
      name,
      color: color.replace(/^#/, ''),
      description,
      default: false
    }
    repo.labels.set(name.toLowerCase(), label)
    return label
  }

  /** Label by name, created as GitHub does (ededed, no description) when missing. @param {Repo} repo @param {string} name */
  _ensureLabel(repo, name) {
    return repo.labels.get(name.toLowerCase()) ?? this._createLabel(repo, name, 'ededed', null)
  }

  /** @param {Repo} repo @param {Issue} issue */
  _snapshot(repo, issue) {
    issue.history.push({ at: this.clock.now(), snapshot: this._renderIssue(repo, issue) })
    if (issue.history.length > 50) issue.history.splice(0, issue.history.length - 50)
  }

  /** @param {Repo} repo @param {number} number @param {Omit<IssueEvent, 'id' | 'at'>} event */
  _event(repo, number, event) {
    const list = repo.events.get(number) ?? []
    list.push({ ...event, id: this._nextId++, at: this.clock.now() })
    repo.events.set(number, list)
  }

  // ---------------------------------------------------------------- internals: rendering

  /** @param {string} login */
  _user(login) {
    const a = this._account(login)
    const api = `${this.url}/users/${encodeURIComponent(a.login)}`
    return {
      login: a.login,
      id: a.id,
      node_id: nodeId(
        a.type === 'Bot' ? 'Bot' : a.type === 'Organization' ? 'Organization' : 'User',
        a.id
      ),
      avatar_url: `https://avatars.githubusercontent.com/${a.type === 'Bot' ? 'in/15368' : `u/${a.id}`}?v=4`,
      gravatar_id: '',
      url: api,
      html_url:
        a.type === 'Bot'
          ? `${this.serverUrl}/apps/${encodeURIComponent(a.login.replace(/\[bot\]$/, ''))}`
          : `${this.serverUrl}/${encodeURIComponent(a.login)}`,
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

  /** @param {Repo} repo */
  _repoApi(repo) {
    return `${this.url}/repos/${repo.owner}/${repo.name}`
  }

  /** @param {Repo} repo @param {string} login */
  _association(repo, login) {
    if (login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER'
    if (repo.collaborators.some(c => c.toLowerCase() === login.toLowerCase())) return 'COLLABORATOR'
    return 'NONE'
  }

  /** @param {Repo} repo @param {Label} l */
  _renderLabel(repo, l) {
    return {
      id: l.id,
      node_id: nodeId('Label', l.id),
      url: `${this._repoApi(repo)}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      color: l.color,
      default: l.default,
      description: l.description
    }
  }

  /** @param {Repo} repo @param {Issue} i @returns {any} */
  _renderIssue(repo, i) {
    const api = `${this._repoApi(repo)}/issues/${i.number}`
    const html = `${this.serverUrl}/${repo.owner}/${repo.name}/${i.pull ? 'pull' : 'issues'}/${i.number}`
    const labels = i.labels.map(n => repo.labels.get(n)).filter(l => l !== undefined)
    const comments = [...repo.comments.values()].filter(c => c.issueNumber === i.number).length
    /** @type {any} */
    const out = {
      url: api,
      repository_url: this._repoApi(repo),
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: html,
      id: i.id,
      node_id: nodeId(i.pull ? 'PullRequest' : 'Issue', i.id),
      number: i.number,
      title: i.title,
      user: this._user(i.user),
      labels: labels.map(l => this._renderLabel(repo, l)),
      state: i.state,
      locked: false,
      assignee: i.assignees[0] ? this._user(i.assignees[0]) : null,
      assignees: i.assignees.map(a => this._user(a)),
      milestone: null,
      comments,
      created_at: iso(i.createdAt),
      updated_at: iso(i.updatedAt),
      closed_at: i.closedAt === null ? null : iso(i.closedAt),
      author_association: this._association(repo, i.user),
      active_lock_reason: null,
      body: i.body,
      closed_by: i.closedBy ? this._user(i.closedBy) : null,
      reactions: noReactions(`${api}/reactions`),
      timeline_url: `${api}/timeline`,
      performed_via_github_app: null,
      state_reason: i.stateReason
    }
    if (i.pull) {
      out.draft = i.pull.draft
      out.pull_request = {
        url: `${this._repoApi(repo)}/pulls/${i.number}`,
        html_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        merged_at: i.pull.merged ? iso(i.closedAt ?? i.updatedAt) : null
      }
    }
    return out
  }

  /** @param {Repo} repo @param {Comment} c */
  _renderComment(repo, c) {
    const issue = repo.issues.get(c.issueNumber)
    const html = `${this.serverUrl}/${repo.owner}/${repo.name}/${issue?.pull ? 'pull' : 'issues'}/${c.issueNumber}#issuecomment-${c.id}`
    return {
      url: `${this._repoApi(repo)}/issues/comments/${c.id}`,
      html_url: html,
      issue_url: `${this._repoApi(repo)}/issues/${c.issueNumber}`,
      id: c.id,
      node_id: nodeId('IssueComment', c.id),
      user: this._user(c.user),
      created_at: iso(c.createdAt),
      updated_at: iso(c.updatedAt),
      author_association: this._association(repo, c.user),
      body: c.body,
      reactions: noReactions(`${this._repoApi(repo)}/issues/comments/${c.id}/reactions`),
      performed_via_github_app: null
    }
  }

  /** @param {Repo} repo @param {number} number @param {IssueEvent} e */
  _renderEvent(repo, number, e) {
    /** @type {any} */
    const out = {
      id: e.id,
      node_id: nodeId('Event', e.id),
      url: `${this._repoApi(repo)}/issues/events/${e.id}`,
      actor: this._user(e.actor),
      event: e.event,
      commit_id: null,
      commit_url: null,
      created_at: iso(e.at),
      performed_via_github_app: null
    }
    if (e.label) out.label = { ...e.label }
    if (e.assignee !== undefined) {
      out.assignee = this._user(e.assignee)
      out.assigner = this._user(e.actor)
    }
    if (e.event === 'closed' || e.event === 'reopened') out.state_reason = e.stateReason ?? null
    void number
    return out
  }

  /** @param {Repo} repo */
  _renderRepository(repo) {
    const api = this._repoApi(repo)
    const html = `${this.serverUrl}/${repo.fullName}`
    const host = new URL(this.serverUrl).host
    /** @type {Record<string, any>} */
    const out = {
      id: repo.id,
      node_id: nodeId('Repository', repo.id),
      name: repo.name,
      full_name: repo.fullName,
      owner: this._user(repo.owner),
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
      default_branch: 'main',
      open_issues_count: [...repo.issues.values()].filter(i => i.state === 'open').length,
      open_issues: [...repo.issues.values()].filter(i => i.state === 'open').length,
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
      pushed_at: iso(this.clock.now()),
      created_at: '2020-01-01T00:00:00Z',
      updated_at: iso(this.clock.now()),
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

  /** @param {Repo} repo @param {Issue} i */
  _renderPull(repo, i) {
    const pull = /** @type {PullExtra} */ (i.pull)
    const issue = this._renderIssue(repo, i)
    const api = `${this._repoApi(repo)}/pulls/${i.number}`
    const headRepo = pull.headRepo ? this.repos.get(pull.headRepo.toLowerCase()) : repo
    const side = (
      /** @type {string} */ ref,
      /** @type {string} */ sha,
      /** @type {Repo | undefined} */ r
    ) => ({
      label: `${(r ?? repo).owner}:${ref}`,
      ref,
      sha,
      user: this._user((r ?? repo).owner),
      repo: this._renderRepository(r ?? repo)
    })
    const files = pull.files
    const link = (/** @type {string} */ href) => ({ href })
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
      review_comment_url: `${this._repoApi(repo)}/pulls/comments{/number}`,
      comments_url: issue.comments_url,
      statuses_url: `${this._repoApi(repo)}/statuses/${pull.headSha}`,
      number: i.number,
      state: i.state,
      locked: false,
      title: i.title,
      user: this._user(i.user),
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
        review_comment: link(`${this._repoApi(repo)}/pulls/comments{/number}`),
        commits: link(`${api}/commits`),
        statuses: link(`${this._repoApi(repo)}/statuses/${pull.headSha}`)
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

  /** @param {Repo} repo @param {string} ref @param {FileChange} f */
  _renderFile(repo, ref, f) {
    const path = f.filename.split('/').map(encodeURIComponent).join('/')
    /** @type {Record<string, any>} */
    const out = {
      sha: sha1(`${ref}:${f.filename}`),
      filename: f.filename,
      status: f.status,
      additions: f.additions ?? (f.status === 'removed' ? 0 : 1),
      deletions: f.deletions ?? (f.status === 'added' ? 0 : f.status === 'removed' ? 1 : 0),
      changes: 0,
      blob_url: `${this.serverUrl}/${repo.fullName}/blob/${ref}/${path}`,
      raw_url: `${this.serverUrl}/${repo.fullName}/raw/${ref}/${path}`,
      contents_url: `${this._repoApi(repo)}/contents/${path}?ref=${ref}`
    }
    out.changes = out.additions + out.deletions
    if (f.patch !== undefined) out.patch = f.patch
    if (f.previous_filename !== undefined) out.previous_filename = f.previous_filename
    return out
  }

  /** @param {Repo} repo @param {string} sha */
  _renderCommit(repo, sha) {
    const c = repo.commits.get(sha) ?? {
      sha,
      message: `commit ${sha.slice(0, 7)}`,
      parents: [],
      author: 'Octo Cat',
      at: this.clock.now()
    }
    const person = {
      name: c.author,
      email: `${c.author.toLowerCase().replace(/\W+/g, '.')}@example.com`,
      date: iso(c.at)
    }
    return {
      url: `${this._repoApi(repo)}/commits/${sha}`,
      sha,
      node_id: nodeId('Commit', sha),
      html_url: `${this.serverUrl}/${repo.fullName}/commit/${sha}`,
      comments_url: `${this._repoApi(repo)}/commits/${sha}/comments`,
      commit: {
        url: `${this._repoApi(repo)}/git/commits/${sha}`,
        author: person,
        committer: person,
        message: c.message,
        comment_count: 0,
        tree: {
          sha: sha1(`tree-${sha}`),
          url: `${this._repoApi(repo)}/git/trees/${sha1(`tree-${sha}`)}`
        },
        verification: {
          verified: false,
          reason: 'unsigned',
          signature: null,
          payload: null,
          verified_at: null
        }
      },
      author: null,
      committer: null,
      parents: c.parents.map(p => ({
        sha: p,
        url: `${this._repoApi(repo)}/commits/${p}`,
        html_url: `${this.serverUrl}/${repo.fullName}/commit/${p}`
      }))
    }
  }

  _integration() {
    return {
      id: 15368,
      slug: 'github-actions',
      node_id: 'MDM6QXBwMTUzNjg=',
      owner: this._user('github'),
      name: 'GitHub Actions',
      description: 'Automate your workflow from idea to production',
      external_url: 'https://help.github.com/en/actions',
      html_url: `${this.serverUrl}/apps/github-actions`,
      created_at: '2018-07-30T09:30:17Z',
      updated_at: '2024-04-10T20:33:16Z',
      permissions: { checks: 'write', issues: 'write', metadata: 'read', pull_requests: 'write' },
      events: ['check_run', 'issues', 'pull_request']
    }
  }

  // ---------------------------------------------------------------- internals: HTTP

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async _handle(req, res) {
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', 'http://emulator')
    let path = url.pathname.replace(/\/{2,}/g, '/')
    if (this.pathPrefix && path.startsWith(`${this.pathPrefix}/`))
      path = path.slice(this.pathPrefix.length)
    const raw = await readBody(req)
    /** @type {RequestRecord} */
    const record = { method, path, query: url.search, route: null, status: 0 }
    this.requests.push(record)

    const op = this.ops.find(o => o.method === method.toLowerCase() && o.regex.test(path)) ?? null
    record.route = op?.template ?? null

    const fault = this._takeFault(method, path)
    if (fault) record.fault = fault.kind
    if (fault?.kind === 'slow') await sleep((fault.delayMs ?? 2000) * this.timeScale)
    if (fault && fault.kind !== 'slow' && fault.kind !== 'write-then-502') {
      return this._send(res, record, null, this._faultAnswer(fault), false)
    }

    /** @type {Answer} */
    let answer
    try {
      answer = this._dispatch(op, method, path, url, raw, req.headers, record)
    } catch (error) {
      if (error instanceof Answer) answer = error
      else throw error
    }
    if (fault?.kind === 'write-then-502') {
      if (answer.violation) this.violations.push(answer.violation)
      this._validateResponse(op, method, path, answer)
      return this._send(res, record, null, this._faultAnswer(fault), false)
    }
    if (answer.violation) this.violations.push(answer.violation)
    this._send(res, record, op, answer, true)
  }

  /** @param {string} method @param {string} path */
  _takeFault(method, path) {
    const f = this.faults.find(
      x =>
        x.remaining > 0 &&
        (!x.method || x.method.toUpperCase() === method) &&
        (!x.path || (typeof x.path === 'string' ? x.path === path : x.path.test(path)))
    )
    if (!f) return null
    f.remaining--
    if (f.remaining <= 0) this.faults.splice(this.faults.indexOf(f), 1)
    return f
  }

  /** @param {FaultSpec} f @returns {Answer} */
  _faultAnswer(f) {
    const docs = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api'
    switch (f.kind) {
      case 'secondary-403':
      case 'secondary-429': {
        /** @type {Record<string, string>} */
        const headers = {}
        if (f.retryAfter !== undefined) headers['retry-after'] = String(Math.round(f.retryAfter))
        return new Answer(
          f.kind === 'secondary-403' ? 403 : 429,
          { message: SECONDARY_MESSAGE, documentation_url: docs, status: f.kind.slice(-3) },
          headers
        )
      }
      case 'primary-exhausted': {
        // epoch seconds by the real clock: clients compare it with their own Date.now()
        const reset = Math.ceil(Date.now() / 1000) + (f.resetSeconds ?? 2)
        return new Answer(
          403,
          {
            message: `API rate limit exceeded for installation ID 1.`,
            documentation_url: docs,
            status: '403'
          },
          {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-limit': String(this._core.limit),
            'x-ratelimit-used': String(this._core.limit),
            'x-ratelimit-reset': String(reset),
            'x-ratelimit-resource': 'core'
          }
        )
      }
      case 'read-only':
        return forbidden()
      case '500':
        return new Answer(500, { message: 'Server Error' })
      case '503':
        return new Answer(503, {
          message: 'Service Unavailable',
          documentation_url: 'https://docs.github.com/rest',
          status: '503'
        })
      default:
        return new Answer(502, { message: 'Server Error' })
    }
  }

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {RequestRecord} record
   * @param {import('./openapi.mjs').Operation | null} op
   * @param {Answer} answer
   * @param {boolean} validate
   */
  _send(res, record, op, answer, validate) {
    if (validate) this._validateResponse(op, record.method, record.path, answer)
    record.status = answer.status
    this._core.used++
    const reset = Math.ceil(Date.now() / 1000) + 3600
    /** @type {Record<string, string>} */
    const headers = {
      'x-ratelimit-limit': String(this._core.limit),
      'x-ratelimit-remaining': String(Math.max(0, this._core.limit - this._core.used)),
      'x-ratelimit-used': String(this._core.used),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': `EMU:${this.requests.length}`,
      ...answer.headers
    }
    if (answer.body === null || answer.status === 204) {
      res.writeHead(answer.status, headers)
      res.end()
      return
    }
    const text = JSON.stringify(answer.body)
    res.writeHead(answer.status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text))
    })
    res.end(text)
  }

  /** @param {import('./openapi.mjs').Operation | null} op @param {string} method @param {string} path @param {Answer} answer */
  _validateResponse(op, method, path, answer) {
    if (!op) return
    const where = `${method} ${path} (${op.operationId}) → ${answer.status}`
    if (!op.responses.has(answer.status)) {
      if (answer.status >= 400) return // GitHub's description does not list every error status
      this.violations.push(`response: ${where}: status not in the OpenAPI description`)
      return
    }
    const validate = op.responses.get(answer.status)
    if (!validate) return
    if (!validate(answer.body))
      this.violations.push(`response: ${where}: ${describeErrors(validate.errors, 'response')}`)
  }

  /**
   * Matches, authenticates, validates and runs a request; synchronous from here on.
   * @param {import('./openapi.mjs').Operation | null} op
   * @param {string} method
   * @param {string} path
   * @param {URL} url
   * @param {string} raw
   * @param {import('node:http').IncomingHttpHeaders} headers
   * @param {RequestRecord} record
   * @returns {Answer}
   */
  _dispatch(op, method, path, url, raw, headers, record) {
    if (!op) {
      const known = findSpecOperation(method, path)
      const why = known
        ? `GitHub has ${method} ${known.template} (${known.operationId}) but the emulator does not implement it`
        : `no such route on api.github.com`
      return new Answer(
        404,
        { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
        {},
        `request: ${method} ${path}: ${why}`
      )
    }
    const where = `${method} ${path} (${op.operationId})`
    const docs = op.docsUrl

    // authentication
    const auth = String(headers.authorization ?? '')
    const m = /^(?:token|bearer)\s+(.+)$/i.exec(auth)
    if (!m)
      return new Answer(401, {
        message: 'Requires authentication',
        documentation_url: docs,
        status: '401'
      })
    const identity = this.tokens.get(/** @type {string} */ (m[1]).trim())
    if (!identity)
      return new Answer(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401'
      })
    record.login = identity.login

    // parameters
    /** @type {Record<string, any>} */
    const pathParams = {}
    const match = /** @type {RegExpExecArray} */ (op.regex.exec(path))
    op.pathParams.forEach((name, i) => {
      pathParams[name] = decodeURIComponent(/** @type {string} */ (match[i + 1]))
    })
    /** @type {Record<string, any>} */
    const query = {}
    for (const [k, v] of url.searchParams) query[k] = v
    const params = { path: pathParams, query }
    if (!op.params(params)) {
      const detail = describeErrors(op.params.errors, 'params')
      return new Answer(
        422,
        { message: `Invalid request.\n\n${detail}`, documentation_url: docs, status: '422' },
        {},
        `request: ${where}: ${detail}`
      )
    }

    // body
    /** @type {any} */
    let body = undefined
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw)
      } catch {
        return new Answer(
          400,
          { message: 'Problems parsing JSON', documentation_url: docs, status: '400' },
          {},
          `request: ${where}: body is not JSON`
        )
      }
    }
    if (op.body) {
      if (body === undefined && op.bodyRequired)
        return new Answer(
          422,
          { message: 'Invalid request.\n\nNo body given.', documentation_url: docs, status: '422' },
          {},
          `request: ${where}: body required`
        )
      if (body !== undefined && !op.body(body)) {
        const detail = describeErrors(op.body.errors, 'body')
        return new Answer(
          422,
          { message: `Invalid request.\n\n${detail}`, documentation_url: docs, status: '422' },
          {},
          `request: ${where}: ${detail}`
        )
      }
    }

    // repository and permission
    const isWrite = WRITE_METHODS.has(method)
    if (isWrite && identity.permission !== 'write') return forbidden(docs)
    /** @type {Repo | null} */
    let repo = null
    if ('owner' in pathParams) {
      repo = this.repos.get(`${pathParams.owner}/${pathParams.repo}`.toLowerCase()) ?? null
      if (!repo)
        return new Answer(
          404,
          { message: 'Not Found', documentation_url: docs, status: '404' },
          {},
          `request: ${where}: unknown repository ${pathParams.owner}/${pathParams.repo} (addRepo it)`
        )
    }
    const ctx = {
      op,
      where,
      docs,
      repo: /** @type {Repo} */ (repo),
      path: pathParams,
      query: params.query,
      body: body ?? {},
      login: identity.login,
      url
    }
    return this._route(ctx)
  }

  /**
   * @typedef {{ op: import('./openapi.mjs').Operation, where: string, docs: string, repo: Repo, path: Record<string, any>, query: Record<string, any>, body: any, login: string, url: URL }} Ctx
   * @param {Ctx} ctx
   * @returns {Answer}
   */
  _route(ctx) {
    const key = `${ctx.op.method} ${ctx.op.template}`
    const handler = HANDLERS[key]
    if (!handler) throw new Error(`no handler for ${key}`)
    return handler.call(this, ctx)
  }

  // ---------------------------------------------------------------- handler helpers

  /** @param {Ctx} ctx @param {number} number */
  _issue(ctx, number) {
    const issue = ctx.repo.issues.get(number)
    if (!issue)
      throw new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
    return issue
  }

  /** @param {Ctx} ctx @param {any} body @param {string} resource */
  _checkBody(ctx, body, resource) {
    if (typeof body === 'string' && body.length > MAX_BODY) {
      throw new Answer(
        422,
        {
          message: 'Validation Failed',
          errors: [
            {
              resource,
              code: 'custom',
              field: 'body',
              message: `body is too long (maximum is ${MAX_BODY} characters)`
            }
          ],
          documentation_url: ctx.docs,
          status: '422'
        },
        {},
        `rejected: ${ctx.where}: body is ${body.length} characters (maximum ${MAX_BODY})`
      )
    }
  }

  /** @param {Ctx} ctx @param {string[]} logins */
  _checkAssignees(ctx, logins) {
    const bad = logins.filter(
      l => !ctx.repo.collaborators.some(c => c.toLowerCase() === l.toLowerCase())
    )
    if (bad.length === 0) return
    throw new Answer(
      422,
      {
        message: 'Validation Failed',
        errors: bad.map(value => ({
          value,
          resource: 'Issue',
          field: 'assignees',
          code: 'invalid'
        })),
        documentation_url: ctx.docs,
        status: '422'
      },
      {},
      `rejected: ${ctx.where}: assignees not collaborators of ${ctx.repo.fullName}: ${bad.join(', ')}`
    )
  }

  /** @param {Repo} repo @param {string} login */
  _canonicalLogin(repo, login) {
    return repo.collaborators.find(c => c.toLowerCase() === login.toLowerCase()) ?? login
  }

  /** @param {any} item */
  _labelName(item) {
    return typeof item === 'string' ? item : String(item?.name ?? '')
  }

  /**
   * Replaces or adds labels on an issue, recording labeled/unlabeled events.
   * @param {Ctx} ctx @param {Issue} issue @param {string[]} names @param {boolean} replace
   */
  _applyLabels(ctx, issue, names, replace) {
    const wanted = names
      .filter(n => n.trim() !== '')
      .map(n => this._ensureLabel(ctx.repo, n.trim()))
    const wantedKeys = wanted.map(l => l.name.toLowerCase())
    if (replace) {
      for (const key of issue.labels.filter(k => !wantedKeys.includes(k))) {
        const l = ctx.repo.labels.get(key)
        if (l)
          this._event(ctx.repo, issue.number, {
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
        this._event(ctx.repo, issue.number, {
          event: 'labeled',
          actor: ctx.login,
          label: { name: l.name, color: l.color }
        })
      }
    }
  }

  /** @param {Ctx} ctx @param {Issue} issue @param {string[]} logins @param {boolean} replace */
  _applyAssignees(ctx, issue, logins, replace) {
    const wanted = logins.map(l => this._canonicalLogin(ctx.repo, l))
    if (replace) {
      for (const a of issue.assignees.filter(
        x => !wanted.some(w => w.toLowerCase() === x.toLowerCase())
      ))
        this._event(ctx.repo, issue.number, { event: 'unassigned', actor: ctx.login, assignee: a })
      issue.assignees = issue.assignees.filter(x =>
        wanted.some(w => w.toLowerCase() === x.toLowerCase())
      )
    }
    for (const a of wanted) {
      if (issue.assignees.length >= 10) break
      if (!issue.assignees.some(x => x.toLowerCase() === a.toLowerCase())) {
        issue.assignees.push(a)
        this._event(ctx.repo, issue.number, { event: 'assigned', actor: ctx.login, assignee: a })
      }
    }
  }

  /**
   * Pages `items` as GitHub does (per_page ≤ 100, default 30) with a `link` header.
   * @template T
   * @param {Ctx} ctx @param {T[]} items @param {number} [max]
   */
  _page(ctx, items, max = 100) {
    const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30), 1), max)
    const page = Math.max(Number(ctx.query.page ?? 1), 1)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const slice = items.slice((page - 1) * perPage, page * perPage)
    /** @param {number} p */
    const href = p => {
      const u = new URL(`${this.origin}${ctx.url.pathname}${ctx.url.search}`)
      u.searchParams.set('per_page', String(perPage))
      u.searchParams.set('page', String(p))
      return u.toString()
    }
    /** @type {string[]} */
    const links = []
    if (page < last) links.push(`<${href(page + 1)}>; rel="next"`, `<${href(last)}>; rel="last"`)
    if (page > 1)
      links.push(`<${href(1)}>; rel="first"`, `<${href(Math.min(page - 1, last))}>; rel="prev"`)
    /** @type {Record<string, string>} */
    const headers = links.length ? { link: links.join(', ') } : {}
    return { slice, headers }
  }
}

/** @param {Record<string, any>} o @param {string[]} keys */
function omit(o, keys) {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)))
}

/** @param {string} [docs] */
function forbidden(docs = 'https://docs.github.com/rest') {
  return new Answer(403, {
    message: 'Resource not accessible by integration',
    documentation_url: docs,
    status: '403'
  })
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<string>} */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/**
 * @param {string} q
 * @returns {{ terms: string[], quals: Array<[string, string, boolean]> }}  qualifier: [key, value, negated]
 */
function parseSearch(q) {
  /** @type {string[]} */
  const terms = []
  /** @type {Array<[string, string, boolean]>} */
  const quals = []
  const re = /(-?)([a-z_-]+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/gi
  let m
  while ((m = re.exec(q))) {
    if (m[2]) quals.push([m[2].toLowerCase(), (m[3] ?? '').replace(/^"|"$/g, ''), m[1] === '-'])
    else terms.push((m[4] ?? m[5] ?? '').toLowerCase())
  }
  return { terms: terms.filter(t => t && !['and'].includes(t)), quals }
}

/** @type {Record<string, (this: Emulator, ctx: Ctx) => Answer>} */
const HANDLERS = {
  'get /repos/{owner}/{repo}/issues'(ctx) {
    const q = ctx.query
    const state = q.state ?? 'open'
    const wantLabels = q.labels
      ? String(q.labels)
          .split(',')
          .map(s => s.trim().toLowerCase())
          .filter(Boolean)
      : []
    const since = q.since ? Date.parse(q.since) : null
    let items = [...ctx.repo.issues.values()].filter(
      i =>
        (state === 'all' || i.state === state) &&
        wantLabels.every(l => i.labels.includes(l)) &&
        (!q.creator || i.user.toLowerCase() === String(q.creator).toLowerCase()) &&
        (!q.assignee ||
          (q.assignee === 'none'
            ? i.assignees.length === 0
            : q.assignee === '*'
              ? i.assignees.length > 0
              : i.assignees.some(a => a.toLowerCase() === String(q.assignee).toLowerCase()))) &&
        (since === null || i.updatedAt >= since)
    )
    const sort = q.sort ?? 'created'
    const dir = (q.direction ?? 'desc') === 'asc' ? 1 : -1
    const commentsOf = (/** @type {Issue} */ i) =>
      [...ctx.repo.comments.values()].filter(c => c.issueNumber === i.number).length
    items.sort((a, b) => {
      const va =
        sort === 'updated' ? a.updatedAt : sort === 'comments' ? commentsOf(a) : a.createdAt
      const vb =
        sort === 'updated' ? b.updatedAt : sort === 'comments' ? commentsOf(b) : b.createdAt
      return (va - vb || a.number - b.number) * dir
    })
    const { slice, headers } = this._page(ctx, items)
    return new Answer(
      200,
      slice.map(i => this._renderIssue(ctx.repo, i)),
      headers
    )
  },

  'post /repos/{owner}/{repo}/issues'(ctx) {
    const b = ctx.body
    this._checkBody(ctx, b.body, 'Issue')
    const assignees = [...(b.assignees ?? []), ...(b.assignee ? [b.assignee] : [])]
    this._checkAssignees(ctx, assignees)
    const now = this.clock.now()
    const repo = ctx.repo
    /** @type {Issue} */
    const issue = {
      id: this._nextId++,
      number: repo.nextNumber++,
      title: String(b.title),
      body: b.body ?? null,
      state: 'open',
      stateReason: null,
      user: ctx.login,
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
    this._applyLabels(
      ctx,
      issue,
      (b.labels ?? []).map((/** @type {any} */ l) => this._labelName(l)),
      false
    )
    this._applyAssignees(ctx, issue, assignees, false)
    this._snapshot(repo, issue)
    const out = this._renderIssue(repo, issue)
    return new Answer(201, out, { location: out.url })
  },

  'get /repos/{owner}/{repo}/issues/{issue_number}'(ctx) {
    return new Answer(200, this._renderIssue(ctx.repo, this._issue(ctx, ctx.path.issue_number)))
  },

  'patch /repos/{owner}/{repo}/issues/{issue_number}'(ctx) {
    const issue = this._issue(ctx, ctx.path.issue_number)
    const b = ctx.body
    if ('body' in b) this._checkBody(ctx, b.body, 'Issue')
    const assignees =
      b.assignees !== undefined
        ? b.assignees.map((/** @type {any} */ a) => (typeof a === 'string' ? a : a.login))
        : null
    if (assignees) this._checkAssignees(ctx, assignees)
    else if (b.assignee) this._checkAssignees(ctx, [b.assignee])
    // all checks passed: mutate
    if (b.title !== undefined && b.title !== null) issue.title = String(b.title)
    if ('body' in b) issue.body = b.body
    if (b.labels !== undefined)
      this._applyLabels(
        ctx,
        issue,
        b.labels.map((/** @type {any} */ l) => this._labelName(l)),
        true
      )
    if (assignees) this._applyAssignees(ctx, issue, assignees, true)
    else if ('assignee' in b) this._applyAssignees(ctx, issue, b.assignee ? [b.assignee] : [], true)
    if (b.state && b.state !== issue.state) {
      issue.state = b.state
      if (b.state === 'closed') {
        issue.closedAt = this.clock.now()
        issue.closedBy = ctx.login
        issue.stateReason =
          b.state_reason && b.state_reason !== 'reopened' ? b.state_reason : 'completed'
        this._event(ctx.repo, issue.number, {
          event: 'closed',
          actor: ctx.login,
          stateReason: issue.stateReason
        })
      } else {
        issue.closedAt = null
        issue.stateReason = 'reopened'
        this._event(ctx.repo, issue.number, {
          event: 'reopened',
          actor: ctx.login,
          stateReason: 'reopened'
        })
      }
    } else if (b.state === 'closed' && b.state_reason && issue.state === 'closed') {
      issue.stateReason = b.state_reason
    }
    issue.updatedAt = this.clock.now()
    this._snapshot(ctx.repo, issue)
    return new Answer(200, this._renderIssue(ctx.repo, issue))
  },

  'get /repos/{owner}/{repo}/issues/{issue_number}/comments'(ctx) {
    const issue = this._issue(ctx, ctx.path.issue_number)
    const since = ctx.query.since ? Date.parse(ctx.query.since) : null
    const items = [...ctx.repo.comments.values()].filter(
      c => c.issueNumber === issue.number && (since === null || c.updatedAt >= since)
    )
    const { slice, headers } = this._page(ctx, items)
    return new Answer(
      200,
      slice.map(c => this._renderComment(ctx.repo, c)),
      headers
    )
  },

  'post /repos/{owner}/{repo}/issues/{issue_number}/comments'(ctx) {
    const issue = this._issue(ctx, ctx.path.issue_number)
    this._checkBody(ctx, ctx.body.body, 'IssueComment')
    const now = this.clock.now()
    /** @type {Comment} */
    const c = {
      id: this._nextId++,
      issueNumber: issue.number,
      body: ctx.body.body,
      user: ctx.login,
      createdAt: now,
      updatedAt: now
    }
    ctx.repo.comments.set(c.id, c)
    issue.updatedAt = now
    this._snapshot(ctx.repo, issue)
    const out = this._renderComment(ctx.repo, c)
    return new Answer(201, out, { location: out.url })
  },

  'get /repos/{owner}/{repo}/issues/comments/{comment_id}'(ctx) {
    const c = ctx.repo.comments.get(ctx.path.comment_id)
    if (!c)
      return new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
    return new Answer(200, this._renderComment(ctx.repo, c))
  },

  'patch /repos/{owner}/{repo}/issues/comments/{comment_id}'(ctx) {
    const c = ctx.repo.comments.get(ctx.path.comment_id)
    if (!c)
      return new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
    this._checkBody(ctx, ctx.body.body, 'IssueComment')
    c.body = ctx.body.body
    c.updatedAt = this.clock.now()
    return new Answer(200, this._renderComment(ctx.repo, c))
  },

  'get /repos/{owner}/{repo}/labels'(ctx) {
    const { slice, headers } = this._page(ctx, [...ctx.repo.labels.values()])
    return new Answer(
      200,
      slice.map(l => this._renderLabel(ctx.repo, l)),
      headers
    )
  },

  'post /repos/{owner}/{repo}/labels'(ctx) {
    const b = ctx.body
    if (ctx.repo.labels.has(String(b.name).toLowerCase()))
      return new Answer(
        422,
        {
          message: 'Validation Failed',
          errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
          documentation_url: ctx.docs,
          status: '422'
        },
        {}
      )
    if (b.color !== undefined && !/^#?[0-9a-f]{6}$/i.test(b.color))
      return new Answer(
        422,
        {
          message: 'Validation Failed',
          errors: [{ resource: 'Label', code: 'invalid', field: 'color' }],
          documentation_url: ctx.docs,
          status: '422'
        },
        {},
        `rejected: ${ctx.where}: color ${JSON.stringify(b.color)} is not 6 hex digits`
      )
    const label = this._createLabel(ctx.repo, b.name, b.color ?? 'ededed', b.description ?? null)
    const out = this._renderLabel(ctx.repo, label)
    return new Answer(201, out, { location: out.url })
  },

  'get /repos/{owner}/{repo}/labels/{name}'(ctx) {
    const l = ctx.repo.labels.get(String(ctx.path.name).toLowerCase())
    if (!l)
      return new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
    return new Answer(200, this._renderLabel(ctx.repo, l))
  },

  'patch /repos/{owner}/{repo}/labels/{name}'(ctx) {
    const key = String(ctx.path.name).toLowerCase()
    const l = ctx.repo.labels.get(key)
    if (!l)
      return new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
    const b = ctx.body
    if (b.color !== undefined && !/^#?[0-9a-f]{6}$/i.test(b.color))
      return new Answer(
        422,
        {
          message: 'Validation Failed',
          errors: [{ resource: 'Label', code: 'invalid', field: 'color' }],
          documentation_url: ctx.docs,
          status: '422'
        },
        {},
        `rejected: ${ctx.where}: bad color`
      )
    if (b.color !== undefined) l.color = String(b.color).replace(/^#/, '')
    if (b.description !== undefined) l.description = b.description
    if (b.new_name !== undefined && b.new_name.toLowerCase() !== key) {
      ctx.repo.labels.delete(key)
      l.name = b.new_name
      ctx.repo.labels.set(l.name.toLowerCase(), l)
      for (const i of ctx.repo.issues.values())
        i.labels = i.labels.map(k => (k === key ? l.name.toLowerCase() : k))
    } else if (b.new_name !== undefined) l.name = b.new_name
    return new Answer(200, this._renderLabel(ctx.repo, l))
  },

  'get /repos/{owner}/{repo}/issues/{issue_number}/labels'(ctx) {
    const issue = this._issue(ctx, ctx.path.issue_number)
    const labels = issue.labels.map(k => ctx.repo.labels.get(k)).filter(l => l !== undefined)
    const { slice, headers } = this._page(ctx, labels)
    return new Answer(
      200,
      slice.map(l => this._renderLabel(ctx.repo, l)),
      headers
    )
  },

  'post /repos/{owner}/{repo}/issues/{issue_number}/labels'(ctx) {
    return labelsWrite.call(this, ctx, false)
  },

  'put /repos/{owner}/{repo}/issues/{issue_number}/labels'(ctx) {
    return labelsWrite.call(this, ctx, true)
  },

  'delete /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}'(ctx) {
    const issue = this._issue(ctx, ctx.path.issue_number)
    const key = String(ctx.path.name).toLowerCase()
    if (!issue.labels.includes(key))
      return new Answer(404, {
        message: 'Label does not exist',
        documentation_url: ctx.docs,
        status: '404'
      })
    const l = ctx.repo.labels.get(key)
    issue.labels = issue.labels.filter(k => k !== key)
    if (l)
      this._event(ctx.repo, issue.number, {
        event: 'unlabeled',
        actor: ctx.login,
        label: { name: l.name, color: l.color }
      })
    issue.updatedAt = this.clock.now()
    this._snapshot(ctx.repo, issue)
    const rest = issue.labels.map(k => ctx.repo.labels.get(k)).filter(x => x !== undefined)
    return new Answer(
      200,
      rest.map(x => this._renderLabel(ctx.repo, x))
    )
  },

  'post /repos/{owner}/{repo}/issues/{issue_number}/assignees'(ctx) {
    const issue = this._issue(ctx, ctx.path.issue_number)
    const logins = ctx.body.assignees ?? []
    this._checkAssignees(ctx, logins)
    this._applyAssignees(ctx, issue, logins, false)
    issue.updatedAt = this.clock.now()
    this._snapshot(ctx.repo, issue)
    return new Answer(201, this._renderIssue(ctx.repo, issue))
  },

  'get /repos/{owner}/{repo}/assignees/{assignee}'(ctx) {
    const ok = ctx.repo.collaborators.some(
      c => c.toLowerCase() === String(ctx.path.assignee).toLowerCase()
    )
    return ok
      ? new Answer(204, null)
      : new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
  },

  'get /repos/{owner}/{repo}/issues/{issue_number}/events'(ctx) {
    const issue = this._issue(ctx, ctx.path.issue_number)
    const { slice, headers } = this._page(ctx, ctx.repo.events.get(issue.number) ?? [])
    return new Answer(
      200,
      slice.map(e => this._renderEvent(ctx.repo, issue.number, e)),
      headers
    )
  },

  'get /repos/{owner}/{repo}/pulls/{pull_number}'(ctx) {
    const issue = ctx.repo.issues.get(ctx.path.pull_number)
    if (!issue?.pull)
      return new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
    return new Answer(200, this._renderPull(ctx.repo, issue))
  },

  'get /repos/{owner}/{repo}/pulls/{pull_number}/files'(ctx) {
    const issue = ctx.repo.issues.get(ctx.path.pull_number)
    if (!issue?.pull)
      return new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
    const files = issue.pull.files.slice(0, 3000)
    const { slice, headers } = this._page(ctx, files)
    const headSha = issue.pull.headSha
    return new Answer(
      200,
      slice.map(f => this._renderFile(ctx.repo, headSha, f)),
      headers
    )
  },

  'get /repos/{owner}/{repo}/git/commits/{commit_sha}'(ctx) {
    const c = ctx.repo.commits.get(ctx.path.commit_sha)
    if (!c)
      return new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
    const r = this._renderCommit(ctx.repo, c.sha)
    return new Answer(200, {
      sha: c.sha,
      node_id: r.node_id,
      url: r.commit.url,
      html_url: r.html_url,
      author: r.commit.author,
      committer: r.commit.committer,
      message: c.message,
      tree: r.commit.tree,
      parents: r.parents,
      verification: r.commit.verification
    })
  },

  'get /repos/{owner}/{repo}/compare/{basehead}'(ctx) {
    const basehead = String(ctx.path.basehead)
    const parts = basehead.split(/\.{2,3}/)
    if (parts.length !== 2)
      return new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
    const [base, head] = /** @type {[string, string]} */ (parts)
    let cmp = ctx.repo.comparisons.get(`${base}...${head}`)
    if (!cmp) {
      const pr = [...ctx.repo.issues.values()].find(
        i =>
          i.pull &&
          (i.pull.baseSha === base || i.pull.baseRef === base) &&
          (i.pull.headSha === head || i.pull.headRef === head)
      )
      if (pr?.pull) cmp = { files: pr.pull.files, commits: [pr.pull.headSha], status: 'ahead' }
    }
    if (!cmp)
      return new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
    const { slice, headers } = this._page(ctx, cmp.commits, 250)
    const html = `${this.serverUrl}/${ctx.repo.fullName}/compare/${basehead}`
    return new Answer(
      200,
      {
        url: `${this._repoApi(ctx.repo)}/compare/${basehead}`,
        html_url: html,
        permalink_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        base_commit: this._renderCommit(ctx.repo, base),
        merge_base_commit: this._renderCommit(ctx.repo, base),
        status: cmp.status,
        ahead_by: cmp.commits.length,
        behind_by: 0,
        total_commits: cmp.commits.length,
        commits: slice.map(s => this._renderCommit(ctx.repo, s)),
        files: cmp.files.slice(0, 300).map(f => this._renderFile(ctx.repo, head, f))
      },
      headers
    )
  },

  'post /repos/{owner}/{repo}/check-runs'(ctx) {
    const b = ctx.body
    const id = this._nextId++
    const now = iso(this.clock.now())
    const status = b.conclusion ? 'completed' : (b.status ?? 'queued')
    const run = {
      id,
      head_sha: b.head_sha,
      node_id: nodeId('CheckRun', id),
      external_id: b.external_id ?? '',
      url: `${this._repoApi(ctx.repo)}/check-runs/${id}`,
      html_url: `${this.serverUrl}/${ctx.repo.fullName}/runs/${id}`,
      details_url: b.details_url ?? `${this.serverUrl}/${ctx.repo.fullName}/runs/${id}`,
      status,
      conclusion: b.conclusion ?? null,
      started_at: b.started_at ?? now,
      completed_at: status === 'completed' ? (b.completed_at ?? now) : null,
      output: {
        title: b.output?.title ?? null,
        summary: b.output?.summary ?? null,
        text: b.output?.text ?? null,
        annotations_count: (b.output?.annotations ?? []).length,
        annotations_url: `${this._repoApi(ctx.repo)}/check-runs/${id}/annotations`
      },
      name: b.name,
      check_suite: { id: id + 1 },
      app: this._integration(),
      pull_requests: [],
      annotations: [...(b.output?.annotations ?? [])]
    }
    ctx.repo.checkRuns.set(id, run)
    return new Answer(201, omit(run, ['annotations']))
  },

  'patch /repos/{owner}/{repo}/check-runs/{check_run_id}'(ctx) {
    const run = ctx.repo.checkRuns.get(ctx.path.check_run_id)
    if (!run)
      return new Answer(404, { message: 'Not Found', documentation_url: ctx.docs, status: '404' })
    const b = ctx.body
    for (const k of ['name', 'details_url', 'external_id', 'started_at'])
      if (b[k] !== undefined) run[k] = b[k]
    if (b.status) run.status = b.status
    if (b.conclusion) {
      run.conclusion = b.conclusion
      run.status = 'completed'
      run.completed_at = b.completed_at ?? iso(this.clock.now())
    }
    if (b.output) {
      for (const k of ['title', 'summary', 'text'])
        if (b.output[k] !== undefined) run.output[k] = b.output[k]
      run.annotations.push(...(b.output.annotations ?? []))
      run.output.annotations_count = run.annotations.length
    }
    return new Answer(200, omit(run, ['annotations']))
  },

  'get /search/issues'(ctx) {
    const asOf = this.clock.now() - this.searchLagMs * this.timeScale
    const { terms, quals } = parseSearch(String(ctx.query.q))
    /** @type {any[]} */
    const items = []
    for (const repo of this.repos.values()) {
      for (const issue of repo.issues.values()) {
        const version = [...issue.history].reverse().find(h => h.at <= asOf)
        if (!version) continue
        const s = /** @type {any} */ (version.snapshot)
        const ok = quals.every(([k, v, neg]) => {
          const lv = v.toLowerCase()
          let hit = true
          if (k === 'repo') hit = repo.fullName.toLowerCase() === lv
          else if (k === 'is' || k === 'type' || k === 'state') {
            if (lv === 'issue') hit = !s.pull_request
            else if (lv === 'pr' || lv === 'pull-request') hit = Boolean(s.pull_request)
            else if (lv === 'open' || lv === 'closed') hit = s.state === lv
          } else if (k === 'label')
            hit = s.labels.some((/** @type {any} */ l) => l.name.toLowerCase() === lv)
          else if (k === 'author')
            hit =
              s.user.login.toLowerCase() === lv ||
              s.user.login.toLowerCase() === `${lv}[bot]` ||
              lv.replace(/^app\//, '') + '[bot]' === s.user.login.toLowerCase()
          else if (k === 'in') hit = true
          return neg ? !hit : hit
        })
        const text = `${s.title}\n${s.body ?? ''}`.toLowerCase()
        if (ok && terms.every(t => text.includes(t))) items.push({ ...s, score: 1 })
      }
    }
    items.sort((a, b) => b.number - a.number)
    const { slice, headers } = this._page(ctx, items)
    const out = slice.map(s => omit(s, s.body === null ? ['closed_by', 'body'] : ['closed_by']))
    return new Answer(
      200,
      { total_count: items.length, incomplete_results: false, items: out, search_type: 'lexical' },
      headers
    )
  },

  'get /rate_limit'() {
    const reset = Math.ceil(this.clock.now() / 1000) + 3600
    const core = {
      limit: this._core.limit,
      remaining: Math.max(0, this._core.limit - this._core.used),
      reset,
      used: this._core.used
    }
    const search = {
      limit: 30,
      remaining: 30,
      reset: Math.ceil(this.clock.now() / 1000) + 60,
      used: 0
    }
    return new Answer(200, {
      resources: { core, search, graphql: { ...core, used: 0, remaining: 5000 } },
      rate: core
    })
  }
}

/** @this {Emulator} @param {Ctx} ctx @param {boolean} replace */
function labelsWrite(ctx, replace) {
  const issue = this._issue(ctx, ctx.path.issue_number)
  const b = ctx.body
  /** @type {any[]} */
  const list = Array.isArray(b) ? b : typeof b === 'string' ? [b] : (b.labels ?? [])
  if (!replace && list.length === 0)
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
  this._applyLabels(
    ctx,
    issue,
    list.map(l => this._labelName(l)),
    replace
  )
  issue.updatedAt = this.clock.now()
  this._snapshot(ctx.repo, issue)
  const labels = issue.labels.map(k => ctx.repo.labels.get(k)).filter(l => l !== undefined)
  return new Answer(
    200,
    labels.map(l => this._renderLabel(ctx.repo, l))
  )
}

/**
 * Octokit options that make a test client honour the emulator's time scale and skip the
 * throttling plugin's process-wide pacing (1 s between writes, 3 s between notifying writes,
 * 2 s between searches, shared by every octokit in the process). Pass to `getOctokit(token,
 * { baseUrl: emulator.url, ...await octokitTestOptions(emulator) }, retry, throttling)`.
 * @param {{ timeScale: number }} emulator
 * @param {{ onRateLimit?: Function, onSecondaryRateLimit?: Function, retries?: number }} [handlers]
 */
export async function octokitTestOptions(emulator, handlers = {}) {
  const { default: Bottleneck } = await import('bottleneck')
  const base = Math.max(1000 * emulator.timeScale, 0.001)
  const group = (/** @type {string} */ id, /** @type {number} */ maxConcurrent) =>
    new Bottleneck.Group({ id: `emulator-${id}-${Math.random()}`, maxConcurrent, minTime: 0 })
  return {
    throttle: {
      retryAfterBaseValue: base,
      global: group('global', 50),
      write: group('write', 50),
      search: group('search', 50),
      notifications: group('notifications', 50),
      onRateLimit:
        handlers.onRateLimit ??
        ((
          /** @type {number} */ _after,
          /** @type {any} */ _o,
          /** @type {any} */ _k,
          /** @type {number} */ count
        ) => count < (handlers.retries ?? 3)),
      onSecondaryRateLimit:
        handlers.onSecondaryRateLimit ??
        ((
          /** @type {number} */ _after,
          /** @type {any} */ _o,
          /** @type {any} */ _k,
          /** @type {number} */ count
        ) => count < (handlers.retries ?? 3))
    },
    retry: { retryAfterBaseValue: base, retries: handlers.retries ?? 3 }
  }
}

export { loadDocument }
