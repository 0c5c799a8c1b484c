import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { classifyFailure } from '../src/classify.js'
import { defaultConfig, type Config } from '../src/config.js'
import { parseConfig } from '../src/config-file.js'
import { classify } from '../src/paths.js'
import type { ChangeContext, Finding } from '../src/types.js'

const EXAMPLE_CONFIG_FILE = new URL(
  '../examples/repo/.github/contract-drift-triage.yml',
  import.meta.url
)
const exampleConfig = (): Config =>
  parseConfig(readFileSync(EXAMPLE_CONFIG_FILE, 'utf8'), 'contract-drift-triage.yml')

// Files of the field (SPEC §2), one per class under the SPEC's paths.
const CONTRACT = 'docs/contracts/billing-ingest-contract.md'
const MANIFEST = 'packages/modules/optional-fallback/feature.json'
const AWS_PACK = 'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/'
const AWS_RESPONSE = 'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'
const AWS_REQUEST = 'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/request.valid.json'
const GCP_PACK = 'tests/contracts/fixtures/mcp/billing.gcp.ingest/1.0/'
const OCI_TOOL = 'tests/contracts/fixtures/mcp/billing.oci.ingest/'
const OCI_NOTES = 'tests/contracts/fixtures/mcp/billing.oci.ingest/1.0/notes.md'
const MODULE_OUTPUT =
  'tests/contracts/fixtures/modules.optional-fallback/1.0/output.expected.healthy.json'
const MODULE_PACK = 'tests/contracts/fixtures/modules.optional-fallback/1.0/'
const IMPL = 'services/mcp/src/billing_ingest.py'
const MODULE_IMPL = 'packages/modules/optional-fallback/src/module.py'
const DOC = 'docs/playbooks/triage.md'
const OTHER = 'Makefile'
const INTENT = ['label `behavior-change`']

const finding = (targets: string[], runtime = false, tag = 'fixture-coverage'): Finding => ({
  source: 'python3 scripts/validate-fixture-coverage.py',
  tag,
  message: `[${tag}] ERROR: something is wrong`,
  targets,
  runtime
})
const onFile = (...targets: string[]): Finding => finding(targets)
const runtimeFinding = (...targets: string[]): Finding => finding(targets, true, 'mcp-responses')
const nowhere = (): Finding => finding([], false, 'drift-check')

const context = (config: Config, changed: string[], intent: string[] = []): ChangeContext => ({
  changed: changed.map(path => ({ path, class: classify(path, config.paths) })),
  changeSource: 'git diff base...head',
  intent
})

interface Case {
  name: string
  changed: string[]
  intent?: string[]
  findings: Finding[]
  bucket: string
  rule: number
  confidence: string
}

