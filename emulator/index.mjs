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
import { readdirSync } from 'node:fs'
import { createServer } from 'node:http'
import { compileOperations, describeErrors, findSpecOperation, loadDocument } from './openapi.mjs'
import { ACTIONS_BOT, Answer, forbidden, sha1 } from './lib.mjs'
import { renderComment } from './routes/comments.mjs'
import { renderEvent } from './routes/events.mjs'
import { openIssue, renderIssue, snapshot } from './routes/issues.mjs'
import { applyLabels, createLabel, ensureLabel, renderLabel } from './routes/labels.mjs'
import { RateLimits } from './limits.mjs'

export { ACTIONS_BOT, MAX_BODY } from './lib.mjs'

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
 * @property {string} defaultBranch
 * @property {Map<string, Map<string, string>>} files   by branch, then path: the text at its tip
 * @property {Map<string, string>} branches   branch name → the sha at its tip (`setBranch`)
 * @typedef {object} FaultSpec
 * @property {string} [method]
 * @property {RegExp | string} [path]   tested against the request path (no query string, no pathPrefix); a string must equal it
 * @property {number} [times]           how many matching requests it hits (default 1)
 * @property {'secondary-403' | 'secondary-429' | 'primary-exhausted' | '500' | '502' | '503' | 'write-then-502' | 'read-only' | 'slow'} kind
 * @property {number} [retryAfter]      seconds (integer, as GitHub sends it) for secondary limits
 * @property {number} [resetSeconds]    primary-exhausted: x-ratelimit-reset this many seconds ahead (default 2)
 * @property {number} [delayMs]         slow: emulator milliseconds to wait (default 2000), scaled by timeScale
 * @typedef {{ method: string, path: string, query: string, route: string | null, status: number, fault?: string, login?: string, refused?: boolean }} RequestRecord
 * @typedef {object} EmulatorOptions
 * @property {string} [serverUrl]        GITHUB_SERVER_URL for html_url links (default https://github.com)
 * @property {number} [timeScale]        real ms per emulator ms for every wait (default 1; e.g. 0.01)
 * @property {number} [searchLagMs]      emulator ms the search index lags writes (default 60000)
 * @property {string} [token]            token of the default identity (default 'ghs_emulator_default')
 * @property {number} [port]             default 0 (random)
 * @property {string} [pathPrefix]       e.g. '/api/v3' to look like GitHub Enterprise Server (url gets it too)
 * @property {import('./limits.mjs').LimitOptions} [limits]  GitHub's rate limits per token (off by default)
 */

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])
const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID EMULATOR.'

/** @param {number} ms */
const sleep = ms => new Promise(r => setTimeout(r, ms))

/**
 * A request as a handler sees it: matched, authenticated and validated; `repo` exists when the
 * path names one.
 * @typedef {{ op: import('./openapi.mjs').Operation, where: string, docs: string, repo: Repo, path: Record<string, any>, query: Record<string, any>, body: any, login: string, url: URL }} Ctx
 * @typedef {(ctx: Ctx, emu: Emulator) => Answer} Handler  may also throw an Answer
 * @typedef {Record<string, Handler>} Routes  by `method /OpenAPI/path/{template}`
 */

/** @type {Promise<Map<string, Handler>> | null} */
let routesLoaded = null
/**
 * Every file in routes/ exports `routes`: handlers keyed by the OpenAPI operation they implement.
 * Adding a route is adding it to (or adding) one such file; startEmulator compiles the OpenAPI
 * validators for exactly these operations.
 * @returns {Promise<Map<string, Handler>>}
 */
function loadRoutes() {
  routesLoaded ??= (async () => {
    const dir = new URL('./routes/', import.meta.url)
    /** @type {Map<string, Handler>} */
    const all = new Map()
    for (const file of readdirSync(dir)
      .filter(f => f.endsWith('.mjs'))
      .sort()) {
      /** @type {{ routes?: Routes }} */
      const mod = await import(new URL(file, dir).href)
      for (const [key, handler] of Object.entries(mod.routes ?? {})) {
        if (all.has(key)) throw new Error(`emulator/routes/${file}: ${key} is implemented twice`)
        all.set(key, handler)
      }
    }
    return all
  })()
  return routesLoaded
}

/**
 * Starts an emulator on 127.0.0.1 (random port). Loading and compiling the OpenAPI validators
 * happens once per process (~0.5 s the first time; see `emulator.startupMs`).
 * @param {EmulatorOptions} [options]
 */
export async function startEmulator(options = {}) {
  const t0 = performance.now()
  const routes = await loadRoutes()
  const { ops } = compileOperations(
    [...routes.keys()].map(key => {
      const [method = '', template = ''] = key.split(' ')
      return { method, template }
    })
  )
  const emulator = new Emulator(ops, routes, options)
  await emulator._listen(options.port ?? 0)
  emulator.startupMs = performance.now() - t0
  return emulator
}

