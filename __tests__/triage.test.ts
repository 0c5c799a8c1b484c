import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { CodeOwners } from '../src/codeowners.js'
import { defaultConfig } from '../src/config.js'
import { parseConfig } from '../src/config-file.js'
import {
  commandWords,
  newIncidentId,
  overallResult,
  triage,
  validatorScripts,
  type TriageInput
} from '../src/triage.js'
import type { ChangeContext, Finding, Outcome, ValidatorRun } from '../src/types.js'

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8')
const example = parseConfig(
  read('../examples/repo/.github/contract-drift-triage.yml'),
  'contract-drift-triage.yml'
)
const codeowners = new CodeOwners(read('../examples/repo/.github/CODEOWNERS'))

const COVERAGE = 'python3 scripts/validate-fixture-coverage.py'
const PARITY = 'python3 scripts/validate-legacy-alias-parity.py'
const AWS_PACK = 'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/'
const CONTRACT = 'docs/contracts/billing-ingest-contract.md'

const finding = (targets: string[], source = COVERAGE): Finding => ({
  source,
  tag: 'fixture-coverage',
  message:
    "[fixture-coverage] ERROR: MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json",
  targets,
  runtime: false
})

const run = (command: string, outcome: Outcome, findings: Finding[] = []): ValidatorRun => ({
  command,
  outcome,
  exitCode:
    outcome === 'passed' ? 0 : outcome === 'missing' ? 127 : outcome === 'timed-out' ? null : 1,
  durationMs: 10,
  findings,
  findingCount: findings.length,
  okLines: outcome === 'passed' ? ['[x] OK: fine'] : [],
  excerpt: '',
  outputBytes: 0,
  ...(outcome === 'crashed' ? { crash: 'KeyError: version' } : {})
})

const noChanges: ChangeContext = { changed: [], changeSource: 'schedule', intent: [] }

const input = (runs: ValidatorRun[], overrides: Partial<TriageInput> = {}): TriageInput => ({
  runs,
  context: noChanges,
  config: example,
  codeowners,
  key: 'acme/contracts:branch-main',
  scope: 'main',
  detectedBy: 'CI',
  detectedAt: new Date('2024-05-06T07:08:09.123Z'),
  incidentId: 'DRIFT-20240506-abc123',
  workspace: '/home/runner/work/contracts/contracts',
  ...overrides
})

describe('overallResult', () => {
  it.each<[Outcome[], string]>([
    [[], 'pass'],
    [['passed', 'passed'], 'pass'],
    [['passed', 'failed'], 'drift'],
    [['failed', 'crashed'], 'error'],
    [['passed', 'missing'], 'error'],
    [['timed-out'], 'error'],
    [['failed', 'passed', 'timed-out'], 'error']
  ])('%j → %s', (outcomes, result) => {
    expect(overallResult(outcomes.map(outcome => run(COVERAGE, outcome)))).toBe(result)
  })
})

