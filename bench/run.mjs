// `npm run bench` — the performance budget (issues 9 and 18, request counts of issue 5) in one
// markdown table: cold start on node 24 and node 20 against bare node and a floor bundle, bundle
// size and modules executed, parse throughput on a 1 GB log, 10,000 findings end to end, requests
// per scenario. Every figure is a median with min and max; every ratio is taken side by side in
// the same run. Targets are printed with ✓/✗, never asserted. The GitHub API is the emulator on
// loopback; the only download is node 24 from the npm registry, once (bench/runtime.mjs).
// Measures a snapshot of dist/ as it is (never builds it).
//
//   node bench/run.mjs [--quick] [--profile] [--start] [--scale] [--digest] [--requests] [--org]
//     --quick    fewer repetitions and a 256 MB log (CI smoke)
//     --profile  after the table, where the cold start goes (a throw-away ncc build names modules)
//     --start    cold start and bundle only
//     --scale    10,000 findings end to end only (report mode on node 24 and node 20, issue mode)
//     --digest   the release-readiness digest over 1,000 incidents only
//     --requests the requests per scenario only (single repository, no limits)
//     --org      an organisation on one incident repository only (issue 17; bench/org.mjs):
//                [--repos 300] [--scale 1] [--concurrency 16]
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleParser, runGrep, runParse, TOOL_FORMATS, writeLog, writeToolLog } from './parse.mjs'
import { cpuProfile, factoryTimesByPackage, moduleNames } from './profile.mjs'
import {
  bundleSize,
  buildFloor,
  buildReadable,
  coldStart,
  executedModules,
  instrumentBundle,
  prepareColdStart,
  snapshotDist
} from './startup.mjs'
import {
  requestList,
  requestScenarios,
  runMeasured,
  scaleIssue,
  scaleReport,
  startGitHub,
  VALIDATORS,
  LINES_PER_VALIDATOR
} from './github.mjs'
import { prepareScenario } from '../scripts/scenarios.mjs'
import { DIGEST_INCIDENTS, digestRuns, seedIncidents } from './digest.mjs'
import { fmt, mb, summarize } from './stats.mjs'
import { runtimes } from './runtime.mjs'
import { runOrg } from './org.mjs'
import { startEmulator } from '../emulator/index.mjs'

