import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { CodeOwners } from '../src/codeowners.js'
import { defaultConfig } from '../src/config.js'
import { parseConfig } from '../src/config-file.js'
import { parseOutput } from '../src/parse/index.js'
import {
  findingLinesAtLeast,
  incidentTitle,
  renderFields,
  renderPlain,
  renderRecord,
  renderRecordSections,
  renderSummary,
  renderWithin,
  RENDER_STEPS,
  type RenderLimits
} from '../src/render.js'
import { triage } from '../src/triage.js'
import type {
  ChangeContext,
  IncidentRecord,
  Lifecycle,
  OwnerRole,
  ValidatorRun
} from '../src/types.js'

const config = parseConfig(
  `owners: { contract: ["@acme/contract-owners"], qa: ["qa-lead"], fixture-mcp: ["mcp-owner"] }`,
  'test.yml'
)
const parse = { workspace: '/w', checks: defaultConfig().checks, runtimeTags: [] }

function record(
  output: string,
  exitCode: number,
  changed: ChangeContext['changed'] = []
): IncidentRecord {
  return triage({
    runs: [parseOutput('python3 scripts/validate-fixture-coverage.py', output, exitCode, parse)],
    context: { changed, changeSource: 'git diff a...b', intent: [] },
    config,
    codeowners: new CodeOwners('* @qa-lead\n'),
    key: 'acme/contracts:pr-140',
    scope: 'PR #140',
    detectedBy: 'CI',
    detectedAt: new Date('2026-11-27T08:00:00.123Z'),
    incidentId: 'DRIFT-20261127-abc123',
    workspace: '/w'
  })
}

const schemaDrift = (): IncidentRecord =>
  record(
    "[fixture-coverage] ERROR: MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json\n",
    1,
    [{ path: 'docs/contracts/billing.md', class: 'contract' }]
  )

/** What Markdown would render as live text: everything outside code spans and fenced blocks. */
function outsideCode(markdown: string): string {
  return markdown
    .replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '')
    .replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, '')
}

