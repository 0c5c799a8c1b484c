import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultConfig } from '../src/config.js'
import {
  findReports,
  parseOptions,
  readReport,
  reportFormat,
  repositoryFiles
} from '../src/pipeline.js'

const root = mkdtempSync(join(tmpdir(), 'cdt-pipeline-'))
const elsewhere = mkdtempSync(join(tmpdir(), 'cdt-elsewhere-'))
afterAll(() => [root, elsewhere].forEach(dir => rmSync(dir, { recursive: true, force: true })))
const write = (dir: string, path: string, text: string): void => {
  mkdirSync(join(dir, path, '..'), { recursive: true })
  writeFileSync(join(dir, path), text)
}
write(
  root,
  'logs/crash.txt',
  'Traceback (most recent call last):\n  File "x.py", line 1\nKeyError: rows\n'
)
write(root, 'logs/sentence.txt', 'Feature manifest changed but no contract doc update detected.\n')
write(root, 'logs/empty.txt', '')
write(root, 'logs/green.txt', '[fixture-coverage] OK: 3 packs\n')
write(root, 'logs/red.txt', "[fixture-coverage] ERROR: Missing required MCP fixture packs: ['a']\n")
write(root, 'node_modules/x/logs/ignored.txt', 'no\n')
write(elsewhere, 'runner.log', '[x] OK: fine\n')
write(root, 'packages/billing/src/billing.test.ts', 'test')
write(
  root,
  'reports/vitest.xml',
  '<testsuites><testsuite name="src/billing.test.ts"><testcase classname="src/billing.test.ts" name="adapter"><failure message="drift"/></testcase></testsuite></testsuites>'
)
write(root, 'reports/green.xml', '<testsuite name="a"><testcase name="ok"/></testsuite>')
write(root, 'reports/cut.xml', '<testsuite name="a"><testcase name="ok">')
write(root, 'reports/lint.out', '::error file=docs/a.md::bad\n')
const parse = parseOptions(defaultConfig(), root)

describe('findReports', () => {
  it('finds relative globs under the working directory and absolute ones where they point', async () => {
    const found = await findReports(['logs/*.txt', `${elsewhere}/*.log`, 'nothing/*.xml'], root)
    expect(found.files).toEqual([
      `${elsewhere}/runner.log`,
      'logs/crash.txt',
      'logs/empty.txt',
      'logs/green.txt',
      'logs/red.txt',
      'logs/sentence.txt'
    ])
    expect(found.unmatched).toEqual(['nothing/*.xml'])
  })
})

describe('readReport', () => {
  it.each([
    ['logs/crash.txt', 'crashed', 0],
    ['logs/sentence.txt', 'failed', 1],
    ['logs/empty.txt', 'passed', 0],
    ['logs/green.txt', 'passed', 0],
    ['logs/red.txt', 'failed', 1]
  ])('judges %s as %s', async (path, outcome, findings) => {
    const run = await readReport(path, root, parse)
    expect(run.outcome).toBe(outcome)
    expect(run.findingCount).toBe(findings)
    expect(run.command).toBe(`report: ${path}`)
  })
})

describe('readReport: structured reports', () => {
  it('reads a JUnit report (loading the XML parser) and places package-relative paths', async () => {
    const run = await readReport('reports/vitest.xml', root, parse)
    expect(run).toMatchObject({ outcome: 'failed', format: 'junit', findingCount: 1 })
    expect(run.findings[0]?.targets).toEqual(['packages/billing/src/billing.test.ts'])
    expect(run.findings[0]?.runtime).toBe(true)
  })

  it('judges a green JUnit report as passed and a truncated one as unreadable, saying why', async () => {
    expect((await readReport('reports/green.xml', root, parse)).outcome).toBe('passed')
    const cut = await readReport('reports/cut.xml', root, parse)
    expect(cut).toMatchObject({ outcome: 'unreadable', findings: [] })
    expect(cut.crash).toMatch(/the file ends before the XML is complete \(truncated\?\)/)
  })

  it('an empty report declared structured in formats is unreadable; an empty text report passes', async () => {
    write(root, 'reports/empty.xml', '')
    const forced = parseOptions({ ...defaultConfig(), formats: { 'reports/*.xml': 'junit' } }, root)
    const declared = await readReport('reports/empty.xml', root, forced)
    expect(declared).toMatchObject({ outcome: 'unreadable', findings: [] })
    expect(declared.notes).toEqual(['the report is empty, but formats declares it junit'])
    expect((await readReport('reports/empty.xml', root, parse)).outcome).toBe('passed')
  })

  it('takes a format from the config by report glob', async () => {
    const forced = parseOptions({ ...defaultConfig(), formats: { 'reports/*.out': 'field' } }, root)
    expect((await readReport('reports/lint.out', root, forced)).findings[0]?.message).toBe(
      '::error file=docs/a.md::bad'
    )
    expect((await readReport('reports/lint.out', root, parse)).findings[0]?.message).toBe('bad')
  })
})

describe('reportFormat and repositoryFiles', () => {
  it('matches exact paths, then globs', () => {
    const formats = { 'reports/a.xml': 'junit', 'reports/**': 'json' } as const
    expect(reportFormat('reports/a.xml', formats)).toBe('junit')
    expect(reportFormat('reports/x/b.txt', formats)).toBe('json')
    expect(reportFormat('other.txt', formats)).toBeUndefined()
  })

  it('lists the files once, skipping node_modules and .git', () => {
    const list = repositoryFiles(root)
    expect(list()).toContain('packages/billing/src/billing.test.ts')
    expect(list().some(path => path.startsWith('node_modules/'))).toBe(false)
    expect(list()).toBe(list())
  })
})