const cases: Case[] = [
  // Rule 1: a contract file is in C.
  {
    name: 'contract changed, finding on a fixture pack',
    changed: [CONTRACT],
    findings: [onFile(AWS_PACK)],
    bucket: 'schema-drift',
    rule: 1,
    confidence: 'high'
  },
  {
    name: 'contract changed, finding on the contract',
    changed: [CONTRACT],
    findings: [onFile(CONTRACT)],
    bucket: 'schema-drift',
    rule: 1,
    confidence: 'high'
  },
  {
    name: 'manifest (feature.json) changed, finding on a module pack',
    changed: [MANIFEST],
    findings: [onFile(MODULE_PACK)],
    bucket: 'schema-drift',
    rule: 1,
    confidence: 'high'
  },
  {
    name: 'contract changed, findings name no file',
    changed: [CONTRACT],
    findings: [nowhere()],
    bucket: 'schema-drift',
    rule: 1,
    confidence: 'medium'
  },
  {
    name: 'contract changed, finding on implementation',
    changed: [CONTRACT],
    findings: [onFile(IMPL)],
    bucket: 'schema-drift',
    rule: 1,
    confidence: 'medium'
  },
  {
    name: 'contract + implementation changed without intent',
    changed: [CONTRACT, IMPL],
    findings: [onFile(AWS_PACK)],
    bucket: 'schema-drift',
    rule: 1,
    confidence: 'low'
  },
  {
    name: 'contract + implementation changed with intent (no conflict)',
    changed: [CONTRACT, IMPL],
    intent: INTENT,
    findings: [onFile(AWS_PACK)],
    bucket: 'schema-drift',
    rule: 1,
    confidence: 'high'
  },
  {
    name: 'contract + fixture + implementation changed with intent',
    changed: [CONTRACT, AWS_REQUEST, IMPL],
    intent: INTENT,
    findings: [onFile(AWS_PACK)],
    bucket: 'schema-drift',
    rule: 1,
    confidence: 'low'
  },
  {
    name: 'contract + fixture changed: rule 1 before rule 3',
    changed: [CONTRACT, AWS_RESPONSE],
    findings: [onFile(AWS_PACK)],
    bucket: 'schema-drift',
    rule: 1,
    confidence: 'high'
  },
  // Rule 2: implementation in C with intent.
  {
    name: 'implementation changed with intent, finding on a fixture',
    changed: [IMPL],
    intent: INTENT,
    findings: [onFile(AWS_PACK)],
    bucket: 'fixture-stale',
    rule: 2,
    confidence: 'high'
  },
  {
    name: 'implementation changed with intent, runtime finding',
    changed: [IMPL],
    intent: INTENT,
    findings: [runtimeFinding()],
    bucket: 'fixture-stale',
    rule: 2,
    confidence: 'high'
  },
  {
    name: 'implementation changed with intent, findings name no file',
    changed: [IMPL],
    intent: INTENT,
    findings: [nowhere()],
    bucket: 'fixture-stale',
    rule: 2,
    confidence: 'medium'
  },
  {
    name: 'implementation changed with intent, finding on a contract',
    changed: [IMPL],
    intent: INTENT,
    findings: [onFile(CONTRACT)],
    bucket: 'fixture-stale',
    rule: 2,
    confidence: 'medium'
  },
  {
    name: 'implementation + fixture changed with intent',
    changed: [IMPL, AWS_REQUEST],
    intent: INTENT,
    findings: [onFile(AWS_PACK)],
    bucket: 'fixture-stale',
    rule: 2,
    confidence: 'low'
  },
  // Rule 3: only fixtures (and no implementation) changed, findings point into them.
  {
    name: 'fixture changed, finding on its pack (containment)',
    changed: [AWS_RESPONSE],
    findings: [onFile(AWS_PACK)],
    bucket: 'fixture-stale',
    rule: 3,
    confidence: 'high'
  },
  {
    name: 'fixture changed, finding on the same file',
    changed: [MODULE_OUTPUT],
    findings: [onFile(MODULE_OUTPUT)],
    bucket: 'fixture-stale',
    rule: 3,
    confidence: 'high'
  },
  {
    name: 'fixture changed, finding on a sibling file of the same pack',
    changed: [AWS_REQUEST],
    findings: [onFile(AWS_RESPONSE)],
    bucket: 'fixture-stale',
    rule: 3,
    confidence: 'high'
  },
  {
    name: 'fixture changed, finding on the tool directory containing it',
    changed: [OCI_NOTES],
    findings: [onFile(OCI_TOOL)],
    bucket: 'fixture-stale',
    rule: 3,
    confidence: 'high'
  },
  {
    name: 'fixture + docs changed, finding into the changed fixture',
    changed: [AWS_RESPONSE, DOC],
    findings: [onFile(AWS_PACK)],
    bucket: 'fixture-stale',
    rule: 3,
    confidence: 'high'
  },
  {
    name: 'fixture changed, finding on another pack: falls through to rule 6',
    changed: [AWS_RESPONSE],
    findings: [onFile(GCP_PACK)],
    bucket: 'fixture-stale',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'fixture changed, finding on another version of the tool: falls through',
    changed: [AWS_RESPONSE],
    findings: [onFile('tests/contracts/fixtures/mcp/billing.aws.ingest/2.0/')],
    bucket: 'fixture-stale',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'fixture changed, findings name no file: falls through to the last fallback',
    changed: [AWS_RESPONSE],
    findings: [nowhere()],
    bucket: 'runtime-regression',
    rule: 6,
    confidence: 'low'
  },
  {
    name: 'fixture changed, finding on a contract: falls through to rule 6',
    changed: [AWS_RESPONSE],
    findings: [onFile(CONTRACT)],
    bucket: 'schema-drift',
    rule: 6,
    confidence: 'medium'
  },
  // Rule 4: implementation in C without intent.
  {
    name: 'implementation changed, runtime finding',
    changed: [IMPL],
    findings: [runtimeFinding()],
    bucket: 'runtime-regression',
    rule: 4,
    confidence: 'high'
  },
  {
    name: 'implementation changed, finding on an unchanged fixture',
    changed: [IMPL],
    findings: [onFile(AWS_PACK)],
    bucket: 'runtime-regression',
    rule: 4,
    confidence: 'high'
  },
  {
    name: 'implementation changed, finding on implementation',
    changed: [MODULE_IMPL],
    findings: [onFile(MODULE_IMPL)],
    bucket: 'runtime-regression',
    rule: 4,
    confidence: 'high'
  },
  {
    name: 'implementation changed, findings name no file',
    changed: [IMPL],
    findings: [nowhere()],
    bucket: 'runtime-regression',
    rule: 4,
    confidence: 'medium'
  },
  {
    name: 'implementation changed, finding on a contract',
    changed: [IMPL],
    findings: [onFile(CONTRACT)],
    bucket: 'runtime-regression',
    rule: 4,
    confidence: 'medium'
  },
  {
    name: 'implementation + fixture changed without intent, finding into the changed fixture',
    changed: [IMPL, AWS_RESPONSE],
    findings: [onFile(AWS_PACK)],
    bucket: 'runtime-regression',
    rule: 4,
    confidence: 'low'
  },
  {
    name: 'implementation + fixture changed without intent, runtime finding',
    changed: [IMPL, AWS_RESPONSE],
    findings: [runtimeFinding()],
    bucket: 'runtime-regression',
    rule: 4,
    confidence: 'low'
  },
  // Rule 5: docs-only change set, findings on the changed docs.
  {
    name: 'docs changed, finding on that doc',
    changed: [DOC],
    findings: [onFile(DOC)],
    bucket: 'schema-drift',
    rule: 5,
    confidence: 'medium'
  },
  {
    name: 'docs + other changed, finding on the doc',
    changed: [DOC, OTHER],
    findings: [onFile(DOC), nowhere()],
    bucket: 'schema-drift',
    rule: 5,
    confidence: 'medium'
  },
  {
    name: 'docs changed, finding on an unchanged fixture: rule 6',
    changed: [DOC],
    findings: [onFile(AWS_PACK)],
    bucket: 'fixture-stale',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'docs changed, findings name no file: rule 6 fallback',
    changed: [DOC],
    findings: [nowhere()],
    bucket: 'runtime-regression',
    rule: 6,
    confidence: 'low'
  },
  // Rule 6: nothing in C explains it; the findings decide.
  {
    name: 'nothing changed, finding on a contract',
    changed: [],
    findings: [onFile(CONTRACT)],
    bucket: 'schema-drift',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'nothing changed, finding on a fixture',
    changed: [],
    findings: [onFile(OCI_TOOL)],
    bucket: 'fixture-stale',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'nothing changed, runtime finding',
    changed: [],
    findings: [runtimeFinding()],
    bucket: 'runtime-regression',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'nothing changed, findings on contract and fixture: contracts first',
    changed: [],
    findings: [onFile(AWS_PACK), onFile(CONTRACT)],
    bucket: 'schema-drift',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'nothing changed, findings on fixture and runtime: fixtures before runtime',
    changed: [],
    findings: [runtimeFinding(), onFile(AWS_PACK)],
    bucket: 'fixture-stale',
    rule: 6,
    confidence: 'medium'
  },
  // A runtime finding names what the code was checked against (a pact, an expected fixture),
  // which nothing changed: it blames the code, whatever class that file has.
  {
    name: 'nothing changed, runtime finding naming a contract (a pact)',
    changed: [],
    findings: [runtimeFinding(CONTRACT)],
    bucket: 'runtime-regression',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'nothing changed, runtime finding naming an expected fixture (a JUnit file)',
    changed: [],
    findings: [runtimeFinding(AWS_RESPONSE)],
    bucket: 'runtime-regression',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'unrelated change set, runtime finding naming a contract',
    changed: [OTHER],
    findings: [runtimeFinding(CONTRACT)],
    bucket: 'runtime-regression',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'nothing changed, a check on a contract beside a runtime finding on it: contracts first',
    changed: [],
    findings: [runtimeFinding(CONTRACT), onFile(CONTRACT)],
    bucket: 'schema-drift',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'unrelated change set, finding on a fixture',
    changed: [OTHER],
    findings: [onFile(MODULE_PACK)],
    bucket: 'fixture-stale',
    rule: 6,
    confidence: 'medium'
  },
  {
    name: 'nothing changed, findings name no file',
    changed: [],
    findings: [nowhere(), nowhere()],
    bucket: 'runtime-regression',
    rule: 6,
    confidence: 'low'
  },
  {
    name: 'nothing changed, finding on an unclassified file',
    changed: [],
    findings: [onFile(OTHER)],
    bucket: 'runtime-regression',
    rule: 6,
    confidence: 'low'
  }
]

