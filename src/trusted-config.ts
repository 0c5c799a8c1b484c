/**
 * The configuration and CODEOWNERS a `publish` triages with (SPEC §5): those of the default
 * branch of the repository a bundle comes from, never the bundle's own word. They are read from
 * a checkout of that repository when the workspace is one, else through the contents API.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CodeOwners } from './codeowners.js'
import { ConfigError, defaultConfig, type Config } from './config.js'
import type { Git } from './git.js'
import type { Octokit } from './github/client.js'
import { code } from './markdown.js'

/** Where a repository's trusted files are read from. */
export interface FileSource {
  /** For the summary and warnings: `the checkout at 1a2b3c4`, `acme/x@main via the API`. */
  where: string
  /** A file's text; undefined when the source has no such file. Throws when it cannot tell. */
  read: (path: string) => Promise<string | undefined>
  /** What to do when a read fails or nothing is found. */
  remedy: string
}

/** What a repository's incidents are triaged with, and what the run tells about it. */
export interface TrustedConfig {
  config: Config
  codeowners: CodeOwners | undefined
  /** One sentence for the summary: which files were used, from where. */
  summary: string
  warnings: string[]
}

const UNREAD_REMEDY =
  'check out the default branch before this step (actions/checkout with its default ref), or grant the workflow `contents: read`'

const reason = (error: unknown): string => {
  const status = (error as { status?: number }).status
  const message = error instanceof Error ? error.message : String(error)
  return status ? `${status}: ${message}` : message
}

/**
 * Reads the configuration file and the first CODEOWNERS in GitHub's order from `source`
 * (undefined: none to read from), as `repository`'s trusted routing. A file that cannot be read
 * counts as absent, with a warning that names it; a configuration that is there but invalid is
 * an error, as it is in every other mode.
 */
export async function readTrustedConfig(
  repository: string,
  source: FileSource | undefined,
  options: { configPath: string; explicit?: boolean; prefix?: string }
): Promise<TrustedConfig> {
  if (!source) {
    const warning = `Neither a checkout of ${repository} nor a token to read its default branch: ${repository}'s incidents were triaged with the playbook defaults and no CODEOWNERS. To use its configuration and CODEOWNERS, ${UNREAD_REMEDY}.`
    return {
      config: defaultConfig(),
      codeowners: undefined,
      summary: `Configuration and CODEOWNERS of ${repository}: playbook defaults (nothing to read them from).`,
      warnings: [warning]
    }
  }
  const warnings: string[] = []
  const unread: string[] = []
  const attempt = async (path: string): Promise<string | undefined> => {
    try {
      return await source.read(path)
    } catch (error) {
      unread.push(path)
      warnings.push(
        `Could not read ${code(path)} from ${source.where} (${reason(error)}): ${repository}'s incidents were triaged without it. To read it, ${source.remedy}.`
      )
      return undefined
    }
  }

  const configText = await attempt(options.configPath)
  if (configText === undefined && options.explicit && !unread.includes(options.configPath))
    throw new ConfigError(
      `The config input names ${options.configPath}, which ${source.where} does not have. Check the 'config' input, or remove it to use the playbook defaults.`
    )
  // Imported, not bundled in: config.ts and main.ts load these by import() too, so each stays
  // in one chunk instead of a copy in this one (issue 18's size target).
  let config = defaultConfig()
  if (configText !== undefined) {
    const { parseConfig } = await import('./config-file.js')
    config = parseConfig(configText, `${options.configPath} in ${source.where}`)
  }
  const { CODEOWNERS_LOCATIONS, CodeOwners } = await import('./codeowners.js')
  let codeowners: { path: string; owners: CodeOwners } | undefined
  // GitHub's order, the first found; a location that could not be read stops the search, since
  // a later one would route by a file GitHub does not use.
  for (const path of CODEOWNERS_LOCATIONS) {
    const text = await attempt(path)
    if (text !== undefined) codeowners = { path, owners: new CodeOwners(text, options.prefix) }
    if (text !== undefined || unread.includes(path)) break
  }

  const used = [
    ...(configText !== undefined ? [code(options.configPath)] : []),
    ...(codeowners ? [code(codeowners.path)] : [])
  ]
  if (used.length === 0 && unread.length === 0)
    warnings.push(
      `No configuration (${code(options.configPath)}) and no CODEOWNERS in ${source.where}: ${repository}'s incidents were triaged with the playbook defaults and no owners. If its default branch has them, ${source.remedy}.`
    )
  const summary =
    used.length > 0
      ? `Configuration and CODEOWNERS of ${repository}: ${used.join(' and ')} read from ${source.where}${configText === undefined ? '; no configuration file, so the playbook defaults' : ''}${codeowners ? '' : '; no CODEOWNERS'}.`
      : `Configuration and CODEOWNERS of ${repository}: playbook defaults (none read from ${source.where}).`
  return { config, codeowners: codeowners?.owners, summary, warnings }
}

