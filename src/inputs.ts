import { realpathSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'

/** The playbook's trigger commands (playbook 3.1), the `validators` default. */
export const DEFAULT_VALIDATORS = [
  'python3 scripts/validate-fixture-coverage.py',
  'python3 scripts/validate-legacy-alias-parity.py'
]
export const DEFAULT_CONFIG = '.github/contract-drift-triage.yml'
// Node's timers hold at most 2^31 - 1 ms; a longer one fires at once.
const MAX_TIMEOUT = 2_147_483
// A year of closed incidents is what GitHub's issue list serves in a few pages; more is history.
const MAX_DIGEST_WINDOW = 366

export const INPUT_NAMES = [
  'validators',
  'reports',
  'config',
  'github-token',
  'mode',
  'bundles',
  'bundle-repositories',
  'fail-on',
  'base-ref',
  'working-directory',
  'incident-repository',
  'incident-key',
  'job-key',
  'issue-author',
  'validator-timeout',
  'close-on-green',
  'require-close-notes',
  'allow-untrusted-code',
  'digest-window',
  'digest-issue'
] as const
export type InputName = (typeof INPUT_NAMES)[number]

export interface Inputs {
  /** Empty means none (a reports-only run): action.yml supplies the playbook commands as the default. */
  validators: string[]
  reports: string[]
  config: string
  'github-token': string
  mode: 'issue' | 'report' | 'collect' | 'publish' | 'digest'
  bundles: string[]
  /** `owner/name`s whose bundles publish accepts; empty means the workflow's own repository. */
  'bundle-repositories': string[]
  'fail-on': 'drift' | 'error' | 'never'
  'base-ref': string
  'working-directory': string
  'incident-repository': string
  'incident-key': string
  /** Empty: workflow file, job, step and event (`defaultJobKey`). */
  'job-key': string
  'issue-author': string
  /** Seconds. */
  'validator-timeout': number
  'close-on-green': boolean
  'require-close-notes': boolean
  'allow-untrusted-code': boolean
  /** Days of closed incidents a digest counts. */
  'digest-window': number
  'digest-issue': boolean
}

const REPOSITORY = /^[\w.-]+\/[\w.-]+$/

const lines = (value: string): string[] =>
  value
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('#'))

/**
 * The `validators` input: one command a line, where a line ending in `\` continues on the next,
 * as in a workflow `run:` block. The join keeps one space where either side had blanks, so an
 * indented continuation does not widen the command that names the validator in the record.
 */
export function validatorCommands(value: string): string[] {
  const commands: string[] = []
  let pending: string | undefined
  for (const raw of value.split(/\r?\n/)) {
    const line = pending === undefined ? raw.trim() : raw.trimEnd()
    if (pending === undefined && (line === '' || line.startsWith('#'))) continue
    let joined = line
    if (pending !== undefined) {
      joined =
        /\s$/.test(pending) || /^\s/.test(line)
          ? `${pending.trimEnd()} ${line.trimStart()}`
          : pending + line
    }
    // An odd number of trailing backslashes: the last one escapes the line break.
    if (/(?:^|[^\\])(?:\\\\)*\\$/.test(joined)) pending = joined.slice(0, -1)
    else {
      pending = undefined
      if (joined.trim() !== '') commands.push(joined.trim())
    }
  }
  if (pending !== undefined && pending.trim() !== '') commands.push(pending.trim())
  return commands
}

/**
 * Validates raw inputs (as `core.getInput` returns them, '' when unset) into typed settings.
 * Every invalid input is reported at once, one line each.
 */
