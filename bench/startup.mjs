// Cold start and bundle: the action's whole green `report` run against bare node and the floor
// bundle, the size of dist/, and which webpack modules the bundle actually executes.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { prepareScenario, ROOT } from '../scripts/scenarios.mjs'
import { summarize, timedSpawnSync } from './stats.mjs'

export const DIST = join(ROOT, 'dist')

/**
 * A copy of dist/ as it is now, so that one bench run measures one bundle while others rebuild
 * dist/ (the build deletes it first): waits until dist/index.js exists and holds still.
 */
export async function snapshotDist(outDir, dist = DIST) {
  const entry = join(dist, 'index.js')
  let last = ''
  for (let waited = 0; ; waited += 500) {
    const now = existsSync(entry) ? `${statSync(entry).size}:${statSync(entry).mtimeMs}` : ''
    if (now && now === last) break
    if (waited > 120_000) throw new Error(`${entry} is missing or still changing after 2 minutes`)
    last = now
    await new Promise(resolve => setTimeout(resolve, 500))
  }
  cpSync(dist, outDir, { recursive: true })
  return { dir: outDir, entry: join(outDir, 'index.js'), mtime: statSync(entry).mtime }
}

/**
 * The action's sources bundled without minification: dist/ is minified, and counting the
 * modules a run executes needs webpack's runtime readable. Same sources, same module graph.
 */
export function buildReadable(outDir) {
  execFileSync('npx', ['ncc', 'build', 'src/index.ts', '-o', outDir, '-q'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit']
  })
  return join(outDir, 'index.js')
}

/**
 * bench/floor/index.mjs bundled with ncc into `outDir`, as an action's dist would be: minified
 * like dist/ (the quicker start, so the stricter floor); `readable` for counting its modules.
 */
export function buildFloor(outDir, { readable = false } = {}) {
  const minify = readable ? [] : ['-m']
  // The floor is @actions/core as published, as other actions bundle it: our build marks the
  // installed copy side-effect free (scripts/side-effect-free.mjs), so the floor gets its own copy
  // without the mark; core's dependencies resolve from the project's node_modules, one level up.
  const source = mkdtempSync(join(ROOT, 'bench', '.floor-'))
  try {
    const core = join(source, 'node_modules', '@actions', 'core')
    cpSync(join(ROOT, 'node_modules', '@actions', 'core'), core, { recursive: true })
    const published = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8'))
    delete published.sideEffects
    writeFileSync(join(core, 'package.json'), JSON.stringify(published, null, 2))
    copyFileSync(join(ROOT, 'bench', 'floor', 'index.mjs'), join(source, 'index.mjs'))
    execFileSync(
      'npx',
      ['ncc', 'build', join(source, 'index.mjs'), '-o', outDir, ...minify, '-q'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit']
      }
    )
  } finally {
    rmSync(source, { recursive: true, force: true })
  }
  // dist/'s second pass too (compressed with terser), so the floor stays minified like dist/.
  if (!readable)
    execFileSync('node', ['scripts/minify-chunks.mjs', outDir], { cwd: ROOT, stdio: 'inherit' })
  const entry = readdirSync(outDir).find(name => /^index\.m?js$/.test(name))
  if (!entry) throw new Error(`ncc wrote no index.js/index.mjs to ${outDir}`)
  return join(outDir, entry)
}

/**
 * The cold-start runs, each on a tiny checkout (examples/repo, the `green` pull request scenario)
 * with the runner's env and mode report: a green run with the one validator `true`, with and
 * without a configuration file, and a run with an invalid input (it fails before any work).
 */
export function prepareColdStart(workRoot) {
  const green = prepareScenario('green', join(workRoot, 'config'))
  Object.assign(green.env, { INPUT_VALIDATORS: 'true', INPUT_MODE: 'report' })
  const bare = prepareScenario('green', join(workRoot, 'no-config'))
  Object.assign(bare.env, { INPUT_VALIDATORS: 'true', INPUT_MODE: 'report' })
  rmSync(join(bare.repo, '.github', 'contract-drift-triage.yml'))
  const invalid = { ...green, env: { ...green.env, INPUT_MODE: 'bogus' } }
  return {
    'green, config': { prepared: green, expect: 'pass' },
    'green, no config': { prepared: bare, expect: 'pass' },
    'invalid input': { prepared: invalid, expect: 'error' }
  }
}

