// @ts-check
/** Issue search. It sees issues as they were `searchLagMs` × `timeScale` ago, as GitHub's index lags. */
import { list, omit } from '../lib.mjs'

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

/** @param {string} k @param {string} lv lower-case value @param {any} s a rendered issue @param {import('../index.mjs').Repo} repo */
function qualifierHits(k, lv, s, repo) {
  if (k === 'repo') return repo.fullName.toLowerCase() === lv
  if (k === 'is' || k === 'type' || k === 'state') {
    if (lv === 'issue') return !s.pull_request
    if (lv === 'pr' || lv === 'pull-request') return Boolean(s.pull_request)
    if (lv === 'open' || lv === 'closed') return s.state === lv
    return true
  }
  if (k === 'label') return s.labels.some((/** @type {any} */ l) => l.name.toLowerCase() === lv)
  if (k === 'author') {
    const login = s.user.login.toLowerCase()
    return login === lv || login === `${lv}[bot]` || lv.replace(/^app\//, '') + '[bot]' === login
  }
  return true // `in:` and qualifiers the emulator does not model
}

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'get /search/issues'(ctx, emu) {
    const asOf = emu.clock.now() - emu.searchLagMs * emu.timeScale
    const { terms, quals } = parseSearch(String(ctx.query.q))
    /** @type {any[]} */
    const items = []
    for (const repo of emu.repos.values()) {
      for (const issue of repo.issues.values()) {
        const version = [...issue.history].reverse().find(h => h.at <= asOf)
        if (!version) continue
        const s = /** @type {any} */ (version.snapshot)
        const ok = quals.every(([k, v, neg]) => qualifierHits(k, v.toLowerCase(), s, repo) !== neg)
        // GitHub's index does not hold text inside HTML comments (a hidden marker is not found).
        const body = (s.body ?? '').replace(/<!--[\s\S]*?-->/g, ' ')
        const text = `${s.title}\n${body}`.toLowerCase()
        if (ok && terms.every(t => text.includes(t))) items.push({ ...s, score: 1 })
      }
    }
    items.sort((a, b) => b.number - a.number)
    return list(
      emu,
      ctx,
      items,
      s => omit(s, s.body === null ? ['closed_by', 'body'] : ['closed_by']),
      {
        envelope: page => ({
          total_count: items.length,
          incomplete_results: false,
          items: page,
          search_type: 'lexical'
        })
      }
    )
  }
}
