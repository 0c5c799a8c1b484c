import { describe, expect, it } from '@jest/globals'
import { defaultConfig } from '../src/config.js'
import { findTargets, type TargetContext } from '../src/parse/targets.js'

const context: TargetContext = { workspace: '/work/repo', checks: defaultConfig().checks }

describe('findTargets: the field messages (SPEC §2)', () => {
  it.each([
    [
      'a missing file of an MCP pack → that file',
      'fixture-coverage',
      "MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json",
      ['tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'],
      undefined
    ],
    [
      'an MCP pack without a file name → the pack directory',
      'fixture-coverage',
      "MCP pack 'billing.gcp.ingest' version '2.1' has no notes",
      ['tests/contracts/fixtures/mcp/billing.gcp.ingest/2.1/'],
      undefined
    ],
    [
      'invalid JSON in a module pack file → that file and the line',
      'fixture-coverage',
      "module pack 'modules.optional-fallback'/1.0/output.expected.healthy.json invalid JSON: Expecting value: line 18 column 1 (char 298)",
      ['tests/contracts/fixtures/modules.optional-fallback/1.0/output.expected.healthy.json'],
      18
    ],
    [
      'missing MCP packs → each pack directory',
      'fixture-coverage',
      "Missing required MCP fixture packs: ['billing.oci.ingest', 'billing.gcp.ingest']",
      [
        'tests/contracts/fixtures/mcp/billing.oci.ingest/',
        'tests/contracts/fixtures/mcp/billing.gcp.ingest/'
      ],
      undefined
    ],
    [
      'missing module packs → each directory under the fixture root',
      'fixture-coverage',
      "Missing required module fixture packs: ['modules.optional-fallback']",
      ['tests/contracts/fixtures/modules.optional-fallback/'],
      undefined
    ],
    [
      'a legacy alias parity row → the checks entry and the canonical tool pack',
      'legacy-alias-parity',
      "rows[1].response.providerAdapterId expected 'aws-billing' for canonical tool 'billing.aws.ingest', got 'gcp-billing'",
      [
        'tests/contracts/fixtures/mcp/legacy-alias-parity/',
        'tests/contracts/fixtures/mcp/billing.aws.ingest/'
      ],
      undefined
    ],
    [
      'the feature catalog → the catalog file from checks',
      'feature-catalog',
      'service-mcp depends on unknown module id: economics-module',
      ['src/features/feature-catalog.json'],
      undefined
    ],
    [
      'a docs-links item → the document and its line, and the resolved link',
      'docs-links',
      "Broken local markdown links detected: docs/playbooks/x.md:102 -> './y.md' (resolved: docs/playbooks/y.md)",
      ['docs/playbooks/x.md', 'docs/playbooks/y.md'],
      102
    ],
    [
      'a tag with no checks entry and no path → nothing',
      'drift-guard',
      'Feature manifest changed but no contract doc update detected.',
      [],
      undefined
    ]
  ])('%s', (_case, tag, message, targets, line) => {
    expect(findTargets(tag, message, context)).toEqual(
      line === undefined ? { targets } : { targets, line }
    )
  })
})