export function parseInputs(read: (name: InputName) => string): Inputs {
  const problems: string[] = []
  const text = (name: InputName): string => read(name).trim()

  const choice = <T extends string>(name: InputName, fallback: T, values: readonly T[]): T => {
    const value = text(name) || fallback
    if ((values as readonly string[]).includes(value)) return value as T
    problems.push(`Invalid ${name} '${value}'. Expected one of: ${values.join(', ')}.`)
    return fallback
  }
  const flag = (name: InputName): boolean => {
    const value = text(name).toLowerCase() || 'false'
    if (value !== 'true' && value !== 'false')
      problems.push(`Invalid ${name} '${value}'. Expected true or false.`)
    return value === 'true'
  }
  const checked = (name: InputName, valid: (value: string) => boolean, problem: string): string => {
    const value = text(name)
    if (!valid(value)) problems.push(problem.replace('{value}', () => value))
    return value
  }

  // A YAML list in one line reads best with commas; a block scalar with one a line.
  const bundleRepositories = [...new Set(lines(read('bundle-repositories').replace(/,/g, '\n')))]
  const badRepositories = bundleRepositories.filter(value => !REPOSITORY.test(value))
  if (badRepositories.length > 0)
    problems.push(
      `Invalid bundle-repositories '${badRepositories.join("', '")}'. Expected {owner}/{repo}, one a line or comma-separated.`
    )

  const timeout = text('validator-timeout')
  const seconds = timeout === '' ? 600 : Number(timeout)
  if (!(Number.isFinite(seconds) && seconds > 0 && seconds <= MAX_TIMEOUT))
    problems.push(
      `Invalid validator-timeout '${read('validator-timeout')}'. Expected a positive number of seconds, at most ${MAX_TIMEOUT}.`
    )

  const windowText = text('digest-window')
  const windowDays = windowText === '' ? 30 : Number(windowText)
  if (!(Number.isInteger(windowDays) && windowDays >= 1 && windowDays <= MAX_DIGEST_WINDOW))
    problems.push(
      `Invalid digest-window '${read('digest-window')}'. Expected a whole number of days from 1 to ${MAX_DIGEST_WINDOW}.`
    )

  const inputs: Inputs = {
    validators: validatorCommands(read('validators')),
    reports: lines(read('reports')),
    config: text('config'),
    'github-token': read('github-token'),
    mode: choice('mode', 'issue', ['issue', 'report', 'collect', 'publish', 'digest']),
    bundles: lines(read('bundles')),
    'bundle-repositories': bundleRepositories,
    'fail-on': choice('fail-on', 'drift', ['drift', 'error', 'never']),
    'base-ref': text('base-ref'),
    'working-directory': text('working-directory'),
    'incident-repository': checked(
      'incident-repository',
      value => value === '' || REPOSITORY.test(value),
      "Invalid incident-repository '{value}'. Expected format {owner}/{repo}."
    ),
    'incident-key': checked(
      'incident-key',
      value => /^[\w./@+-]{0,100}$/.test(value),
      'Invalid incident-key: use at most 100 letters, digits and . / @ + - _ (it becomes part of the incident key).'
    ),
    // `${{ github.job }}-${{ toJSON(matrix) }}` spans lines: one line, spaces folded.
    'job-key': checked(
      'job-key',
      value => value.length <= 500,
      'Invalid job-key: use at most 500 characters (it names the job whose results a run replaces).'
    ).replace(/\s+/g, ' '),
    'issue-author': text('issue-author') || 'github-actions[bot]',
    'validator-timeout': seconds,
    'close-on-green': flag('close-on-green'),
    'require-close-notes': flag('require-close-notes'),
    'allow-untrusted-code': flag('allow-untrusted-code'),
    'digest-window': windowDays,
    'digest-issue': flag('digest-issue')
  }
  if (problems.length > 0) throw new Error(problems.join('\n'))
  return inputs
}

const inside = (parent: string, path: string): boolean => {
  const rel = relative(parent, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * `working-directory` resolved in the workspace. It must lie inside it, symlinks followed: a path
 * outside would have validators run, and files read as the repository's, where no checkout is.
 */
export function workingDirectoryIn(workspace: string, value: string): string {
  const path = resolve(workspace, value || '.')
  const outside = `Invalid working-directory '${value}': it must lie inside the workspace (${workspace}). Give a directory of the checkout, relative to the repository root, such as packages/billing.`
  if (!inside(workspace, path)) throw new Error(outside)
  let real: string
  try {
    if (!statSync(path).isDirectory()) throw new Error('not a directory')
    real = realpathSync(path)
  } catch {
    throw new Error(
      `Invalid working-directory '${value}': ${path} is not a directory. Check the path, and that actions/checkout ran before this step.`
    )
  }
  if (!inside(realpathSync(workspace), real)) throw new Error(outside)
  return path
}