describe('triage', () => {
  it('a green run is a pass with no classification, severity or owners', () => {
    const record = triage(input([run(COVERAGE, 'passed'), run(PARITY, 'passed')]))
    expect(record.result).toBe('pass')
    expect(record.classification).toBeUndefined()
    expect(record.severity).toBeUndefined()
    expect(record.routing).toBeUndefined()
    expect(record.owners).toEqual([])
    expect(record.detectedAt).toBe('2024-05-06T07:08:09Z')
    expect(record).toMatchObject({
      incidentId: 'DRIFT-20240506-abc123',
      key: 'acme/contracts:branch-main',
      scope: 'main',
      detectedBy: 'CI'
    })
  })

  it('drift: classifies, grades and routes the findings', () => {
    const context: ChangeContext = {
      changed: [{ path: CONTRACT, class: 'contract' }],
      changeSource: 'pull request files API',
      intent: []
    }
    const record = triage(
      input([run(COVERAGE, 'failed', [finding([AWS_PACK])]), run(PARITY, 'passed')], { context })
    )
    expect(record.result).toBe('drift')
    expect(record.classification).toMatchObject({
      bucket: 'schema-drift',
      rule: 1,
      confidence: 'high'
    })
    expect(record.severity).toBe('high')
    expect(record.routing).toMatchObject({ primaryRole: 'contract', secondaryRole: 'qa' })
    expect(record.owners).toEqual(['@acme/contract-owners', 'qa-lead'])
  })

  it('grades Medium when every affected path is optional', () => {
    const optional = 'tests/contracts/fixtures/modules.optional-fallback/1.0/'
    const record = triage(input([run(COVERAGE, 'failed', [finding([optional])])]))
    expect(record.classification).toMatchObject({ bucket: 'fixture-stale', rule: 6 })
    expect(record.severity).toBe('medium')
    expect(record.routing?.primaryRole).toBe('fixture-module')
    expect(record.owners).toEqual(['fixture-owner', 'qa-lead'])
  })

  it('counts changed contract/fixture/implementation files as affected, not docs', () => {
    const context: ChangeContext = {
      changed: [
        { path: 'services/mcp/src/billing_ingest.py', class: 'implementation' },
        { path: 'docs/playbooks/triage.md', class: 'docs' }
      ],
      changeSource: 'git',
      intent: []
    }
    // The finding is on an optional pack, but the changed MCP implementation is release-blocking in P06.
    const record = triage(
      input(
        [
          run(COVERAGE, 'failed', [
            finding(['tests/contracts/fixtures/modules.optional-fallback/1.0/'])
          ])
        ],
        { context }
      )
    )
    expect(record.classification?.bucket).toBe('runtime-regression')
    expect(record.severity).toBe('high')
    expect(record.severityReason).toContain('services/mcp/src/billing_ingest.py')
  })

  // A documentation edit in the change set says nothing about what the drift touches: it must
  // neither lower the severity (a docs path is never release-blocking) nor route to its owners.
  it.each([
    ['the field', example, codeowners, 'docs/playbooks/triage.md'],
    [
      'examples/petstore',
      parseConfig(read('../examples/petstore/.github/contract-drift-triage.yml'), 'cfg.yml'),
      new CodeOwners(read('../examples/petstore/CODEOWNERS')),
      'docs/guide.md'
    ]
  ])('in %s, a changed doc is not an affected path', (_layout, config, owners, doc) => {
    const nowhere: Finding = { ...finding([]), message: '[drift-check] ERROR: 3 checks failed' }
    const record = triage(
      input([run(COVERAGE, 'failed', [nowhere])], {
        config,
        codeowners: owners,
        context: { changed: [{ path: doc, class: 'docs' }], changeSource: 'git', intent: [] }
      })
    )
    expect(record.classification).toMatchObject({ bucket: 'runtime-regression', rule: 6 })
    expect(record.severity).toBe('high')
    expect(record.severityReason).toBe(
      'No affected path is known, so the drift is treated as release-blocking.'
    )
    expect(record.routing?.owners.implementation).toEqual([])
  })

  it('an error with findings is still classified, with QA among the owners', () => {
    const record = triage(
      input(
        [
          run(COVERAGE, 'failed', [finding(['services/mcp/src/billing_ingest.py'])]),
          run(PARITY, 'crashed')
        ],
        {
          context: {
            changed: [{ path: 'services/mcp/src/billing_ingest.py', class: 'implementation' }],
            changeSource: 'git',
            intent: []
          }
        }
      )
    )
    expect(record.result).toBe('error')
    expect(record.classification).toMatchObject({
      bucket: 'runtime-regression',
      rule: 4,
      confidence: 'high'
    })
    expect(record.severity).toBe('high')
    expect(record.routing).toMatchObject({
      primaryRole: 'implementation',
      secondaryRole: 'contract'
    })
    expect(record.owners).toEqual(['impl-owner', '@acme/contract-owners', 'qa-lead'])
  })

  it.each<Outcome>(['crashed', 'missing', 'timed-out'])(
    'a %s validator without findings: no classification, High, QA primary',
    outcome => {
      const record = triage(input([run(COVERAGE, outcome), run(PARITY, 'passed')]))
      expect(record.result).toBe('error')
      expect(record.classification).toBeUndefined()
      expect(record.severity).toBe('high')
      expect(record.routing?.primaryRole).toBe('qa')
      expect(record.routing?.secondaryRole).toBeUndefined()
      expect(record.owners).toEqual(['qa-lead'])
    }
  )

  it('an error without findings resolves QA from CODEOWNERS through the validator scripts', () => {
    const config = defaultConfig()
    const owners = new CodeOwners(
      '* @everyone\nscripts/validate-fixture-coverage.py @coverage-keeper\n'
    )
    const record = triage(
      input([run(COVERAGE, 'missing')], {
        config,
        codeowners: owners,
        trackedFiles: new Set(['scripts/validate-fixture-coverage.py'])
      })
    )
    expect(record.owners).toEqual(['coverage-keeper'])
  })

  it('classifies the findings of every run together', () => {
    const record = triage(
      input([
        run(COVERAGE, 'failed', [finding([AWS_PACK])]),
        run(PARITY, 'failed', [finding([CONTRACT], PARITY)])
      ])
    )
    // Rule 6: contracts come first.
    expect(record.classification).toMatchObject({ bucket: 'schema-drift', rule: 6 })
    expect(record.runs).toHaveLength(2)
  })

  // The run's own changes count as affected, whatever the findings name: they grade the severity
  // (SPEC §4) and name the owners. Docs do not (the test above).
  it.each([
    ['contract', CONTRACT],
    ['fixture', 'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'],
    ['implementation', 'services/mcp/src/billing_ingest.py']
  ] as const)('a changed %s file is affected when the findings name no file', (cls, path) => {
    const nowhere: Finding = { ...finding([]), message: '[drift-check] ERROR: 3 checks failed' }
    const record = triage(
      input([run(COVERAGE, 'failed', [nowhere])], {
        context: { changed: [{ path, class: cls }], changeSource: 'git', intent: [] }
      })
    )
    expect(record.severity).toBe('high')
    expect(record.severityReason).toContain(path)
  })

  // SPEC §4: the MCP fixture owner when the changed implementation is on the MCP side; a changed
  // file of another class there (a contract) does not count.
  it.each([
    [
      'an MCP implementation file',
      { path: 'services/mcp/src/billing_ingest.py', class: 'implementation' },
      'fixture-mcp'
    ],
    [
      'a module implementation file',
      { path: 'packages/modules/optional-fallback/src/module.py', class: 'implementation' },
      'fixture-module'
    ],
    [
      'an MCP-side contract',
      { path: 'services/mcp/feature.json', class: 'contract' },
      'fixture-module'
    ]
  ] as const)(
    'a stale fixture with %s changed routes to the %s owner',
    (_name, changed, primaryRole) => {
      const modulePack = 'tests/contracts/fixtures/modules.optional-fallback/1.0/'
      const record = triage(
        input([run(COVERAGE, 'failed', [finding([modulePack])])], {
          context: { changed: [changed], changeSource: 'git', intent: [] },
          bucketOverride: { bucket: 'fixture-stale', by: 'octocat' }
        })
      )
      expect(record.routing?.primaryRole).toBe(primaryRole)
    }
  )

  it('a drift without a validator error does not call QA to a runtime regression', () => {
    const record = triage(
      input([run(COVERAGE, 'failed', [finding(['services/mcp/src/billing_ingest.py'])])])
    )
    expect(record.result).toBe('drift')
    expect(record.routing?.primaryRole).toBe('implementation')
    expect(Object.keys(record.routing?.owners ?? {})).toEqual(['implementation', 'contract'])
  })

  it('keeps the run URL when given', () => {
    const record = triage(
      input([run(COVERAGE, 'passed')], {
        runUrl: 'https://github.com/acme/contracts/actions/runs/1'
      })
    )
    expect(record.runUrl).toBe('https://github.com/acme/contracts/actions/runs/1')
  })
})