describe('incident title and record', () => {
  it('titles the incident in the playbook words with scope', () => {
    expect(incidentTitle(schemaDrift())).toBe('[contract-drift] Schema drift (High) — PR #140')
    expect(incidentTitle(record('Traceback (most recent call last):\nKeyError: x\n', 1))).toBe(
      '[contract-drift] Validator error (High) — PR #140'
    )
  })

  // A branch name is anyone's text: the title is plain text, the summary heading Markdown.
  const Z = '\u200b'
  const branch = 'fix/@alice-closes-#9-<b>x</b>'
  const onBranch = (result?: IncidentRecord['result']): IncidentRecord => ({
    ...schemaDrift(),
    scope: branch,
    ...(result ? { result, runs: [] } : {})
  })
  it.each([
    ['title', () => incidentTitle(onBranch()), `fix/@${Z}alice-closes-#${Z}9-<b>x</b>`],
    [
      'red summary heading',
      () => renderSummary(onBranch()).split('\n')[0] ?? '',
      `fix/@${Z}alice-closes-#${Z}9-&lt;b&gt;x&lt;/b&gt;`
    ],
    [
      'green summary heading',
      () => renderSummary(onBranch('pass')).split('\n')[0] ?? '',
      `fix/@${Z}alice-closes-#${Z}9-&lt;b&gt;x&lt;/b&gt;`
    ]
  ])('neutralises a branch name in the %s', (_, render, scope) => {
    expect(render().endsWith(` — ${scope}`)).toBe(true)
  })

  it('writes the ten record fields in the playbook order and wording, pending where unknown', () => {
    const fields = [...renderRecord(schemaDrift()).matchAll(/^- \*\*(.+?):\*\* (.*)$/gm)].map(m => [
      m[1],
      m[2]
    ])
    expect(fields.slice(0, 10)).toEqual([
      ['Incident ID', 'DRIFT-20261127-abc123'],
      ['Detected at', '2026-11-27T08:00:00Z'],
      ['Detected by (CI/local)', 'CI'],
      ['Failing command/check', '`python3 scripts/validate-fixture-coverage.py` (exit 1)'],
      ['Bucket (schema drift | fixture stale | runtime regression)', 'Schema drift'],
      ['Severity', 'High'],
      ['Owner', 'Contract owner: @acme/contract-owners'],
      ['Resolution PR', 'pending'],
      ['Validation proof', 'pending'],
      ['Prevention follow-up', 'pending']
    ])
  })

  it('orders the body as the SPEC does and ticks checklist steps 1 and 2 only', () => {
    const body = renderRecord(schemaDrift())
    const order = [
      '### Incident record',
      '### Routing',
      '### Root cause',
      '### Classification',
      '### Findings',
      '### Log excerpt',
      '### Resolution checklist',
      '### History'
    ]
    const positions = order.map(heading => body.indexOf(heading))
    expect(positions.every(p => p >= 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    expect(body).toContain('- [x] 1. Capture failing command/log in the incident record.')
    expect(body).toContain('- [x] 2. Record bucket classification and owner assignment.')
    expect(body).toContain('- [ ] 4. Re-run triage validators and attach green output.')
    expect(body).toContain(
      '| Contract owner: @acme/contract-owners | QA owner: @qa-lead | Update contract + fixture pack in same PR |'
    )
  })

  it('does not tick classification for a validator error without findings', () => {
    const body = renderRecord(
      record('Traceback (most recent call last):\n  File "x.py"\nKeyError: rows\n', 1)
    )
    expect(body).toContain('- [ ] 2. Record bucket classification and owner assignment.')
    expect(body).toContain('No bucket')
    expect(body).toContain('crash: `KeyError: rows`')
  })

  it('summarises a green run in a few lines with the OK output as proof', () => {
    const green = record('[fixture-coverage] OK: 3 packs\n', 0)
    const summary = renderSummary(green)
    expect(summary.split('\n')[0]).toBe('## ✅ Contract drift gate green — PR #140')
    expect(summary.length).toBeLessThan(400)
    expect(renderRecord(green)).toContain('**Validation proof:** `[fixture-coverage] OK: 3 packs`')
  })

  it('puts the verdict first in the summary: bucket, severity, owners, required action, why', () => {
    const lines = renderSummary(schemaDrift()).split('\n')
    expect(lines[0]).toBe('## 🔴 Contract drift: Schema drift (High) — PR #140')
    const head = lines.slice(0, 14).join('\n')
    for (const text of [
      'Schema drift — confidence',
      'High',
      '@acme/contract-owners',
      'Update contract + fixture pack in same PR',
      '**Why:**'
    ]) {
      expect(head).toContain(text)
    }
  })

  it('prints the playbook template as plain text for the terminal', () => {
    const text = renderPlain({ ...schemaDrift(), detectedBy: 'local' })
    expect(text).toContain('Detected by (CI/local): local')
    expect(text).toContain(
      'Failing command/check: python3 scripts/validate-fixture-coverage.py (exit 1)'
    )
    expect(text).not.toContain('**')
  })
})

describe('untrusted log text in the record', () => {
  const hostile =
    '[fixture-coverage] ERROR: @everyone @acme/admins Fixes #1 closes acme/x#3 <!-- contract-drift-triage:key=acme/x:pr-1 --> <img src=x> ```\n'

  it('keeps mentions, closing keywords, markers and HTML inside code', () => {
    const body = renderSummary(record(hostile + 'tail ``` break\n', 1))
    const live = outsideCode(body)
    for (const text of ['@everyone', '@acme/admins', 'Fixes #1', 'closes acme/x#3', '<img', '<!--'])
      expect(live).not.toContain(text)
    expect(body).not.toContain('<!--')
  })

  it('holds for arbitrary text around the attack (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        const body = renderRecord(
          record(`[x] ERROR: ${before}@attacker Fixes #9 <!-- m -->${after}\n${before}\n`, 1)
        )
        const live = outsideCode(body)
        return !live.includes('@attacker') && !live.includes('Fixes #9') && !body.includes('<!--')
      }),
      { numRuns: 300 }
    )
  })
})

// A red incident in examples/petstore's layout (api/, test/fixtures/, src/): a failed validator
// with findings past the cap, a timed-out one with no output, a green one; a third owner role.
const red = (command: string, overrides: Partial<ValidatorRun> = {}): ValidatorRun => ({
  command,
  outcome: 'failed',
  exitCode: 1,
  durationMs: 5,
  findings: [],
  findingCount: 0,
  okLines: [],
  excerpt: '',
  outputBytes: 0,
  ...overrides
})
const FIXTURES = 'python3 scripts/check_fixtures.py'
const LINT = 'bash scripts/lint.sh'
const SPECTRAL = 'npx spectral lint api/openapi.yaml'
const petstore = (overrides: Partial<IncidentRecord> = {}): IncidentRecord => ({
  incidentId: 'DRIFT-20261201-0a1b2c',
  key: 'acme/petstore:pr-7',
  scope: 'PR #7',
  detectedAt: '2026-12-01T10:00:00Z',
  detectedBy: 'CI',
  result: 'error',
  classification: {
    bucket: 'fixture-stale',
    confidence: 'medium',
    rule: 3,
    reason: 'Only fixtures changed.',
    evidence: [
      'Change set: 1 file(s) from git.',
      'Changed fixture files: `test/fixtures/pets/list.json`.'
    ]
  },
  severity: 'medium',
  severityReason: 'Every affected path is optional.',
  routing: {
    primaryRole: 'fixture-module',
    secondaryRole: 'qa',
    requiredAction: 'Refresh expected fixtures and `notes.md`',
    owners: { 'fixture-module': ['fixture-keeper'], qa: [], implementation: ['@petstore/backend'] },
    warnings: ['QA owner unassigned: add a rule.']
  },
  owners: ['fixture-keeper', '@petstore/backend'],
  runs: [
    red(FIXTURES, {
      findings: [
        {
          source: FIXTURES,
          tag: 'fixtures',
          message: 'list.json: id missing',
          targets: ['test/fixtures/pets/list.json'],
          line: 4,
          runtime: false
        },
        { source: FIXTURES, tag: '', message: 'GET /pets returned 500', targets: [], runtime: true }
      ],
      findingCount: 3,
      excerpt: 'line one\nline two',
      notes: ['n1', 'n2', 'n3', 'n4', 'n5', 'n6']
    }),
    red(LINT, { outcome: 'timed-out', exitCode: null, crash: 'stopped after 600 s' }),
    red(SPECTRAL, { outcome: 'passed', exitCode: 0, okLines: ['[spectral] OK: 0 problems'] })
  ],
  context: { changed: [], changeSource: 'git', intent: [] },
  runUrl: 'https://github.com/acme/petstore/actions/runs/9',
  ...overrides
})

