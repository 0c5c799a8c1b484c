import picomatch from 'picomatch'
import { matchesAny, pathMatches } from './paths.js'

/**
 * Whether a directory (repository-relative, '' for the root) holds a `notes.md`, at head or else
 * at base. Injected, so the pack logic stays pure and is tested without a checkout.
 */
export type NotesLookup = (dir: string) => boolean

/** What decides fixture packs (SPEC §3): the `paths.fixture` globs and where `notes.md` files are. */
export interface PackLayout {
  fixture: readonly string[]
  hasNotes: NotesLookup
}

const parent = (dir: string): string => {
  const slash = dir.lastIndexOf('/')
  return slash < 0 ? '' : dir.slice(0, slash)
}

/** `a/b` + `c` → `a/b/c`; the repository root is ''. */
export const under = (dir: string, rest: string): string => (dir ? `${dir}/${rest}` : rest)

/** The `notes.md` of a pack directory. */
export const notesOf = (pack: string): string => under(pack, 'notes.md')

/**
 * The directory part of a glob before its first wildcard: `test/fixtures` for `test/fixtures/**`,
 * '' for `**\/fixtures/**`, the file's directory for a literal path.
 */
export function literalBase(glob: string): string {
  const scan = picomatch.scan(glob)
  return (scan.isGlob ? scan.base : parent(scan.base)).replace(/\/+$/, '')
}

/**
 * The fixture pack a path lies in (SPEC §3): the directory nearest to it that holds a `notes.md`,
 * climbing no higher than the literal base of the first `paths.fixture` glob it matches; else its
 * own directory (a directory path, written with a trailing `/`, is its own). Undefined for a path
 * that is not a fixture.
 */
export function packOf(path: string, layout: PackLayout): string | undefined {
  const glob = layout.fixture.find(candidate => pathMatches(path, candidate))
  if (glob === undefined) return undefined
  const base = literalBase(glob)
  const own = path.endsWith('/') ? path.replace(/\/+$/, '') : parent(path)
  const within = (dir: string): boolean => base === '' || dir === base || dir.startsWith(`${base}/`)
  for (let dir = own; within(dir); dir = parent(dir)) {
    if (layout.hasNotes(dir)) return dir
    if (dir === '') break
  }
  return own
}

/** Two paths concern the same thing: one contains the other, or they share a fixture pack. */
export function related(a: string, b: string, layout: PackLayout): boolean {
  const x = a.replace(/\/$/, '')
  const y = b.replace(/\/$/, '')
  if (x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`)) return true
  const pack = packOf(a, layout)
  return pack !== undefined && pack === packOf(b, layout)
}

/**
 * Where the field's pack messages point (`MCP pack 'X'`, `module pack 'X'`, `Missing required
 * … fixture packs`): module packs under the literal base of the first `paths.fixture` glob, MCP
 * packs under that of the first `paths.mcp` glob that lies among the fixtures (else the same).
 */
export function packBases(paths: { fixture: readonly string[]; mcp: readonly string[] }): {
  module: string
  mcp: string
} {
  const module = paths.fixture[0] === undefined ? '' : literalBase(paths.fixture[0])
  const mcp = paths.mcp
    .map(literalBase)
    .find(base => base !== '' && matchesAny(`${base}/`, paths.fixture))
  return { module, mcp: mcp ?? module }
}
