import { readFile } from 'node:fs/promises'
import type { ParsedConfig } from './config-file.js'

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

/** The configuration: the file's values over its presets' (the field's by default). */
export type Config = ReturnType<typeof withPresets<ParsedConfig>>

const CODEOWNERS = 'codeowners' as const

/**
 * The playbook defaults besides the presets' layout, as plain data: a run without a configuration
 * file never loads YAML or zod. The zod schema (src/config-file.ts) takes its defaults from here,
 * and a test holds the two equal.
 */
export const DEFAULTS = {
  owners: {
    contract: CODEOWNERS,
    'fixture-module': CODEOWNERS,
    'fixture-mcp': CODEOWNERS,
    implementation: CODEOWNERS,
    qa: CODEOWNERS
  },
  intent: { labels: ['behavior-change'], trailers: ['Behavior-Change: intentional'] }
}

/** The playbook defaults: the field preset's paths and checks, owners from CODEOWNERS. */
export function defaultConfig(): Config {
  const defaults: ParsedConfig = structuredClone(DEFAULTS)
  return withPresets(defaults)
}

/** Whether a `release.blocking` entry names the phase: phases compare case-insensitively (`p06` is `P06`). */
export function namesPhase(entry: { phases: readonly string[] }, phase: string): boolean {
  const wanted = phase.toUpperCase()
  return entry.phases.some(named => named.toUpperCase() === wanted)
}

/** A problem with the configuration file, phrased for the person who has to fix it. */
export class ConfigError extends Error {}

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
  const { parseConfig } = await import('./config-file.js')
  return { config: parseConfig(text, file), source: file }
}
