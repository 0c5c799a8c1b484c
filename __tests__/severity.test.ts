import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { defaultConfig, type Config } from '../src/config.js'
import { parseConfig } from '../src/config-file.js'
import { gradeSeverity } from '../src/severity.js'
import type { Classification } from '../src/types.js'

const EXAMPLE_CONFIG_FILE = new URL(
  '../examples/repo/.github/contract-drift-triage.yml',
  import.meta.url
)
const example = parseConfig(readFileSync(EXAMPLE_CONFIG_FILE, 'utf8'), 'contract-drift-triage.yml')
const release = example.release

const classification = (
  rule: number,
  bucket: Classification['bucket'] = 'schema-drift'
): Classification => ({
  bucket,
  confidence: 'medium',
  rule,
  reason: 'test',
  evidence: []
})

const OCI_PACK = 'tests/contracts/fixtures/mcp/billing.oci.ingest/'
const AWS_RESPONSE = 'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'
const OPTIONAL_FILE =
  'tests/contracts/fixtures/modules.optional-fallback/1.0/output.expected.healthy.json'
const OPTIONAL_PACK = 'tests/contracts/fixtures/modules.optional-fallback/1.0/'
const OPTIONAL_IMPL = 'packages/modules/optional-fallback/src/module.py'
const OPTIONAL_CONTRACT = 'docs/contracts/optional-fallback-contract.md'
const BILLING_CONTRACT = 'docs/contracts/billing-ingest-contract.md'
const MCP_IMPL = 'services/mcp/src/billing_ingest.py'
const PARITY = 'tests/contracts/fixtures/mcp/legacy-alias-parity/'

describe('gradeSeverity with the example release configuration (phase P06)', () => {
  it('reads active phase P06 from the example configuration', () => {
    expect(release?.['active-phase']).toBe('P06')
  })

  it.each([
    ['a billing pack directory (inside billing.*/**)', 'high', [OCI_PACK]],
    ['a file of a billing pack', 'high', [AWS_RESPONSE]],
    ['the billing contract', 'high', [BILLING_CONTRACT]],
    ['MCP implementation', 'high', [MCP_IMPL]],
    ['an optional pack file', 'medium', [OPTIONAL_FILE]],
    ['an optional pack directory', 'medium', [OPTIONAL_PACK]],
    [
      'optional pack, implementation and contract together',
      'medium',
      [OPTIONAL_FILE, OPTIONAL_IMPL, OPTIONAL_CONTRACT]
    ],
    ['a pack outside every blocking entry', 'medium', [PARITY]],
    [
      'an unlisted file outside every blocking entry',
      'medium',
      ['src/features/feature-catalog.json']
    ],
    ['one optional and one release-blocking path', 'high', [OPTIONAL_FILE, OCI_PACK]],
    ['one non-blocking and one release-blocking path', 'high', [PARITY, BILLING_CONTRACT]]
  ] as const)('%s → %s', (_name, severity, affected) => {
    expect(gradeSeverity(classification(1), affected, release).severity).toBe(severity)
  })

  it('is Low by rule 5 even when the affected paths are release-blocking', () => {
    const grade = gradeSeverity(classification(5), [OCI_PACK], release)
    expect(grade.severity).toBe('low')
    expect(grade.reason).toMatch(/documentation/i)
  })

  it('is High with no affected path known', () => {
    expect(gradeSeverity(classification(6, 'runtime-regression'), [], release).severity).toBe(
      'high'
    )
  })

  it('is High for a validator error without findings (no classification)', () => {
    const grade = gradeSeverity(undefined, [OPTIONAL_FILE], release)
    expect(grade.severity).toBe('high')
    expect(grade.reason).toMatch(/blind gate/)
  })

  it('names the release-blocking paths in its reason', () => {
    const grade = gradeSeverity(classification(1), [OPTIONAL_FILE, OCI_PACK], release)
    expect(grade.reason).toContain(OCI_PACK)
    expect(grade.reason).toContain('P06')
    expect(grade.reason).not.toContain(OPTIONAL_FILE)
  })
})

describe('gradeSeverity and the active phase', () => {
  const withPhase = (phase: string): Config['release'] => ({ ...release!, 'active-phase': phase })

  it.each([
    ['P06', 'high'],
    ['P07', 'high'],
    ['P08', 'medium'],
    ['P05', 'medium']
  ])('a billing pack in phase %s → %s', (phase, severity) => {
    expect(gradeSeverity(classification(1), [OCI_PACK], withPhase(phase)).severity).toBe(severity)
  })

  it.each(['p06', 'P06', 'p07'])(
    'compares phases case-insensitively: active phase %s against [P06, P07] → High',
    phase => {
      expect(gradeSeverity(classification(1), [OCI_PACK], withPhase(phase)).severity).toBe('high')
    }
  )
})