describe('triage: a bucket label a person set wins over the classifier (SPEC §4)', () => {
  const context: ChangeContext = {
    changed: [{ path: CONTRACT, class: 'contract' }],
    changeSource: 'git',
    intent: []
  }

  it('takes the person’s bucket, says who set it and what the classifier said, and routes by it', () => {
    const record = triage(
      input([run(COVERAGE, 'failed', [finding([AWS_PACK])])], {
        context,
        bucketOverride: { bucket: 'fixture-stale', by: 'octocat' }
      })
    )
    expect(record.classification).toMatchObject({
      bucket: 'fixture-stale',
      confidence: 'high',
      rule: 0
    })
    expect(record.classification?.reason).toMatch(
      /^A person \(`octocat`\) set the bucket label, which wins over the classifier\. The classifier said schema-drift \(confidence high, rule 1\): A contract file changed/
    )
    expect(record.classification?.evidence).toContain('Change set: 1 file(s) from git.')
    expect(record.routing).toMatchObject({ primaryRole: 'fixture-mcp', secondaryRole: 'qa' })
  })

  it('says the classifier had nothing to go on for an error without findings', () => {
    const record = triage(
      input([run(COVERAGE, 'crashed')], {
        context,
        bucketOverride: { bucket: 'runtime-regression', by: 'octocat' }
      })
    )
    expect(record.classification).toEqual({
      bucket: 'runtime-regression',
      confidence: 'high',
      rule: 0,
      reason:
        'A person (`octocat`) set the bucket label, which wins over the classifier. The classifier had no findings to go on.',
      evidence: []
    })
    // An error still calls QA to make the gate whole.
    expect(Object.keys(record.routing?.owners ?? {})).toEqual(['implementation', 'contract', 'qa'])
  })
})

