import { normalisePath } from '../../../src/paths.js'

/** Turns the paths a format states into repository-relative paths of real files. */
export interface PathResolver {
  path(raw: string): string | undefined
  /** A dotted Python module (pytest's `classname`) as the file that defines it. */
  module(dotted: string): string | undefined
}

interface RepoIndex {
  files: Set<string>
  byName: Map<string, string[]>
}

const indexes = new WeakMap<() => readonly string[], RepoIndex>()

function repoIndex(list: () => readonly string[]): RepoIndex {
  let index = indexes.get(list)
  if (!index) {
    const files = new Set<string>()
    const byName = new Map<string, string[]>()
    for (const file of list()) {
      files.add(file)
      const name = file.slice(file.lastIndexOf('/') + 1)
      const same = byName.get(name)
      if (same) same.push(file)
      else byName.set(name, [file])
    }
    index = { files, byName }
    indexes.set(list, index)
  }
  return index
}

/**
 * A resolver for one workspace. With the repository's file list it also places absolute paths
 * from another checkout (a container's `/app/src/x.ts`: the longest repository path it ends
 * with) and paths relative to a package directory, as vitest writes them (the one repository
 * file that ends with it). The list is read only when such a path needs it.
 */
export function pathResolver(workspace: string, repoFiles?: () => readonly string[]): PathResolver {
  const resolve = (raw: string): string | undefined => {
    const plain = normalisePath(raw, workspace)
    if (!repoFiles || raw.trim() === '') return plain
    const index = repoIndex(repoFiles)
    if (plain && (plain.endsWith('/') || index.files.has(plain))) return plain
    const parts = raw
      .trim()
      .replace(/\\/g, '/')
      .replace(/^[A-Za-z]:/, '')
      .split('/')
      .filter(part => part !== '' && part !== '.' && part !== '..')
    const rel = parts.join('/')
    const candidates = index.byName.get(parts.at(-1) ?? '') ?? []
    let longest: string | undefined
    for (const file of candidates)
      if ((rel === file || rel.endsWith(`/${file}`)) && file.length > (longest?.length ?? 0))
        longest = file
    if (longest) return longest
    const inside = candidates.filter(file => file.endsWith(`/${rel}`))
    return inside.length === 1 ? inside[0] : plain
  }
  return {
    path: resolve,
    module(dotted) {
      const parts = dotted.split('.').filter(Boolean)
      if (repoFiles) {
        const index = repoIndex(repoFiles)
        for (let k = parts.length; k > 0; k--) {
          const found = resolve(`${parts.slice(0, k).join('/')}.py`)
          if (found && index.files.has(found)) return found
        }
        return undefined
      }
      // Without the file list: test classes are capitalised, modules are not.
      while (parts.length > 1 && /^[A-Z]/.test(parts.at(-1) as string)) parts.pop()
      return parts.length > 0 ? normalisePath(`${parts.join('/')}.py`, workspace) : undefined
    }
  }
}
