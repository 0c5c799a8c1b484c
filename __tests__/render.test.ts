import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { CodeOwners } from '../src/codeowners.js'
import { defaultConfig } from '../src/config.js'
import { parseConfig } from '../src/config-file.js'
import { parseOutput } from '../src/parse/index.js'
import {
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
import type { ChangeContext, IncidentRecord, Lifecycle, ValidatorRun } from '../src/types.js'

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
    const {
      classification: _c,
      routing: _r,
      severity: _s,
      severityReason: _sr,
      ...rest
    } = petstore()
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
