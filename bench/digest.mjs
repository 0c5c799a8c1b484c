// The release-readiness digest over 1,000 incidents (issue 16: ≤ 15 requests, ≤ 2 s), against the
// GitHub REST emulator. The incidents are written through the API as the action writes them (key
// marker first, hidden state), spread over 45 days by the emulator's clock; 400 of them closed.
import { join } from 'node:path'
import { prepareScenario, REPOSITORY } from '../scripts/scenarios.mjs'
import { COLLABORATORS, requestList, runMeasured } from './github.mjs'
import { summarize } from './stats.mjs'

const DAY = 86_400_000
export const DIGEST_INCIDENTS = 1000
const CLOSED = 400

async function api(emulator, method, path, body) {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { authorization: `token ${emulator.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

/** Incident `n`: a branch or pull-request scope, a bucket and severity, and a hidden state. */
function incident(n, createdAt) {
  const buckets = ['schema-drift', 'fixture-stale', 'runtime-regression']
  const levels = ['high', 'medium', 'low']
  const bucket = buckets[n % 3]
  const severity = levels[n % 7 === 0 ? 0 : 1 + (n % 2)]
  const key =
    n % 10 === 0
      ? `${REPOSITORY}:branch-main`
      : n % 10 === 5
        ? `${REPOSITORY}:branch-feature/${n % 4}`
        : `${REPOSITORY}:pr-${1000 + (n % 300)}`
  const state = {
    v: 1,
    incidentId: `DRIFT-20261101-${n.toString(16).padStart(6, '0')}`,
    key,
    createdAt,
    runs: [],
    lifecycle: {
      checklist: [true, true, n % 4 === 0, false, false],
      history: [],
      failingChecks: []
    },
    seenComments: 0,
    verdict: {
      result: 'drift',
      classification: { bucket, confidence: 'high', rule: 1, reason: '', evidence: [] },
      severity,
      routing: {
        primaryRole: 'contract',
        requiredAction: '',
        owners: { contract: [`owner-${n % 12}`] }
      },
      owners: [`owner-${n % 12}`]
    }
  }
  return {
    title: `[contract-drift] incident ${n}`,
    body: `<!-- contract-drift-triage:key=${key} -->\nThe record.\n<!-- contract-drift-triage:state=${Buffer.from(JSON.stringify(state)).toString('base64')} -->`,
    labels: ['contract-drift', `bucket:${bucket}`, `severity:${severity}`, 'owner:contract']
  }
}

/** A fresh repository holding `count` incidents, `closed` of them closed, created over 45 days. */
export async function seedIncidents(emulator, count = DIGEST_INCIDENTS, closed = CLOSED) {
  emulator.addRepo(REPOSITORY, { collaborators: COLLABORATORS })
  const span = 45 * DAY
  emulator.clock.advance(-span)
  const step = Math.floor(span / count)
  const numbers = []
  for (let n = 1; n <= count; n++) {
    const at = new Date(emulator.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z')
    numbers.push(
      (await api(emulator, 'POST', `/repos/${REPOSITORY}/issues`, incident(n, at))).number
    )
    // Every other one of the first `closed × 2` is closed a day later (or at once, near the end).
    emulator.clock.advance(step)
  }
  for (const number of numbers.filter((_, i) => i % 2 === 0).slice(0, closed))
    await api(emulator, 'PATCH', `/repos/${REPOSITORY}/issues/${number}`, { state: 'closed' })
  // Back to the real clock: the action measures ages from its own `now`.
  emulator.clock.advance(span - step * count)
}

/** `reps` digest runs of the bundle (digest-issue: true) over the seeded incidents. */
export async function digestRuns(workRoot, entry, emulator, reps) {
  const prepared = prepareScenario('green', join(workRoot, 'digest'))
  Object.assign(prepared.env, {
    GITHUB_API_URL: emulator.url,
    CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001',
    INPUT_MODE: 'digest',
    'INPUT_DIGEST-ISSUE': 'true',
    'INPUT_FAIL-ON': 'never',
    'INPUT_GITHUB-TOKEN': emulator.token
  })
  // The same machine at the same moment: a green report run with validator `true`, for scale.
  const reference = prepareScenario('green', join(workRoot, 'digest-reference'))
  reference.env.INPUT_VALIDATORS = 'true'
  const baseline = []
  const runs = []
  for (let i = 0; i < reps; i++) {
    baseline.push(await runMeasured(reference, entry, join(workRoot, 'digest-rss.txt')))
    emulator.resetRequests()
    const ran = await runMeasured(prepared, entry, join(workRoot, 'digest-rss.txt'))
    runs.push({ ...ran, requests: [...emulator.requests] })
  }
  const first = runs[0]
  return {
    first,
    later: runs.slice(1),
    ms: summarize(runs.map(r => r.ms)),
    baselineMs: summarize(baseline.map(r => r.ms)),
    requests: summarize(runs.map(r => r.requests.length)),
    note: `ready=${first.outputs.ready}, open=${first.outputs['open-incidents']}, blocking=${first.outputs['blocking-incidents']?.split(',').filter(Boolean).length ?? 0}; first run: ${requestList(first.requests)}${runs[1] ? `; later: ${requestList(runs[1].requests)}` : ''}`
  }
}
