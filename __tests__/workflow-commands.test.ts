import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseOutput, type ParseOptions } from '../src/parse/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const log = readFileSync(join(here, '__fixtures__', 'parse', 'workflow-commands.log'), 'utf8')
const options: ParseOptions = {
  workspace: '/home/runner/work/platform/platform',
  checks: {},
  runtimeTags: [],
  repoFiles: () => ['docs/contracts/billing-contract.md', 'services/mcp/feature.json']
}

describe('GitHub workflow commands', () => {
  it('::error is a finding with its file, line and title; warnings, notices and groups are not', () => {
    const run = parseOutput('npm run contract:lint', log, 1, options)
    expect(run.findings.map(f => [f.message, f.targets, f.line])).toEqual([
      [
        "contract-lint: field removed: Field 'providerAdapterId' is required by tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json but no longer in the contract",
        ['docs/contracts/billing-contract.md'],
        88
      ],
      [
        'Unknown module id economics-module\nknown ids: billing-module, usage-module',
        ['services/mcp/feature.json'],
        12
      ]
    ])
  })

  it('an ::error without properties still counts, pointing where its text points', () => {
    const run = parseOutput(
      'x',
      '::error::docs/contracts/usage-contract.md is out of date\n',
      0,
      options
    )
    expect(run.outcome).toBe('failed')
    expect(run.findings[0]?.targets).toEqual(['docs/contracts/usage-contract.md'])
  })

  it('the format can be forced, leaving field lines unread', () => {
    const output = '[x] ERROR: field line\n::error file=a.md::command\n'
    const run = parseOutput('x', output, 1, { ...options, format: 'workflow-commands' })
    expect(run.findings.map(f => f.message)).toEqual(['command'])
  })
})