describe.each([
  ['the SPEC defaults', defaultConfig],
  ['the example configuration', exampleConfig]
])('classifyFailure with %s', (_name, makeConfig) => {
  const config = makeConfig()
  it.each(cases)(
    '$name → $bucket (rule $rule, $confidence)',
    ({ changed, intent, findings, bucket, rule, confidence }) => {
      const result = classifyFailure(findings, context(config, changed, intent), config)
      expect({ bucket: result.bucket, rule: result.rule, confidence: result.confidence }).toEqual({
        bucket,
        rule,
        confidence
      })
      expect(result.reason.length).toBeGreaterThan(0)
    }
  )
})

describe('classifyFailure explanations', () => {
  const config = defaultConfig()

  it('names the changed files, the intent and where the findings point', () => {
    const result = classifyFailure(
      [onFile(AWS_PACK), runtimeFinding()],
      context(config, [IMPL, DOC], INTENT),
      config
    )
    const evidence = result.evidence.join('\n')
    expect(evidence).toContain(IMPL)
    expect(evidence).toContain(DOC)
    expect(evidence).toContain('behavior-change')
    expect(evidence).toMatch(/implementation/)
    expect(evidence).toMatch(/fixture paths: .*billing\.aws\.ingest/)
    expect(evidence).toMatch(/1 runtime finding/)
  })

  it('lists the evidence a person checks, in order: change set, changed files by class, intent, findings', () => {
    const result = classifyFailure(
      [onFile(AWS_PACK), runtimeFinding(), nowhere(), onFile(CONTRACT, IMPL), onFile(DOC)],
      context(
        config,
        [CONTRACT, AWS_RESPONSE, IMPL, DOC, OTHER],
        ['label `behavior-change`', 'trailer `Contract-Change: yes`']
      ),
      config
    )
    expect(result.evidence).toEqual([
      'Change set: 5 file(s) from git diff base...head.',
      `Changed contract files: \`${CONTRACT}\`.`,
      `Changed fixture files: \`${AWS_RESPONSE}\`.`,
      `Changed implementation files: \`${IMPL}\`.`,
      `Changed docs files: \`${DOC}\`.`,
      'Intent signalled: label `behavior-change`; trailer `Contract-Change: yes`.',
      `Findings point at fixture paths: \`${AWS_PACK}\`.`,
      `Findings point at contract paths: \`${CONTRACT}\`.`,
      `Findings point at implementation paths: \`${IMPL}\`.`,
      `Findings point at docs paths: \`${DOC}\`.`,
      '1 runtime finding(s).',
      '2 finding(s) name no file.'
    ])
  })

  it('says when there is no intent signal and when findings name no file', () => {
    const result = classifyFailure([nowhere()], context(config, [IMPL]), config)
    const evidence = result.evidence.join('\n')
    expect(evidence).toMatch(/No intent signal/)
    expect(evidence).toMatch(/name no file/)
  })

  it('says when nothing changed in the scope', () => {
    const result = classifyFailure(
      [nowhere()],
      { changed: [], changeSource: 'schedule', intent: [] },
      config
    )
    expect(result.evidence.join('\n')).toMatch(/No changed files \(schedule\)/)
    expect(result.reason).toMatch(/low confidence/i)
  })

  it('explains a low confidence by the signals pulling apart', () => {
    const result = classifyFailure([onFile(AWS_PACK)], context(config, [CONTRACT, IMPL]), config)
    expect(result.reason).toMatch(
      /contract and implementation both changed without an intent signal/
    )
    const both = classifyFailure([onFile(AWS_PACK)], context(config, [IMPL, AWS_RESPONSE]), config)
    expect(both.reason).toMatch(/fixtures and implementation both changed/)
  })

  it('explains a medium confidence by the findings pointing elsewhere', () => {
    const result = classifyFailure([nowhere()], context(config, [CONTRACT]), config)
    expect(result.confidence).toBe('medium')
    expect(result.reason).toMatch(/medium/i)
  })

  it('uses the configured paths: a file the config calls a contract triggers rule 1', () => {
    const config = parseConfig('paths:\n  contract: [schemas/**]\n', 'cfg.yml')
    const result = classifyFailure(
      [onFile(AWS_PACK)],
      context(config, ['schemas/billing.json']),
      config
    )
    expect(result).toMatchObject({ bucket: 'schema-drift', rule: 1, confidence: 'high' })
    // ...and the default contract globs no longer apply.
    const docs = classifyFailure([onFile(AWS_PACK)], context(config, [CONTRACT]), config)
    expect(docs.rule).not.toBe(1)
  })
})

