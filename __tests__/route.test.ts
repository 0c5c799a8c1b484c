import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { CodeOwners } from '../src/codeowners.js'
import { defaultConfig, type Config } from '../src/config.js'
import { parseConfig } from '../src/config-file.js'
import { allOwners, route, type RouteInput } from '../src/route.js'

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8')
const example = parseConfig(
  read('../examples/repo/.github/contract-drift-triage.yml'),
  'contract-drift-triage.yml'
)
// * @qa-lead, docs/contracts/ @acme/contract-owners, tests/contracts/fixtures/ @fixture-owner,
// tests/contracts/fixtures/mcp/ @mcp-owner, services/ + packages/ @impl-owner, scripts/ @qa-lead
const exampleCodeOwners = new CodeOwners(read('../examples/repo/.github/CODEOWNERS'))

const CONTRACT = 'docs/contracts/billing-ingest-contract.md'
const MCP_PACK = 'tests/contracts/fixtures/mcp/billing.oci.ingest/'
const MODULE_PACK = 'tests/contracts/fixtures/modules.optional-fallback/1.0/'
const MCP_IMPL = 'services/mcp/src/billing_ingest.py'
const MODULE_IMPL = 'packages/modules/optional-fallback/src/module.py'
const VALIDATOR = 'scripts/validate-fixture-coverage.py'

const input = (overrides: Partial<RouteInput>): RouteInput => ({
  bucket: 'schema-drift',
  validatorError: false,
  affected: [],
  changedImplementation: [],
  validatorFiles: [VALIDATOR],
  config: example,
  codeowners: exampleCodeOwners,
  ...overrides
})