describe('commandWords: a shell command’s words, as the shell would split them', () => {
  it.each([
    ['plain words', 'python3 scripts/x.py --strict', ['python3', 'scripts/x.py', '--strict']],
    ['double quotes with an escaped quote', 'echo "say \\"hi\\" now"', ['echo', 'say "hi" now']],
    ['single quotes keep backslashes', "echo 'a\\b c'", ['echo', 'a\\b c']],
    ['an empty quoted word', 'run "" x', ['run', '', 'x']],
    ['operators split words', 'a&&b;c|d (e) <f >g', ['a', 'b', 'c', 'd', 'e', 'f', 'g']],
    ['a continued line', 'python3 \\\n  scripts/x.py', ['python3', 'scripts/x.py']],
    ['a continued line, CRLF too', 'python3 \\\r\n  scripts/x.py', ['python3', 'scripts/x.py']],
    [
      'a word continued on the next line is one word',
      'python3 scripts/validate-\\\nx.py',
      ['python3', 'scripts/validate-x.py']
    ]
  ])('%s', (_case, command, words) => {
    expect(commandWords(command)).toEqual(words)
  })
})

describe('validatorScripts: the first argument of each red command that is a tracked file', () => {
  const ws = '/home/runner/work/contracts/contracts'
  const tracked = new Set([
    'scripts/validate-fixture-coverage.py',
    'scripts/validate-legacy-alias-parity.py',
    'scripts/drift check.sh',
    'tools/check.mjs',
    'jest.config.js',
    'tests/contract.test.ts'
  ])
  const red = (command: string): ValidatorRun => run(command, 'failed')
  it.each([
    [
      'the playbook commands',
      [COVERAGE, PARITY],
      ['scripts/validate-fixture-coverage.py', 'scripts/validate-legacy-alias-parity.py']
    ],
    [
      'a ./ path and flags',
      ['python3 ./scripts/validate-fixture-coverage.py --strict'],
      ['scripts/validate-fixture-coverage.py']
    ],
    ['an absolute path in the workspace', [`python3 ${ws}/tools/check.mjs`], ['tools/check.mjs']],
    [
      'a quoted path with a space',
      ['bash "scripts/drift check.sh" --all'],
      ['scripts/drift check.sh']
    ],
    [
      'the first tracked argument only',
      ['npx jest --config jest.config.js tests/contract.test.ts'],
      ['jest.config.js']
    ],
    [
      'a continued line',
      ['python3 \\\n  scripts/validate-fixture-coverage.py'],
      ['scripts/validate-fixture-coverage.py']
    ],
    ['an inline command', ['npx jest'], []],
    ['an inline bash -c', ["bash -c 'exit 1'"], []],
    ['a script git does not know', ['python3 scripts/untracked.py'], []],
    ['a script outside the workspace', ['python3 /usr/local/bin/validate-fixture-coverage.py'], []],
    ['the same script twice', [COVERAGE, COVERAGE], ['scripts/validate-fixture-coverage.py']]
  ])('%s', (_name, commands, scripts) => {
    expect(validatorScripts(commands.map(red), tracked, ws)).toEqual(scripts)
  })

  it('counts only red validators', () => {
    const runs = [run(COVERAGE, 'passed'), run(PARITY, 'crashed')]
    expect(validatorScripts(runs, tracked, ws)).toEqual(['scripts/validate-legacy-alias-parity.py'])
  })

  it('trusts no command without the checkout’s tracked files (a bundle’s, in publish)', () => {
    expect(validatorScripts([red(COVERAGE)], undefined, ws)).toEqual([])
  })
})