const PETSTORE_CONFIG_FILE = new URL(
  '../examples/petstore/.github/contract-drift-triage.yml',
  import.meta.url
)
const petstoreConfig = (): Config =>
  parseConfig(readFileSync(PETSTORE_CONFIG_FILE, 'utf8'), 'contract-drift-triage.yml')

// An evidence line names at most five files and counts the rest: a change set of 300 files must
// not turn the incident body into a file list.
describe('classifyFailure evidence lists are capped at five files', () => {
  const layouts: [string, () => Config, (i: number) => string, (i: number) => string][] = [
    [
      'the field (SPEC defaults)',
      defaultConfig,
      i => `services/mcp/src/handler_${i}.py`,
      i => `tests/contracts/fixtures/mcp/billing.p${i}.ingest/1.0/response.expected.json`
    ],
    [
      'examples/petstore',
      petstoreConfig,
      i => `src/handlers/pets_${i}.ts`,
      i => `test/fixtures/pets/case_${i}.json`
    ]
  ]
  const shown = (paths: string[]): string =>
    paths
      .slice(0, 5)
      .map(path => `\`${path}\``)
      .join(', ')
  describe.each(layouts)('in %s', (_layout, configOf, impl, fixture) => {
    it.each([
      [5, ''],
      [6, ' and 1 more'],
      [12, ' and 7 more']
    ])('%i files: the first five, then %j', (count, more) => {
      const config = configOf()
      const files = Array.from({ length: count }, (_, i) => impl(i))
      const targets = Array.from({ length: count }, (_, i) => fixture(i))
      const result = classifyFailure(
        targets.map(target => onFile(target)),
        context(config, files),
        config
      )
      expect(result.evidence).toContain(`Changed implementation files: ${shown(files)}${more}.`)
      expect(result.evidence).toContain(
        `Findings point at fixture paths: ${shown(targets)}${more}.`
      )
    })
  })
})

