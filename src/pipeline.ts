import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import picomatch from 'picomatch'
import type { ChangeSet } from './changes.js'
import type { Config } from './config.js'
import { findIntent } from './event.js'
import { OutputCollector, type ParseOptions } from './parse/index.js'
import { classify } from './paths.js'
import type { ChangeContext, ValidatorRun } from './types.js'

/** Parse options from the config: what `checks` and `runtime` say about validator tags. */
export function parseOptions(config: Config, workspace: string): ParseOptions {
  return { workspace, checks: config.checks, runtimeTags: config.runtime }
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules'])

/** Files under `root` matching the `reports` globs, repository-relative and sorted. */
export async function findReports(globs: readonly string[], root: string): Promise<string[]> {
  if (globs.length === 0) return []
  const match = picomatch([...globs], { dot: true })
  const found: string[] = []
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name))
        await walk(join(dir, entry.name), path)
      else if (entry.isFile() && match(path)) found.push(path)
    }
  }
  await walk(root, '')
  return found.sort()
}

/** Output a validator already wrote, parsed as it streams from disk; red when it holds findings. */
export async function readReport(
  path: string,
  root: string,
  options: ParseOptions
): Promise<ValidatorRun> {
  const collector = new OutputCollector(`report: ${path}`, options)
  const started = Date.now()
  for await (const chunk of createReadStream(join(root, path))) collector.write(chunk as Buffer)
  return collector.finish(collector.hasFindings() ? 1 : 0, Date.now() - started)
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
