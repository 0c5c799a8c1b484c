import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { CodeOwners } from '../src/codeowners.js'
import { defaultConfig } from '../src/config.js'
import { parseConfig } from '../src/config-file.js'
import { parseOutput } from '../src/parse/index.js'
import { incidentTitle, renderPlain, renderRecord, renderSummary } from '../src/render.js'
import { triage } from '../src/triage.js'
import type { ChangeContext, IncidentRecord } from '../src/types.js'

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