/** A checkout's files, read from its root. */
export function checkoutSource(root: string, head: string): FileSource {
  return {
    where: `the checkout at ${head.slice(0, 7)}`,
    read: async path => {
      try {
        return await readFile(join(root, path), 'utf8')
      } catch (error) {
        const errno = (error as NodeJS.ErrnoException).code
        if (errno === 'ENOENT' || errno === 'ENOTDIR' || errno === 'EISDIR') return undefined
        throw error
      }
    },
    remedy: 'make it readable in the checkout'
  }
}

/**
 * A repository's files through the contents API, at `ref` (a branch name), or at its default
 * branch when `ref` is undefined: one request per file, 404 being absence.
 */
export function apiSource(octokit: Octokit, repository: string, ref?: string): FileSource {
  const [owner, repo] = repository.split('/') as [string, string]
  return {
    where: `${repository}@${ref ?? 'its default branch'} via the API`,
    read: async path => {
      let data: unknown
      try {
        ;({ data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
          owner,
          repo,
          path,
          ...(ref ? { ref } : {})
        }))
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined
        throw error
      }
      return fileText(data, path)
    },
    remedy: UNREAD_REMEDY
  }
}

/** The text of a contents API answer; a directory or a link at the path is no file. */
export function fileText(data: unknown, path: string): string | undefined {
  const file = data as { type?: string; encoding?: string; content?: string }
  if (Array.isArray(data) || file.type !== 'file') return undefined
  // Files over 1 MB come without content (encoding `none`); no config or CODEOWNERS is that big.
  if (file.encoding !== 'base64' || typeof file.content !== 'string')
    throw new Error(`${path} is larger than the contents API returns (1 MB)`)
  return Buffer.from(file.content, 'base64').toString('utf8')
}

/** `owner/repo` of a remote URL as actions/checkout writes it (https, or ssh), else undefined. */
export function remoteRepository(url: string): string | undefined {
  const match = /[/:]([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(url.trim())
  return match?.[1]
}

/** The workspace's checkout: its HEAD commit and the repository its `origin` names, if any. */
export async function workspaceCheckout(
  git: Git
): Promise<{ head: string; repository?: string } | undefined> {
  const [head, origin] = await Promise.all([
    git(['rev-parse', '--verify', '--quiet', 'HEAD']),
    git(['config', '--get', 'remote.origin.url'])
  ])
  if (head.code !== 0) return undefined
  const repository = origin.code === 0 ? remoteRepository(origin.stdout) : undefined
  return { head: head.stdout.trim(), ...(repository ? { repository } : {}) }
}

/**
 * Where `repository`'s trusted files come from: the workspace when it is a checkout of it (one
 * without `origin` is taken for the workflow's own repository, as the workspace is by default),
 * unless it is checked out at a pull request's head that a bundle claims (that is the pull
 * request's code, which must not route its own incident); else the contents API at the default
 * branch; else nowhere.
 */
export function trustedSource(
  repository: string,
  context: {
    checkout: { head: string; repository?: string; root: string } | undefined
    /** The workflow's own repository and its default branch, from the event. */
    workflowRepository: string
    defaultBranch?: string
    /** Heads of the pull requests this repository's bundles claim, where a fork's code is untrusted. */
    pullRequestHeads: readonly string[]
    octokit: Octokit | undefined
  },
  warn: (message: string) => void
): FileSource | undefined {
  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
  const { checkout } = context
  if (checkout && same(checkout.repository ?? context.workflowRepository, repository)) {
    if (!context.pullRequestHeads.includes(checkout.head))
      return checkoutSource(checkout.root, checkout.head)
    warn(
      `The workspace is checked out at ${checkout.head.slice(0, 7)}, the head of a pull request a bundle claims: its configuration and CODEOWNERS are the pull request's, so ${repository}'s default branch is read through the API instead. Check out the default branch (no ref) in a publish job.`
    )
  }
  if (!context.octokit) return undefined
  const ref = same(repository, context.workflowRepository) ? context.defaultBranch : undefined
  return apiSource(context.octokit, repository, ref)
}
