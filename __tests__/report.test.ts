import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { defaultConfig } from '../src/config.js'
import { parseOutput } from '../src/parse/index.js'
import { annotationFile, buildAnnotations } from '../src/report.js'
import { triage } from '../src/triage.js'

const root = mkdtempSync(join(tmpdir(), 'cdt-report-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
for (const file of [
  'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/notes.md',
  'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/request.valid.json',
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
  it('does not pin a missing file on an unrelated sibling', () => {
    expect(annotationFile(['docs/playbooks/missing.md'], root)).toBeUndefined()
  })
  it('gives up on a path with no existing directory above it', () => {
    expect(annotationFile(['nowhere/at/all.json'], root)).toBeUndefined()
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

  it('keeps one annotation per finding, to be capped at publishing', () => {
    expect(buildAnnotations(record, root, '')).toHaveLength(15)
  })
})
