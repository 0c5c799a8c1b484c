import { readFile } from 'node:fs/promises'
import { parse as parseYaml, YAMLParseError } from 'yaml'
import { z } from 'zod'
import { formatsSchema } from './parse/config.js'
import { problemMatchersSchema } from './parse/matchers.js'

const globs = z
  .array(z.string().min(1))
  .describe('a list of globs matched against repository-relative paths')
const ownerList = z
  .union([
    z.literal('codeowners'),
    z.array(z.string().regex(/^@?[\w.-]+(\/[\w.-]+)?$/, 'a GitHub login or @org/team'))
  ])
  .describe('GitHub logins or @org/team slugs, or "codeowners" to resolve from CODEOWNERS')

const pathsSchema = z
  .object({
    contract: globs.default(() => ['docs/contracts/**', 'docs/*-contract.md', '**/feature.json']),
    fixture: globs.default(() => ['tests/contracts/fixtures/**']),
    implementation: globs.default(() => ['services/**/src/**', 'packages/**/src/**']),
    docs: globs.default(() => ['docs/**', '**/*.md']),
    mcp: globs.default(() => ['tests/contracts/fixtures/mcp/**', 'services/mcp/**'])
  })
  .strict()

const ownersSchema = z
  .object({
    contract: ownerList.default('codeowners'),
    'fixture-module': ownerList.default('codeowners'),
    'fixture-mcp': ownerList.default('codeowners'),
    implementation: ownerList.default('codeowners'),
    qa: ownerList.default('codeowners')
  })
  .strict()

export const configSchema = z
  .object({
    paths: pathsSchema.default(() => pathsSchema.parse({})),
    checks: z.record(z.string(), globs).default(() => ({
      'feature-catalog': ['src/features/feature-catalog.json'],
      'legacy-alias-parity': ['tests/contracts/fixtures/mcp/legacy-alias-parity/**']
    })),
    runtime: z.array(z.string()).default(() => []),
    release: z
      .object({
        'active-phase': z.string().optional(),
        blocking: z
          .array(z.object({ phases: z.array(z.string()).min(1), paths: globs }).strict())
          .default(() => []),
        optional: globs.default(() => [])
      })
      .strict()
      .optional(),
    owners: ownersSchema.default(() => ownersSchema.parse({})),
    formats: formatsSchema.optional(),
    'problem-matchers': problemMatchersSchema.optional(),
    intent: z
      .object({
        labels: z.array(z.string()).default(() => ['behavior-change']),
        trailers: z.array(z.string()).default(() => ['Behavior-Change: intentional'])
      })
      .strict()
      .default(() => ({ labels: ['behavior-change'], trailers: ['Behavior-Change: intentional'] }))
  })
  .strict()

export type Config = z.infer<typeof configSchema>

/** The playbook defaults: the SPEC's example paths and checks, owners from CODEOWNERS. */
export function defaultConfig(): Config {
  return configSchema.parse({})
}

export function getErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A problem with the configuration file, phrased for the person who has to fix it. */
export class ConfigError extends Error {}

/** Validates parsed YAML; errors name the file, the key and what was expected. */
export function parseConfig(text: string, file: string): Config {
  let data: unknown
  try {
    data = parseYaml(text, { maxAliasCount: 100 })
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : ''
    const first = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new ConfigError(`${file}: not valid YAML${where}: ${first}`)
  }
  const parsed = configSchema.safeParse(data ?? {}, {
    // Say what was expected where zod alone would only say "Invalid input" or name no key.
    error: issue => {
      const description = (issue.inst as { description?: string } | undefined)?.description
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