const args = new Set(process.argv.slice(2))
const quick = args.has('--quick')
const profile = args.has('--profile')
const startOnly = args.has('--start')
const scaleOnly = args.has('--scale')
const digestOnly = args.has('--digest')
const requestsOnly = args.has('--requests')
const orgOnly = args.has('--org')
/** `--repos N`, `--scale S`, `--concurrency C` of the org section. */
const option = (name, fallback) => {
  const at = process.argv.indexOf(name)
  const value = at > 0 ? Number(process.argv[at + 1]) : fallback
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} expects a positive number`)
  return value
}
const plan = quick
  ? {
      coldRounds: 8,
      parseMB: 256,
      parseReps: 2,
      scaleReps: 1,
      requestReps: 1,
      issueTimeout: 30_000
    }
  : {
      coldRounds: 20,
      parseMB: 1024,
      parseReps: 3,
      scaleReps: 3,
      requestReps: 2,
      issueTimeout: 60_000
    }

const esc = text => String(text).replace(/\|/g, '\\|')
const log = message => process.stderr.write(`bench: ${message}\n`)
const work = mkdtempSync(join(tmpdir(), 'cdt-bench-'))
const rows = []
const section = title => rows.push({ section: title })
/** One row: a summary (median/min/max) or a single value, its unit, target and verdict. */
function row(figure, value, { unit = '', decimals = 0, target = '', ok, note = '' } = {}) {
  const single = typeof value === 'number' || typeof value === 'string'
  const cell = v => (typeof v === 'string' ? v : `${fmt(v, decimals)}${unit ? ` ${unit}` : ''}`)
  rows.push({
    figure,
    median: single ? cell(value) : cell(value.median),
    min: single ? '' : cell(value.min),
    max: single ? '' : cell(value.max),
    target,
    mark: ok === undefined ? '' : ok ? '✓' : '✗',
    note
  })
}

try {
  log(`snapshot of dist/ (waits while it is being rebuilt)…`)
  const dist = await snapshotDist(join(work, 'dist'))
  const startedAt = new Date()
  // Read by printProfile once the cold-start section has set them.
  let prepared, actionMods, floorMods
  if (digestOnly || requestsOnly || scaleOnly) {
    log('starting the GitHub emulator…')
    const emulator = await startGitHub()
    try {
      if (digestOnly) await digestSection(emulator, dist.entry)
      else if (scaleOnly) await scaleSection(emulator)
      else await requestsSection(emulator)
    } finally {
      await emulator.close()
    }
    printTable()
  } else if (orgOnly) {
    await orgSection(dist.entry)
    printTable()
  } else {
    // ---------------------------------------------------------------- cold start
    log('bundling the floor (bench/floor/index.mjs) with ncc…')
    const floor = buildFloor(join(work, 'floor'))
    const cases = prepareColdStart(join(work, 'cold'))
    prepared = cases['green, config'].prepared
    // Issue 18's targets, as ratios to the floor on node 24 (the runner's runtime).
    const targets = { 'green, config': 1.2, 'green, no config': 1.1, 'invalid input': 1.0 }
    const what = {
      'green, config': 'green `report` run, validator `true`, config file',
      'green, no config': 'green `report` run, validator `true`, no config file',
      'invalid input': 'invalid input (`mode: bogus`)'
    }
    for (const runtime of runtimes(log)) {
      log(`cold start on ${runtime.name}: ${plan.coldRounds} interleaved rounds…`)
      const cold = coldStart(runtime, cases, floor, dist.entry, { rounds: plan.coldRounds })
      const measured = runtime.bin !== process.execPath || process.versions.node.startsWith('24.')
      section(
        `Cold start on ${runtime.name}${measured ? ' (the runner’s runtime: targets apply)' : ' (for the CLI’s users; targets shown for comparison)'} — ${plan.coldRounds} interleaved rounds (+2 warm-up), wall ms spawn → exit`
      )
      row('`node -e 0`', cold.times.node, { unit: 'ms', decimals: 1 })
      row(
        'floor bundle (`@actions/core`, `bash -c true`, one output; `ncc -m`)',
        cold.times.floor,
        {
          unit: 'ms',
          decimals: 1
        }
      )
      for (const [name, target] of Object.entries(targets)) {
        const expected = cases[name].expect
        const got = cold.results[name]
        row(`action: ${what[name]}`, cold.times[name], {
          unit: 'ms',
          decimals: 1,
          note:
            got === expected ? `result=${got}` : `**result=${got || 'none'}, expected ${expected}**`
        })
        row(`… / floor`, cold.overFloor[name], {
          unit: '×',
          decimals: 2,
          target: `≤ ${target.toFixed(1)}×`,
          ok: measured ? cold.overFloor[name].median <= target && got === expected : undefined,
          note: 'median of per-round ratios'
        })
      }
      row('floor / node', cold.floorOverNode, { unit: '×', decimals: 2, note: 'per-round ratio' })
    }

    // ---------------------------------------------------------------- bundle
    const size = bundleSize(dist.dir)
    log('modules executed by the action and the floor (instrumented copies)…')
    actionMods = executedModules(
      instrumentBundle(buildReadable(join(work, 'readable')), join(work, 'inst-action')),
      prepared,
      join(work, 'modules-action.json')
    )
    floorMods = executedModules(
      instrumentBundle(
        buildFloor(join(work, 'floor-readable'), { readable: true }),
        join(work, 'inst-floor')
      ),
      prepared,
      join(work, 'modules-floor.json')
    )
    section('Bundle (dist/ as it is now; sizes without source maps)')
    row('`dist/` total', `${fmt(size.total)} B`, {
      target: '≤ 900 KB (921,600 B)',
      ok: size.total <= 900 * 1024,
      note: `${size.files} files: action and CLI ${fmt(size.action)} B (index.js + chunks), rest licenses/package.json`
    })
    row('`dist/index.js`', `${fmt(size.index)} B`, {
      target: '≤ 600 KB (614,400 B)',
      ok: size.index <= 600 * 1024,
      note: `floor bundle: ${fmt(statSync(floor).size)} B`
    })
    row(
      'webpack modules executed in the cold-start run',
      `${actionMods.executed} of ${actionMods.defined}`,
      {
        note: `= ${actionMods.sourceFiles} of ${actionMods.definedSources} source files (concatenated ESM counted per file), ${fmt(actionMods.executedBytes / 1024)} KB of bundle source; floor: ${floorMods.executed} (${floorMods.sourceFiles} files, ${fmt(floorMods.executedBytes / 1024)} KB)`
      }
    )
    row(
      'lazy chunks loaded in the cold-start run',
      `${actionMods.chunks.length} of ${actionMods.chunkFiles}`,
      {
        note: actionMods.chunks.length
          ? `chunks ${actionMods.chunks.join(', ')}`
          : 'octokit, XML etc. stay unloaded'
      }
    )
    row('Node built-in modules loaded', `${actionMods.builtins}`, {
      note: `floor: ${floorMods.builtins}`
    })

    // ---------------------------------------------------------------- parse
    if (!startOnly) await throughput()
    printTable()
    if (profile) printProfile()
  }

  // ---------------------------------------------------------------- an organisation
  async function orgSection(entry) {
    const repos = option('--repos', 300)
    const scale = option('--scale', 1)
    const concurrency = option('--concurrency', 16)
    const node = runtimes(log)[0].bin
    const emulator = await startEmulator({ timeScale: scale })
    const load = () =>
      loadavg()
        .map(n => n.toFixed(1))
        .join(' ')
    const loadBefore = load()
    let org
    try {
      org = await runOrg({
        emulator,
        entry,
        node,
        workRoot: join(work, 'org'),
        repos,
        scale,
        concurrency,
        log
      })
    } finally {
      await emulator.close()
    }
    const minutes = v => `${fmt(v, 1)} min`
    section(
      `An organisation on one incident repository — ${repos} repositories, ${org.runs} runs (${Object.entries(
        org.byKind
      )
        .map(([kind, n]) => `${n} ${kind}`)
        .join(
          ', '
        )}), one token, GitHub's limits on, clock × ${scale}, ${concurrency} runs at a time, ${runtimes(log)[0].name}; load average ${loadBefore} before, ${load()} after`
    )
    row('incidents filed', org.filed, {
      note: `${org.created} created; ${org.duplicatesClosed} filed by a concurrent leg of the same key and closed as its duplicate`
    })
    row('duplicate incidents left open', org.duplicatesOpen, {
      target: '0',
      ok: org.duplicatesOpen === 0
    })
    row('runs that lost their report', org.lostReports, { target: '0', ok: org.lostReports === 0 })
    row('lost findings', org.lostFindings, {
      target: '0',
      ok: org.lostFindings === 0,
      note: "not in the incident's state once every run has ended"
    })
    row('crashed runs', org.crashed, { target: '0', ok: org.crashed === 0 })
    row('requests per run', fmt(org.requestsPerRun, 2), {
      note: `${fmt(org.requests)} requests; ${org.routes}`
    })
    row('lookups per run (issue lists and searches)', fmt(org.lookupsPerRun, 2), {
      target: 'not growing with repositories',
      note: `${fmt(org.searches)} searches (limit 30 a minute)`
    })
    row('content-creating requests per minute, max', org.maxPerMinute, {
      target: '≤ 80',
      ok: org.maxPerMinute <= 80,
      note: `attempted, refused ones included; ${fmt(org.contentCreating)} in all; per hour max ${fmt(org.maxPerHour)} (limit 500)`
    })
    row(
      'requests refused, by limit',
      Object.values(org.refused).reduce((a, b) => a + b, 0),
      {
        note: Object.entries(org.refused)
          .map(([limit, n]) => `${limit} ${n}`)
          .join(', ')
      }
    )
    row('retries after a rate limit', org.retries, {
      note: `${org.givenUp} run(s) gave up and warned`
    })
    row('wall time (GitHub time)', minutes(org.scaledMinutes), {
      note: `lower bound the limits allow (accepted writes + one per run that gave up): at least ${minutes(org.boundMinutes)}; real ${fmt(org.wallMs / 1000, 1)} s; one run median ${fmt(summarize(org.runMs).median / 1000, 1)} s`
    })
    if (org.violations.length)
      row('emulator: requests GitHub would reject', `${org.violations.length}`, {
        note: org.violations.slice(0, 3).join(' | ')
      })
  }

  // ---------------------------------------------------------------- 10,000 findings
  // The target is read on node 24, the runner's runtime; node 20 beside it for the CLI's users.
  async function scaleSection(emulator) {
    const onRuntimes = runtimes(log)
    log(
      `scale: ${VALIDATORS} validators × ${LINES_PER_VALIDATOR} findings, report mode on ${onRuntimes.map(r => r.name).join(' and ')}, then issue mode…`
    )
    const reports = await scaleReport(work, dist.entry, plan.scaleReps, onRuntimes)
    const issue = await scaleIssue(
      work,
      dist.entry,
      emulator,
      plan.scaleReps,
      plan.issueTimeout,
      onRuntimes[0].bin
    )
    section(
      `Scale — ${VALIDATORS} validators × ${LINES_PER_VALIDATOR} field ERROR lines (python3 -c), end to end, ${plan.scaleReps} run(s) each, runtimes side by side`
    )
    for (const [i, report] of reports.entries()) {
      const targeted = i === 0 // runtimes() puts the runner's first
      const on = `report mode on ${report.runtime.name}`
      row(`${on}: wall time`, report.ms, {
        unit: 'ms',
        target: '≤ 3,000 ms',
        ok: targeted ? report.ms.median <= 3000 : undefined,
        note: `findings=${report.findings}, ${report.results}${targeted ? '' : '; target shown for comparison'}`
      })
      row(`${on}: CPU time (user + sys, node and validators)`, report.cpuMs, { unit: 'ms' })
      row(`${on}: peak RSS`, report.rssMB, {
        unit: 'MB',
        target: '≤ 150 MB',
        ok: targeted ? report.rssMB.median <= 150 : undefined
      })
    }
    const issueNote = issue.timedOut
      ? `**timed out** after ${plan.issueTimeout / 1000} s (${issue.timedOut} of ${issue.runs} runs; later reps skipped); requests before the stop: ${issue.lastRequests}`
      : `findings=${issue.findings}, ${issue.results}, issue #${issue.issueNumbers}`
    const issueOn = `issue mode (emulator) on ${onRuntimes[0].name}`
    row(`${issueOn}: wall time`, issue.ms, { unit: 'ms', note: issueNote })
    row(`${issueOn}: peak RSS`, issue.rssMB, { unit: 'MB' })
    row(`${issueOn}: requests`, issue.requests, { note: issue.requestList })
  }

  // ---------------------------------------------------------------- requests per scenario
  async function requestsSection(emulator) {
    section(
      `Requests per scenario — issue mode against the emulator, ${plan.requestReps} sequence(s), counts min–max across them`
    )
    const sequences = []
    for (let rep = 0; rep < plan.requestReps; rep++) {
      log(`request scenarios, sequence ${rep + 1}/${plan.requestReps}…`)
      sequences.push(await requestScenarios(work, dist.entry, emulator, rep))
    }
    const targets = {
      'first-red-new-labels': [
        'first red, labels missing',
        'first red ≤ 5 + one per missing label'
      ],
      'first-red-labels-exist': ['first red, labels exist', '≤ 5'],
      'unchanged-red': ['unchanged red re-run', '≤ 3'],
      'changed-red': ['changed red (other scenario, same PR)', ''],
      'green-with-incident': ['green with an open incident', ''],
      'green-no-incident': ['green without an incident', '≤ 1']
    }
    for (const [key, [label, target]] of Object.entries(targets)) {
      const runs = sequences.map(seq => seq.find(r => r.key === key))
      const counts = summarize(runs.map(r => r.requests.length))
      const first = runs[0]
      const limit =
        key === 'first-red-new-labels'
          ? 5 +
            first.requests.filter(r => r.method === 'POST' && r.route?.endsWith('/labels')).length
          : Number(/≤ (\d+)/.exec(target)?.[1])
      row(`${label} (${first.scenario}, PR #${first.pr})`, counts, {
        target,
        ok: Number.isFinite(limit) ? counts.max <= limit : undefined,
        note: `result=${first.outputs.result}, issue #${first.outputs['issue-number'] || '—'}: ${requestList(first.requests)}`
      })
    }
    if (emulator.violations.length)
      row('emulator: requests GitHub would reject', `${emulator.violations.length}`, {
        note: emulator.violations.slice(0, 3).join(' | ')
      })
  }

  // ---------------------------------------------------------------- release readiness
  async function digestSection(emulator, entry) {
    log(`digest: seeding ${fmt(DIGEST_INCIDENTS)} incidents…`)
    await seedIncidents(emulator)
    const reps = quick ? 2 : 4
    const digest = await digestRuns(work, entry, emulator, reps)
    section(
      `Release readiness — \`mode: digest\` over ${fmt(DIGEST_INCIDENTS)} incidents (600 open, 400 closed within 45 days), digest-issue on, ${reps} runs`
    )
    row('digest: wall time (spawn → exit)', digest.ms, {
      unit: 'ms',
      target: '≤ 2,000 ms',
      ok: digest.ms.max <= 2000
    })
    row('reference: green report run, validator `true`, interleaved', digest.baselineMs, {
      unit: 'ms',
      note: 'the machine at the same moment: node start, config, one validator'
    })
    row('digest: requests', digest.requests, {
      target: '≤ 15',
      ok: digest.requests.max <= 15,
      note: digest.note
    })
    if (emulator.violations.length)
      row('emulator: requests GitHub would reject', `${emulator.violations.length}`, {
        note: emulator.violations.slice(0, 3).join(' | ')
      })
  }

  async function throughput() {
    section(
      `Parse — ${plan.parseMB} MB synthetic log (bench/parse.mjs), ${plan.parseReps} runs each, interleaved`
    )
    let parser
    try {
      log('bundling src/parse/index.ts with ncc…')
      parser = bundleParser(join(work, 'parser'))
    } catch (error) {
      row('parser bundle', 'failed', { note: String(error.message).split('\n')[0] })
    }
    log(`writing a ${plan.parseMB} MB log…`)
    const logFile = join(work, 'validator.log')
    writeLog(logFile, plan.parseMB * 1024 * 1024)
    const logMB = mb(statSync(logFile).size)
    const parses = []
    const greps = []
    const ends = []
    const e2e = prepareScenario('green', join(work, 'e2e'))
    Object.assign(e2e.env, { INPUT_VALIDATORS: `cat ${logFile}`, INPUT_MODE: 'report' })
    for (let rep = 0; rep < plan.parseReps; rep++) {
      log(`parse run ${rep + 1}/${plan.parseReps}…`)
      if (parser) parses.push(runParse(parser, logFile))
      greps.push(runGrep(logFile))
      ends.push(await runMeasured(e2e, dist.entry, join(work, 'e2e-rss.txt'), 300_000))
    }
    if (parses.length) {
      const rate = summarize(parses.map(p => logMB / p.seconds))
      const rss = summarize(parses.map(p => p.peakRssMB))
      row('parser throughput (OutputCollector, fresh process)', rate, {
        unit: 'MB/s',
        target: '≥ 200 MB/s',
        ok: rate.median >= 200,
        note: `findings kept/counted ${parses[0].kept}/${parses[0].counted}`
      })
      row('parser peak RSS', rss, { unit: 'MB', target: '≤ 150 MB', ok: rss.median <= 150 })
      row(
        'parser / `grep -c ERROR`',
        summarize(parses.map((p, i) => greps[i].seconds / p.seconds)),
        {
          unit: '×',
          decimals: 2,
          note: 'throughput ratio, per run'
        }
      )
    }
    row('`grep -c ERROR`', summarize(greps.map(g => logMB / g.seconds)), {
      unit: 'MB/s',
      note: `${fmt(greps[0].count)} lines`
    })
    row(
      'action end to end, validator `cat <log>` (dist as is)',
      summarize(ends.map(e => logMB / (e.ms / 1000))),
      {
        unit: 'MB/s',
        note: `whole report run incl. the pipe; peak RSS ${fmt(summarize(ends.map(e => e.rssMB)).median)} MB; result=${ends[0].outputs.result ?? (ends[0].timedOut ? 'timed out' : '?')}`
      }
    )

    // The contract tools' formats (issue 15): 256 MB of each, the same targets.
    if (parser) {
      for (const name of Object.keys(TOOL_FORMATS)) {
        const toolLog = join(work, 'tool.log')
        writeToolLog(name, toolLog, 256 * 1024 * 1024)
        const toolMB = mb(statSync(toolLog).size)
        const runs = []
        for (let rep = 0; rep < plan.parseReps; rep++) runs.push(runParse(parser, toolLog, name))
        const rate = summarize(runs.map(p => toolMB / p.seconds))
        row(`parser throughput, ${name} (${toolMB.toFixed(0)} MB)`, rate, {
          unit: 'MB/s',
          target: '≥ 200 MB/s',
          ok: rate.median >= 200,
          note: `peak RSS ${fmt(summarize(runs.map(p => p.peakRssMB)).median)} MB; ${runs[0].outcome}, findings kept/counted ${runs[0].kept}/${runs[0].counted}`
        })
        rmSync(toolLog, { force: true })
      }
    }

    // ---------------------------------------------------------------- scale + requests
    log('starting the GitHub emulator…')
    const emulator = await startGitHub()
    try {
      await scaleSection(emulator)
      await requestsSection(emulator)
      emulator.violations.length = 0
      await digestSection(emulator, dist.entry)
    } finally {
      await emulator.close()
    }
  }

  // ---------------------------------------------------------------- the table
  function printTable() {
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`
    console.log(
      `\n**contract-drift-triage bench** — ${startedAt.toISOString()} — ${machine} — dist/index.js of ${dist.mtime.toISOString()}${quick ? ' — `--quick`' : ''}\n`
    )
    console.log('| Figure | Median | Min | Max | Target | | Notes |')
    console.log('|---|--:|--:|--:|---|:-:|---|')
    for (const r of rows) {
      if (r.section) console.log(`| **${esc(r.section)}** | | | | | | |`)
      else
        console.log(
          `| ${esc(r.figure)} | ${esc(r.median)} | ${esc(r.min)} | ${esc(r.max)} | ${esc(r.target)} | ${r.mark} | ${esc(r.note)} |`
        )
    }
  }

  function printProfile() {
    log('profile: naming modules with a throw-away ncc build of src/ (--stats-out)…')
    const names = moduleNames(join(work, 'names'))
    console.log('\n**Where the cold start goes** (action, green report run)\n')
    console.log(
      `Timeline: first bundle line at ${fmt(actionMods.firstLine, 1)} ms (floor ${fmt(floorMods.firstLine, 1)} ms), exit at ${fmt(actionMods.exitAt, 1)} ms (floor ${fmt(floorMods.exitAt, 1)} ms), performance.now() in the instrumented copies.\n`
    )
    console.log('| Package | factory self ms (import time) | factories | bundle KB |')
    console.log('|---|--:|--:|--:|')
    for (const p of factoryTimesByPackage(actionMods, names))
      console.log(`| ${p.key} | ${fmt(p.self, 1)} | ${p.factories} | ${fmt(p.bytes / 1024)} |`)
    const cpu = cpuProfile(dist.entry, prepared, join(work, 'cpuprof'), names, quick ? 3 : 7)
    console.log('\n| CPU self time by package (`--cpu-prof`, 100 µs, median of runs) | ms |')
    console.log('|---|--:|')
    for (const p of cpu.packages.slice(0, 20)) console.log(`| ${esc(p.key)} | ${fmt(p.ms, 1)} |`)
    console.log('\n| CPU self time by source module | ms |')
    console.log('|---|--:|')
    for (const p of cpu.modules.filter(m => m.key.startsWith('./')).slice(0, 25))
      console.log(`| ${esc(p.key)} | ${fmt(p.ms, 1)} |`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
