// @ts-check
/**
 * GitHub's rate limits per token, as "Rate limits for the REST API" documents them: a primary
 * budget of requests per hour (`x-ratelimit-*` headers on every answer; 403 or 429 with
 * `x-ratelimit-remaining: 0` once spent) and secondary limits — content-creating requests (POST,
 * PATCH, PUT, DELETE) per minute and per hour, and concurrent requests — answered 403 or 429, with
 * or without `retry-after`. Off unless `startEmulator({ limits })` asks for them.
 *
 * Windows run on the emulator's scaled time: at `timeScale` 0.01 an hour of limits passes in 36 real
 * seconds. Headers are in emulator seconds, as the rest of the emulator's waits: `retry-after` is
 * emulator seconds to wait, and `x-ratelimit-reset` is the real epoch second now plus the emulator
 * seconds left, so a client that waits `(reset − now) × 1000 × timeScale` real ms (octokit's
 * throttling plugin with `retryAfterBaseValue: 1000 × timeScale`) waits exactly the window out.
 */
import { Answer } from './lib.mjs'

/**
 * @typedef {403 | 429 | 'mixed'} RefusalStatus  'mixed': 403 and 429 by turns, as GitHub answers either
 * @typedef {boolean | 'mixed'} RetryAfterHeader  'mixed': every other refusal without `retry-after`
 * @typedef {object} LimitOptions
 * @property {false | { perHour?: number }} [primary]  requests per hour per token (default 5000, a PAT's)
 * @property {false | { perMinute?: number }} [search]  search requests per minute per token (default 30), a budget of their own
 * @property {false | { perMinute?: number, perHour?: number, concurrency?: number, status?: RefusalStatus, retryAfter?: RetryAfterHeader }} [secondary]
 *   content-creating requests per minute (default 80) and per hour (default 500), concurrent requests (default 100)
 * @typedef {'primary' | 'search' | 'content-per-minute' | 'content-per-hour' | 'concurrency'} LimitName
 * @typedef {{ at: number, token: string, method: string, path: string, refusedBy: LimitName | null }} Attempt
 */

const DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api'
const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID EMULATOR.'
const CONTENT_CREATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])
const MINUTE = 60_000
const HOUR = 3_600_000

/** Per-token counters and the refusals, on the emulator's scaled clock. */
export class RateLimits {
  /** @param {LimitOptions} options @param {number} timeScale real ms per emulator ms */
  constructor(options, timeScale) {
    this.timeScale = timeScale
    this.primary = options.primary === false ? null : { perHour: 5000, ...options.primary }
    this.search = options.search === false ? null : { perMinute: 30, ...options.search }
    this.secondary =
      options.secondary === false
        ? null
        : {
            perMinute: 80,
            perHour: 500,
            concurrency: 100,
            /** @type {RefusalStatus} */ status: 'mixed',
            /** @type {RetryAfterHeader} */ retryAfter: 'mixed',
            ...options.secondary
          }
    this.started = performance.now()
    /** @type {Record<LimitName, number>} requests refused, by the limit that refused them */
    this.refused = {
      primary: 0,
      search: 0,
      'content-per-minute': 0,
      'content-per-hour': 0,
      concurrency: 0
    }
    /** emulator ms of every search request, refused ones too */
    this.searches = []
    /** @type {Attempt[]} every content-creating request, refused ones too, in arrival order */
    this.contentCreating = []
    /** @type {Map<string, { windowStart: number, used: number, inFlight: number, writes: number[], searchStart: number, searched: number }>} */
    this.tokens = new Map()
    this._refusals = 0
  }

  /** Emulator milliseconds since the limits started. */
  now() {
    return (performance.now() - this.started) / this.timeScale
  }

  /** @param {string} token */
  _token(token) {
    let state = this.tokens.get(token)
    const now = this.now()
    if (!state) {
      state = { windowStart: now, used: 0, inFlight: 0, writes: [], searchStart: now, searched: 0 }
      this.tokens.set(token, state)
    }
    if (now - state.windowStart >= HOUR) {
      state.windowStart = now
      state.used = 0
    }
    if (now - state.searchStart >= MINUTE) {
      state.searchStart = now
      state.searched = 0
    }
    return state
  }

