import { readFile } from 'node:fs/promises'
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml'
import * as z from 'zod/mini'
import './zod.js'
import { formatsSchema } from './parse/config.js'
import { problemMatchersSchema } from './parse/matchers.js'

/** The classes of `paths`, in the order the configuration lists them. */
export const PATH_KEYS = [
  'contract',
  'fixture',
  'implementation',
  'docs',
  'mcp',
  'expected'
] as const
export type PathKey = (typeof PATH_KEYS)[number]

/** What a preset sets: the layout of one world's repositories (SPEC §3 `preset`). */
export interface Preset {
  /** One line for the README: the world and the tools it names. */
  about: string
  paths: Record<PathKey, string[]>
  checks: Record<string, string[]>
  runtime: string[]
}

// What most repositories outside the field share: tests' fixture folders (Go's `testdata`,
// jest's `__fixtures__`), the code under `src/` at any depth or Go's top-level folders.
const FIXTURES = ['test/fixtures/**', 'tests/fixtures/**', '**/__fixtures__/**', '**/testdata/**']
const CODE = ['**/src/**', 'lib/**', 'app/**', 'internal/**', 'pkg/**', 'cmd/**']
const DOCS = ['docs/**', '**/*.md']
const EXPECTED = ['**/*.expected*.json', '**/expected*.json']
const layout = (
  about: string,
  contract: string[],
  more: Partial<Omit<Preset, 'about'> & Record<PathKey, string[]>> = {}
): Preset => ({
  about,
  paths: {
    contract,
    fixture: more.fixture ?? FIXTURES,
    implementation: more.implementation ?? CODE,
    docs: DOCS,
    mcp: [],
    expected: more.expected ?? EXPECTED
  },
  checks: more.checks ?? {},
  runtime: more.runtime ?? []
})

/**
 * The presets, the defaults table: `field` is the playbook's layout (SPEC §2, §3) and applies
 * without a `preset`. A tool's findings name their files, so only the field needs `checks`.
 */
export const PRESETS = {
  field: {
    about: "the field's Python validators (SPEC §2): fixture packs, Markdown contracts, manifests",
    paths: {
      contract: ['docs/contracts/**', 'docs/*-contract.md', '**/feature.json'],
      fixture: ['tests/contracts/fixtures/**'],
      implementation: ['services/**/src/**', 'packages/**/src/**'],
      docs: DOCS,
      mcp: ['tests/contracts/fixtures/mcp/**', 'services/mcp/**'],
      expected: EXPECTED
    },
    checks: {
      'feature-catalog': ['src/features/feature-catalog.json'],
      'legacy-alias-parity': ['tests/contracts/fixtures/mcp/legacy-alias-parity/**']
    },
    runtime: []
  },
  // Spectral's and Redocly's rulesets are contract too: a stricter rule is a contract decision.
  openapi: layout('OpenAPI linted or diffed by Spectral, Redocly, oasdiff', [
    '**/openapi*.{yaml,yml,json}',
    '**/*.openapi.{yaml,yml,json}',
    '**/swagger*.{yaml,yml,json}',
    '**/openapi/**',
    'api/**',
    '**/.spectral.{yaml,yml,json,js,mjs,cjs}',
    '**/{.,}redocly.yaml'
  ]),
  // Generated code is the contract's projection: committed beside its .proto, it is no
  // implementation change (which would pull the signals apart).
  protobuf: layout('Protocol Buffers checked by buf (lint, breaking) or protoc', [
    '**/*.proto',
    '**/buf.yaml',
    '**/buf.work.yaml',
    '**/buf.lock',
    'gen/**',
    '**/*.pb.go',
    '**/*_pb2*.py',
    '**/*_pb.{js,ts}',
    '**/*_pb.d.ts'
  ]),
  graphql: layout('GraphQL schemas diffed or validated by GraphQL Inspector', [
    '**/*.graphql',
    '**/*.graphqls',
    '**/*.gql'
  ]),
  // The data files a schema validates are the fixtures, and each is an expected one: a stale
  // one is refreshed, a runtime fix leaves them alone.
  jsonschema: layout(
    'JSON Schemas with data files checked by ajv or check-jsonschema',
    ['**/*.schema.json', '**/*.schema.{yaml,yml}', '**/schemas/**', '**/schema/**'],
    {
      fixture: ['**/fixtures/**', '**/__fixtures__/**', '**/testdata/**', '**/examples/**'],
      expected: ['**/fixtures/**', '**/__fixtures__/**', '**/testdata/**', '**/examples/**']
    }
  ),
  // A pact is the consumer's contract; its verification against the provider is a runtime check.
  pact: layout('Pact files verified against a provider', ['**/pacts/**'], {
    runtime: ['pact']
  })
} satisfies Record<string, Preset>

