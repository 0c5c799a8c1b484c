import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { parseOutput, type ParseOptions } from '../src/parse/index.js'
import { problemMatchersSchema } from '../src/parse/schemas.js'

const here = dirname(fileURLToPath(import.meta.url))
const fixture = (name: string): string =>
  readFileSync(join(here, '__fixtures__', 'parse', name), 'utf8')
const problemMatchers = problemMatchersSchema().parse(JSON.parse(fixture('problem-matchers.json')))
const options: ParseOptions = {
  workspace: '/work/repo',
  checks: {},
  runtimeTags: [],
  problemMatchers
}

describe('problem matchers (GitHub format)', () => {
  it('multi-line with loop, and single-line with severity: errors are findings, warnings not', () => {
    const run = parseOutput('make contract-check', fixture('problem-matchers.log'), 1, options)
    expect(run.findings.map(f => [f.tag, f.message, f.targets, f.line])).toEqual([
      [
        'openapi-diff',
        "'providerAdapterId' removed from 200 response (response-property-removed)",
        ['docs/contracts/billing-api.yaml'],
        42
      ],
      [
        'openapi-diff',
        "'region' is now required (request-parameter-became-required)",
        ['docs/contracts/billing-api.yaml'],
        57
      ],
      [
        'contract-lint',
        'example does not validate against schema (CL012)',
        ['docs/contracts/usage-contract.md'],
        31
      ]
    ])
  })

  it('a loop ends at the first line that does not match, and a new header starts again', () => {
    const output = [
      'BREAKING in a.yaml',
      '  line 1: [x] one',
      'unrelated',
      '  line 2: [x] orphan',
      'BREAKING in b.yaml',
      '  line 3: [x] three'
    ].join('\n')
    const run = parseOutput('x', output, 1, options)
    expect(run.findings.map(f => [f.targets, f.line])).toEqual([
      [['a.yaml'], 1],
      [['b.yaml'], 3]
    ])
  })

  it('rejects a malformed matcher with a sentence naming the key', () => {
    const bad = {
      problemMatcher: [{ owner: 'x', pattern: [{ regexp: '(', message: 1, loop: true }] }]
    }
    const result = problemMatchersSchema().safeParse(bad)
    expect(result.success).toBe(false)
    const text = z.prettifyError(result.error as z.ZodError)
    expect(text).toMatch(/not a valid regular expression/)
    expect(text).toMatch(/loop is only allowed on the last pattern of a multi-line matcher/)
  })
})
