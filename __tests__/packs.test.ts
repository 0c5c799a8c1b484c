import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { defaultConfig } from '../src/config.js'
import { literalBase, packBases, packOf, related, type PackLayout } from '../src/packs.js'
import { notesLookup } from '../src/pipeline.js'

const MCP = 'tests/contracts/fixtures/mcp'
const MODULES = 'tests/contracts/fixtures'

/** A layout whose `notes.md` files sit in the listed directories. */
const layout = (fixture: string[], notes: string[]): PackLayout => ({
  fixture,
  hasNotes: dir => notes.includes(dir)
})

// The field's layout (SPEC §2): a notes.md in every `<pack>/<version>/`.
const field = layout(defaultConfig().paths.fixture, [
  `${MCP}/billing.aws.ingest/1.0`,
  `${MCP}/billing.gcp.ingest/1.0`,
  `${MODULES}/modules.optional-fallback/1.0`
])
// A plain repository: one notes.md for all of `test/fixtures/`, one more for `invoice/`.
const plain = layout(['test/fixtures/**'], ['test/fixtures', 'test/fixtures/invoice', 'test'])

describe('literalBase', () => {
  it.each([
    ['tests/contracts/fixtures/**', 'tests/contracts/fixtures'],
    ['test/fixtures/*.json', 'test/fixtures'],
    ['test/{a,b}/**', 'test'],
    ['**/__fixtures__/**', ''],
    ['test/fixtures/pay.json', 'test/fixtures']
  ])('%s → %j', (glob, base) => {
    expect(literalBase(glob)).toBe(base)
  })
})

describe('packOf', () => {
  it.each<[string, PackLayout, string, string | undefined]>([
    // the field's layout
    [
      'a file of a pack',
      field,
      `${MCP}/billing.aws.ingest/1.0/response.expected.json`,
      `${MCP}/billing.aws.ingest/1.0`
    ],
    ['a pack directory', field, `${MCP}/billing.aws.ingest/1.0/`, `${MCP}/billing.aws.ingest/1.0`],
    [
      'a module pack file',
      field,
      `${MODULES}/modules.optional-fallback/1.0/output.expected.healthy.json`,
      `${MODULES}/modules.optional-fallback/1.0`
    ],
    [
      'a missing pack: its own directory',
      field,
      `${MCP}/billing.oci.ingest/`,
      `${MCP}/billing.oci.ingest`
    ],
    ['a file without notes above it: its directory', field, `${MCP}/README.md`, MCP],
    ['not a fixture', field, 'docs/contracts/billing.md', undefined],
    ['the fixture folder elsewhere', field, `other/${MCP}/a/1.0/x.json`, undefined],
    // a plain repository
    ['a file below the notes.md', plain, 'test/fixtures/orders/open.json', 'test/fixtures'],
    ['a directory below the notes.md', plain, 'test/fixtures/orders/', 'test/fixtures'],
    ['the notes.md itself', plain, 'test/fixtures/notes.md', 'test/fixtures'],
    [
      'the nearest notes.md wins',
      plain,
      'test/fixtures/invoice/paid.json',
      'test/fixtures/invoice'
    ],
    [
      'no climbing above the glob base',
      layout(['test/fixtures/**'], ['test']),
      'test/fixtures/a/b.json',
      'test/fixtures/a'
    ],
    [
      'a glob with no literal base climbs to the root',
      layout(['**/__fixtures__/**'], ['src/a/__fixtures__']),
      'src/a/__fixtures__/x/y.json',
      'src/a/__fixtures__'
    ],
    ['not a fixture there', plain, 'tests/contracts/fixtures/mcp/a/1.0/x.json', undefined]
  ])('%s', (_case, packs, path, expected) => {
    expect(packOf(path, packs)).toBe(expected)
  })
})