describe('triage: the QA owner from CODEOWNERS (owners.qa: codeowners)', () => {
  const config = defaultConfig()
  const owners = new CodeOwners(
    '* @qa-lead\ndocs/contracts/ @acme/contract-owners\nscripts/ @gate-keeper\n'
  )
  const contractChanged: ChangeContext = {
    changed: [{ path: CONTRACT, class: 'contract' }],
    changeSource: 'git diff',
    intent: []
  }
  const schemaDrift = (command: string, trackedFiles?: Set<string>): TriageInput =>
    input([run(command, 'failed', [finding([CONTRACT], command)])], {
      config,
      codeowners: owners,
      context: contractChanged,
      ...(trackedFiles ? { trackedFiles } : {})
    })
  const tracked = new Set(['scripts/validate-fixture-coverage.py'])

  it.each([
    ['a tracked script → its owners', COVERAGE, tracked, ['gate-keeper']],
    [
      'an inline command → the catch-all, never the changed contract’s owners',
      'npx jest',
      tracked,
      ['qa-lead']
    ],
    ['an untracked script → the catch-all', 'python3 scripts/new.py', tracked, ['qa-lead']],
    ['commands not trusted (publish) → the catch-all', COVERAGE, undefined, ['qa-lead']]
  ])('%s', (_name, command, trackedFiles, qa) => {
    const record = triage(schemaDrift(command, trackedFiles))
    expect(record.routing?.owners).toEqual({ contract: ['@acme/contract-owners'], qa })
    expect(record.routing?.warnings).toBeUndefined()
  })
})
describe('newIncidentId', () => {
  it('is DRIFT-YYYYMMDD-6hex, dated in UTC', () => {
    const id = newIncidentId(new Date('2024-12-31T23:59:59Z'))
    expect(id).toMatch(/^DRIFT-20241231-[0-9a-f]{6}$/)
  })

  it('is different each time', () => {
    const at = new Date('2024-05-06T00:00:00Z')
    const ids = new Set(Array.from({ length: 20 }, () => newIncidentId(at)))
    expect(ids.size).toBeGreaterThan(1)
  })
})
