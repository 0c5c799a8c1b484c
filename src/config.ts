import { readFile } from 'node:fs/promises'
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml'
import * as z from 'zod/mini'
import './zod.js'
import { formatsSchema } from './parse/config.js'
import { problemMatchersSchema } from './parse/matchers.js'

/** Whether a `release.blocking` entry names the phase: phases compare case-insensitively (`p06` is `P06`). */
export function namesPhase(entry: { phases: readonly string[] }, phase: string): boolean {
  const wanted = phase.toUpperCase()
  return entry.phases.some(named => named.toUpperCase() === wanted)
}

/**
 * A typo in the active phase would silently make every blocking path non-blocking (Medium):
 * the phase must be one a `blocking` entry names, and `blocking` needs a phase to apply in.
 */
function checkActivePhase(
  release: { 'active-phase'?: string | undefined; blocking: { phases: string[] }[] },
  ctx: z.core.$RefinementCtx<unknown>
): void {
  const phase = release['active-phase']
  const phases = [...new Set(release.blocking.flatMap(entry => entry.phases))]
  const path = ['active-phase']
  if (phase === undefined) {
    if (phases.length > 0)
      ctx.addIssue({
        code: 'custom',
        path,
        message: `required when release.blocking is set: name the phase in force, one of ${phases.join(', ')}`
      })
    return
  }
  if (!release.blocking.some(entry => namesPhase(entry, phase)))
    ctx.addIssue({
      code: 'custom',
      path,
      message:
        phases.length > 0
          ? `'${phase}' is named by no release.blocking entry (phases: ${phases.join(', ')})`
          : `'${phase}' is named by no release.blocking entry (there are none): add a release.blocking entry { phases: [${phase}], paths: [...] }, or remove active-phase`
    })
}

function buildConfigSchema() {
  const globs = z
    .array(z.string().check(z.minLength(1)))
    .check(z.describe('a list of globs matched against repository-relative paths'))
  const ownerList = z
    .union([
      z.literal('codeowners'),
      z.array(z.string().check(z.regex(/^@?[\w.-]+(\/[\w.-]+)?$/, 'a GitHub login or @org/team')))
    ])
    .check(
      z.describe('GitHub logins or @org/team slugs, or "codeowners" to resolve from CODEOWNERS')
    )
  const globsOr = (defaults: string[]) => z._default(globs, () => [...defaults])
  const ownersOr = () => z._default(ownerList, 'codeowners')

  const pathsSchema = z.strictObject({
    contract: globsOr(['docs/contracts/**', 'docs/*-contract.md', '**/feature.json']),
    fixture: globsOr(['tests/contracts/fixtures/**']),
    implementation: globsOr(['services/**/src/**', 'packages/**/src/**']),
    docs: globsOr(['docs/**', '**/*.md']),
    mcp: globsOr(['tests/contracts/fixtures/mcp/**', 'services/mcp/**']),
    expected: globsOr(['**/*.expected*.json', '**/expected*.json'])
  })

  const ownersSchema = z.strictObject({
    contract: ownersOr(),
    'fixture-module': ownersOr(),
    'fixture-mcp': ownersOr(),
    implementation: ownersOr(),
    qa: ownersOr()
  })

  return z.strictObject({
    paths: z._default(pathsSchema, () => pathsSchema.parse({})),
    checks: z._default(z.record(z.string(), globs), () => ({
      'feature-catalog': ['src/features/feature-catalog.json'],
      'legacy-alias-parity': ['tests/contracts/fixtures/mcp/legacy-alias-parity/**']
    })),
    runtime: z._default(z.array(z.string()), () => []),
    release: z.optional(
      z
        .strictObject({
          'active-phase': z.optional(z.string().check(z.minLength(1))),
          // The release-readiness digest (SPEC §6): open High or error incidents on these block.
          branches: z.optional(
            z
              .array(z.string().check(z.minLength(1)))
              .check(
                z.describe(
                  'release branches (globs such as release/*) for mode digest; default: each source repository’s default branch'
                )
              )
          ),
          blocking: z._default(
            z.array(
              z.strictObject({
                phases: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
                paths: globs
              })
            ),
            () => []
          ),
          optional: globsOr([])
        })
        .check(z.superRefine(checkActivePhase))
    ),
    owners: z._default(ownersSchema, () => ownersSchema.parse({})),
    formats: z.optional(formatsSchema()),
    'problem-matchers': z.optional(problemMatchersSchema()),
    intent: z._default(
      z.strictObject({
        labels: z._default(z.array(z.string()), () => ['behavior-change']),
        trailers: z._default(z.array(z.string()), () => ['Behavior-Change: intentional'])
      }),
      () => ({ labels: ['behavior-change'], trailers: ['Behavior-Change: intentional'] })
    )
  })
}
let built: ReturnType<typeof buildConfigSchema> | undefined

/** The configuration file's schema, built on first use (not at import). */
export const configSchema = (): ReturnType<typeof buildConfigSchema> =>
  (built ??= buildConfigSchema())

export type Config = z.infer<ReturnType<typeof buildConfigSchema>>

/** The playbook defaults: the SPEC's example paths and checks, owners from CODEOWNERS. */
export function defaultConfig(): Config {
  return configSchema().parse({})
}

/** A problem with the configuration file, phrased for the person who has to fix it. */
export class ConfigError extends Error {}

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

/** Validates parsed YAML; errors name the file, the key and what was expected. */
export function parseConfig(text: string, file: string): Config {
  const data = readYaml(text, file)
  const parsed = configSchema().safeParse(data ?? {}, {
    // Say what was expected where zod alone would only say "Invalid input" or name no key.
    error: issue => {
      const description =
        issue.inst && z.globalRegistry.get(issue.inst as z.core.$ZodType)?.description
      if (issue.code === 'invalid_union' && description) return `expected ${description}`
      if (issue.code === 'unrecognized_keys') {
        const known = Object.keys((issue.inst as { shape?: object } | undefined)?.shape ?? {})
        return `unknown key; expected one of: ${known.join(', ')}`
      }
      return undefined
    }
  })
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap(issue => {
      const keys =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map(key => [...issue.path, key])
          : [issue.path]
      return keys.map(
        path => `  - ${path.length > 0 ? path.join('.') : '(top level)'}: ${issue.message}`
      )
    })
    throw new ConfigError(
      `${file} is not a valid contract-drift-triage configuration:\n${problems.join('\n')}`
    )
  }
  return parsed.data
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
