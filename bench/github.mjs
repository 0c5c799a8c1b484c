// Scale (10,000 findings from 20 validators, report and issue mode) and request counts per
// scenario, against the GitHub REST emulator on loopback (emulator/index.mjs).
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startEmulator } from '../emulator/index.mjs'
import { prepareScenario, readOutputs, REPOSITORY, runAction } from '../scripts/scenarios.mjs'
import { summarize } from './stats.mjs'

export const COLLABORATORS = ['impl-owner', 'qa-lead', 'mcp-owner', 'fixture-owner']
export const VALIDATORS = 20
export const LINES_PER_VALIDATOR = 500

/**
 * The interpreter `python3` resolves to, by absolute path: a version manager's shim (pyenv's
 * costs ~70 ms a start here) would otherwise be most of the scale run's wall time.
 */
export function realPython() {
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8'
  }).trim()
}

/** Validator `n` of the scale run: a one-line python3 printing 500 field ERROR lines, exit 1. */
export function scaleValidator(n, python = 'python3') {
  const tag = `scale-check-${String(n).padStart(2, '0')}`
  const line = `[${tag}] ERROR: MCP pack billing.t%d.ingest version 1.0 missing required file: tests/contracts/fixtures/mcp/billing.t%d.ingest/1.0/response.expected.json`
  return `${python} -c 'print("\\n".join("${line}" % (i, i) for i in range(${LINES_PER_VALIDATOR}))); raise SystemExit(1)'`
}

export function startGitHub() {
  return startEmulator({ timeScale: 0.001 })
}

/** Points a prepared scenario at the emulator in issue mode, in the scope of pull request `pr`. */
export function issueMode(prepared, emulator, pr) {
  const event = JSON.parse(readFileSync(prepared.env.GITHUB_EVENT_PATH, 'utf8'))
  if (event.pull_request) {
    event.pull_request.number = pr
    event.number = pr
  }
  writeFileSync(prepared.env.GITHUB_EVENT_PATH, JSON.stringify(event))
  Object.assign(prepared.env, {
    GITHUB_API_URL: emulator.url,
    GITHUB_REF_NAME: `${pr}/merge`,
    CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001',
    INPUT_MODE: 'issue',
    'INPUT_GITHUB-TOKEN': emulator.token
  })
  return prepared
}

/**
 * The action as the runner starts it, under `/usr/bin/time` for its peak RSS (GNU time's %M: the
 * largest resident set of the process and the children it waited for — the node process here,
 * the validators being small) and its CPU time (%U + %S: the node process and every validator,
 * which moves far less than wall time when others share the machine). Asynchronous: the
 * emulator answers from this process. `node`: the runtime to run it on (the bench's by default).
 */
export function runMeasured(
  prepared,
  entry,
  rssFile,
  timeoutMs = 120_000,
  node = process.execPath
) {
  return new Promise((resolve, reject) => {
    writeFileSync(prepared.outputFile, '')
    writeFileSync(prepared.summaryFile, '')
    const start = process.hrtime.bigint()
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, node, entry], {
      cwd: prepared.repo,
      env: prepared.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true // its own process group, so a run past the timeout is stopped whole
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      process.kill(-child.pid, 'SIGKILL')
    }, timeoutMs)
    let stdoutBytes = 0
    let stderr = ''
    child.stdout.on('data', chunk => (stdoutBytes += chunk.length))
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (timedOut)
        return resolve({ ms, rssMB: NaN, cpuMs: NaN, code, outputs: {}, timedOut, stderr })
      // GNU time writes "Command exited with non-zero status N" above its figures.
      const [rssKB, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1).split(' ')
      const outputs = readOutputs(readFileSync(prepared.outputFile, 'utf8'))
      resolve({
        ms,
        rssMB: Number(rssKB) / 1024,
        cpuMs: (Number(user) + Number(sys)) * 1000,
        code,
        outputs,
        stdoutBytes,
        stderr,
        timedOut
      })
    })
  })
}

/** The scale run's checkout: the `green` scenario with the 20 validators of 500 findings. */
export function prepareScale(workRoot) {
  const prepared = prepareScenario('green', join(workRoot, 'scale'))
  const python = realPython()
  prepared.env.INPUT_VALIDATORS = Array.from({ length: VALIDATORS }, (_, i) =>
    scaleValidator(i + 1, python)
  ).join('\n')
  return prepared
}

