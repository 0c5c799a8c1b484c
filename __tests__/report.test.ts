import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { defaultConfig } from '../src/config.js'
import { parseOutput } from '../src/parse/index.js'
import type { RemediationCheck } from '../src/remediation.js'
import {
  RENDER_STEPS,
  renderRecord,
  renderSummary,
  renderWithin,
  type RenderLimits
} from '../src/render.js'
import {
  annotationFile,
  buildAnnotations,
  SUMMARY_BUDGET,
  verdict,
  writeRecordFiles
} from '../src/report.js'
import { triage } from '../src/triage.js'
import type { Finding, IncidentRecord } from '../src/types.js'

const root = mkdtempSync(join(tmpdir(), 'cdt-report-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
for (const file of [
  'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/notes.md',
  'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/request.valid.json',
  // billing.gcp.ingest's notes.md was deleted; the rest of the pack stays.
  'tests/contracts/fixtures/mcp/billing.gcp.ingest/1.0/request.valid.json',
  'tests/contracts/fixtures/mcp/legacy-alias-parity/1.0/parity.rows.json',
  'docs/playbooks/x.md'
]) {
  mkdirSync(dirname(join(root, file)), { recursive: true })
  writeFileSync(join(root, file), '{}\n')
}

describe('annotationFile', () => {
  it('uses the file a finding names when it exists', () => {
    expect(annotationFile(['docs/playbooks/x.md'], root)).toBe('docs/playbooks/x.md')
  })
  it("falls back to the pack's notes.md when the named file is missing", () => {
    expect(
      annotationFile(
        ['tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'],
        root
      )
    ).toBe('tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/notes.md')
  })
  it('prefers a file the message names inside a directory target', () => {
    expect(
      annotationFile(
        ['tests/contracts/fixtures/mcp/legacy-alias-parity/'],
        root,
        'see parity.rows.json'
      )
    ).toBe('tests/contracts/fixtures/mcp/legacy-alias-parity/1.0/parity.rows.json')
  })
  it.each<[string, string[], string[], string | undefined]>([
    // Never a pathless annotation when the finding names a path (issue 13, point 11).
    [
      'a deleted file the change set lists, over its pack',
      ['tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'],
      ['tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'],
      'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'
    ],
    [
      'a deleted notes.md: the path it names, not a sibling',
      ['tests/contracts/fixtures/mcp/billing.gcp.ingest/1.0/notes.md'],
      [],
      'tests/contracts/fixtures/mcp/billing.gcp.ingest/1.0/notes.md'
    ],
    [
      'a missing file: the path it names, not an unrelated sibling',
      ['docs/playbooks/missing.md'],
      [],
      'docs/playbooks/missing.md'
    ],
    [
      'a missing pack directory: the directory, not another pack above it',
      ['tests/contracts/fixtures/mcp/billing.oci.ingest/'],
      [],
      'tests/contracts/fixtures/mcp/billing.oci.ingest'
    ],
    [
      'a path with no existing directory above it',
      ['nowhere/at/all.json'],
      [],
      'nowhere/at/all.json'
    ],
    ['no path named', [], [], undefined]
  ])('annotates %s', (_case, targets, changed, expected) => {
    expect(annotationFile(targets, root, '', new Set(changed))).toBe(expected)
  })
})

describe('buildAnnotations', () => {
  const output = Array.from(
    { length: 14 },
    (_, i) => `[docs-links] ERROR: broken link in docs/playbooks/missing-${i}.md`
  )
  output.push('[docs-links] ERROR: broken link in docs/playbooks/x.md:7')
  const record = triage({
    runs: [
      parseOutput('python3 scripts/validate-docs-links.py', output.join('\n'), 1, {
        workspace: root,
        checks: {},
        runtimeTags: []
      })
    ],
    context: {
      changed: [{ path: 'docs/playbooks/x.md', class: 'docs' }],
      changeSource: 'test',
      intent: []
    },
    config: defaultConfig(),
    codeowners: undefined,
    key: 'k',
    scope: 'main',
    detectedBy: 'CI',
    detectedAt: new Date(),
    incidentId: 'DRIFT-20261127-000000',
    workspace: root
  })

  it('puts the finding on a changed file first, with its line, under the working directory prefix', () => {
    const [first] = buildAnnotations(record, root, 'packages/api')
    expect(first).toMatchObject({ file: 'packages/api/docs/playbooks/x.md', startLine: 7 })
    expect(first!.title).toBe('Contract drift: Schema drift (Low)')
  })

  // The first annotations are the ones a reviewer sees in the diff and the ones kept when
  // publishing caps them: findings on files this change touched, then on any file, then the rest.
  it('orders findings: changed files first, then named files, then a pack’s notes.md, then no file', () => {
    const PARITY_ROWS = 'tests/contracts/fixtures/mcp/legacy-alias-parity/1.0/parity.rows.json'
    const DELETED = 'tests/contracts/fixtures/mcp/billing.gcp.ingest/1.0/response.expected.json'
    const on = (message: string, ...targets: string[]): Finding => ({
      source: 'python3 scripts/validate.py',
      tag: '',
      message,
      targets,
      runtime: false
    })
    // Given in the reverse of the order they must come out in.
    const findings = [
      on('no file: 3 checks failed'),
      on(
        'a pack’s notes.md: response.expected.json is missing',
        'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'
      ),
      on('a named file, unchanged', 'docs/playbooks/x.md'),
      on(
        'a changed file inside a named pack: parity.rows.json row 2',
        'tests/contracts/fixtures/mcp/legacy-alias-parity/'
      ),
      on('a changed file it names', DELETED)
    ]
    const changedRecord: IncidentRecord = {
      ...record,
      runs: [{ ...record.runs[0]!, findings, findingCount: findings.length }],
      context: {
        changed: [
          { path: PARITY_ROWS, class: 'fixture' },
          { path: DELETED, class: 'fixture' }
        ],
        changeSource: 'test',
        intent: []
      }
    }
    const annotations = buildAnnotations(changedRecord, root, '')
    const found = (message: string): string => message.replace(/ Required action: .*$/, '')
    const [none, notes, named, inPack, changed] = findings.map(finding => finding.message)
    expect(annotations.map(({ message, file }) => [found(message), file])).toEqual([
      [changed, DELETED],
      [inPack, PARITY_ROWS],
      [named, 'docs/playbooks/x.md'],
      [notes, 'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/notes.md'],
      [none, undefined]
    ])
  })

  it('keeps one annotation per finding, to be capped at publishing', () => {
    expect(buildAnnotations(record, root, '')).toHaveLength(15)
  })
})

describe('verdict: one decision for the summary, the record file and the outputs', () => {
  const green: IncidentRecord = {
    incidentId: 'DRIFT-20261201-111111',
    key: 'acme/contracts:pr-301',
    scope: 'PR #301',
    detectedAt: '2026-12-01T10:00:00Z',
    detectedBy: 'CI',
    result: 'pass',
    owners: [],
    runs: [],
    context: { changed: [], changeSource: 'test', intent: [] }
  }
  const red: IncidentRecord = { ...green, result: 'drift' }
  const filed = {
    ...green,
    lifecycle: { checklist: [true, true, false, true, false], history: [], failingChecks: [] }
  } as IncidentRecord
  const checkOf = (complete: boolean, issueNumber = 7): RemediationCheck => ({
    incidentId: `DRIFT-20261130-00000${issueNumber}`,
    issueNumber,
    issueUrl: `https://github.com/acme/contracts/issues/${issueNumber}`,
    bucket: 'schema-drift',
    requirements: [{ what: 'Updated `notes.md`', satisfied: complete, detail: 'x' }],
    complete
  })
  const own = {
    number: 3,
    url: 'https://github.com/acme/contracts/issues/3',
    action: 'proved-green'
  }

  it.each<
    [
      string,
      IncidentRecord,
      RemediationCheck[],
      typeof own | undefined,
      string,
      string,
      number | undefined
    ]
  >([
    ['green, no incident: none named, not a fresh ID', green, [], undefined, 'pass', '', undefined],
    [
      'an incomplete remediation: the incident it checked',
      green,
      [checkOf(true, 8), checkOf(false, 7)],
      undefined,
      'incomplete',
      'DRIFT-20261130-000007',
      7
    ],
    [
      'a complete remediation: the incident it checked',
      green,
      [checkOf(true)],
      undefined,
      'pass',
      'DRIFT-20261130-000007',
      7
    ],
    [
      'red, not filed (report mode): its own record',
      red,
      [checkOf(false)],
      undefined,
      'drift',
      green.incidentId,
      undefined
    ],
    [
      'the scope’s own incident, green, remediating another',
      filed,
      [checkOf(false)],
      own,
      'incomplete',
      green.incidentId,
      3
    ]
  ])('%s', (_case, record, checks, incident, result, id, number) => {
    const decided = verdict(record, checks, incident)
    expect(decided.record.result).toBe(result)
    expect(decided.record.incidentId).toBe(id)
    expect(decided.incident?.number).toBe(number)
    expect(decided.record.remediation ?? []).toEqual(checks)
  })

  it('says the same result in the summary and the record as in the outputs', () => {
    const { record } = verdict(green, [checkOf(false)])
    expect(renderSummary(record)).toMatch(
      /^## 🟠 Contract drift gate: remediation incomplete — PR #301/
    )
    expect(renderSummary(record)).not.toContain('gate green')
    expect(renderSummary(record)).toContain(
      'Remediation check: DRIFT-20261130-000007 (#7) — incomplete'
    )
    expect(renderRecord(record)).toContain('**Incident ID:** DRIFT-20261130-000007')
    expect(renderRecord(record)).toContain(
      'Remediation check: DRIFT-20261130-000007 (#7) — incomplete'
    )
    expect(renderRecord(verdict(green, []).record)).toContain('**Incident ID:** none (no incident)')
  })
})

describe('writeRecordFiles: the record file of a large run', () => {
  // 20 validators × 300 findings, like the bench’s scale run: too many to show each in 512 KB.
  const output = (n: number): string =>
    Array.from(
      { length: 300 },
      (_, i) =>
        `[scale-check-${n}] ERROR: MCP pack billing.t${i}.ingest version 1.0 missing required file: tests/contracts/fixtures/mcp/billing.t${i}.ingest/1.0/response.expected.json`
    ).join('\n')
  const record = triage({
    runs: Array.from({ length: 20 }, (_, n) =>
      parseOutput(`python3 scripts/scale-${n}.py`, output(n), 1, {
        workspace: root,
        checks: {},
        runtimeTags: []
      })
    ),
    context: { changed: [], changeSource: 'test', intent: [] },
    config: defaultConfig(),
    codeowners: undefined,
    key: 'k',
    scope: 'main',
    detectedBy: 'CI',
    detectedAt: new Date('2026-12-02T10:00:00Z'),
    incidentId: 'DRIFT-20261202-000000',
    workspace: root
  })

  it('shows as many findings as fit in the summary budget, and keeps every section whole', async () => {
    const path = await writeRecordFiles(record, join(root, 'records'), text => text)
    const markdown = readFileSync(path.replace(/\.json$/, '.md'), 'utf8')
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(SUMMARY_BUDGET)
    expect(markdown).toBe(renderWithin(SUMMARY_BUDGET, limits => renderRecord(record, limits)))
    expect(markdown).toMatch(/^- … and \d+ more finding\(s\), not shown here \(300 kept/m)
    expect(markdown.endsWith('result `drift`.')).toBe(true)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(JSON.parse(JSON.stringify(record)))
  })

  it('shows the record the summary shows, at the size the summary fits', () => {
    const renderings: RenderLimits[] = []
    const summary = renderSummary(record, RENDER_STEPS[1], limits => {
      renderings.push(limits)
      return renderRecord(record, limits)
    })
    expect(summary).toBe(renderSummary(record, RENDER_STEPS[1]))
    expect(renderings).toEqual([RENDER_STEPS[1]])
  })
})