export class Emulator {
  /**
   * @param {import('./openapi.mjs').Operation[]} ops
   * @param {Map<string, Handler>} routes
   * @param {EmulatorOptions} options
   */
  constructor(ops, routes, options) {
    this.ops = ops
    this.routes = routes
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
    /** GitHub's rate limits per token, on the scaled clock; null when off (the default). */
    this.limits = options.limits ? new RateLimits(options.limits, this.timeScale) : null
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
   * @param {{ collaborators?: string[], labels?: Array<{ name: string, color?: string, description?: string | null }>, defaultBranch?: string }} [init]
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
      comparisons: new Map(),
      defaultBranch: init.defaultBranch ?? 'main',
      files: new Map(),
      branches: new Map()
    }
    for (const login of init.collaborators ?? []) {
      this._account(login, 'User')
      repo.collaborators.push(login)
    }
    for (const l of init.labels ?? [])
      createLabel(this, repo, l.name, l.color ?? 'ededed', l.description ?? null)
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
      issue.labels.push(ensureLabel(this, repo, l).name.toLowerCase())
    repo.issues.set(number, issue)
    repo.events.set(number, [])
    snapshot(this, repo, issue)
    return number
  }

  /**
   * Adds an issue as POST /repos/{owner}/{repo}/issues by `user` (default the default token's,
   * the Actions bot) would file it, labels (created when missing) and their events included:
   * hundreds of other incidents without a request each. Returns its number.
   * @param {string} fullName
   * @param {{ title: string, body?: string | null, labels?: string[], user?: string }} init
   */
  addIssue(fullName, { title, body = null, labels = [], user = ACTIONS_BOT.login }) {
    const repo = this._repo(fullName)
    this._account(user)
    const issue = openIssue(this, repo, title, body, user)
    applyLabels(this, /** @type {any} */ ({ repo, login: user }), issue, labels, false)
    snapshot(this, repo, issue)
    return issue.number
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
   * Writes files at the tip of a branch (the default branch unless `ref` names another), as
   * `GET /contents/{path}` serves them.
   * @param {string} fullName
   * @param {Record<string, string>} files  path → text
   * @param {{ ref?: string }} [options]
   */
  addFiles(fullName, files, options = {}) {
    const repo = this._repo(fullName)
    const ref = options.ref ?? repo.defaultBranch
    const tree = repo.files.get(ref) ?? new Map()
    for (const [path, text] of Object.entries(files)) tree.set(path.replace(/^\/+/, ''), text)
    repo.files.set(ref, tree)
  }

  /**
   * Points a branch at a commit, as `GET /branches/{branch}` answers.
   * @param {string} fullName @param {string} branch @param {string} sha
   */
  setBranch(fullName, branch, sha) {
    this._repo(fullName).branches.set(branch, sha)
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
      .map(i => renderIssue(this, repo, i))
  }

  /** @param {string} fullName @param {number} number */
  comments(fullName, number) {
    const repo = this._repo(fullName)
    return [...repo.comments.values()]
      .filter(c => c.issueNumber === number)
      .map(c => renderComment(this, repo, c))
  }

  /** @param {string} fullName */
  labels(fullName) {
    const repo = this._repo(fullName)
    return [...repo.labels.values()].map(l => renderLabel(this, repo, l))
  }

  /** @param {string} fullName @param {number} number */
  events(fullName, number) {
    const repo = this._repo(fullName)
    return (repo.events.get(number) ?? []).map(e => renderEvent(this, repo, e))
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

    const token = tokenOf(req.headers)
    const admitted =
      token && this.limits && this.tokens.has(token) ? this.limits.admit(token, method, path) : null
    try {
      if (admitted?.refusal) {
        record.refused = true
        return this._send(res, record, null, admitted.refusal, false, token)
      }
      await this._answer(req, res, record, op, method, path, url, raw, token)
    } finally {
      admitted?.release()
    }
  }

  /**
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   * @param {RequestRecord} record @param {import('./openapi.mjs').Operation | null} op
   * @param {string} method @param {string} path @param {URL} url @param {string} raw @param {string | null} token
   */
  async _answer(req, res, record, op, method, path, url, raw, token) {
    const fault = this._takeFault(method, path)
    if (fault) record.fault = fault.kind
    if (fault?.kind === 'slow') await sleep((fault.delayMs ?? 2000) * this.timeScale)
    if (fault && fault.kind !== 'slow' && fault.kind !== 'write-then-502') {
      return this._send(res, record, null, this._faultAnswer(fault), false, token)
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
      return this._send(res, record, null, this._faultAnswer(fault), false, token)
    }
    if (answer.violation) this.violations.push(answer.violation)
    this._send(res, record, op, answer, true, token)
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
   * @param {string | null} [token]  the request's token: its own rate-limit headers when limits are on
   */
  _send(res, record, op, answer, validate, token = null) {
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
      ...(token && this.limits?.headers(token, record.path)),
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
   * @param {Ctx} ctx
   * @returns {Answer}
   */
  _route(ctx) {
    const key = `${ctx.op.method} ${ctx.op.template}`
    const handler = this.routes.get(key)
    if (!handler) throw new Error(`no handler for ${key}`)
    return handler(ctx, this)
  }
}

/** The token of `authorization: token X` or `Bearer X`, or null. @param {import('node:http').IncomingHttpHeaders} headers */
function tokenOf(headers) {
  const m = /^(?:token|bearer)\s+(.+)$/i.exec(String(headers.authorization ?? ''))
  return m ? /** @type {string} */ (m[1]).trim() : null
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
