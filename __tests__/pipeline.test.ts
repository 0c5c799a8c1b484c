import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultConfig } from '../src/config.js'
import { findReports, parseOptions, readReport } from '../src/pipeline.js'

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
    ['logs/empty.txt', 'missing', 0],
    ['logs/green.txt', 'passed', 0],
    ['logs/red.txt', 'failed', 1]
  ])('judges %s as %s', async (path, outcome, findings) => {
    const run = await readReport(path, root, parse)
    expect(run.outcome).toBe(outcome)
    expect(run.findingCount).toBe(findings)
    expect(run.command).toBe(`report: ${path}`)
  })
})