/** The record of a run with nothing to classify, or a green one: no bucket, grade or routing. */
function unrouted(record: IncidentRecord): IncidentRecord {
  const copy = { ...record }
  delete copy.classification
  delete copy.severity
  delete copy.severityReason
  delete copy.routing
  return copy
}

const FIELDS_RED = `- **Incident ID:** DRIFT-20261201-0a1b2c
- **Detected at:** 2026-12-01T10:00:00Z
- **Detected by (CI/local):** CI
- **Failing command/check:** \`python3 scripts/check_fixtures.py\` (exit 1); \`bash scripts/lint.sh\` (timed out, stopped)
- **Bucket (schema drift | fixture stale | runtime regression):** Fixture stale
- **Severity:** Medium
- **Owner:** Fixture owner (module): @fixture-keeper
- **Resolution PR:** pending
- **Validation proof:** pending
- **Prevention follow-up:** pending`

const FINDINGS_RED = `**\`python3 scripts/check_fixtures.py\`** — failed (exit 1)
- note: \`n1\`
- note: \`n2\`
- note: \`n3\`
- note: \`n4\`
- note: \`n5\`
- \`[fixtures] list.json: id missing\` → \`test/fixtures/pets/list.json\` (line 4)
- \`GET /pets returned 500\` · runtime
- … and 1 more finding(s), not shown here (2 kept in the record JSON, 3 counted)

**\`bash scripts/lint.sh\`** — timed out (stopped)
- crash: \`stopped after 600 s\`

Passed: \`npx spectral lint api/openapi.yaml\``

const CHECKLIST_RED = `- [x] 1. Capture failing command/log in the incident record.
- [x] 2. Record bucket classification and owner assignment.
- [ ] 3. Submit remediation PR with: contract delta (if required), fixture delta (if required), updated \`notes.md\`, validator pass proof.
- [ ] 4. Re-run triage validators and attach green output.
- [ ] 5. Close incident with root-cause and prevention note.`