describe('route: the playbook routing matrix', () => {
  it('schema drift → contract owner, then QA owner', () => {
    const routing = route(input({ bucket: 'schema-drift', affected: [CONTRACT, MCP_PACK] }))
    expect(routing).toMatchObject({ primaryRole: 'contract', secondaryRole: 'qa' })
    expect(routing.requiredAction).toBe('Update contract + fixture pack in same PR')
    expect(routing.owners).toEqual({ contract: ['@acme/contract-owners'], qa: ['qa-lead'] })
    expect(allOwners(routing)).toEqual(['@acme/contract-owners', 'qa-lead'])
  })

  it.each([
    ['an affected MCP fixture pack', [MCP_PACK], 'fixture-mcp', ['mcp-owner']],
    ['a changed MCP implementation file', [MCP_IMPL], 'fixture-mcp', ['mcp-owner']],
    ['an MCP pack beside a module pack', [MODULE_PACK, MCP_PACK], 'fixture-mcp', ['mcp-owner']],
    ['only a module fixture pack', [MODULE_PACK], 'fixture-module', ['fixture-owner']],
    [
      'module implementation and a module pack',
      [MODULE_IMPL, MODULE_PACK],
      'fixture-module',
      ['fixture-owner']
    ],
    [
      'a contract under the MCP side only (not a fixture or implementation)',
      ['services/mcp/feature.json'],
      'fixture-module',
      ['impl-owner']
    ]
  ] as const)('fixture stale with %s → %s', (_name, affected, primaryRole, owners) => {
    const changedImplementation = affected.filter(path => path.includes('/src/'))
    const routing = route(input({ bucket: 'fixture-stale', affected, changedImplementation }))
    expect(routing.primaryRole).toBe(primaryRole)
    expect(routing.secondaryRole).toBe('qa')
    expect(routing.requiredAction).toBe('Refresh expected fixtures and `notes.md`')
    expect(routing.owners[primaryRole]).toEqual(owners)
    expect(routing.owners.qa).toEqual(['qa-lead'])
  })

  it('fixture stale ignores MCP implementation a finding names but the change did not touch', () => {
    const routing = route(input({ bucket: 'fixture-stale', affected: [MODULE_PACK, MCP_IMPL] }))
    expect(routing.primaryRole).toBe('fixture-module')
  })

  it('fixture stale follows the configured `paths.mcp`', () => {
    const config = parseConfig(
      'paths:\n  mcp: [tests/contracts/fixtures/modules.*/**]\n',
      'cfg.yml'
    )
    expect(
      route(input({ bucket: 'fixture-stale', affected: [MODULE_PACK], config })).primaryRole
    ).toBe('fixture-mcp')
    expect(
      route(input({ bucket: 'fixture-stale', affected: [MCP_PACK], config })).primaryRole
    ).toBe('fixture-module')
  })

  it('runtime regression → implementation owner, then contract owner', () => {
    const routing = route(input({ bucket: 'runtime-regression', affected: [MCP_IMPL] }))
    expect(routing).toMatchObject({ primaryRole: 'implementation', secondaryRole: 'contract' })
    expect(routing.requiredAction).toBe('Fix runtime path, preserve contract baseline')
    expect(routing.owners).toEqual({
      implementation: ['impl-owner'],
      contract: ['@acme/contract-owners']
    })
    expect(routing.owners.qa).toBeUndefined()
  })

  it('runtime regression naming only the contract → the owners of the implementation files in the repository', () => {
    // A nightly provider break: no change set, the verifier names the consumer's pact.
    const codeowners = new CodeOwners('* @qa-lead\n/pacts/ @acme/pet-web\n/src/ @pet-api-dev\n')
    const config = parseConfig('preset: [pact]\n', 'contract-drift-triage.yml')
    const pact = 'pacts/pet-web-pet-api.json'
    const trackedFiles = new Set([pact, 'src/pet_api/app.py', 'README.md'])
    const routing = route(
      input({ bucket: 'runtime-regression', affected: [pact], config, codeowners, trackedFiles })
    )
    expect(routing.owners).toEqual({ implementation: ['pet-api-dev'], contract: ['@acme/pet-web'] })
    // Outside a checkout (publish) the affected files' owners remain the only clue.
    const untracked = route(
      input({ bucket: 'runtime-regression', affected: [pact], config, codeowners })
    )
    expect(untracked.owners.implementation).toEqual(['@acme/pet-web'])
  })

  it.each<[string, string[], string[]]>([
    [
      'a monorepo: the service beside the pact, not every service',
      ['services/pet-api/pacts/pet-web.json'],
      ['pet-api-dev']
    ],
    [
      'a pact at the root: every implementation',
      ['pacts/pet-web.json'],
      ['pet-api-dev', 'billing-dev', 'admin-dev']
    ],
    [
      'two pacts, a shared one named first: the service beside the deeper one',
      ['services/shared/pet-web.json', 'services/pet-api/pacts/pet-web.json'],
      ['pet-api-dev']
    ]
  ])('nightly provider break, %s', (_, pacts, owners) => {
    // `pet-api-admin` starts with `pet-api`: a folder is matched whole, not by its name's start.
    const codeowners = new CodeOwners(
      '* @qa-lead\n/services/pet-api/ @pet-api-dev\n/services/billing/ @billing-dev\n/services/pet-api-admin/ @admin-dev\n'
    )
    const trackedFiles = new Set([
      ...pacts,
      'services/pet-api/src/app.ts',
      'services/pet-api/README.md',
      'services/billing/src/app.ts',
      'services/pet-api-admin/src/app.ts'
    ])
    const routing = route(
      input({
        bucket: 'runtime-regression',
        affected: pacts,
        config: defaultConfig(),
        codeowners,
        trackedFiles
      })
    )
    expect(routing.owners.implementation).toEqual(owners)
  })

  it('fixture stale naming no fixture does not route to every fixture owner of the repository', () => {
    const trackedFiles = new Set([`${MCP_PACK}request.json`, `${MODULE_PACK}request.json`])
    const routing = route(
      input({
        bucket: 'fixture-stale',
        affected: [CONTRACT],
        config: defaultConfig(),
        trackedFiles
      })
    )
    expect(routing.owners['fixture-module']).toEqual(['@acme/contract-owners'])
  })

  it('an error without findings → QA owner as primary, no secondary', () => {
    const routing = route(input({ bucket: undefined, validatorError: true, affected: [] }))
    expect(routing.primaryRole).toBe('qa')
    expect(routing.secondaryRole).toBeUndefined()
    expect(routing.owners).toEqual({ qa: ['qa-lead'] })
    expect(routing.requiredAction).toMatch(/validators run again/)
  })

  it('an error with findings keeps its bucket routing and adds QA', () => {
    const routing = route(
      input({ bucket: 'runtime-regression', validatorError: true, affected: [MCP_IMPL] })
    )
    expect(routing).toMatchObject({ primaryRole: 'implementation', secondaryRole: 'contract' })
    expect(routing.owners).toEqual({
      implementation: ['impl-owner'],
      contract: ['@acme/contract-owners'],
      qa: ['qa-lead']
    })
    expect(allOwners(routing)).toEqual(['impl-owner', '@acme/contract-owners', 'qa-lead'])
  })

  it('an error with schema-drift findings does not add QA twice', () => {
    const routing = route(
      input({ bucket: 'schema-drift', validatorError: true, affected: [CONTRACT] })
    )
    expect(Object.keys(routing.owners)).toEqual(['contract', 'qa'])
  })
})

