import { describe, expect, it } from '@jest/globals'
import { defaultConfig, type Config } from '../src/config.js'
import { classify } from '../src/paths.js'
import { checkRemediation, type RemediationLayout } from '../src/remediation.js'
import type { Bucket } from '../src/types.js'

const EXPECTED = ['**/*.expected*.json', '**/expected*.json']
const PACK = 'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0'

interface Layout {
  name: string
  paths: Config['paths']
  notes: string[]
  contract: string
  implementation: string
  /** What the incident's findings pointed at. */
  affected: string[]
  fixture: string
  expected: string
  /** The notes.md the remediation must update. */
  notesFile: string
  /** A notes.md of another pack. */
  otherNotes: string
}

const field: Layout = {
  name: 'the example layout',
  paths: defaultConfig().paths,
  notes: [PACK, 'tests/contracts/fixtures/mcp/billing.gcp.ingest/1.0'],
  contract: 'docs/contracts/billing-ingest-contract.md',
  implementation: 'services/mcp/src/billing_ingest.py',
  affected: [`${PACK}/response.expected.json`],
  fixture: `${PACK}/request.valid.json`,
  expected: `${PACK}/response.expected.json`,
  notesFile: `${PACK}/notes.md`,
  otherNotes: 'tests/contracts/fixtures/mcp/billing.gcp.ingest/1.0/notes.md'
}
const plain: Layout = {
  name: 'a plain repository',
  paths: {
    ...defaultConfig().paths,
    contract: ['api/**'],
    fixture: ['test/fixtures/**'],
    implementation: ['src/**']
  },
  notes: ['test/fixtures', 'test/fixtures/legacy'],
  contract: 'api/openapi.yaml',
  implementation: 'src/invoice.ts',
  affected: ['test/fixtures/invoice/paid.json'],
  fixture: 'test/fixtures/invoice/paid.json',
  expected: 'test/fixtures/invoice/paid.expected.json',
  notesFile: 'test/fixtures/notes.md',
  otherNotes: 'test/fixtures/legacy/notes.md'
}

function check(
  l: Layout,
  bucket: Bucket,
  changed: string[],
  result: 'pass' | 'drift' = 'pass',
  affected = l.affected
): { complete: boolean; missing: string[] } {
  const layout: RemediationLayout = {
    fixture: l.paths.fixture,
    expected: EXPECTED,
    hasNotes: dir => l.notes.includes(dir)
  }
  const outcome = checkRemediation({
    incidentId: 'DRIFT-20261201-abcdef',
    issueNumber: 7,
    bucket,
    affected,
    changed: changed.map(path => ({ path, class: classify(path, l.paths) })),
    result,
    layout
  })
  return {
    complete: outcome.complete,
    missing: outcome.requirements.filter(r => !r.satisfied).map(r => `${r.what}: ${r.detail}`)
  }
}

describe.each([field, plain])('checkRemediation in $name', l => {
  it.each<[string, Bucket, (l: Layout) => string[], string[]]>([
    [
      'schema drift: contract, fixture and notes',
      'schema-drift',
      l => [l.contract, l.fixture, l.notesFile],
      []
    ],
    [
      'schema drift without the fixture delta',
      'schema-drift',
      l => [l.contract, l.notesFile],
      ['Fixture delta in the same pull request']
    ],
    [
      'schema drift without notes',
      'schema-drift',
      l => [l.contract, l.fixture],
      ['Updated `notes.md`']
    ],
    [
      "schema drift with another pack's notes",
      'schema-drift',
      l => [l.contract, l.fixture, l.otherNotes],
      ['Updated `notes.md`']
    ],
    [
      'fixture stale: expected refreshed with notes',
      'fixture-stale',
      l => [l.expected, l.notesFile],
      []
    ],
    [
      'fixture stale: notes alone',
      'fixture-stale',
      l => [l.notesFile],
      ['Expected fixtures refreshed']
    ],
    [
      'runtime regression: implementation and notes',
      'runtime-regression',
      l => [l.implementation, l.notesFile],
      []
    ],
    [
      'runtime regression touching expected fixtures',
      'runtime-regression',
      l => [l.implementation, l.expected, l.notesFile],
      ['Expected fixtures untouched']
    ],
    [
      'runtime regression touching the contract',
      'runtime-regression',
      l => [l.implementation, l.contract, l.notesFile],
      ['Contract baseline preserved']
    ]
  ])('%s', (_case, bucket, changed, missing) => {
    const outcome = check(l, bucket, changed(l))
    expect(outcome.missing.map(line => line.split(':')[0])).toEqual(missing)
    expect(outcome.complete).toBe(missing.length === 0)
  })

  it('names the notes.md of the pack the incident points at', () => {
    expect(check(l, 'schema-drift', [l.contract, l.fixture]).missing).toContain(
      `Updated \`notes.md\`: not updated: \`${l.notesFile}\``
    )
  })

  it('is incomplete while the validators are red', () => {
    expect(check(l, 'schema-drift', [l.contract, l.fixture, l.notesFile], 'drift').missing).toEqual(
      ['Validator pass proof: validators: drift']
    )
  })

  it("takes the edited packs when the incident's findings name none", () => {
    expect(check(l, 'schema-drift', [l.contract, l.fixture], 'pass', []).missing).toContain(
      `Updated \`notes.md\`: not updated: \`${l.notesFile}\``
    )
  })
})

describe('a pack the incident found missing', () => {
  it('is answered by the notes.md the remediation creates in it', () => {
    const created = 'tests/contracts/fixtures/mcp/billing.oci.ingest/1.0'
    const l: Layout = { ...field, notes: [...field.notes, created] }
    const affected = ['tests/contracts/fixtures/mcp/billing.oci.ingest/']
    const fixes = [l.contract, `${created}/request.valid.json`, `${created}/notes.md`]
    expect(check(l, 'schema-drift', fixes, 'pass', affected)).toEqual({
      complete: true,
      missing: []
    })
    expect(check(l, 'schema-drift', fixes.slice(0, 2), 'pass', affected).complete).toBe(false)
  })
})