const figures = runs => ({
  runs: runs.length,
  timedOut: runs.filter(r => r.timedOut).length,
  ms: summarize(runs.map(r => r.ms)),
  cpuMs: summarize(runs.map(r => r.cpuMs)),
  rssMB: summarize(runs.map(r => r.rssMB)),
  findings: runs.map(r => r.outputs.findings).join('/'),
  results: [...new Set(runs.map(r => `${r.outputs.result} (exit ${r.code})`))].join(', ')
})

/**
 * 10,000 findings in report mode, `reps` rounds, each round running every runtime once (side by
 * side, so load from other work falls on each alike). Returns figures per runtime, in order.
 */
export async function scaleReport(workRoot, entry, reps, runtimes) {
  const prepared = prepareScale(workRoot)
  const rssFile = join(workRoot, 'scale-rss.txt')
  const runs = runtimes.map(() => [])
  for (let i = 0; i < reps; i++)
    for (const [r, runtime] of runtimes.entries())
      runs[r].push(await runMeasured(prepared, entry, rssFile, 120_000, runtime.bin))
  return runtimes.map((runtime, r) => ({ runtime, ...figures(runs[r]) }))
}

/** 10,000 findings in issue mode against the emulator, `reps` first red runs on `node`. */
export async function scaleIssue(workRoot, entry, emulator, reps, issueTimeoutMs, node) {
  const prepared = issueMode(prepareScale(workRoot), emulator, 9001)
  const rssFile = join(workRoot, 'scale-rss.txt')
  const issue = []
  let lastRequests = []
  for (let i = 0; i < reps; i++) {
    // A fresh repository each time: every rep is the same first red run with labels missing.
    emulator.addRepo(REPOSITORY, { collaborators: COLLABORATORS })
    emulator.resetRequests()
    const ran = await runMeasured(prepared, entry, rssFile, issueTimeoutMs, node)
    lastRequests = [...emulator.requests]
    issue.push({ ...ran, requests: emulator.requests.length })
    if (ran.timedOut) break // a hang would only hang again
  }
  return {
    ...figures(issue),
    requests: summarize(issue.map(r => r.requests)),
    requestList: requestList(lastRequests),
    lastRequests: lastRequests.length,
    issueNumbers: issue.map(r => r.outputs['issue-number']).join('/')
  }
}

/** `GET /repos/{owner}/{repo}/issues` → `GET issues`; repeats folded as `×n`. */
export function requestList(requests) {
  const compact = requests.map(r => {
    const route = (r.route ?? r.path).replace(/^\/repos\/\{owner\}\/\{repo\}\/?/, '') || 'repo'
    return `${r.method} ${route}${r.status >= 400 ? ` → ${r.status}` : ''}`
  })
  const folded = []
  for (const item of compact) {
    const last = folded.at(-1)
    if (last && last.item === item) last.count++
    else folded.push({ item, count: 1 })
  }
  return folded.map(({ item, count }) => (count > 1 ? `${item} ×${count}` : item)).join('; ')
}

/**
 * The request scenarios in one pull request scope (and two fresh ones), in a fresh emulator
 * repository whose labels do not exist yet. Returns each scenario's requests and wall time.
 */
export async function requestScenarios(workRoot, entry, emulator, rep) {
  emulator.addRepo(REPOSITORY, { collaborators: COLLABORATORS })
  const pr = 700 + rep * 10
  const run = async (key, scenario, scopePr, prepared) => {
    prepared ??= issueMode(
      prepareScenario(scenario, join(workRoot, `req-${rep}-${key}`)),
      emulator,
      scopePr
    )
    emulator.resetRequests()
    const start = process.hrtime.bigint()
    const ran = await runAction(prepared, entry)
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    const requests = [...emulator.requests]
    return {
      key,
      scenario,
      pr: scopePr,
      prepared,
      ms,
      requests,
      outputs: ran.outputs,
      code: ran.code
    }
  }
  const results = []
  const firstRed = await run('first-red-new-labels', 'schema-drift-medium', pr)
  results.push(firstRed)
  results.push(await run('unchanged-red', 'schema-drift-medium', pr, firstRed.prepared))
  results.push(await run('changed-red', 'runtime-regression', pr))
  results.push(await run('green-with-incident', 'green', pr))
  // The labels exist now; close this scope's incident as a person's bot would, then a new scope.
  const number = firstRed.outputs['issue-number']
  if (number) {
    await fetch(`${emulator.url}/repos/${REPOSITORY}/issues/${number}`, {
      method: 'PATCH',
      headers: { authorization: `token ${emulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'closed', state_reason: 'completed' })
    })
  }
  results.push(await run('first-red-labels-exist', 'schema-drift-medium', pr + 1))
  results.push(await run('green-no-incident', 'green', pr + 2))
  return results
}