describe('the incident body, as a person reads it (examples/petstore)', () => {
  it('renders every section of a red incident, word for word', () => {
    expect(renderRecord(petstore())).toBe(`### Incident record

${FIELDS_RED}

### Routing

| Primary owner | Secondary owner | Required action |
|---|---|---|
| Fixture owner (module): @fixture-keeper | QA owner: unassigned (no owner configured or in CODEOWNERS) | Refresh expected fixtures and \`notes.md\` |

Also routed to Implementation owner: @petstore/backend (a validator error).

> [!WARNING]
> QA owner unassigned: add a rule.

### Root cause

pending

### Classification

**Fixture stale**, confidence **medium** (SPEC §4 rule 3). Only fixtures changed.

- Change set: 1 file(s) from git.
- Changed fixture files: \`test/fixtures/pets/list.json\`.

**Severity Medium:** Every affected path is optional.

### Findings

${FINDINGS_RED}

### Log excerpt

<details><summary>Output 1 of 1</summary>

\`python3 scripts/check_fixtures.py\`

\`\`\`text
line one
line two
\`\`\`

</details>

### Resolution checklist

${CHECKLIST_RED}

### History

- 2026-12-01T10:00:00Z — detected by CI ([run](https://github.com/acme/petstore/actions/runs/9)) in PR #7: Fixture stale (Medium), result \`error\`.`)
  })

  it('puts the verdict table and the why above the record in the summary', () => {
    expect(renderSummary(petstore())).toBe(`## 🔴 Contract drift: Fixture stale (Medium) — PR #7

| | |
|---|---|
| **Result** | \`error\` |
| **Bucket** | Fixture stale — confidence medium |
| **Severity** | Medium |
| **Owner** | Fixture owner (module): @fixture-keeper |
| **Then** | QA owner: unassigned (no owner configured or in CODEOWNERS) |
| **Required action** | Refresh expected fixtures and \`notes.md\` |
| **Findings** | 3 |

**Why:** Only fixtures changed.

${renderRecord(petstore())}`)
  })

  it('says what it cannot classify and whom it cannot name for a validator error alone', () => {
    const rest = unrouted(petstore())
    const record: IncidentRecord = {
      ...rest,
      owners: [],
      runs: [red(LINT, { outcome: 'crashed', crash: 'KeyError: id' })]
    }
    const summary = renderSummary(record)
    expect(summary.split('\n\n').slice(0, 3)).toEqual([
      '## 🔴 Contract drift: Validator error (High) — PR #7',
      `| | |
|---|---|
| **Result** | \`error\` |
| **Bucket** | Validator error (needs triage) |
| **Severity** | High |
| **Owner** | — |
| **Then** | — |
| **Required action** | — |
| **Findings** | 0 |`,
      '**Why:** A validator crashed, was missing or broken, timed out, or wrote output that could not be read, and no finding was reported to classify.'
    ])
    const sections = renderRecordSections(record)
    expect(sections.map(section => section.id)).toEqual([
      'record',
      'root-cause',
      'classification',
      'findings',
      'checklist',
      'history'
    ])
    expect(sections.find(section => section.id === 'classification')?.text).toBe(
      '### Classification\n\nNo bucket: a validator could not run to completion and no other validator reported a finding, so nothing is guessed.\n\n**Severity High:** '
    )
    expect(sections.find(section => section.id === 'findings')?.text).toBe(
      '### Findings\n\n**`bash scripts/lint.sh`** — crashed (exit 1)\n- crash: `KeyError: id`'
    )
    expect(renderPlain(record)).toContain(
      'bash scripts/lint.sh: crashed (exit 1)\n  crash: KeyError: id'
    )
  })

  const MISSING = 'missing (command or script not found, or not executable)'
  const BROKEN = 'broken (the shell or interpreter could not start it)'
  const UNREADABLE = 'unreadable (a structured document that cannot be parsed)'
  it.each<[string, Partial<ValidatorRun>, string, string]>([
    [
      'a missing command',
      { outcome: 'missing', exitCode: 127 },
      `${MISSING}, exit 127`,
      `${MISSING} (exit 127)`
    ],
    [
      'a broken interpreter',
      { outcome: 'broken', exitCode: 126 },
      `${BROKEN}, exit 126`,
      `${BROKEN} (exit 126)`
    ],
    [
      'an unreadable report',
      { outcome: 'unreadable', exitCode: 0 },
      `${UNREADABLE}, exit 0`,
      `${UNREADABLE} (exit 0)`
    ],
    ['a failed run stopped by a signal', { exitCode: null }, 'stopped', 'failed (stopped)']
  ])('names %s once in the failing check and the findings', (_case, run, failing, head) => {
    const record = petstore({ runs: [red('validate', run)] })
    expect(renderFields(record).split('\n')[3]).toBe(
      `- **Failing command/check:** \`validate\` (${failing})`
    )
    const findings = renderRecordSections(record).find(section => section.id === 'findings')
    expect(findings?.text.split('\n')[2]).toBe(`**\`validate\`** — ${head}`)
    expect(renderPlain(record).split('\n')).toContain(`validate: ${head}`)
  })
})