describe('route: owner resolution', () => {
  it.each([
    [
      ['@alice', 'bob'],
      ['alice', 'bob']
    ],
    [
      ['@acme/contract-owners', 'acme/qa-team'],
      ['@acme/contract-owners', '@acme/qa-team']
    ]
  ])('configured owners %j are normalised to %j', (configured, expected) => {
    const config: Config = { ...example, owners: { ...example.owners, contract: configured } }
    expect(route(input({ bucket: 'schema-drift', config })).owners.contract).toEqual(expected)
  })

  it('resolves every role from CODEOWNERS by the role’s own files (the SPEC defaults)', () => {
    const config = defaultConfig()
    const schema = route(
      input({ bucket: 'schema-drift', affected: [CONTRACT, MCP_PACK, MCP_IMPL], config })
    )
    expect(schema.owners).toEqual({ contract: ['@acme/contract-owners'], qa: ['qa-lead'] })

    const mcp = route(input({ bucket: 'fixture-stale', affected: [CONTRACT, MCP_PACK], config }))
    expect(mcp.owners['fixture-mcp']).toEqual(['mcp-owner'])

    const module = route(input({ bucket: 'fixture-stale', affected: [MODULE_PACK], config }))
    expect(module.owners['fixture-module']).toEqual(['fixture-owner'])

    const runtime = route(
      input({ bucket: 'runtime-regression', affected: [CONTRACT, MODULE_IMPL], config })
    )
    expect(runtime.owners).toEqual({
      implementation: ['impl-owner'],
      contract: ['@acme/contract-owners']
    })
  })

  it('QA from CODEOWNERS owns the validator scripts', () => {
    const codeowners = new CodeOwners('* @someone\nscripts/ @gate-keeper @acme/qa\n')
    const routing = route(
      input({ bucket: undefined, validatorError: true, config: defaultConfig(), codeowners })
    )
    expect(routing.owners.qa).toEqual(['gate-keeper', '@acme/qa'])
  })

  describe('QA from CODEOWNERS: the validator scripts, else the catch-all rule, never the change', () => {
    const config = defaultConfig()
    const owners = new CodeOwners(
      '* @qa-lead\ndocs/contracts/ @acme/contract-owners\nservices/ @impl-owner\nscripts/ @gate-keeper\n'
    )
    it.each([
      ['a validator script', [VALIDATOR], owners, ['gate-keeper']],
      [
        'two validators’ scripts (their union)',
        [VALIDATOR, 'tools/check.mjs'],
        owners,
        ['gate-keeper', 'qa-lead']
      ],
      ['no script (an inline command)', [], owners, ['qa-lead']],
      [
        'no script, the last of two catch-all rules',
        [],
        new CodeOwners('* @old\n* @new\n'),
        ['new']
      ],
      [
        'no script and no catch-all rule',
        [],
        new CodeOwners('docs/contracts/ @acme/contract-owners\n'),
        []
      ]
    ] as const)('%s', (_name, validatorFiles, codeowners, qa) => {
      for (const bucket of ['schema-drift', 'fixture-stale', undefined] as const) {
        const routing = route(
          input({
            bucket,
            validatorError: bucket === undefined,
            affected: [CONTRACT, MCP_IMPL],
            changedImplementation: [MCP_IMPL],
            validatorFiles,
            config,
            codeowners
          })
        )
        expect(routing.owners.qa).toEqual(qa)
      }
    })

    it('warns, saying what to do, when QA resolves to nobody', () => {
      const routing = route(
        input({
          bucket: 'schema-drift',
          affected: [CONTRACT],
          validatorFiles: [],
          config,
          codeowners: new CodeOwners('docs/contracts/ @acme/contract-owners\n')
        })
      )
      expect(routing.owners.qa).toEqual([])
      expect(routing.warnings).toEqual([
        'QA owner unassigned: owners.qa is codeowners, but no red validator command runs a script tracked in the repository and CODEOWNERS has no catch-all `*` rule. Add a `*` rule to CODEOWNERS, or set owners.qa in the configuration.'
      ])
      const noFile = route(
        input({ bucket: undefined, validatorError: true, config, codeowners: undefined })
      )
      expect(noFile.warnings?.[0]).toMatch(/there is no CODEOWNERS file/)
      expect(
        route(input({ bucket: 'schema-drift', affected: [CONTRACT], config, codeowners: owners }))
          .warnings
      ).toBeUndefined()
    })
  })

  it('falls back to every affected path when the role has no files of its own, without repeats', () => {
    const codeowners = new CodeOwners('services/ @impl-owner\ntests/ @fixture-owner\n')
    const routing = route(
      input({
        bucket: 'schema-drift',
        affected: [MCP_IMPL, MCP_PACK, 'services/mcp/src/other.py'],
        config: defaultConfig(),
        codeowners
      })
    )
    expect(routing.owners.contract).toEqual(['impl-owner', 'fixture-owner'])
  })

  it('resolves codeowners roles to nobody without a CODEOWNERS file', () => {
    const routing = route(
      input({
        bucket: 'schema-drift',
        affected: [CONTRACT],
        config: defaultConfig(),
        codeowners: undefined
      })
    )
    expect(routing.owners).toEqual({ contract: [], qa: [] })
    expect(allOwners(routing)).toEqual([])
  })
})

