import { describe, expect, it } from '@jest/globals'
import { defaultConfig } from '../src/config.js'
import { classify, globPlace, matchesAny, normalisePath, pathMatches } from '../src/paths.js'

const MCP = 'tests/contracts/fixtures/mcp'

describe('pathMatches', () => {
  it('matches a fixture pack directory against a glob of what lies inside it', () => {
    expect(
      pathMatches(
        'tests/contracts/fixtures/mcp/billing.oci.ingest/',
        'tests/contracts/fixtures/mcp/billing.*/**'
      )
    ).toBe(true)
  })

  it.each([
    // files: the glob decides exactly
    ['src/features/feature-catalog.json', 'src/features/feature-catalog.json', true],
    ['src/features/feature-catalog.json.bak', 'src/features/feature-catalog.json', false],
    ['src/features/feature-catalog.json', 'src/features', false],
    ['docs/billing-contract.md', 'docs/*-contract.md', true],
    ['docs/guides/billing-contract.md', 'docs/*-contract.md', false],
    // `**` forms
    ['services/billing/src/ingest.ts', 'services/**/src/**', true],
    ['services/billing/api/v2/src/deep/ingest.ts', 'services/**/src/**', true],
    ['services/billing/lib/ingest.ts', 'services/**/src/**', false],
    ['packages/api/feature.json', '**/feature.json', true],
    ['feature.json', '**/feature.json', true],
    ['packages/api/feature.json.orig', '**/feature.json', false],
    ['.github/PULL_REQUEST_TEMPLATE.md', '**/*.md', true],
    [
      `${MCP}/billing.aws.ingest/1.0/response.expected.json`,
      'tests/contracts/fixtures/mcp/billing.*/**',
      true
    ],
    [
      `${MCP}/legacy-alias-parity/1.0/parity.rows.json`,
      'tests/contracts/fixtures/mcp/billing.*/**',
      false
    ],
    // directories (trailing `/`): match when the directory or anything inside it could
    [`${MCP}/billing.oci.ingest/1.0/`, 'tests/contracts/fixtures/mcp/billing.*/**', true],
    [`${MCP}/legacy-alias-parity/`, 'tests/contracts/fixtures/mcp/billing.*/**', false],
    ['tests/contracts/fixtures/', 'tests/contracts/fixtures/mcp/billing.*/**', true],
    [
      'tests/contracts/fixtures/modules.optional-fallback/',
      'tests/contracts/fixtures/modules.optional-fallback/**',
      true
    ],
    [
      'tests/contracts/fixtures/modules.optional-fallback/',
      'tests/contracts/fixtures/mcp/**',
      false
    ],
    ['tests/contracts/fixtures/mcp/', 'tests/contracts/fixtures/mcp', true],
    ['docs/', 'services/**', false]
  ])('%s against %s → %s', (path, glob, expected) => {
    expect(pathMatches(path, glob)).toBe(expected)
  })

  it('matchesAny is true when one glob of the list matches', () => {
    expect(
      matchesAny('services/mcp/src/server.ts', [
        'tests/contracts/fixtures/mcp/**',
        'services/mcp/**'
      ])
    ).toBe(true)
    expect(
      matchesAny('services/billing/src/server.ts', [
        'tests/contracts/fixtures/mcp/**',
        'services/mcp/**'
      ])
    ).toBe(false)
    expect(matchesAny('anything', [])).toBe(false)
  })
})

describe('classify with the playbook default paths (SPEC §3, §4)', () => {
  const paths = defaultConfig().paths
  it.each([
    // fixture wins over docs and contract
    [`${MCP}/billing.aws.ingest/1.0/notes.md`, 'fixture'],
    ['tests/contracts/fixtures/modules.billing/1.0/feature.json', 'fixture'],
    [`${MCP}/billing.oci.ingest/`, 'fixture'],
    [`${MCP}/legacy-alias-parity/`, 'fixture'],
    // contract wins over docs
    ['docs/contracts/billing.md', 'contract'],
    ['docs/billing-contract.md', 'contract'],
    ['services/billing/feature.json', 'contract'],
    ['feature.json', 'contract'],
    // implementation wins over docs
    ['services/billing/src/ingest.ts', 'implementation'],
    ['services/billing/src/README.md', 'implementation'],
    ['packages/api/src/index.ts', 'implementation'],
    ['docs/playbooks/x.md', 'docs'],
    ['README.md', 'docs'],
    ['services/billing/CHANGELOG.md', 'docs'],
    ['scripts/validate-fixture-coverage.py', 'other'],
    ['services/billing/test/ingest.test.ts', 'other'],
    ['.github/workflows/contract-drift.yml', 'other']
  ])('%s is %s', (path, expected) => {
    expect(classify(path, paths)).toBe(expected)
  })
})

describe('normalisePath', () => {
  it.each([
    ['docs/contracts/billing.md', 'docs/contracts/billing.md'],
    ['./docs/contracts/billing.md', 'docs/contracts/billing.md'],
    ['/work/repo/docs/contracts/billing.md', 'docs/contracts/billing.md'],
    ['docs\\contracts\\billing.md', 'docs/contracts/billing.md'],
    ['  docs//contracts/./billing.md  ', 'docs/contracts/billing.md'],
    ['docs/guides/../contracts/billing.md', 'docs/contracts/billing.md'],
    [`${MCP}/billing.oci.ingest/`, `${MCP}/billing.oci.ingest/`],
    ['/work/repo/tests/contracts/fixtures/mcp/billing.oci.ingest/', `${MCP}/billing.oci.ingest/`],
    // leaving the repository
    ['../../etc/passwd', undefined],
    ['docs/../../etc/passwd', undefined],
    ['/etc/passwd', undefined],
    ['/work/repository-old/docs/a.md', undefined],
    ['/work/repo', undefined],
    ['C:\\Windows\\system.ini', undefined],
    ['', undefined],
    ['./', undefined]
  ])('%s → %s', (raw, expected) => {
    expect(normalisePath(raw, '/work/repo')).toBe(expected)
  })

  it('accepts a workspace written with a trailing slash or with backslashes', () => {
    expect(normalisePath('/work/repo/docs/a.md', '/work/repo/')).toBe('docs/a.md')
    expect(normalisePath('D:\\a\\repo\\repo\\docs\\a.md', 'D:\\a\\repo\\repo')).toBe('docs/a.md')
    expect(normalisePath('D:\\a\\other\\docs\\a.md', 'D:\\a\\repo\\repo')).toBeUndefined()
  })
})

describe('globPlace', () => {
  it.each([
    ['src/features/feature-catalog.json', 'src/features/feature-catalog.json'],
    ['tests/contracts/fixtures/mcp/legacy-alias-parity/**', `${MCP}/legacy-alias-parity/`],
    ['tests/contracts/fixtures/mcp/billing.*/**', `${MCP}/`],
    ['docs/*-contract.md', 'docs/'],
    ['docs/contracts/*.{md,yaml}', 'docs/contracts/']
  ])('%s stands for %s', (glob, expected) => {
    expect(globPlace(glob)).toBe(expected)
  })

  it('gives no repository place for a glob that can be anywhere', () => {
    expect(normalisePath(globPlace('**/feature.json'), '/work/repo')).toBeUndefined()
  })
})