describe('gradeSeverity with other release configurations', () => {
  const only = (yaml: string): Config['release'] => parseConfig(yaml, 'cfg.yml').release

  it('is High without a release section (the SPEC defaults)', () => {
    expect(defaultConfig().release).toBeUndefined()
    const grade = gradeSeverity(classification(1), [OPTIONAL_FILE], defaultConfig().release)
    expect(grade.severity).toBe('high')
    expect(grade.reason).toMatch(/release/)
  })

  it('with only optional paths configured: optional → Medium, anything else → High', () => {
    const optionalOnly = only(
      'release:\n  optional: ["tests/contracts/fixtures/modules.optional-fallback/**"]\n'
    )
    expect(
      gradeSeverity(classification(3, 'fixture-stale'), [OPTIONAL_PACK], optionalOnly).severity
    ).toBe('medium')
    expect(gradeSeverity(classification(3, 'fixture-stale'), [PARITY], optionalOnly).severity).toBe(
      'high'
    )
    expect(
      gradeSeverity(classification(3, 'fixture-stale'), [OPTIONAL_PACK, PARITY], optionalOnly)
        .severity
    ).toBe('high')
  })

  it('an optional path inside a blocking glob is still optional', () => {
    const overlapping = only(
      'release:\n  active-phase: P06\n  blocking:\n    - { phases: [P06], paths: ["tests/contracts/fixtures/**"] }\n  optional: ["tests/contracts/fixtures/modules.optional-fallback/**"]\n'
    )
    expect(gradeSeverity(classification(1), [OPTIONAL_FILE], overlapping).severity).toBe('medium')
    expect(gradeSeverity(classification(1), [AWS_RESPONSE], overlapping).severity).toBe('high')
  })
})

// The reason is the line a person reads under the severity: it names the phase and the paths
// that made it, at most three of them.
describe('gradeSeverity reasons', () => {
  const BLOCKING = [
    'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json',
    'tests/contracts/fixtures/mcp/billing.gcp.ingest/1.0/response.expected.json',
    'tests/contracts/fixtures/mcp/billing.oci.ingest/1.0/response.expected.json',
    'services/mcp/src/billing_ingest.py'
  ]
  const quoted = (paths: readonly string[]): string => paths.map(path => `\`${path}\``).join(', ')
  const petstoreOptional: Config['release'] = {
    blocking: [],
    optional: ['test/fixtures/legacy/**']
  }
  const noActivePhase: Config['release'] = { ...release!, 'active-phase': undefined }

  it.each<[string, string[], Config['release'], string, string]>([
    [
      'three release-blocking paths: all named',
      BLOCKING.slice(0, 3),
      release,
      'high',
      `Affected paths are release-blocking in active phase P06: ${quoted(BLOCKING.slice(0, 3))}.`
    ],
    [
      'four release-blocking paths: three named, then …',
      BLOCKING,
      release,
      'high',
      `Affected paths are release-blocking in active phase P06: ${quoted(BLOCKING.slice(0, 3))}, ….`
    ],
    [
      'petstore, only optional paths configured: the rest is not optional',
      ['api/openapi.yaml', 'src/routes/pets.ts'],
      petstoreOptional,
      'high',
      'Affected paths are not optional: `api/openapi.yaml`, `src/routes/pets.ts`.'
    ],
    [
      'petstore, an optional path',
      ['test/fixtures/legacy/pets.json'],
      petstoreOptional,
      'medium',
      'Every affected path is an optional pack or outside the release-blocking paths of phase (none active).'
    ],
    [
      'blocking entries but no active phase: nothing blocks',
      [BLOCKING[0]!],
      noActivePhase,
      'medium',
      'Every affected path is an optional pack or outside the release-blocking paths of phase (none active).'
    ],
    [
      'a phase that blocks nothing affected',
      [BLOCKING[0]!],
      { ...release!, 'active-phase': 'P08' },
      'medium',
      'Every affected path is an optional pack or outside the release-blocking paths of phase P08.'
    ],
    [
      'no affected path',
      [],
      release,
      'high',
      'No affected path is known, so the drift is treated as release-blocking.'
    ]
  ])('%s', (_case, affected, releaseConfig, severity, reason) => {
    expect(gradeSeverity(classification(1), affected, releaseConfig)).toEqual({ severity, reason })
  })
})
