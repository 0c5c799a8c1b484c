import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import picomatch from 'picomatch'
import type { ChangeSet } from './changes.js'
import type { Config } from './config.js'
import { findIntent } from './event.js'
import {
  OutputCollector,
  type Formats,
  type ParseOptions,
  type ProblemMatchers
} from './parse/index.js'
import { notesOf, type NotesLookup } from './packs.js'
import type { RemediationLayout } from './remediation.js'
import { classify } from './paths.js'
import type { ChangeContext, ChangedFile, ValidatorRun } from './types.js'

/** The config keys the parsers read (`formats`, `problem-matchers`). */
export interface ParserConfig {
  formats?: Formats
  'problem-matchers'?: ProblemMatchers
}

/**
 * Parse options from the config: what `checks` and `runtime` say about validator tags, the
 * formats and problem matchers it sets, and the repository's files for placing paths.
 */
export function parseOptions(config: Config & ParserConfig, workspace: string): ParseOptions {
  return {
    workspace,
    checks: config.checks,
    paths: config.paths,
    runtimeTags: config.runtime,
    ...(config.formats ? { formats: config.formats } : {}),
    ...(config['problem-matchers'] ? { problemMatchers: config['problem-matchers'] } : {}),
    repoFiles: repositoryFiles(workspace),
    readFile: path => readSmallFile(workspace, path)
  }
}

// Scanning a file for a JSON pointer reads it whole: a contract or fixture, not a data dump.
const MAX_SCANNED_FILE = 16 * 1024 * 1024

/** A repository file's text for placing a finding on its line; undefined when absent or huge. */
function readSmallFile(root: string, path: string): string | undefined {
  const full = resolve(root, path)
  if (relative(root, full).startsWith('..')) return undefined
  try {
    if (statSync(full).size > MAX_SCANNED_FILE) return undefined
    return readFileSync(full, 'utf8')
  } catch {
    return undefined
  }
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules'])
const MAX_LISTED_FILES = 200_000

/** The files under `root`, root-relative, listed on first call only and then kept. */
export function repositoryFiles(root: string): () => readonly string[] {
  let files: string[] | undefined
  return () => {
    if (files) return files
    files = []
    const pending = ['']
    while (pending.length > 0 && files.length < MAX_LISTED_FILES) {
      const prefix = pending.pop() as string
      let entries
      try {
        entries = readdirSync(join(root, prefix), { withFileTypes: true })
      } catch {
        continue
      }
      for (const entry of entries) {
        const path = prefix ? `${prefix}/${entry.name}` : entry.name
        if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) pending.push(path)
        else if (entry.isFile()) files.push(path)
      }
    }
    return files
  }
}

/**
 * Files matching the `reports` globs: relative globs from `root`, absolute ones (such as
 * `${{ runner.temp }}/*.log`) from their own base directory. Sorted, with the globs that matched nothing.
 */
export async function findReports(
  globs: readonly string[],
  root: string
): Promise<{ files: string[]; unmatched: string[] }> {
  const files = new Set<string>()
  const unmatched: string[] = []
  for (const glob of globs) {
    // Walk from the glob's literal directory only, not the whole tree.
    const scan = picomatch.scan(glob.replace(/\\/g, '/'))
    const literal = scan.isGlob ? scan.base : dirname(scan.base)
    const base = resolve(root, literal || '.')
    const pattern = relative(base, resolve(root, glob)).replace(/\\/g, '/')
    const match = picomatch(pattern, { dot: true })
    const found = await walk(base, match)
    if (found.length === 0) unmatched.push(glob)
    for (const file of found) {
      const full = join(base, file)
      const inside = relative(root, full)
      files.add(inside.startsWith('..') || isAbsolute(inside) ? full : inside.replace(/\\/g, '/'))
    }
  }
  return { files: [...files].sort(), unmatched }
}

async function walk(dir: string, match: (path: string) => boolean, prefix = ''): Promise<string[]> {
  const found: string[] = []
  let entries
  try {
    entries = await readdir(join(dir, prefix), { withFileTypes: true })
  } catch {
    return found
  }
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name))
      found.push(...(await walk(dir, match, path)))
    else if (entry.isFile() && match(path)) found.push(path)
  }
  return found
}

/** Output a validator already wrote, parsed as it streams from disk; red when it holds findings. */
export async function readReport(
  path: string,
  root: string,
  options: ParseOptions
): Promise<ValidatorRun> {
  const format = reportFormat(path, options.formats)
  const collector = new OutputCollector(
    `report: ${path}`,
    format ? { ...options, format } : options
  )
  const started = Date.now()
  for await (const chunk of createReadStream(resolve(root, path))) {
    collector.write(chunk as Buffer)
    // While the XML parser loads, the file waits rather than memory filling up.
    await collector.settled()
  }
  return collector.finishReport(Date.now() - started)
}

/** The format the config's `formats` gives a report file: by exact path, then by glob. */
export function reportFormat(
  path: string,
  formats: Formats | undefined
): Formats[string] | undefined {
  if (!formats) return undefined
  const plain = path.replace(/\\/g, '/')
  if (formats[plain]) return formats[plain]
  for (const [glob, format] of Object.entries(formats))
    if (picomatch.isMatch(plain, glob, { dot: true })) return format
  return undefined
}

/** The change set classified by the config's `paths`, with intent from labels, PR body and head commit. */
export function changeContext(
  changes: ChangeSet,
  signals: { labels: readonly string[]; prBody?: string },
  config: Config
): ChangeContext {
  const texts = [
    ...(signals.prBody ? [{ where: 'the pull request body', text: signals.prBody }] : []),
    ...(changes.headMessage
      ? [{ where: 'the head commit message', text: changes.headMessage }]
      : [])
  ]
  return {
    changed: changes.files.map(path => ({ path, class: classify(path, config.paths) })),
    changeSource: changes.source,
    intent: findIntent({ labels: signals.labels, texts }, config.intent)
  }
}

/**
 * Whether a directory holds a `notes.md` at head or else at base (SPEC §3), from the checkout and
 * the change set: a path outside the change set is the same on both sides, and a changed one
 * exists on at least one side (a deleted file at base, an added one at head). So it is right
 * whichever revision the checkout holds (the head in a pull request, the base in publish).
 */
export function notesLookup(root: string, changed: readonly string[]): NotesLookup {
  const inChangeSet = new Set(changed)
  const known = new Map<string, boolean>()
  return dir => {
    let found = known.get(dir)
    if (found === undefined) {
      const notes = notesOf(dir)
      found = inChangeSet.has(notes) || existsSync(join(root, notes))
      known.set(dir, found)
    }
    return found
  }
}

/** Where a remediation's packs, `notes.md` files and expected fixtures are (SPEC §3, §5). */
export function remediationLayout(
  config: Config,
  root: string,
  changed: readonly ChangedFile[]
): RemediationLayout {
  return {
    fixture: config.paths.fixture,
    expected: config.paths.expected,
    hasNotes: notesLookup(
      root,
      changed.map(file => file.path)
    )
  }
}