function resetRunnerFiles(prepared) {
  writeFileSync(prepared.outputFile, '')
  writeFileSync(prepared.summaryFile, '')
}

/** The `result` output a run left, or '' when it set none. */
function resultOf(prepared) {
  return /^result<<(.+)\n(\w+)\n\1$/m.exec(readFileSync(prepared.outputFile, 'utf8'))?.[2] ?? ''
}

/**
 * `rounds` interleaved rounds of bare node, the floor and each action case on one runtime (the
 * order rotates every round, after `warmup` uncounted rounds). Ratios are taken per round, side
 * by side. The floor runs in the green case's checkout and env.
 */
export function coldStart(runtime, cases, floorEntry, entry, { rounds, warmup = 2 }) {
  const base = cases['green, config'].prepared
  const kinds = {
    node: { args: ['-e', '0'], prepared: base },
    floor: { args: [floorEntry], prepared: base },
    ...Object.fromEntries(
      Object.entries(cases).map(([name, c]) => [name, { args: [entry], prepared: c.prepared }])
    )
  }
  const names = Object.keys(kinds)
  const times = Object.fromEntries(names.map(name => [name, []]))
  for (let round = 0; round < warmup + rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]
      const { args, prepared } = kinds[name]
      resetRunnerFiles(prepared)
      // stdout and stderr piped, as the runner reads them; stdin from /dev/null.
      const ran = timedSpawnSync(runtime.bin, args, {
        cwd: prepared.repo,
        env: prepared.env,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      if (round >= warmup) times[name].push(ran.ms)
    }
  }
  // One more run of each case, its outputs kept: a figure is only worth quoting for the result
  // it is meant to have.
  const results = {}
  for (const [name, c] of Object.entries(cases)) {
    resetRunnerFiles(c.prepared)
    timedSpawnSync(runtime.bin, [entry], { cwd: c.prepared.repo, env: c.prepared.env })
    results[name] = resultOf(c.prepared)
  }
  const ratio = (a, b) => times[a].map((t, i) => t / times[b][i])
  return {
    times: Object.fromEntries(names.map(name => [name, summarize(times[name])])),
    overFloor: Object.fromEntries(
      Object.keys(cases).map(name => [name, summarize(ratio(name, 'floor'))])
    ),
    floorOverNode: summarize(ratio('floor', 'node')),
    results
  }
}

/** Bytes of dist/ without source maps, of the action's files, and of dist/index.js alone. */
export function bundleSize(dist = DIST) {
  const walk = dir =>
    readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]
    )
  const files = walk(dist).filter(file => !file.endsWith('.map'))
  const size = file => statSync(file).size
  const total = files.reduce((sum, file) => sum + size(file), 0)
  const action = files
    .filter(file => /^\d+\.index\.js$|^index\.js$/.test(file.slice(dist.length + 1)))
    .reduce((sum, file) => sum + size(file), 0)
  return { total, action, index: size(join(dist, 'index.js')), files: files.length }
}

// ------------------------------------------------------------------------------------------------
// Modules executed: the bundle copied and its webpack runtime instrumented.