describe('rule 3 in a plain repository: one notes.md for test/fixtures/ (SPEC §3, §4)', () => {
  const defaults = defaultConfig()
  const config: Config = {
    ...defaults,
    paths: {
      ...defaults.paths,
      contract: ['api/**'],
      fixture: ['test/fixtures/**'],
      implementation: ['src/**']
    }
  }
  const hasNotes = (dir: string): boolean => dir === 'test/fixtures'
  it.each<[string, string[], Finding[], string, number]>([
    [
      'a finding in another folder of the same pack',
      ['test/fixtures/orders/open.json'],
      [onFile('test/fixtures/refunds/full.json')],
      'fixture-stale',
      3
    ],
    [
      'a finding on the pack directory',
      ['test/fixtures/orders/open.json'],
      [onFile('test/fixtures/')],
      'fixture-stale',
      3
    ],
    [
      'a finding on the changed file',
      ['test/fixtures/orders/open.json'],
      [onFile('test/fixtures/orders/open.json')],
      'fixture-stale',
      3
    ],
    [
      'a finding outside the fixtures',
      ['test/fixtures/orders/open.json'],
      [onFile('api/openapi.yaml')],
      'schema-drift',
      6
    ]
  ])('%s', (_case, changed, findings, bucket, rule) => {
    const result = classifyFailure(findings, context(config, changed), config, hasNotes)
    expect({ bucket: result.bucket, rule: result.rule }).toEqual({ bucket, rule })
  })
})