describe('a green run and an incident carried between runs', () => {
  const green = (overrides: Partial<IncidentRecord> = {}): IncidentRecord => {
    const rest = unrouted(petstore())
    return {
      ...rest,
      result: 'pass',
      owners: [],
      runs: [
        red(SPECTRAL, {
          outcome: 'passed',
          exitCode: 0,
          okLines: ['[spectral] OK: 0 problems', '[spectral] OK: 3 rules']
        })
      ],
      ...overrides
    }
  }
  const lifecycle = (overrides: Partial<Lifecycle> = {}): Lifecycle => ({
    checklist: [true, true, true, false, false],
    history: [],
    failingChecks: [],
    ...overrides
  })
  const fields = (record: IncidentRecord): Record<string, string> =>
    Object.fromEntries(
      [...renderFields(record).matchAll(/^- \*\*(.+?)(?: \(.*\))?:\*\* (.*)$/gm)].map(m => [
        m[1],
        m[2]
      ])
    )

  it.each<[string, IncidentRecord, Record<string, string>]>([
    [
      'a green run: nothing to classify, its OK lines are the proof',
      green(),
      {
        'Failing command/check': 'none (all validators passed)',
        Bucket: 'none (green)',
        Severity: 'none (green)',
        Owner: 'none (green)',
        'Validation proof': '`[spectral] OK: 0 problems`; `[spectral] OK: 3 rules`'
      }
    ],
    [
      'a green run without OK lines counts its validators',
      green({
        runs: [
          red(SPECTRAL, { outcome: 'passed', exitCode: 0 }),
          red(LINT, { outcome: 'passed', exitCode: 0 })
        ]
      }),
      { 'Validation proof': '2 validator(s) exited 0', Bucket: 'none (green)' }
    ],
    [
      'an incomplete remediation is green too',
      green({ result: 'incomplete' }),
      {
        Bucket: 'none (green)',
        'Validation proof': '`[spectral] OK: 0 problems`; `[spectral] OK: 3 rules`'
      }
    ],
    [
      'a validator error without findings waits for triage',
      green({ result: 'error', runs: [red(LINT, { outcome: 'crashed' })] }),
      {
        Bucket: 'pending (validator error: no findings to classify, needs triage)',
        'Validation proof': 'pending'
      }
    ],
    [
      'a report without an incident',
      green({ incidentId: '' }),
      { 'Incident ID': 'none (no incident)' }
    ],
    [
      'an incident gone green: the proof it kept, the checks that were red, what people filled',
      green({
        lifecycle: lifecycle({
          validationProof: {
            at: '2026-12-02T09:00:00Z',
            okLines: ['[fixtures] OK: 12 packs'],
            runUrl: 'https://github.com/acme/petstore/actions/runs/12'
          },
          failingChecks: [FIXTURES, SPECTRAL],
          resolutionPr: '#99',
          preventionFollowUp: 'Lint fixtures in pre-commit'
        })
      }),
      {
        'Failing command/check':
          '`python3 scripts/check_fixtures.py` (passes now); `npx spectral lint api/openapi.yaml` (passes now)',
        'Resolution PR': '#99',
        'Validation proof':
          '`[fixtures] OK: 12 packs` — green at 2026-12-02T09:00:00Z ([run](https://github.com/acme/petstore/actions/runs/12))',
        'Prevention follow-up': 'Lint fixtures in pre-commit'
      }
    ],
    [
      'a proof without OK lines or run link',
      green({
        lifecycle: lifecycle({ validationProof: { at: '2026-12-02T09:00:00Z', okLines: [] } })
      }),
      { 'Validation proof': 'every validator exited 0 — green at 2026-12-02T09:00:00Z' }
    ],
    [
      'a red incident still red, and one that healed',
      petstore({
        lifecycle: lifecycle({ failingChecks: [LINT, 'make verify'], bucketSetBy: 'octocat' })
      }),
      {
        'Failing command/check':
          '`python3 scripts/check_fixtures.py` (exit 1); `bash scripts/lint.sh` (timed out, stopped); `make verify` (passes now)',
        Bucket: 'Fixture stale (set by `octocat`, over the classifier)',
        'Validation proof': 'pending'
      }
    ]
  ])('%s', (_case, record, expected) => {
    expect(fields(record)).toMatchObject(expected)
  })

  it('shows a green run without an incident as the record and its findings only', () => {
    expect(renderRecordSections(green()).map(section => section.id)).toEqual(['record', 'findings'])
    expect(renderRecordSections(green({ runs: [] }))[1]?.text).toBe('### Findings\n\nnone')
    expect(renderSummary(green())).toBe(
      [
        '## ✅ Contract drift gate green — PR #7',
        '1 validator(s) passed.',
        'Passed: `npx spectral lint api/openapi.yaml`'
      ].join('\n\n')
    )
    expect(
      renderSummary(green({ result: 'incomplete' }))
        .split('\n\n')
        .slice(0, 2)
    ).toEqual([
      '## 🟠 Contract drift gate: remediation incomplete — PR #7',
      '1 validator(s) passed, but this remediation pull request lacks deltas its incident needs (❌ below).'
    ])
  })

  it('keeps the checklist, root cause and history an incident carries, and a person’s bucket', () => {
    const record = petstore({
      result: 'pass',
      runs: [red(SPECTRAL, { outcome: 'passed', exitCode: 0 })],
      classification: { ...petstore().classification!, rule: 0, reason: 'A person set it.' },
      lifecycle: lifecycle({
        checklist: [true, false, true, true, false],
        rootCause: 'The list endpoint dropped `id`.',
        history: [
          {
            at: '2026-12-01T10:00:00Z',
            what: 'opened',
            runUrl: 'https://github.com/acme/petstore/actions/runs/9'
          },
          { at: '2026-12-02T09:00:00Z', what: 'green' }
        ]
      })
    })
    const text = (id: string): string | undefined =>
      renderRecordSections(record).find(section => section.id === id)?.text
    expect(text('root-cause')).toBe('### Root cause\n\nThe list endpoint dropped `id`.')
    expect(text('classification')?.split('\n\n')[1]).toBe(
      '**Fixture stale**, confidence **medium** (set by a person). A person set it.'
    )
    expect(text('checklist')?.split('\n').slice(2)).toEqual([
      '- [x] 1. Capture failing command/log in the incident record.',
      '- [ ] 2. Record bucket classification and owner assignment.',
      '- [x] 3. Submit remediation PR with: contract delta (if required), fixture delta (if required), updated `notes.md`, validator pass proof.',
      '- [x] 4. Re-run triage validators and attach green output.',
      '- [ ] 5. Close incident with root-cause and prevention note.'
    ])
    expect(text('history')).toBe(
      '### History\n\n- 2026-12-01T10:00:00Z — opened ([run](https://github.com/acme/petstore/actions/runs/9))\n- 2026-12-02T09:00:00Z — green'
    )
    // No red run, so no excerpt section, and the findings list only what passed.
    expect(text('log')).toBeUndefined()
    expect(text('findings')).toBe('### Findings\n\nPassed: `npx spectral lint api/openapi.yaml`')
  })

  it('writes the first history line while an incident has no history yet', () => {
    const record = petstore({ lifecycle: lifecycle() })
    expect(renderRecordSections(record).at(-1)?.text).toBe(
      '### History\n\n- 2026-12-01T10:00:00Z — detected by CI ([run](https://github.com/acme/petstore/actions/runs/9)) in PR #7: Fixture stale (Medium), result `error`.'
    )
  })

  it('names every file a finding points at', () => {
    const finding = {
      source: FIXTURES,
      tag: '',
      message: 'ids differ',
      targets: ['api/openapi.yaml', 'test/fixtures/pets/list.json'],
      runtime: false
    }
    expect(
      renderRecord(petstore({ runs: [red(FIXTURES, { findings: [finding], findingCount: 1 })] }))
    ).toContain('- `ids differ` → `api/openapi.yaml`, `test/fixtures/pets/list.json`\n')
  })

  it('writes the first history line without a run link when there is no run URL', () => {
    const record = petstore()
    delete record.runUrl
    expect(renderRecordSections(record).at(-1)?.text).toBe(
      '### History\n\n- 2026-12-01T10:00:00Z — detected by CI in PR #7: Fixture stale (Medium), result `error`.'
    )
  })
})