describe('route in examples/petstore (api/, test/fixtures/, src/, no MCP side)', () => {
  const config = parseConfig(
    read('../examples/petstore/.github/contract-drift-triage.yml'),
    'contract-drift-triage.yml'
  )
  const codeowners = new CodeOwners(read('../examples/petstore/CODEOWNERS'))
  const SPEC = 'api/openapi.yaml'
  const FIXTURE = 'test/fixtures/pets/list.json'
  const IMPL = 'src/petstore/app.py'
  const SCRIPT = 'scripts/check_fixtures.py'
  const at = (overrides: Partial<RouteInput>): RouteInput =>
    input({ config, codeowners, validatorFiles: [SCRIPT], ...overrides })

  it.each([
    [
      'schema drift',
      at({ bucket: 'schema-drift', affected: [SPEC, FIXTURE] }),
      'contract',
      { contract: ['@petstore/api-guild'], qa: ['qa-automation'] },
      'Update contract + fixture pack in same PR'
    ],
    [
      'a stale fixture: the module fixture owner, whatever the implementation',
      at({ bucket: 'fixture-stale', affected: [FIXTURE, IMPL], changedImplementation: [IMPL] }),
      'fixture-module',
      { 'fixture-module': ['fixture-keeper'], qa: ['qa-automation'] },
      'Refresh expected fixtures and `notes.md`'
    ],
    [
      'a runtime regression with a crashed validator: QA added',
      at({ bucket: 'runtime-regression', validatorError: true, affected: [IMPL] }),
      'implementation',
      {
        implementation: ['backend-dev'],
        contract: ['@petstore/api-guild'],
        qa: ['qa-automation']
      },
      'Fix runtime path, preserve contract baseline'
    ],
    [
      'a validator error without findings: QA alone',
      at({ bucket: undefined, validatorError: true }),
      'qa',
      { qa: ['qa-automation'] },
      'Make the validators run again (fix the crash, restore the missing command or the hang), then re-run the gate'
    ]
  ])('%s', (_case, routeInput, primaryRole, owners, requiredAction) => {
    const routing = route(routeInput)
    expect(routing).toMatchObject({ primaryRole, owners, requiredAction })
    expect(routing.warnings).toBeUndefined()
  })

  it('names the scripts no CODEOWNERS rule owns when QA resolves to nobody', () => {
    const routing = route(
      at({
        bucket: undefined,
        validatorError: true,
        validatorFiles: ['tools/check.mjs', 'tools/lint.sh'],
        codeowners: new CodeOwners('/api/ @petstore/api-guild\n')
      })
    )
    expect(routing.owners).toEqual({ qa: [] })
    expect(routing.warnings).toEqual([
      'QA owner unassigned: owners.qa is codeowners, but no CODEOWNERS rule owns `tools/check.mjs`, `tools/lint.sh` and CODEOWNERS has no catch-all `*` rule. Add a `*` rule to CODEOWNERS, or set owners.qa in the configuration.'
    ])
  })

  it('gives no warning for a QA list the configuration leaves empty', () => {
    const empty: Config = { ...config, owners: { ...config.owners, qa: [] } }
    const routing = route(at({ bucket: undefined, validatorError: true, config: empty }))
    expect(routing.owners).toEqual({ qa: [] })
    expect(routing.warnings).toBeUndefined()
  })
})
