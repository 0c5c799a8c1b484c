// `npm run bench -- --profile`: where the cold start goes. Not part of the table: it names what
// the bundle loads (webpack stats of a throw-away ncc build of src/, so module ids line up with
// dist/ when src/ and dist/ agree) and attributes CPU samples of `node --cpu-prof` runs to the
// source modules of dist/index.js (by the line ranges webpack marks in the bundle).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from '../scripts/scenarios.mjs'
import { median } from './stats.mjs'

/** id → module name, from `ncc build --stats-out` of src/index.ts into `outDir`. */
export function moduleNames(outDir) {
  const stats = join(outDir, 'stats.json')
  execFileSync(
    'npx',
    ['ncc', 'build', 'src/index.ts', '-o', join(outDir, 'build'), '--stats-out', stats, '-q'],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] }
  )
  const names = new Map()
  for (const m of JSON.parse(readFileSync(stats, 'utf8')).modules ?? [])
    if (m.id !== null && m.id !== undefined) names.set(Number(m.id), m.name)
  return names
}

/** The package a module belongs to: `@scope/name` or `name` under node_modules, else the path. */
export function packageOf(name) {
  if (!name) return '(unnamed)'
  const nm = /node_modules\/((?:@[^/]+\/)?[^/ ]+)/.exec(name)
  if (nm) return nm[1]
  if (name.startsWith('./src/')) return 'src/ (the action)'
  if (name.startsWith('external ')) return 'node built-ins'
  return name
}

// The CPU profiler charges lazily compiling a factory to its caller, the require function.
const RUNTIME = 'webpack runtime (__nccwpck_require__, incl. compiling each factory on first call)'

/** Line → region (source module) map of a bundle file, from webpack's own markers. */
function regions(file, names) {
  const lines = readFileSync(file, 'utf8').split('\n')
  const starts = []
  for (let i = 0; i < lines.length; i++) {
    const factory = /^\/\*\*\*\/ (\d+):$/.exec(lines[i])
    if (factory) starts.push([i, names.get(Number(factory[1])) ?? `module ${factory[1]}`])
    const concatenated = /CONCATENATED MODULE: (\.\/\S+)/.exec(lines[i])
    if (concatenated) starts.push([i, concatenated[1]])
    if (
      /^\/\*{5,}\/ \/\/ The module cache/.test(lines[i]) ||
      /^\/\*\*\*\*\*\*\/ function __nccwpck_require__/.test(lines[i])
    )
      starts.push([i, RUNTIME])
  }
  return line => {
    let lo = 0
    let hi = starts.length - 1
    let found = RUNTIME
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (starts[mid][0] <= line) {
        found = starts[mid][1]
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }
}

/**
 * Runs the bundle `runs` times under `--cpu-prof` (100 µs sampling) in the cold-start set-up and
 * returns the median self time per package and per source module, in milliseconds.
 */
export function cpuProfile(entry, prepared, outDir, names, runs = 5) {
  mkdirSync(outDir, { recursive: true })
  const dir = join(entry, '..')
  const maps = new Map()
  for (const name of readdirSync(dir).filter(n => /\.m?js$/.test(n)))
    maps.set(pathToFileURL(join(dir, name)).href, regions(join(dir, name), names))
  const perRun = []
  for (let run = 0; run < runs; run++) {
    const profDir = join(outDir, `run-${run}`)
    spawnSync(
      process.execPath,
      ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', profDir, entry],
      { cwd: prepared.repo, env: prepared.env, stdio: 'ignore' }
    )
    const profile = JSON.parse(readFileSync(join(profDir, readdirSync(profDir)[0]), 'utf8'))
    const byId = new Map(profile.nodes.map(node => [node.id, node]))
    const self = new Map()
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id).callFrame
      const region = maps.has(frame.url)
        ? maps.get(frame.url)(frame.lineNumber)
        : frame.url.startsWith('node:')
          ? `node:${frame.url.slice(5).split('/')[0] === 'internal' ? 'internal' : frame.url.slice(5)}`
          : frame.url || frame.functionName
      self.set(region, (self.get(region) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
    })
    perRun.push(self)
  }
  const keys = new Set(perRun.flatMap(m => [...m.keys()]))
  const modules = [...keys]
    .map(key => ({ key, ms: median(perRun.map(m => m.get(key) ?? 0)) }))
    .sort((a, b) => b.ms - a.ms)
  const packages = new Map()
  for (const { key, ms } of modules) {
    const pkg = key.startsWith('./') || key.startsWith('module ') ? packageOf(key) : key
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms)
  }
  return {
    modules,
    packages: [...packages].map(([key, ms]) => ({ key, ms })).sort((a, b) => b.ms - a.ms)
  }
}

/** Instrumented factory times (bench/startup.mjs executedModules) summed per package. */
export function factoryTimesByPackage(executed, names) {
  const packages = new Map()
  for (const m of executed.modules) {
    const name = names.get(m.id) ?? m.factory?.sources.at(-1) ?? `module ${m.id}`
    const sources = m.factory?.sources ?? []
    // One factory holding many concatenated ESM sources: named by what it holds.
    const pkg =
      sources.length > 1
        ? `${name} (concatenated: ${[...new Set(sources.map(packageOf))].join(', ')})`
        : packageOf(name)
    const entry = packages.get(pkg) ?? { self: 0, factories: 0, bytes: 0 }
    entry.self += m.self
    entry.factories++
    entry.bytes += m.factory?.bytes ?? 0
    packages.set(pkg, entry)
  }
  return [...packages].map(([key, v]) => ({ key, ...v })).sort((a, b) => b.self - a.self)
}