describe('rendering within a size budget', () => {
  const long = Array.from({ length: 40 }, (_, i) => `line ${String(i + 1).padStart(2, '0')}`).join(
    '\n'
  )
  const logOf = (excerpt: string, limits: RenderLimits): string | undefined =>
    renderRecordSections(petstore({ runs: [red(FIXTURES, { excerpt })] }), limits).find(
      section => section.id === 'log'
    )?.text

  it('cuts a long log at line ends, head and tail, saying how much was cut', () => {
    // 40 lines of 7 characters: 319 characters, 100 allowed, 50 from each end.
    expect(logOf(long, { findingsPerValidator: Infinity, excerptChars: 100 })).toContain(
      "```text\nline 01\nline 02\nline 03\nline 04\nline 05\nline 06\n… 225 characters cut here; the run's log has everything …\nline 35\nline 36\nline 37\nline 38\nline 39\nline 40\n```"
    )
  })

  it.each([
    ['exactly the limit', 319, true],
    ['one character over', 318, false]
  ])('keeps a log of %s whole or not', (_case, excerptChars, whole) => {
    expect(logOf(long, { findingsPerValidator: Infinity, excerptChars })?.includes(long)).toBe(
      whole
    )
  })

  it('numbers the logs of every red validator that printed something', () => {
    const record = petstore({
      runs: [
        red(FIXTURES, { excerpt: 'first' }),
        red(LINT, { excerpt: '' }),
        red(SPECTRAL, { outcome: 'passed', exitCode: 0, excerpt: 'fine' }),
        red('make verify', { excerpt: 'second' })
      ]
    })
    const log = renderRecord(record)
    expect(
      [...log.matchAll(/<summary>(.*?)<\/summary>\n\n(.*)\n/g)].map(m => [m[1], m[2]])
    ).toEqual([
      ['Output 1 of 2', '`python3 scripts/check_fixtures.py`'],
      ['Output 2 of 2', '`make verify`']
    ])
  })

  it.each<[string, RenderLimits, number]>([
    ['every finding', { findingsPerValidator: Infinity, excerptChars: 0 }, 3],
    ['the first two', { findingsPerValidator: 2, excerptChars: 0 }, 2],
    ['none', { findingsPerValidator: 0, excerptChars: 0 }, 0]
  ])('shows %s of a validator’s findings and counts the rest', (_case, limits, shown) => {
    const findings = ['a', 'b', 'c'].map(message => ({
      source: FIXTURES,
      tag: 'x',
      message,
      targets: [],
      runtime: false
    }))
    const text = renderRecordSections(
      petstore({ runs: [red(FIXTURES, { findings, findingCount: 3 })] }),
      limits
    ).find(section => section.id === 'findings')?.text
    const lines = text?.split('\n').slice(3) ?? []
    expect(lines.filter(line => line.startsWith('- `[x]'))).toHaveLength(shown)
    expect(lines.filter(line => line.startsWith('- …'))).toEqual(
      shown < 3
        ? [
            `- … and ${3 - shown} more finding(s), not shown here (3 kept in the record JSON, 3 counted)`
          ]
        : []
    )
    expect(lines.includes('- no findings: see the log excerpt')).toBe(shown === 0)
    expect(renderRecordSections(petstore(), limits).map(section => section.id)).toContain('log')
    expect(renderRecord(petstore(), limits)).toContain(
      "### Log excerpt\n\nNot shown here to stay within GitHub's size limit: see the run's log and the record JSON."
    )
  })

  const byStep = (limits: RenderLimits): string =>
    'x'.repeat(1000 - RENDER_STEPS.indexOf(limits) * 200)
  it.each([
    ['the fullest rendering that fits', 1000, 1000],
    ['a smaller one', 700, 600],
    ['the smallest', 200, 200],
    ['the smallest, cut by tenths until it fits', 150, 145],
    ['the smallest, cut to exactly the budget', 180, 180]
  ])('takes %s', (_case, budget, length) => {
    expect(renderWithin(budget, byStep)).toHaveLength(length)
  })

  it('does not make a rendering known to be too big, and always makes the smallest', () => {
    const made: number[] = []
    const spy = (limits: RenderLimits): string => {
      made.push(RENDER_STEPS.indexOf(limits))
      return byStep(limits)
    }
    expect(
      renderWithin(700, spy, undefined, limits => (limits === RENDER_STEPS[0] ? 701 : 0))
    ).toHaveLength(600)
    expect(made).toEqual([1, 2])
    made.length = 0
    expect(renderWithin(150, spy, undefined, () => 1e6)).toHaveLength(145)
    expect(made).toEqual([4])
  })

  // Messages as validators write them, white space and Markdown included.
  const text = fc.string({
    unit: fc.constantFrom('a', 'é', '😀', ' ', '\t', '\n', '\r', '`', '<', '\u00a0'),
    maxLength: 12
  })
  it('knows at least how big the finding lines are, and renders within a budget what it would render without knowing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tag: text, message: text }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: RENDER_STEPS.length - 1 }),
        fc.integer({ min: -2, max: 2 }),
        (texts, step, off) => {
          const base = schemaDrift()
          const run = base.runs[0]!
          const findings = texts.map(({ tag, message }) => ({
            source: run.command,
            tag,
            message,
            targets: [],
            runtime: false
          }))
          const rec = { ...base, runs: [{ ...run, findings, findingCount: findings.length }] }
          const render = (limits: RenderLimits): string => renderRecord(rec, limits)
          const limits = RENDER_STEPS[step]!
          const findingLines = renderRecordSections(rec, limits)
            .find(section => section.id === 'findings')!
            .text.split('\n')
            .filter(line => /^- [`(]/.test(line))
          expect(findingLinesAtLeast(rec, limits)).toBeLessThanOrEqual(
            findingLines.reduce((n, line) => n + Buffer.byteLength(line), 0)
          )
          const budget = Buffer.byteLength(render(limits)) + off
          expect(
            renderWithin(budget, render, undefined, limits => findingLinesAtLeast(rec, limits))
          ).toBe(renderWithin(budget, render))
        }
      ),
      { numRuns: 300 }
    )
  })

  it('measures bytes unless told otherwise, and gives up on a budget of nothing', () => {
    const accents = (): string => 'é'.repeat(10)
    expect(renderWithin(15, accents)).toBe('é'.repeat(7))
    expect(renderWithin(15, accents, text => text.length)).toBe('é'.repeat(10))
    expect(renderWithin(0, byStep)).toBe('')
    expect(renderWithin(-5, byStep)).toBe('')
  })

  it('separates passed commands, proof lines and logs so each reads on its own', () => {
    const record = petstore({
      runs: [
        red(FIXTURES, { excerpt: 'first' }),
        red(LINT, { excerpt: 'second' }),
        red('make a', { outcome: 'passed', exitCode: 0 }),
        red('make b', { outcome: 'passed', exitCode: 0 })
      ],
      lifecycle: {
        checklist: [true, true, false, false, false],
        history: [],
        failingChecks: [],
        validationProof: { at: '2026-12-01T11:00:00Z', okLines: ['OK a', 'OK b'] }
      }
    })
    const text = renderRecord(record)
    expect(text).toContain('Passed: `make a`, `make b`')
    expect(text).toContain('- **Validation proof:** `OK a`; `OK b` — green at 2026-12-01T11:00:00Z')
    expect(text).toContain('</details>\n<details><summary>Output 2 of 2</summary>')
  })
})

describe('the record for a terminal and for a remediation pull request', () => {
  it('prints the playbook template, why, owners and findings without Markdown', () => {
    expect(renderPlain(petstore())).toBe(`Incident ID: DRIFT-20261201-0a1b2c
Detected at: 2026-12-01T10:00:00Z
Detected by (CI/local): CI
Failing command/check: python3 scripts/check_fixtures.py (exit 1); bash scripts/lint.sh (timed out, stopped)
Bucket (schema drift | fixture stale | runtime regression): Fixture stale
Severity: Medium
Owner: Fixture owner (module): @fixture-keeper
Resolution PR: pending
Validation proof: pending
Prevention follow-up: pending

Why: Only fixtures changed.
  - Change set: 1 file(s) from git.
  - Changed fixture files: test/fixtures/pets/list.json.

Required action: Refresh expected fixtures and notes.md
Owners: @fixture-keeper, @petstore/backend

python3 scripts/check_fixtures.py: failed (exit 1)
  - [fixtures] list.json: id missing -> test/fixtures/pets/list.json
  - GET /pets returned 500

bash scripts/lint.sh: timed out (stopped)
  crash: stopped after 600 s`)
  })

  it('prints a command holding backticks as it was run, and a person’s words as written', () => {
    const plain = renderPlain(
      petstore({
        runs: [
          red('echo `date` && ```x``` false', {
            findings: [
              {
                source: '',
                tag: '',
                message: 'id missing',
                targets: ['a.json', 'b.json'],
                runtime: false
              }
            ],
            findingCount: 1
          }),
          red('`lead')
        ],
        lifecycle: {
          checklist: [true, true, false, false, false],
          history: [],
          failingChecks: [],
          preventionFollowUp: 'see - **Note:** below'
        }
      })
    )
    expect(plain).toContain(
      'Failing command/check: echo `date` && ```x``` false (exit 1); `lead (exit 1)'
    )
    expect(plain).toContain('Prevention follow-up: see - **Note:** below')
    expect(plain).toContain('  - id missing -> a.json, b.json')
  })

  it('prints a green run as its fields alone', () => {
    const green = unrouted(petstore())
    expect(renderPlain({ ...green, result: 'pass', runs: [] }).split('\n')).toHaveLength(10)
  })

  it('lists the remediation checks under the record and in a green summary', () => {
    const remediation = [
      {
        incidentId: 'DRIFT-20261201-0a1b2c',
        issueNumber: 12,
        bucket: 'fixture-stale' as const,
        requirements: [
          { what: 'Refreshed expected fixtures', satisfied: false, detail: 'none changed' }
        ],
        complete: false
      }
    ]
    const check =
      '### Remediation check: DRIFT-20261201-0a1b2c (#12) — incomplete\n- ❌ Refreshed expected fixtures — none changed'
    expect(renderRecord(petstore({ remediation }))).toContain(
      `${FIELDS_RED}\n\n${check}\n\n### Routing`
    )
    const green = unrouted(petstore())
    expect(
      renderSummary({ ...green, result: 'incomplete', runs: [], remediation }).split('\n\n')[2]
    ).toBe(check)
  })
})