describe('related', () => {
  it.each<[string, PackLayout, string, string, boolean]>([
    ['the same file', field, 'docs/contracts/billing.md', 'docs/contracts/billing.md', true],
    [
      'a pack directory and a file in it',
      field,
      `${MCP}/billing.oci.ingest/`,
      `${MCP}/billing.oci.ingest/1.0/request.valid.json`,
      true
    ],
    [
      'two files of one pack',
      field,
      `${MCP}/billing.aws.ingest/1.0/response.expected.json`,
      `${MCP}/billing.aws.ingest/1.0/notes.md`,
      true
    ],
    [
      'two versions of one tool',
      field,
      `${MCP}/billing.aws.ingest/1.0/notes.md`,
      `${MCP}/billing.aws.ingest/2.0/notes.md`,
      false
    ],
    [
      'two tools',
      field,
      `${MCP}/billing.aws.ingest/1.0/notes.md`,
      `${MCP}/billing.gcp.ingest/1.0/notes.md`,
      false
    ],
    [
      'directories that share a prefix only',
      field,
      `${MCP}/billing.aws/`,
      `${MCP}/billing.aws.ingest/1.0/notes.md`,
      false
    ],
    [
      'files outside the fixtures in one directory',
      field,
      'docs/contracts/a.md',
      'docs/contracts/b.md',
      false
    ],
    [
      'two folders under one notes.md',
      plain,
      'test/fixtures/orders/open.json',
      'test/fixtures/refunds/',
      true
    ],
    [
      'a folder with a notes.md of its own',
      plain,
      'test/fixtures/invoice/paid.json',
      'test/fixtures/orders/open.json',
      false
    ],
    [
      'without notes, only one directory is one pack',
      layout(['test/fixtures/**'], []),
      'test/fixtures/orders/open.json',
      'test/fixtures/refunds/x.json',
      false
    ]
  ])('%s → %s', (_case, packs, a, b, expected) => {
    expect(related(a, b, packs)).toBe(expected)
    expect(related(b, a, packs)).toBe(expected)
  })
})

describe('packBases', () => {
  it.each([
    ['the defaults (SPEC §3)', defaultConfig().paths, { module: MODULES, mcp: MCP }],
    [
      'a plain repository with an MCP folder among its fixtures',
      { fixture: ['test/fixtures/**'], mcp: ['services/mcp/**', 'test/fixtures/mcp/**'] },
      { module: 'test/fixtures', mcp: 'test/fixtures/mcp' }
    ],
    [
      'MCP paths outside the fixtures: packs sit with the others',
      { fixture: ['test/fixtures/**'], mcp: ['services/mcp/**'] },
      { module: 'test/fixtures', mcp: 'test/fixtures' }
    ]
  ])('%s', (_case, paths, expected) => {
    expect(packBases(paths)).toEqual(expected)
  })
})

describe('notesLookup (head, else base)', () => {
  const root = mkdtempSync(join(tmpdir(), 'cdt-packs-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  for (const file of ['test/fixtures/notes.md', 'test/fixtures/orders/open.json']) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    writeFileSync(join(root, file), '{}\n')
  }
  // `refunds/notes.md` was deleted by the change: it is in the change set, not in the checkout.
  const hasNotes = notesLookup(root, ['test/fixtures/refunds/notes.md'])

  it.each([
    ['in the checkout', 'test/fixtures', true],
    ['deleted by the change (at base)', 'test/fixtures/refunds', true],
    ['nowhere', 'test/fixtures/orders', false],
    ['nowhere, at the root', '', false]
  ])('%s: %j → %s', (_case, dir, expected) => {
    expect(hasNotes(dir)).toBe(expected)
  })
})

describe('no fixture folder is hard-wired', () => {
  it('src/ names `tests/contracts/fixtures` only in the configuration defaults', () => {
    const src = new URL('../src/', import.meta.url).pathname
    const offenders = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter(file => file.endsWith('.ts') && file !== 'config.ts')
      .filter(file => readFileSync(join(src, file), 'utf8').includes('tests/contracts/fixtures'))
    expect(offenders).toEqual([])
  })
})
