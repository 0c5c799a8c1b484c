// The runtimes the cold start is measured on. The runner runs the action on node 24
// (action.yml: runs.using: node24); the machines here, and the CLI's users, run node 20.
// Node 24 comes from the registry's `node` package, installed into a folder of its own and
// called by path: as a devDependency its `node` would shadow the machine's for every npm script.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from '../scripts/scenarios.mjs'

export const NODE24 = '24.21.0'
const folder = join(ROOT, 'bench', '.node24')

function versionOf(bin) {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}

/** The path of node NODE24, installed into bench/.node24 on first use. */
export function node24(log = () => {}) {
  const bin = join(folder, 'node_modules', '.bin', 'node')
  if (versionOf(bin) !== `v${NODE24}`) {
    log(`installing node ${NODE24} into bench/.node24 (npm i --prefix)…`)
    execFileSync(
      'npm',
      ['i', '--prefix', folder, '--no-audit', '--no-fund', '--no-package-lock', `node@${NODE24}`],
      { stdio: ['ignore', 'ignore', 'inherit'] }
    )
  }
  const version = versionOf(bin)
  if (version !== `v${NODE24}`)
    throw new Error(`bench/.node24 holds ${version || 'no node'}, not v${NODE24}`)
  return bin
}

/** Node 24 first (the targets are read there), then the node running the bench. */
export function runtimes(log) {
  const local = { name: `node ${process.versions.node}`, bin: process.execPath }
  if (process.versions.node.startsWith('24.')) return [local]
  return [{ name: `node ${NODE24}`, bin: node24(log) }, local]
}
