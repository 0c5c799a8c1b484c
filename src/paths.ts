import picomatch from 'picomatch'
import type { Config } from './config.js'
import type { PathClass } from './types.js'

const globOptions = { dot: true }
const compiled = new Map<string, (path: string) => boolean>()

function matcher(glob: string): (path: string) => boolean {
  let match = compiled.get(glob)
  if (!match) {
    match = picomatch(glob, globOptions)
    compiled.set(glob, match)
  }
  return match
}

// A glob that ends in a literal file name (`**/feature.json`) names particular files, not
// whatever a directory may hold: a fixture pack or a `checks:` directory is not a contract
// merely because some directory could contain a `feature.json`.
const couldNameAFileInside = (last: string): boolean => last === '**' || picomatch.scan(last).isGlob

/**
 * Whether a path matches a glob. A directory (written with a trailing `/`) matches when it, or
 * anything that could sit inside it, would: `…/mcp/billing.oci.ingest/` matches `…/mcp/billing.*\/**`
 * (SPEC §3).
 */
export function pathMatches(path: string, glob: string): boolean {
  if (!path.endsWith('/')) return matcher(glob)(path)
  if (matcher(glob)(path.slice(0, -1))) return true
  const dir = path.slice(0, -1).split('/')
  const parts = glob.split('/')
  const memo = new Map<string, boolean>()
  const walk = (g: number, d: number): boolean => {
    const id = `${g}:${d}`
    const known = memo.get(id)
    if (known !== undefined) return known
    let ok: boolean
    if (d === dir.length)
      ok = g < parts.length && couldNameAFileInside(parts[parts.length - 1] as string)
    else if (g === parts.length) ok = false
    else if (parts[g] === '**') ok = walk(g + 1, d) || walk(g, d + 1)
    else
      ok =
        picomatch.isMatch(dir[d] as string, parts[g] as string, globOptions) && walk(g + 1, d + 1)
    memo.set(id, ok)
    return ok
  }
  return walk(0, 0)
}

export function matchesAny(path: string, globs: readonly string[]): boolean {
  return globs.some(glob => pathMatches(path, glob))
}

const classOrder = ['fixture', 'contract', 'implementation', 'docs'] as const

/** SPEC §4: fixture, then contract, then implementation, then docs; the first match wins. */
export function classify(path: string, paths: Config['paths']): PathClass {
  return classOrder.find(name => matchesAny(path, paths[name])) ?? 'other'
}

/** What a glob stands for as a place: itself when literal, else its literal directory with `/`. */
export function globPlace(glob: string): string {
  const scan = picomatch.scan(glob)
  return scan.isGlob ? `${scan.base}/` : glob
}

/**
 * Repository-relative form of a path a tool printed: `./x`, Windows separators and absolute
 * paths under the workspace are normalised; anything that leaves the repository is dropped.
 */
export function normalisePath(raw: string, workspace: string): string | undefined {
  let path = raw.trim().replace(/\\/g, '/')
  const root = workspace.replace(/\\/g, '/').replace(/\/+$/, '')
  if (root && path.startsWith(`${root}/`)) path = path.slice(root.length + 1)
  else if (path.startsWith('/') || /^[A-Za-z]:\//.test(path)) return undefined
  const parts: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.length === 0) return undefined
      parts.pop()
    } else parts.push(part)
  }
  if (parts.length === 0) return undefined
  return parts.join('/') + (path.endsWith('/') ? '/' : '')
}
