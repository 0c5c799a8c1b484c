import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { ConfigError, defaultConfig, loadConfig } from '../src/config.js'
import { parseConfig } from '../src/config-file.js'

const EXAMPLE = new URL('../examples/repo/.github/contract-drift-triage.yml', import.meta.url)

// SPEC §3, the example configuration's `paths` and `checks`.
const SPEC_PATHS = {
  contract: ['docs/contracts/**', 'docs/*-contract.md', '**/feature.json'],
  fixture: ['tests/contracts/fixtures/**'],
  implementation: ['services/**/src/**', 'packages/**/src/**'],
  docs: ['docs/**', '**/*.md'],
  mcp: ['tests/contracts/fixtures/mcp/**', 'services/mcp/**'],
  expected: ['**/*.expected*.json', '**/expected*.json']
}
const SPEC_CHECKS = {
  'feature-catalog': ['src/features/feature-catalog.json'],
  'legacy-alias-parity': ['tests/contracts/fixtures/mcp/legacy-alias-parity/**']
}

const errorOf = (text: string, file = '.github/contract-drift-triage.yml'): ConfigError => {
  try {
    parseConfig(text, file)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`)
}

describe('defaultConfig', () => {
  it('is the SPEC example paths and checks, owners from CODEOWNERS, no release', () => {
    const config = defaultConfig()
    expect(config.paths).toEqual(SPEC_PATHS)
    expect(config.checks).toEqual(SPEC_CHECKS)
    expect(config.owners).toEqual({
      contract: 'codeowners',
      'fixture-module': 'codeowners',
      'fixture-mcp': 'codeowners',
      implementation: 'codeowners',
      qa: 'codeowners'
    })
    expect(config.release).toBeUndefined()
    expect(config.runtime).toEqual([])
    expect(config.intent).toEqual({
      labels: ['behavior-change'],
      trailers: ['Behavior-Change: intentional']
    })
  })

  it('returns a fresh object each time', () => {
    const a = defaultConfig()
    a.paths.contract.push('x/**')
    expect(defaultConfig().paths.contract).toEqual(SPEC_PATHS.contract)
  })
})

describe('parseConfig', () => {
  it('parses the example configuration', () => {
    const config = parseConfig(readFileSync(EXAMPLE, 'utf8'), 'contract-drift-triage.yml')
    expect(config.paths).toEqual(SPEC_PATHS)
    expect(config.checks).toEqual(SPEC_CHECKS)
    expect(config.runtime).toEqual(['module-outputs', 'mcp-responses'])
    expect(config.release?.['active-phase']).toBe('P06')
    expect(config.release?.blocking[0]?.phases).toEqual(['P06', 'P07'])
    expect(config.release?.blocking[0]?.paths).toContain(
      'tests/contracts/fixtures/mcp/billing.*/**'
    )
    expect(config.release?.optional).toContain(
      'tests/contracts/fixtures/modules.optional-fallback/**'
    )
    expect(config.owners).toEqual({
      contract: ['@acme/contract-owners'],
      'fixture-module': 'codeowners',
      'fixture-mcp': ['mcp-owner'],
      implementation: 'codeowners',
      qa: ['qa-lead']
    })
  })

  // A run without a configuration file never loads the schema (src/config.ts holds the defaults
  // as plain data): they must be what the schema makes of an empty file, or they drift apart.
  it.each([
    ['an empty file', ''],
    ['a comment-only file', '# nothing configured yet\n'],
    ['an empty mapping', '{}\n']
  ])('%s gives the defaults', (_name, text) => {
    expect(parseConfig(text, 'cfg.yml')).toEqual(defaultConfig())
  })

  it('fills in what a partial section leaves out', () => {
    const config = parseConfig(
      'paths:\n  mcp: [services/tools/**]\nowners:\n  qa: ["@acme/qa"]\n',
      'cfg.yml'
    )
    expect(config.paths).toEqual({ ...SPEC_PATHS, mcp: ['services/tools/**'] })
    expect(config.owners.qa).toEqual(['@acme/qa'])
    expect(config.owners.contract).toBe('codeowners')
    expect(config.checks).toEqual(SPEC_CHECKS)
  })

  it('accepts a release section with only optional paths', () => {
    const config = parseConfig('release:\n  optional: [a/**]\n', 'cfg.yml')
    expect(config.release).toEqual({ blocking: [], optional: ['a/**'] })
  })

  it('names the file and the line of malformed YAML', () => {
    const error = errorOf(
      'paths:\n  contract: [docs/**\n  fixture: x\n',
      'repo/.github/contract-drift-triage.yml'
    )
    expect(error.message).toContain('repo/.github/contract-drift-triage.yml')
    expect(error.message).toMatch(/not valid YAML/)
    expect(error.message).toMatch(/line \d+/)
  })

  it('follows anchors and aliases, so a glob list can be reused', () => {
    const config = parseConfig('paths:\n  docs: &docs [docs/**]\n  mcp: *docs\n', 'cfg.yml')
    expect(config.paths.mcp).toEqual(['docs/**'])
  })

  it('refuses an alias bomb instead of expanding it', () => {
    const levels = Array.from({ length: 12 }, (_, i) =>
      i === 0
        ? 'l0: &l0 [a, a, a, a, a, a, a, a, a, a]'
        : `l${i}: &l${i} [${Array(10)
            .fill(`*l${i - 1}`)
            .join(', ')}]`
    )
    const error = errorOf(`x:\n${levels.map(line => `  ${line}`).join('\n')}\n`, 'cfg.yml')
    expect(error.message).toMatch(/^cfg\.yml: more than 100,000 values/)
  })

  it('keeps a date-like phase a string (YAML 1.2 core schema, no timestamps)', () => {
    const config = parseConfig(
      'release:\n  active-phase: 2026-11-27\n  blocking:\n    - { phases: [2026-11-27], paths: [a/**] }\n',
      'cfg.yml'
    )
    expect(config.release?.['active-phase']).toBe('2026-11-27')
  })

  it('accepts release.branches, for the release-readiness digest', () => {
    const config = parseConfig('release:\n  branches: [main, release/*]\n', 'cfg.yml')
    expect(config.release?.branches).toEqual(['main', 'release/*'])
  })

  it.each([
    ['the same spelling', 'P06', '[P06, P07]'],
    ['another case', 'p06', '[P06, P07]'],
    ['an entry in lower case', 'P07', '[p06, p07]']
  ])('accepts an active phase a blocking entry names in %s', (_name, phase, phases) => {
    const config = parseConfig(
      `release:\n  active-phase: ${phase}\n  blocking:\n    - { phases: ${phases}, paths: [a/**] }\n`,
      'cfg.yml'
    )
    expect(config.release?.['active-phase']).toBe(phase)
  })

  // A typo here used to make every severity Medium without a word (issue 13, point 7).
  it.each([
    [
      'an active phase no blocking entry names',
      'release:\n  active-phase: P08\n  blocking:\n    - { phases: [P06, P07], paths: [a/**] }\n',
      "release.active-phase: 'P08' is named by no release.blocking entry (phases: P06, P07)"
    ],
    [
      'blocking without an active phase',
      'release:\n  blocking:\n    - { phases: [P06, P07], paths: [a/**] }\n    - { phases: [P08], paths: [b/**] }\n',
      'release.active-phase: required when release.blocking is set: name the phase in force, one of P06, P07, P08'
    ],
    [
      'an active phase without blocking entries',
      'release:\n  active-phase: P06\n  optional: [a/**]\n',
      "release.active-phase: 'P06' is named by no release.blocking entry (there are none)"
    ]
  ])('rejects %s, naming the key', (_name, text, line) => {
    const error = errorOf(text, 'cfg.yml')
    expect(error.message).toContain('cfg.yml is not a valid contract-drift-triage configuration')
    expect(error.message).toContain(`  - ${line}`)
  })

  it('names the line of a duplicated key', () => {
    const error = errorOf('runtime: [a]\nowners: {}\nruntime: [b]\n', 'cfg.yml')
    expect(error.message).toMatch(/^cfg\.yml: .*line 3/)
  })

  it.each([
    ['owners.qa: 5', 'owners:\n  qa: 5\n', 'owners.qa', /codeowners|login|team/],
    ['paths.fixture: "x"', 'paths:\n  fixture: "x"\n', 'paths.fixture', /expected array/],
    ['unknown top-level key pathz', 'pathz:\n  contract: [a]\n', 'pathz', /unknown key.*paths/],
    ['unknown nested key', 'owners:\n  qa-owner: [x]\n', 'owners.qa-owner', /unknown key.*qa/],
    [
      'a bad login',
      'owners:\n  qa: ["not a login!"]\n',
      'owners.qa.0',
      /GitHub login or @org\/team/
    ],
    [
      'a glob that is not a string',
      'paths:\n  docs: [docs/**, 7]\n',
      'paths.docs.1',
      /expected string/
    ],
    [
      'a blocking entry without phases',
      'release:\n  blocking:\n    - { phases: [], paths: [a/**] }\n',
      'release.blocking.0.phases',
      /1/
    ],
    [
      'a checks entry that is not a list',
      'checks:\n  feature-catalog: src/features/feature-catalog.json\n',
      'checks.feature-catalog',
      /expected array/
    ],
    ['a non-mapping document', '- paths\n- owners\n', '(top level)', /expected object/]
  ])('rejects %s naming the file, the key and what was expected', (_name, text, key, expected) => {
    const error = errorOf(text, 'cfg/triage.yml')
    expect(error.message).toContain('cfg/triage.yml')
    const line = error.message.split('\n').find(l => l.includes(`${key}:`))
    expect(line).toBeDefined()
    expect(line).toMatch(expected)
    // Phrased for a person: no raw validator output.
    expect(error.message).not.toMatch(/"code"|\[\s*\{|"path"/)
  })

  it('lists every problem, one per line', () => {
    const error = errorOf('owners:\n  qa: 5\npaths:\n  fixture: x\n', 'cfg.yml')
    expect(error.message).toMatch(/owners\.qa:/)
    expect(error.message).toMatch(/paths\.fixture:/)
  })
})

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-'))

  it('uses the playbook defaults when the default file is missing', async () => {
    const { config, source } = await loadConfig(join(dir, 'missing.yml'), false)
    expect(config).toEqual(defaultConfig())
    expect(source).toMatch(/defaults/)
  })

  it('is a clear error when an explicitly named file is missing', async () => {
    const file = join(dir, 'named.yml')
    await expect(loadConfig(file, true)).rejects.toThrow(ConfigError)
    await expect(loadConfig(file, true)).rejects.toThrow(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*'config' input`)
    )
  })

  it('reads and validates an existing file', async () => {
    const file = join(dir, 'present.yml')
    writeFileSync(file, 'runtime: [runtime-contract]\n')
    const { config, source } = await loadConfig(file, false)
    expect(config.runtime).toEqual(['runtime-contract'])
    expect(source).toBe(file)
  })

  it('reports an invalid existing file even at the default location', async () => {
    const file = join(dir, 'invalid.yml')
    writeFileSync(file, 'pathz: {}\n')
    await expect(loadConfig(file, false)).rejects.toThrow(/invalid\.yml[\s\S]*pathz/)
  })
})