describe('findTargets: paths as tools print them', () => {
  it.each([
    [
      'an absolute runner path under the workspace',
      'schema mismatch in /work/repo/docs/contracts/billing.md:12',
      ['docs/contracts/billing.md'],
      12
    ],
    [
      'a ./ prefix',
      'see ./services/billing/src/ingest.ts:40 for the caller',
      ['services/billing/src/ingest.ts'],
      40
    ],
    [
      'a quoted path',
      "expected file 'packages/api/feature.json' to list module 'billing'",
      ['packages/api/feature.json'],
      undefined
    ],
    [
      'Windows backslashes',
      'stale snapshot tests\\contracts\\fixtures\\mcp\\billing.aws.ingest\\1.0\\response.expected.json',
      ['tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'],
      undefined
    ],
    [
      'a path inside the workspace that climbs and comes back',
      'see docs/guides/../contracts/billing.md',
      ['docs/contracts/billing.md'],
      undefined
    ]
  ])('normalises %s', (_case, message, targets, line) => {
    expect(findTargets('runtime-contract', message, context)).toEqual(
      line === undefined ? { targets } : { targets, line }
    )
  })

  it.each([
    [
      'a relative path above the repository',
      'cannot read ../../etc/passwd or ../../etc/ssl/private/server.pem'
    ],
    [
      'an absolute path outside the workspace',
      'cannot read /etc/passwd or /etc/ssl/private/server.pem'
    ],
    [
      'a sibling directory sharing the workspace prefix',
      'cannot read /work/repository-old/docs/contracts/billing.md'
    ],
    ['a home directory file', 'loaded /home/runner/.config/gh/hosts.yml']
  ])('drops %s', (_case, message) => {
    expect(findTargets('runtime-contract', message, context)).toEqual({ targets: [] })
  })

  it('normalises an absolute Windows path under a Windows workspace, and the doubled backslashes of a Python repr', () => {
    const windows: TargetContext = { workspace: 'D:\\a\\repo\\repo', checks: {} }
    const message =
      "diff in D:\\a\\repo\\repo\\docs\\contracts\\billing.md:7 and 'tests\\\\contracts\\\\fixtures\\\\x\\\\1.0\\\\notes.md'"
    expect(findTargets('x', message, windows)).toEqual({
      targets: ['docs/contracts/billing.md', 'tests/contracts/fixtures/x/1.0/notes.md'],
      line: 7
    })
  })

  it('keeps the in-repository paths of a message that also names outside ones', () => {
    expect(
      findTargets(
        'x',
        'copied /tmp/build/out.json to /work/repo/tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json',
        context
      )
    ).toEqual({
      targets: ['tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json']
    })
  })

  it('falls back to checks only when the message names no file', () => {
    expect(
      findTargets(
        'feature-catalog',
        'module id economics-module in services/mcp/feature.json is unknown',
        context
      )
    ).toEqual({
      targets: ['services/mcp/feature.json']
    })
  })

  it('keeps at most 20 targets', () => {
    const message = Array.from({ length: 50 }, (_, i) => `docs/contracts/c${i}.md`).join(' ')
    expect(findTargets('x', message, context).targets).toHaveLength(20)
  })

  it('lists a path named twice once', () => {
    expect(findTargets('x', 'docs/a/b.md:3 and ./docs/a/b.md:9', context)).toEqual({
      targets: ['docs/a/b.md'],
      line: 3
    })
  })
})

describe('findTargets: pack messages point under the configured paths (SPEC §3)', () => {
  const defaults = defaultConfig().paths
  const plain = { ...defaults, fixture: ['test/fixtures/**'], mcp: ['test/fixtures/mcp/**'] }
  const flat = { ...defaults, fixture: ['test/fixtures/**'], mcp: ['services/mcp/**'] }
  it.each([
    ['the defaults', defaults, 'tests/contracts/fixtures/mcp', 'tests/contracts/fixtures'],
    [
      'fixtures under test/fixtures, MCP packs among them',
      plain,
      'test/fixtures/mcp',
      'test/fixtures'
    ],
    [
      'fixtures under test/fixtures, no MCP folder among them',
      flat,
      'test/fixtures',
      'test/fixtures'
    ]
  ])('%s', (_case, paths, mcp, module) => {
    const at = { ...context, paths }
    const targets = (message: string): string[] =>
      findTargets('fixture-coverage', message, at).targets
    expect(
      targets(
        "MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json"
      )
    ).toEqual([`${mcp}/billing.aws.ingest/1.0/response.expected.json`])
    expect(targets("Missing required MCP fixture packs: ['billing.oci.ingest']")).toEqual([
      `${mcp}/billing.oci.ingest/`
    ])
    expect(targets("module pack 'modules.optional-fallback' version '1.0' has no notes")).toEqual([
      `${module}/modules.optional-fallback/1.0/`
    ])
    expect(targets("Missing required module fixture packs: ['invoice']")).toEqual([
      `${module}/invoice/`
    ])
    expect(
      findTargets(
        'legacy-alias-parity',
        "rows[1] expected 'aws-billing' for canonical tool 'billing.aws.ingest'",
        { ...at, checks: {} }
      ).targets
    ).toEqual([`${mcp}/billing.aws.ingest/`])
  })
})
