import { defaultConfig, type Config } from '../../../src/config.js'
import { packBases, under } from '../../../src/packs.js'
import { globPlace, normalisePath } from '../../../src/paths.js'

export interface TargetContext {
  workspace: string
  /** The config's `checks`: what a validator tag checks, for findings that name no file. */
  checks: Record<string, string[]>
  /** The config's `paths.fixture` and `paths.mcp`: where the packs a message names live (default: the defaults'). */
  paths?: Pick<Config['paths'], 'fixture' | 'mcp'>
}

const MAX_TARGETS = 20
const MCP_PACK =
  /MCP pack '([^'/]+)' version '([^'/]+)'(?:\s+(?:missing required file:\s*|file\s+)?([\w-]+(?:\.[\w-]+)*\.[A-Za-z]\w*)\b)?/
const MODULE_PACK =
  /module pack '([^'/]+)'(?:\/([\w.-]+)(?:\/([\w./-]+?))?(?=[\s:,]|$)|\s+version '([^'/]+)')?/
const MISSING_PACKS = /Missing required (MCP|module) fixture packs?:\s*\[([^\]]*)\]/i
const CANONICAL_TOOL = /canonical tool '([^'/]+)'/
const JSON_POSITION = /\bline (\d+) column \d+/
// A broken-link item: `<file>:<line> -> '<link as written>' (resolved: <path>)`. The link is relative
// to the file it sits in, so only the file and the resolved path are repository paths.
const LINK_ITEM = /(?:^|\s)([^\s'"`]+):(\d+)\s+->\s+(['"`])[^'"`]*\3\s+\(resolved:\s*([^)]+?)\s*\)/
// `/` or `\` separated (Windows runners print `tests\contracts\…`, Python's repr doubles the `\`).
const PATH_LIKE =
  /(?:^|[\s'"`([=,])((?:[A-Za-z]:)?(?:\.{0,2}[\\/]+)?(?:[\w@.+-]+[\\/]+)+[\w@.+-]+\.[A-Za-z0-9]+)(?::(\d+))?/g

// Computed per configuration, not per finding: a log can hold thousands of pack messages.
const basesByPaths = new WeakMap<object, ReturnType<typeof packBases>>()
function basesOf(paths: NonNullable<TargetContext['paths']>): ReturnType<typeof packBases> {
  let known = basesByPaths.get(paths)
  if (!known) basesByPaths.set(paths, (known = packBases(paths)))
  return known
}
let defaults: Config['paths'] | undefined
const defaultPaths = (): Config['paths'] => (defaults ??= defaultConfig().paths)

function quoted(list: string): string[] {
  return [...list.matchAll(/['"]([^'"]+)['"]/g)].map(m => m[1] as string)
}

/**
 * The files and directories (with a trailing `/`: fixture packs) a finding's text points at,
 * repository-relative, most specific first, and the line it names when it names one.
 */
export function findTargets(
  tag: string,
  message: string,
  context: TargetContext
): { targets: string[]; line?: number } {
  const targets: string[] = []
  let line: number | undefined
  const add = (raw: string | undefined): void => {
    const path = raw && normalisePath(raw, context.workspace)
    if (path && !targets.includes(path) && targets.length < MAX_TARGETS) targets.push(path)
  }

  // Only a message that names a pack needs the bases (and, without `paths`, the defaults).
  const bases = (): ReturnType<typeof packBases> => basesOf(context.paths ?? defaultPaths())
  const missing = MISSING_PACKS.exec(message)
  if (missing) {
    const base = missing[1]?.toUpperCase() === 'MCP' ? bases().mcp : bases().module
    for (const name of quoted(missing[2] as string)) add(under(base, `${name}/`))
  }
  const mcp = MCP_PACK.exec(message)
  if (mcp) add(under(bases().mcp, `${mcp[1]}/${mcp[2]}/${mcp[3] ?? ''}`))
  const module = MODULE_PACK.exec(message)
  if (module && !mcp) {
    const version = module[2] ?? module[4]
    add(under(bases().module, `${module[1]}/${version ? `${version}/` : ''}${module[3] ?? ''}`))
  }
  const tool = CANONICAL_TOOL.exec(message)
  let text = message
  const link = LINK_ITEM.exec(message)
  if (link) {
    const before = targets.length
    add(link[1])
    if (targets.length > before) line = Number(link[2])
    add(link[4])
    text = message.slice(0, link.index) + message.slice(link.index + link[0].length)
  }

  if (targets.length < MAX_TARGETS) {
    for (const match of text.matchAll(PATH_LIKE)) {
      const before = targets.length
      add(match[1])
      if (line === undefined && match[2] && targets.length > before) line = Number(match[2])
    }
  }
  if (targets.length > 0 && line === undefined) {
    const position = JSON_POSITION.exec(message)
    if (position) line = Number(position[1])
  }
  if (targets.length === 0) for (const glob of context.checks[tag] ?? []) add(globPlace(glob))
  if (tool) add(under(bases().mcp, `${tool[1]}/`))
  return line === undefined ? { targets } : { targets, line }
}
