// `npm run bench -- --org` — an organisation on one incident repository (issue 17): N source
// repositories each run the bundled action in issue mode against ONE incident repository with
// ONE token, with GitHub's rate limits on in the emulator (emulator/limits.mjs), on a scaled
// clock. Shared by bench/run.mjs and the bundle test __tests__/org.test.ts (a small size).
//
// The mix, by repository index i: i % 4 = 0 a first red (every 8th with a second matrix leg of the
// same key at the same time: the race in one key), 1 an unchanged red, 2 a changed red, 3 a green
// over an open incident. The repositories that need an incident to exist get it in a seeding
// round first (limits off, not counted). Every run of the measured round is then started through
// a pool of `concurrency` live processes (2 cores cannot hold 300 node processes at once, and
// would only measure the scheduler): runs overlap — each pool slot starts its next run the
// moment one ends, and a key's two legs are started together.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RateLimits } from '../emulator/limits.mjs'
import { prepareScenario, readOutputs } from '../scripts/scenarios.mjs'

export const INCIDENTS = 'acme/incidents'
const STATE = /<!-- contract-drift-triage:state=([A-Za-z0-9+/=]+) -->/
const KINDS = ['first red', 'unchanged red', 'changed red', 'green']
const MINUTE = 60_000
const HOUR = 3_600_000

// The validators print the field's lines themselves: what is measured is GitHub, not python3's
// start (seconds of CPU a run on this machine, against 0.8 s for the whole action with these).
const line = text => `printf '%s\\n' ${JSON.stringify(text)}`
export const VALIDATORS = {
  red: `${line("[fixture-coverage] ERROR: MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json")}; exit 1`,
  changed: `${line("[legacy-alias-parity] ERROR: rows[1].response.providerAdapterId expected 'aws-billing' for canonical tool 'billing.aws.ingest', got 'gcp-billing'")}; exit 1`,
  green: line('[fixture-coverage] OK: every MCP and module fixture pack is complete')
}

/** The runs of the measured round (and their seeding runs), by repository. */
export function orgPlan(repos) {
  const plan = []
  for (let i = 0; i < repos; i++) {
    const repository = `acme/svc-${String(i + 1).padStart(3, '0')}`
    const kind = KINDS[i % 4]
    const seed = kind === 'first red' ? null : VALIDATORS.red
    const validators =
      kind === 'changed red'
        ? VALIDATORS.changed
        : kind === 'green'
          ? VALIDATORS.green
          : VALIDATORS.red
    const legs = kind === 'first red' && i % 8 === 0 ? ['leg-1', 'leg-2'] : ['contract-drift']
    plan.push({ repository, kind, seed, validators, legs })
  }
  return plan
}

/** The example's pull request, filing into the incident repository as `repository`'s pull request #1. */
function prepare(workRoot, name, validators, repository, job, emulator, scale) {
  const prepared = prepareScenario('schema-drift-medium', join(workRoot, name))
  const event = JSON.parse(readFileSync(prepared.env.GITHUB_EVENT_PATH, 'utf8'))
  const full = { full_name: repository }
  if (event.pull_request) {
    event.number = event.pull_request.number = 1
    event.pull_request.base.repo = event.pull_request.head.repo = full
  }
  event.repository = full
  writeFileSync(prepared.env.GITHUB_EVENT_PATH, JSON.stringify(event))
  Object.assign(prepared.env, {
    GITHUB_REPOSITORY: repository,
    GITHUB_REF_NAME: '1/merge',
    GITHUB_API_URL: emulator.url,
    CONTRACT_DRIFT_TRIAGE_TIME_SCALE: String(scale),
    INPUT_MODE: 'issue',
    'INPUT_GITHUB-TOKEN': emulator.token,
    'INPUT_INCIDENT-REPOSITORY': INCIDENTS,
    'INPUT_JOB-KEY': job,
    INPUT_VALIDATORS: validators
  })
  return { ...prepared, repository, job, key: `${repository}:pr-1` }
}

