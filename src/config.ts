import { readFile } from 'node:fs/promises'
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml'
import configSchema from '../schema/config.schema.json' with { type: 'json' }
import { compile, type Validator } from './json-schema.js'
import type { Formats } from './parse/config.js'
import { matcherProblems, type ProblemMatchers } from './parse/matchers.js'

/** Repository-relative globs. */
type Globs = string[]
/** GitHub logins or @org/team slugs, or `codeowners` to resolve from CODEOWNERS. */
type Owners = 'codeowners' | string[]

/**
 * The configuration file, as schema/config.schema.json validates it with its defaults applied:
 * the schema is the source of truth; this type says the same for the compiler.
 */
export interface Config {
  paths: Record<'contract' | 'fixture' | 'implementation' | 'docs' | 'mcp', Globs>
  /** Validator tags → the files each check guards. */
  checks: Record<string, Globs>
  runtime: string[]
  release?: {
    'active-phase'?: string
    blocking: { phases: string[]; paths: Globs }[]
    optional: Globs
  }
  owners: Record<'contract' | 'fixture-module' | 'fixture-mcp' | 'implementation' | 'qa', Owners>
  formats?: Formats
  'problem-matchers'?: ProblemMatchers
  intent: { labels: string[]; trailers: string[] }
}

// Compiled on first use, not at import.
let validator: Validator<Config> | undefined

/** The playbook defaults: the SPEC's example paths and checks, owners from CODEOWNERS. */
export function defaultConfig(): Config {
  return validateConfig({}, 'the playbook defaults')
}

export function getErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A problem with the configuration file, phrased for the person who has to fix it. */
export class ConfigError extends Error {}

/**
 * Validates a parsed configuration document against schema/config.schema.json, then the
 * problem-matcher rules a schema cannot say; errors name the file, the key and what was expected.
 */
export function validateConfig(data: unknown, file: string): Config {
  validator ??= compile<Config>(configSchema)
  const { value: config, problems } = validator(data ?? {})
  const matchers = config['problem-matchers']
  // Only once the matchers have the schema's shape, which the checks take for granted.
  if (matchers && !problems.some(problem => problem.path[0] === 'problem-matchers'))
    problems.push(
      ...matcherProblems(matchers).map(p => ({ ...p, path: ['problem-matchers', ...p.path] }))
    )
  if (problems.length === 0) return config
  const lines = problems.map(
    p => `  - ${p.path.length > 0 ? p.path.join('.') : '(top level)'}: ${p.message}`
  )
  throw new ConfigError(
    `${file} is not a valid contract-drift-triage configuration:\n${lines.join('\n')}`
  )
}

// A configuration is a few hundred values; aliases can make a few lines mean billions of them.
const MAX_VALUES = 100_000

/** Throws when the document holds more values than any configuration needs (an alias bomb). */
function assertSmall(data: unknown, file: string): void {
  let seen = 0
  const pending = [data]
  while (pending.length > 0) {
    const value = pending.pop()
    if (++seen > MAX_VALUES)
      throw new ConfigError(
        `${file}: more than ${MAX_VALUES.toLocaleString('en-US')} values (through YAML aliases?); a configuration needs far fewer.`
      )
    if (value !== null && typeof value === 'object') pending.push(...Object.values(value))
  }
}

/** YAML text to data (YAML 1.2 core schema), with YAML errors naming the file and the line. */
function readYaml(text: string, file: string): unknown {
  let data: unknown
  try {
    data = load(text, { schema: CORE_SCHEMA, filename: file })
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error
    const where = error.mark ? ` at line ${error.mark.line + 1}` : ''
    throw new ConfigError(`${file}: not valid YAML${where}: ${error.reason}`)
  }
  assertSmall(data, file)
  return data
}

/** Parses and validates configuration YAML. */
export function parseConfig(text: string, file: string): Config {
  return validateConfig(readYaml(text, file), file)
}

/**
 * Reads the config file. A missing file at the default location means "playbook defaults";
 * a missing file the user named explicitly is an error, since their settings would be ignored.
 */
export async function loadConfig(
  file: string,
  explicit: boolean
): Promise<{ config: Config; source: string }> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) {
      return { config: defaultConfig(), source: 'playbook defaults (no configuration file)' }
    }
    throw new ConfigError(
      `Cannot read the configuration file '${file}': ${(error as Error).message}. ` +
        `Check the 'config' input, or remove it to use the playbook defaults.`
    )
  }
  return { config: parseConfig(text, file), source: file }
}