export type PresetName = keyof typeof PRESETS
/** In SPEC §3's order, the default last. */
export const PRESET_NAMES: [PresetName, ...PresetName[]] = [
  'openapi',
  'protobuf',
  'graphql',
  'jsonschema',
  'pact',
  'field'
]
export const DEFAULT_PRESET: PresetName = 'field'

/** The parts of a configuration a preset sets, as the file wrote them (each may be absent). */
interface LayoutKeys {
  preset?: PresetName | PresetName[] | undefined
  paths?: Partial<Record<PathKey, string[] | undefined>> | undefined
  checks?: Record<string, string[]> | undefined
  runtime?: string[] | undefined
}

const union = (lists: readonly (readonly string[])[]): string[] => [...new Set(lists.flat())]

/**
 * The file's `paths`, `checks` and `runtime` over its presets' (SPEC §3): a `paths.<class>` the
 * file lists replaces the presets' union for that class; `checks` merge per tag, the file's
 * winning; `runtime` is the union of all.
 */
export function withPresets<T extends LayoutKeys>(
  file: T
): Omit<T, keyof LayoutKeys> & {
  preset: PresetName[]
  paths: Record<PathKey, string[]>
  checks: Record<string, string[]>
  runtime: string[]
} {
  const { preset, paths, checks, runtime, ...rest } = file
  const names = [...new Set(preset === undefined ? [DEFAULT_PRESET] : [preset].flat())]
  const presets: Preset[] = names.map(name => PRESETS[name])
  return {
    ...rest,
    preset: names,
    paths: Object.fromEntries(
      PATH_KEYS.map(key => [key, [...(paths?.[key] ?? union(presets.map(p => p.paths[key])))]])
    ) as Record<PathKey, string[]>,
    checks: structuredClone(Object.assign({}, ...presets.map(p => p.checks), checks)),
    runtime: union([...presets.map(p => p.runtime), runtime ?? []])
  }
}

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
  const ownersOr = () => z._default(ownerList, 'codeowners')
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
    contract: ownersOr(),
    'fixture-module': ownersOr(),
    'fixture-mcp': ownersOr(),
    implementation: ownersOr(),
    qa: ownersOr()
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
          // Read by the release-readiness digest; accepted here so a config can name them.
          branches: z.optional(z.array(z.string().check(z.minLength(1)))),
          blocking: z._default(
            z.array(
              z.strictObject({
                phases: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
                paths: globs
              })
            ),
            () => []
          ),
          optional: z._default(globs, () => [])
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

/** The configuration: the file's values over its presets' (the field's by default). */
export type Config = ReturnType<typeof withPresets<z.infer<ReturnType<typeof buildConfigSchema>>>>

/** The playbook defaults: the field preset's paths and checks, owners from CODEOWNERS. */
export function defaultConfig(): Config {
  return withPresets(configSchema().parse({}))
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

/** `, got 'swagger'`: the value a user wrote, when short enough to quote. */
function received(input: unknown): string {
  const text = JSON.stringify(input)
  return text !== undefined && text.length <= 80 ? `, got ${text.replace(/"/g, "'")}` : ''
}

/** Validates parsed YAML; errors name the file, the key and what was expected. */
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