// Both forms webpack emits: `.call(module.exports, …)` (non-strict sources) and a plain call.
const FACTORY_CALL =
  /__webpack_modules__\[moduleId\](?:\.call\(module\.exports, |\()module, module\.exports, __nccwpck_require__\);/
const INSTALL_CHUNK = 'var installChunk = (data) => {'
const PRELUDE = `import { writeFileSync as __cdtBenchWrite } from 'node:fs';
const __cdtBench = (globalThis.__cdtBench = { firstLine: performance.now(), modules: [], chunks: [], stack: [] });
process.on('exit', () => {
  __cdtBench.exitAt = performance.now();
  __cdtBench.builtins = process.moduleLoadList.filter(m => m.startsWith('NativeModule ')).length;
  if (process.env.CDT_BENCH_MODULES_OUT) __cdtBenchWrite(process.env.CDT_BENCH_MODULES_OUT, JSON.stringify(__cdtBench));
});
`
const TIMED_CALL = `var __cdtStart = performance.now(); __cdtBench.stack.push(0);
try { $& } finally {
  var __cdtTook = performance.now() - __cdtStart, __cdtKids = __cdtBench.stack.pop();
  __cdtBench.modules.push([moduleId, __cdtTook, __cdtTook - __cdtKids]);
  if (__cdtBench.stack.length) __cdtBench.stack[__cdtBench.stack.length - 1] += __cdtTook;
}`

/**
 * Copies a bundle (entry + its chunk files) to `outDir` with its webpack runtime instrumented:
 * every module factory executed is recorded with its inclusive and self time, every chunk file
 * installed, and at exit the count of Node built-in modules loaded.
 */
export function instrumentBundle(entry, outDir) {
  mkdirSync(outDir, { recursive: true })
  const dir = join(entry, '..')
  for (const name of readdirSync(dir)) {
    const from = join(dir, name)
    if (statSync(from).isFile() && !name.endsWith('.map')) copyFileSync(from, join(outDir, name))
  }
  const name = entry.slice(dir.length + 1)
  let source = readFileSync(entry, 'utf8')
  if (!FACTORY_CALL.test(source)) throw new Error(`${entry}: webpack runtime not recognised`)
  source = source.replace(FACTORY_CALL, TIMED_CALL)
  if (source.includes(INSTALL_CHUNK))
    source = source.replace(INSTALL_CHUNK, `${INSTALL_CHUNK} __cdtBench.chunks.push(...data.ids);`)
  writeFileSync(join(outDir, name), PRELUDE + source)
  return join(outDir, name)
}

/**
 * The module factories a bundle defines (in the entry and its chunk files), with the source
 * files each holds: webpack concatenates ESM sources into one factory, marked by
 * `// CONCATENATED MODULE: ./path` comments; any other factory is one source file.
 */
export function bundleFactories(entry) {
  const dir = join(entry, '..')
  const files = readdirSync(dir).filter(name => /\.m?js$/.test(name))
  const factories = new Map()
  for (const file of files) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n')
    let current
    for (const line of lines) {
      const start = /^\/\*\*\*\/ (\d+):$/.exec(line)
      if (start) {
        current = { id: Number(start[1]), file, bytes: 0, sources: [] }
        factories.set(current.id, current)
      } else if (current) {
        current.bytes += line.length + 1
        const concatenated = /CONCATENATED MODULE: (\.\/\S+)/.exec(line)
        if (concatenated) current.sources.push(concatenated[1])
      }
    }
  }
  return factories
}

/** Runs an instrumented bundle once in the cold-start set-up and reads what it executed. */
export function executedModules(instrumentedEntry, prepared, outFile) {
  resetRunnerFiles(prepared)
  const ran = spawnSync(process.execPath, [instrumentedEntry], {
    cwd: prepared.repo,
    env: { ...prepared.env, CDT_BENCH_MODULES_OUT: outFile },
    stdio: 'ignore'
  })
  if (ran.status !== 0) throw new Error(`instrumented ${instrumentedEntry} exited ${ran.status}`)
  const trace = JSON.parse(readFileSync(outFile, 'utf8'))
  const factories = bundleFactories(instrumentedEntry)
  const executed = trace.modules.map(([id, took, self]) => ({
    id,
    took,
    self,
    factory: factories.get(id)
  }))
  const sourceFiles = executed.reduce(
    (sum, m) => sum + Math.max(1, m.factory?.sources.length ?? 1),
    0
  )
  const definedSources = [...factories.values()].reduce(
    (sum, f) => sum + Math.max(1, f.sources.length),
    0
  )
  return {
    executed: executed.length,
    defined: factories.size,
    sourceFiles,
    definedSources,
    executedBytes: executed.reduce((sum, m) => sum + (m.factory?.bytes ?? 0), 0),
    chunks: trace.chunks,
    chunkFiles: readdirSync(join(instrumentedEntry, '..')).filter(n => /^\d+\.index\.m?js$/.test(n))
      .length,
    builtins: trace.builtins,
    firstLine: trace.firstLine,
    exitAt: trace.exitAt,
    modules: executed
  }
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true })
}