describe('classifyFailure: rules 5 and 6 say what decided, at medium confidence without excuse', () => {
  const config = exampleConfig()
  it.each<[string, string[], Finding[], string, string]>([
    [
      'nothing changed, findings on contracts',
      [],
      [onFile(CONTRACT)],
      'schema-drift',
      'Nothing changed in this scope; the findings point at contracts.'
    ],
    [
      'a Makefile changed, findings on fixtures',
      [OTHER],
      [onFile(AWS_PACK)],
      'fixture-stale',
      'The change set does not explain the failure; the findings point at fixtures.'
    ],
    [
      'nothing changed, findings on implementation (no runtime check)',
      [],
      [onFile(IMPL)],
      'runtime-regression',
      'Nothing changed in this scope; the findings come from runtime checks of the implementation.'
    ],
    [
      'nothing changed, findings on documentation',
      [],
      [onFile(DOC)],
      'schema-drift',
      'Nothing changed in this scope; the findings point at documentation.'
    ],
    [
      'only the doc the findings name changed',
      [DOC],
      [onFile(DOC)],
      'schema-drift',
      'Only documentation changed and the findings point at it: a documentation-only mismatch.'
    ],
    [
      'a doc and a fixture changed, findings on the doc',
      [DOC, AWS_RESPONSE],
      [onFile(DOC)],
      'schema-drift',
      'The change set does not explain the failure; the findings point at documentation.'
    ]
  ])('%s', (_name, changed, findings, bucket, reason) => {
    const result = classifyFailure(findings, context(config, changed), config)
    expect(result).toMatchObject({ bucket, confidence: 'medium', reason })
  })
})

describe('classifyFailure: which changed fixtures the findings point into (rule 3)', () => {
  const config = exampleConfig()
  const GCP_RESPONSE = `${GCP_PACK}response.expected.json`
  it.each<[string, string[], Finding[], number]>([
    [
      'one of two findings into the one changed pack',
      [AWS_RESPONSE],
      [onFile(GCP_PACK), onFile(AWS_PACK)],
      3
    ],
    [
      'a finding into one of two changed packs',
      [AWS_RESPONSE, GCP_RESPONSE],
      [onFile(AWS_PACK)],
      3
    ],
    ['findings into no changed pack', [GCP_RESPONSE], [onFile(AWS_PACK)], 6],
    ['an intent signal without an implementation change', [AWS_RESPONSE], [onFile(AWS_PACK)], 3]
  ])('%s → rule %i', (name, changed, findings, rule) => {
    const intent = name.startsWith('an intent') ? INTENT : []
    expect(classifyFailure(findings, context(config, changed, intent), config).rule).toBe(rule)
  })
})

describe('classifyFailure evidence: only what is there', () => {
  const config = exampleConfig()
  it('lists a changed class, a finding target and the counts only when present, each file once', () => {
    const result = classifyFailure(
      [onFile(AWS_PACK), onFile(AWS_PACK)],
      context(config, [AWS_RESPONSE]),
      config
    )
    expect(result.evidence).toEqual([
      'Change set: 1 file(s) from git diff base...head.',
      `Changed fixture files: \`${AWS_RESPONSE}\`.`,
      'No intent signal (label or trailer).',
      `Findings point at fixture paths: \`${AWS_PACK}\`.`
    ])
  })
})
