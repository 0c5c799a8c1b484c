/**
 * A configuration file read and validated: YAML (js-yaml) and the zod schema. Loaded only when a
 * run has a configuration file (src/config.ts `loadConfig`): without one, neither is compiled.
 */
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml'
import * as z from 'zod/mini'
import './zod.js'
import {
  ConfigError,
  DEFAULTS,
  namesPhase,
  PATH_KEYS,
  PRESET_NAMES,
  withPresets,
  type Config,
  type PathKey
} from './config.js'
import { formatsSchema, problemMatchersSchema } from './parse/schemas.js'

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
  const globsOr = (defaults: readonly string[]) => z._default(globs, () => [...defaults])
  const ownersOr = (role: keyof typeof DEFAULTS.owners) =>
    z._default(ownerList, DEFAULTS.owners[role])
  const presetName = z.enum(PRESET_NAMES)
  // Each class is optional: what the file leaves out comes from the presets (withPresets).
  const pathsSchema = z.strictObject(
    Object.fromEntries(
      PATH_KEYS.map(key => [
        key,
        z.optional(
          globs.check(
            z.describe(
              `globs matched against repository-relative paths; replaces the presets' ${key} globs (without preset, the field's)`
            )
          )
        )
      ])
    ) as Record<PathKey, z.ZodMiniOptional<typeof globs>>
  )

  const ownersSchema = z.strictObject({
    contract: ownersOr('contract'),
    'fixture-module': ownersOr('fixture-module'),
    'fixture-mcp': ownersOr('fixture-mcp'),
    implementation: ownersOr('implementation'),
    qa: ownersOr('qa')
  })

  return z.strictObject({
    preset: z.optional(
      z
        .union([
          presetName,
          z
            .array(presetName)
            .check(z.minLength(1, 'name at least one preset, or leave preset out for field'))
        ])
        .check(z.describe(`a preset or a list of presets: ${PRESET_NAMES.join(', ')}`))
    ),
    paths: z.optional(pathsSchema),
    checks: z.optional(z.record(z.string(), globs)),
    runtime: z.optional(z.array(z.string())),
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
        labels: z._default(z.array(z.string()), () => [...DEFAULTS.intent.labels]),
        trailers: z._default(z.array(z.string()), () => [...DEFAULTS.intent.trailers])
      }),
      () => structuredClone(DEFAULTS.intent)
    )
  })
}
let built: ReturnType<typeof buildConfigSchema> | undefined

/** The configuration file's schema, built on first use (not at import). */
export const configSchema = (): ReturnType<typeof buildConfigSchema> =>
  (built ??= buildConfigSchema())

export type ParsedConfig = z.infer<ReturnType<typeof buildConfigSchema>>

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

/** `, got 'swagger'`: the value a user wrote, when short enough to quote. */
function received(input: unknown): string {
  const text = JSON.stringify(input)
  return text !== undefined && text.length <= 80 ? `, got ${text.replace(/"/g, "'")}` : ''
}

/** Validates parsed YAML over its presets; errors name the file, the key and what was expected. */
export function parseConfig(text: string, file: string): Config {
  const data = readYaml(text, file)
  const parsed = configSchema().safeParse(data ?? {}, {
    // Say what was expected where zod alone would only say "Invalid input" or name no key.
    error: issue => {
      const description =
        issue.inst && z.globalRegistry.get(issue.inst as z.core.$ZodType)?.description
      if (issue.code === 'invalid_union' && description)
        return `expected ${description}${received(issue.input)}`
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
  return withPresets(parsed.data)
}