describe('routing as the table shows it', () => {
  const qaOnly = (owners: Partial<Record<OwnerRole, string[]>>): IncidentRecord =>
    petstore({
      routing: {
        primaryRole: 'qa',
        requiredAction: 'Make the validators run again',
        owners
      }
    })
  const section = (record: IncidentRecord, id: string): string | undefined =>
    renderRecordSections(record).find(s => s.id === id)?.text

  it('keeps each part of the body in its own marked section', () => {
    expect(renderRecordSections(petstore()).map(s => s.id)).toEqual([
      'record',
      'routing',
      'root-cause',
      'classification',
      'findings',
      'log',
      'checklist',
      'history'
    ])
  })

  it('shows a dash for no secondary owner, and no extra line or warning when there is none', () => {
    const record = qaOnly({ qa: ['qa-lead'] })
    expect(section(record, 'routing')).toBe(
      '### Routing\n\n| Primary owner | Secondary owner | Required action |\n|---|---|---|\n| QA owner: @qa-lead | — | Make the validators run again |'
    )
    expect(renderSummary(record)).toContain('| **Owner** | QA owner: @qa-lead |\n| **Then** | — |')
  })

  it('lists every role routed beyond the two of the matrix', () => {
    const record = qaOnly({ qa: ['qa-lead'], contract: ['@acme/api'], implementation: ['dev'] })
    expect(section(record, 'routing')?.split('\n\n')[2]).toBe(
      'Also routed to Contract owner: @acme/api; Implementation owner: @dev (a validator error).'
    )
  })

  it('titles an ungraded record as High, the severity it is treated with', () => {
    expect(renderRecordSections(unrouted(petstore())).at(-1)?.text).toContain(
      'PR #7: Validator error (High), result `error`.'
    )
    expect(incidentTitle(unrouted(petstore()))).toBe(
      '[contract-drift] Validator error (High) — PR #7'
    )
  })
})