/** The action as the runner starts it; a run past `timeoutMs` is stopped and counted as crashed. */
function runOne(node, entry, prepared, timeoutMs) {
  return new Promise(resolve => {
    const start = performance.now()
    const child = spawn(node, [entry], {
      cwd: prepared.repo,
      env: prepared.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      process.kill(-child.pid, 'SIGKILL')
    }, timeoutMs)
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const outputs = readOutputs(readFileSync(prepared.outputFile, 'utf8'))
      let record = null
      try {
        record = outputs['record-path']
          ? JSON.parse(readFileSync(outputs['record-path'], 'utf8'))
          : null
      } catch {
        record = null
      }
      resolve({
        prepared,
        code,
        signal,
        timedOut,
        ms: performance.now() - start,
        outputs,
        record,
        stdout,
        stderr
      })
    })
  })
}

/** Runs `jobs` (arrays of runs started together) through a pool of `concurrency` processes. */
async function pool(jobs, concurrency, start) {
  const results = []
  let next = 0
  let live = 0
  await new Promise(resolve => {
    const launch = () => {
      while (live < concurrency && next < jobs.length) {
        const group = jobs[next++]
        live += group.length
        for (const item of group)
          start(item).then(result => {
            results.push(result)
            live--
            if (next >= jobs.length && live === 0) resolve()
            else launch()
          })
      }
      if (jobs.length === 0) resolve()
    }
    launch()
  })
  return results
}

const decodeState = body => {
  const match = STATE.exec(body ?? '')
  return match ? JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')) : undefined
}

/**
 * The org run: seeds, then the measured round with limits on. Returns the figures of the table
 * and the raw results for assertions.
 * @param {{ emulator: any, entry: string, node: string, workRoot: string, repos: number,
 *   scale: number, concurrency: number, limits?: object, timeoutMs?: number, log?: (m: string) => void }} o
 */
