import { readFile } from 'node:fs/promises'
import type { ParsedConfig } from './config-file.js'

/** The configuration: the file's values over the playbook defaults (SPEC §3). */
export type Config = ParsedConfig

const CODEOWNERS = 'codeowners' as const

/**
 * The playbook defaults as plain data, the SPEC's example paths and checks, owners from
 * CODEOWNERS: a run without a configuration file never loads YAML or zod. The zod schema
 * (src/config-file.ts) takes its defaults from here, and a test holds the two equal.
 */
export const DEFAULTS = {
  paths: {
    contract: ['docs/contracts/**', 'docs/*-contract.md', '**/feature.json'],
    fixture: ['tests/contracts/fixtures/**'],
    implementation: ['services/**/src/**', 'packages/**/src/**'],
    docs: ['docs/**', '**/*.md'],
    mcp: ['tests/contracts/fixtures/mcp/**', 'services/mcp/**'],
    expected: ['**/*.expected*.json', '**/expected*.json']
  },
  checks: {
    'feature-catalog': ['src/features/feature-catalog.json'],
    'legacy-alias-parity': ['tests/contracts/fixtures/mcp/legacy-alias-parity/**']
  },
  runtime: [] as string[],
  owners: {
    contract: CODEOWNERS,
    'fixture-module': CODEOWNERS,
    'fixture-mcp': CODEOWNERS,
    implementation: CODEOWNERS,
    qa: CODEOWNERS
  },
  intent: { labels: ['behavior-change'], trailers: ['Behavior-Change: intentional'] }
}

/** The playbook defaults, a fresh copy each time (callers may change theirs; DEFAULTS never). */
export function defaultConfig(): Config {
  return structuredClone(DEFAULTS)
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