  /**
   * Admits a request or answers the refusal. `release` must be called once the answer is sent
   * (the concurrency limit counts requests in flight).
   * @param {string} token @param {string} method @param {string} path
   * @returns {{ refusal: Answer | null, release: () => void }}
   */
  admit(token, method, path) {
    const state = this._token(token)
    const now = this.now()
    state.inFlight++
    let released = false
    const release = () => {
      if (!released) state.inFlight--
      released = true
    }
    const creating = CONTENT_CREATING.has(method)
    /** @type {Attempt | null} */
    const attempt = creating ? { at: now, token, method, path, refusedBy: null } : null
    if (attempt) {
      this.contentCreating.push(attempt)
      // Refused attempts count too: hammering a closed window keeps it closed.
      state.writes.push(now)
      while (state.writes.length > 0 && /** @type {number} */ (state.writes[0]) <= now - HOUR)
        state.writes.shift()
    }
    /** @type {{ limit: LimitName, waitMs: number } | null} */
    let over = null
    const s = this.secondary
    if (s && state.inFlight > s.concurrency) over = { limit: 'concurrency', waitMs: 1000 }
    else if (s && attempt) {
      const inMinute = state.writes.filter(at => at > now - MINUTE)
      if (inMinute.length > s.perMinute)
        over = { limit: 'content-per-minute', waitMs: waitFor(inMinute, s.perMinute, now, MINUTE) }
      else if (state.writes.length > s.perHour)
        over = { limit: 'content-per-hour', waitMs: waitFor(state.writes, s.perHour, now, HOUR) }
    }
    // Search has a budget of its own, apart from the core one (x-ratelimit-resource: search).
    const searching = this.search !== null && path.startsWith('/search/')
    if (searching) this.searches.push(now)
    if (
      !over &&
      searching &&
      state.searched >= /** @type {{ perMinute: number }} */ (this.search).perMinute
    )
      over = { limit: 'search', waitMs: state.searchStart + MINUTE - now }
    if (!over && !searching && this.primary && state.used >= this.primary.perHour)
      over = { limit: 'primary', waitMs: state.windowStart + HOUR - now }
    if (!over) {
      if (searching) state.searched++
      else if (this.primary) state.used++
      return { refusal: null, release }
    }
    this.refused[over.limit]++
    if (attempt) attempt.refusedBy = over.limit
    return { refusal: this._refusal(over.limit, over.waitMs, token, path), release }
  }

  /**
   * The `x-ratelimit-*` headers of an answer to `token` for `path` (null when its limit is off).
   * @param {string} token @param {string} [path] @returns {Record<string, string> | null}
   */
  headers(token, path = '') {
    const state = this._token(token)
    if (this.search && path.startsWith('/search/')) {
      const { perMinute } = this.search
      return {
        'x-ratelimit-limit': String(perMinute),
        'x-ratelimit-remaining': String(Math.max(0, perMinute - state.searched)),
        'x-ratelimit-used': String(state.searched),
        'x-ratelimit-reset': String(this._reset(state.searchStart + MINUTE - this.now())),
        'x-ratelimit-resource': 'search'
      }
    }
    if (!this.primary) return null
    return {
      'x-ratelimit-limit': String(this.primary.perHour),
      'x-ratelimit-remaining': String(Math.max(0, this.primary.perHour - state.used)),
      'x-ratelimit-used': String(state.used),
      'x-ratelimit-reset': String(this._reset(state.windowStart + HOUR - this.now())),
      'x-ratelimit-resource': 'core'
    }
  }

  /**
   * The most content-creating requests (refused ones included) any one token made within a
   * window of `windowMs` emulator milliseconds.
   * @param {number} [windowMs]
   */
  maxPerWindow(windowMs = MINUTE) {
    let max = 0
    /** @type {Map<string, number[]>} */
    const byToken = new Map()
    for (const a of this.contentCreating) {
      const times = byToken.get(a.token) ?? []
      times.push(a.at)
      byToken.set(a.token, times)
    }
    for (const times of byToken.values()) {
      let first = 0
      for (let last = 0; last < times.length; last++) {
        while (
          /** @type {number} */ (times[first]) <=
          /** @type {number} */ (times[last]) - windowMs
        )
          first++
        max = Math.max(max, last - first + 1)
      }
    }
    return max
  }

  /** @param {number} waitMs emulator ms until the window has room @returns {number} epoch seconds */
  _reset(waitMs) {
    return Math.ceil(Date.now() / 1000 + Math.max(0, waitMs) / 1000)
  }

  /** @param {LimitName} limit @param {number} waitMs @param {string} token @param {string} path @returns {Answer} */
  _refusal(limit, waitMs, token, path) {
    const turn = this._refusals++
    if (limit === 'primary' || limit === 'search') {
      const status = this._status(turn)
      return new Answer(
        status,
        {
          message: 'API rate limit exceeded for installation ID 1.',
          documentation_url: DOCS,
          status: String(status)
        },
        /** @type {Record<string, string>} */ (this.headers(token, path))
      )
    }
    const status = this._status(turn)
    const s = /** @type {NonNullable<RateLimits['secondary']>} */ (this.secondary)
    const withRetryAfter = s.retryAfter === 'mixed' ? turn % 4 < 2 : s.retryAfter
    /** @type {Record<string, string>} */
    const headers = withRetryAfter
      ? { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) }
      : {}
    return new Answer(
      status,
      { message: SECONDARY_MESSAGE, documentation_url: DOCS, status: String(status) },
      headers
    )
  }

  /** @param {number} turn @returns {403 | 429} */
  _status(turn) {
    const status = this.secondary?.status ?? 403
    return status === 'mixed' ? (turn % 2 === 0 ? 403 : 429) : status
  }
}

/**
 * Emulator ms until a window holding `times` (ascending) has room under `limit` again.
 * @param {number[]} times @param {number} limit @param {number} now @param {number} window
 */
function waitFor(times, limit, now, window) {
  const oldest = /** @type {number} */ (times[times.length - limit] ?? times[0])
  return oldest + window - now
}