export async function runOrg(o) {
  const { emulator, entry, node, workRoot, repos, scale, concurrency } = o
  const log = o.log ?? (() => {})
  const timeoutMs = o.timeoutMs ?? 600_000
  const plan = orgPlan(repos)
  emulator.addRepo(INCIDENTS, { collaborators: ['impl-owner', 'qa-lead', 'mcp-owner'] })
  for (const p of plan) emulator.addRepo(p.repository, { collaborators: ['impl-owner', 'qa-lead'] })

  // Seeding: the incidents the unchanged reds, changed reds and greens find. Limits off.
  const seeds = plan.filter(p => p.seed)
  log(`org: seeding ${seeds.length} incidents (limits off)…`)
  emulator.limits = null
  const seeded = await pool(
    seeds.map((p, i) => [
      prepare(workRoot, `seed-${i}`, p.seed, p.repository, 'contract-drift', emulator, scale)
    ]),
    concurrency,
    prepared => runOne(node, entry, prepared, timeoutMs)
  )
  const badSeeds = seeded.filter(r => !r.outputs['issue-number'])
  if (badSeeds.length > 0)
    throw new Error(
      `org: ${badSeeds.length} seeding run(s) filed nothing; first: ${badSeeds[0].stdout.slice(-2000)}${badSeeds[0].stderr.slice(-1000)}`
    )
  const before = new Set(emulator.issues(INCIDENTS).map(i => i.number))

  // The measured round: limits on, one token, every run through the pool.
  const jobs = plan.map((p, i) =>
    p.legs.map(job =>
      prepare(workRoot, `run-${i}-${job}`, p.validators, p.repository, job, emulator, scale)
    )
  )
  emulator.resetRequests()
  emulator.limits = new RateLimits(o.limits ?? {}, emulator.timeScale)
  const runsCount = jobs.flat().length
  log(`org: ${runsCount} runs of ${repos} repositories, ${concurrency} at a time, limits on…`)
  const started = performance.now()
  const results = await pool(jobs, concurrency, prepared =>
    runOne(node, entry, prepared, timeoutMs)
  )
  const wallMs = performance.now() - started
  const limits = emulator.limits
  const requests = [...emulator.requests]

  // What the incident repository holds once every run has ended.
  const issues = emulator
    .issues(INCIDENTS)
    .map(issue => ({ ...issue, state_: decodeState(issue.body) }))
  const byKey = new Map()
  for (const issue of issues) {
    const key = issue.state_?.key
    if (!key) continue
    const entry = byKey.get(key) ?? { open: [], closed: [] }
    ;(issue.state === 'open' ? entry.open : entry.closed).push(issue)
    byKey.set(key, entry)
  }
  const created = issues.filter(i => !before.has(i.number))
  const duplicatesOpen = [...byKey.values()].reduce((n, e) => n + Math.max(0, e.open.length - 1), 0)
  const duplicatesClosed = created.filter(
    i => i.state === 'closed' && i.state_reason === 'not_planned'
  ).length

  // A finding is lost when it is not in its incident's state once every run has ended (SPEC §7).
  let lostFindings = 0
  let lostReports = 0
  const crashed = []
  for (const r of results) {
    const ok = !r.timedOut && !r.signal && r.outputs.result && r.record
    if (!ok) {
      crashed.push(r)
      continue
    }
    const incident = byKey.get(r.prepared.key)?.open[0] ?? byKey.get(r.prepared.key)?.closed[0]
    const stored = (incident?.state_?.runs ?? []).filter(s => s.job === r.prepared.job)
    let reportLost = false
    for (const run of r.record.runs ?? []) {
      const mine = stored.find(s => s.command === run.command && s.outcome === run.outcome)
      if (!mine) reportLost = true
      const kept = new Set((mine?.findings ?? []).map(f => f.message.slice(0, 200)))
      lostFindings += (run.findings ?? [])
        .slice(0, 20)
        .filter(f => !kept.has(f.message.slice(0, 200))).length
    }
    if (reportLost) lostReports++
  }

  const content = limits.contentCreating
  const retries = results.reduce(
    (n, r) => n + (r.stdout.match(/rate limit on [A-Z]+ \S+: retrying after/g) ?? []).length,
    0
  )
  const givenUp = results.filter(r => /::warning::.*(rate limit|budget)/i.test(r.stdout)).length
  const scaledMinutes = wallMs / scale / MINUTE
  const accepted = content.filter(a => !a.refusedBy).length
  // What the limits allow at best: content-creating requests at 80 a minute and 500 an hour,
  // searches at 30 a minute, every other request within the primary budget. The work needed is at least what was accepted plus
  // one write for each run that gave up (it left its write undone): counting only the accepted
  // ones would make a run that gave up look cheap.
  const perMinute = o.limits?.secondary?.perMinute ?? 80
  const perHour = o.limits?.secondary?.perHour ?? 500
  const primary = o.limits?.primary?.perHour ?? 5000
  const searchPerMinute = o.limits?.search?.perMinute ?? 30
  const needed = accepted + givenUp
  const searches = limits.searches.length - limits.refused.search
  const boundMs = Math.max(
    (needed / perMinute) * MINUTE,
    Math.floor((needed - 1) / perHour) * HOUR,
    (searches / searchPerMinute) * MINUTE,
    Math.floor((requests.length - searches - 1) / primary) * HOUR
  )
  const wellFormed = results.filter(r => r.outputs.result)
  return {
    repos,
    runs: runsCount,
    byKind: Object.fromEntries(
      KINDS.map(kind => [
        kind,
        plan.filter(p => p.kind === kind).reduce((n, p) => n + p.legs.length, 0)
      ])
    ),
    filed: created.length - duplicatesClosed,
    created: created.length,
    duplicatesOpen,
    duplicatesClosed,
    lostReports,
    lostFindings,
    crashed: crashed.length,
    crashedRuns: crashed,
    requests: requests.length,
    requestsPerRun: requests.length / runsCount,
    // Lists of the incident repository's issues and searches: what would grow with repositories.
    lookupsPerRun:
      requests.filter(
        r =>
          r.method === 'GET' &&
          (r.route === '/repos/{owner}/{repo}/issues' || r.route === '/search/issues')
      ).length / runsCount,
    contentCreating: content.length,
    searches: limits.searches.length,
    refused: { ...limits.refused },
    retries,
    givenUp,
    maxPerMinute: limits.maxPerWindow(MINUTE),
    maxPerHour: limits.maxPerWindow(HOUR),
    wallMs,
    scaledMinutes,
    boundMinutes: boundMs / MINUTE,
    results: wellFormed.map(r => ({ result: r.outputs.result, ms: r.ms })),
    runMs: results.map(r => r.ms),
    routes: routeCounts(requests, runsCount),
    violations: [...emulator.violations]
  }
}

/** Requests per run by route (`GET issues 2.1; …`), refused ones apart. */
function routeCounts(requests, runs) {
  const counts = new Map()
  for (const r of requests) {
    const route = (r.route ?? r.path).replace(/^\/repos\/\{owner\}\/\{repo\}\/?/, '') || 'repo'
    const key = `${r.method} ${route}${r.refused ? ' (refused)' : ''}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${key} ${(n / runs).toFixed(2)}`)
    .join('; ')
}
