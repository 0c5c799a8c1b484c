import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import picomatch from 'picomatch'
import type { Git } from './git.js'

interface Rule {
  pattern: string
  match: (path: string) => boolean
  owners: string[]
}

/** Where GitHub looks for CODEOWNERS, in its order; the first found is used. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS']

// A login or an org/team slug; anything else (an email, a typo, injected Markdown) is no owner.
const OWNER = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/

// Patterns that match every file in the repository.
const CATCH_ALL = new Set(['*', '**', '/**'])

/** GitHub's CODEOWNERS pattern rules, written as globs. */
function patternGlobs(pattern: string): string[] {
  const anchored = pattern.startsWith('/') || pattern.replace(/\/$/, '').includes('/')
  const body = pattern.replace(/^\//, '').replace(/\/$/, '')
  const glob = anchored ? body : `**/${body}`
  if (pattern.endsWith('/')) return [`${glob}/**`]
  // `docs/*` owns the files directly in docs, not deeper ones (GitHub's documented example).
  const last = body.split('/').pop() ?? ''
  return last.includes('*') ? [glob] : [glob, `${glob}/**`]
}

/**
 * A parsed CODEOWNERS file: the last matching pattern wins, as on GitHub. Its patterns are
 * relative to the repository root; `prefix` is where the paths asked about are relative to
 * (the working directory of a monorepo package).
 */
export class CodeOwners {
  private readonly rules: Rule[] = []

  constructor(
    text: string,
    private readonly prefix = ''
  ) {
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/(^|\s)#.*$/, '').trim()
      if (line === '') continue
      const [pattern, ...owners] = line.split(/\s+/) as [string, ...string[]]
      const globs = patternGlobs(pattern.replace(/\\#/g, '#'))
      const matchers = globs.map(glob => picomatch(glob, { dot: true }))
      this.rules.push({
        pattern,
        match: path => matchers.some(m => m(path)),
        // Email owners cannot be assigned or pinged through the API; logins and teams can.
        owners: owners
          .filter(owner => OWNER.test(owner))
          .map(owner => (owner.includes('/') ? owner : owner.slice(1)))
      })
    }
  }

  /**
   * Owners of the catch-all rule (`*`), the last one when there are several: who owns whatever
   * no narrower rule names, such as a validator run inline (`npx jest`).
   */
  catchAllOwners(): string[] {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i] as Rule
      if (CATCH_ALL.has(rule.pattern)) return rule.owners
    }
    return []
  }

  /** Owners of a file; a directory (trailing `/`) is owned as its `notes.md`, which every fixture pack has. */
  ownersOf(path: string): string[] {
    const relative = path.endsWith('/') ? `${path}notes.md` : path
    const file = this.prefix ? `${this.prefix}/${relative}` : relative
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i] as Rule
      if (rule.match(file)) return rule.owners
    }
    return []
  }
}

/** Reads CODEOWNERS where GitHub does, at the repository root, in its order; the first found is used. */
export async function readCodeOwners(
  repositoryRoot: string,
  prefix = ''
): Promise<CodeOwners | undefined> {
  for (const location of CODEOWNERS_LOCATIONS) {
    try {
      return new CodeOwners(await readFile(join(repositoryRoot, location), 'utf8'), prefix)
    } catch {
      // not at this location
    }
  }
  return undefined
}

/**
 * CODEOWNERS at a revision (`git show`), first found in GitHub's order; null when the checkout
 * lacks the revision.
 */
async function readCodeOwnersAt(
  git: Git,
  revision: string,
  prefix: string
): Promise<CodeOwners | undefined | null> {
  const listed = await git([
    'ls-tree',
    '--full-tree',
    '--name-only',
    revision,
    '--',
    ...CODEOWNERS_LOCATIONS
  ])
  if (listed.code !== 0) return null
  const present = new Set(listed.stdout.split('\n'))
  const location = CODEOWNERS_LOCATIONS.find(path => present.has(path))
  if (!location) return undefined
  const shown = await git(['show', `${revision}:${location}`])
  return shown.code === 0 ? new CodeOwners(shown.stdout, prefix) : null
}

/**
 * The CODEOWNERS that route an incident (SPEC §3): a pull request's are read at its base, as
 * GitHub does, so a pull request that edits CODEOWNERS cannot route its own incident; a push's
 * and a schedule's are the checkout's.
 */
export async function routingCodeOwners(
  layout: { root: string; prefix: string },
  git: Git,
  base: string | undefined,
  warn: (message: string) => void
): Promise<CodeOwners | undefined> {
  if (base) {
    const atBase = await readCodeOwnersAt(git, base, layout.prefix)
    if (atBase !== null) return atBase
    warn(
      `CODEOWNERS was read from the checkout: the pull request's base revision ${base.slice(0, 7)} is not in it, so a change to CODEOWNERS in this pull request could route its own incident. Check out with fetch-depth: 0 to read it at the base.`
    )
  }
  return readCodeOwners(layout.root, layout.prefix)
}
