import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError, validateConfig } from '../src/config.js'
import { parseOutput, type ParseOptions } from '../src/parse/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const fixture = (name: string): string =>
  readFileSync(join(here, '__fixtures__', 'parse', name), 'utf8')
const problemMatchers = validateConfig(
  { 'problem-matchers': JSON.parse(fixture('problem-matchers.json')) },
  'problem-matchers.json'
)['problem-matchers']
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

  // What the JSON Schema cannot say, checked after it (src/parse/matchers.ts matcherProblems).
  it.each([
    [
      'a regexp that does not compile, a loop on a single pattern',
      [{ regexp: '(', message: 1, loop: true }],
      [
        '  - problem-matchers.problemMatcher.0.pattern.0.regexp: not a valid regular expression',
        '  - problem-matchers.problemMatcher.0.pattern.0.loop: loop is only allowed on the last pattern of a multi-line matcher'
      ]
    ],
    [
      'a loop before the last pattern, no message group on the last',
      [{ regexp: 'a', loop: true }, { regexp: 'b' }],
      [
        '  - problem-matchers.problemMatcher.0.pattern.0.loop: loop is only allowed on the last pattern of a multi-line matcher',
        '  - problem-matchers.problemMatcher.0.pattern.1.message: the last pattern must name the message group'
      ]
    ]
  ])('rejects %s with a sentence naming the key', (_name, pattern, lines) => {
    const bad = { 'problem-matchers': { problemMatcher: [{ owner: 'x', pattern }] } }
    expect(() => validateConfig(bad, 'cfg.yml')).toThrow(
      new ConfigError(
        ['cfg.yml is not a valid contract-drift-triage configuration:', ...lines].join('\n')
      )
    )
  })

  it('checks the matchers only once they have the shape the schema asks for', () => {
    const bad = { 'problem-matchers': { problemMatcher: [{ owner: 'x', pattern: [{}] }] } }
    expect(() => validateConfig(bad, 'cfg.yml')).toThrow(/pattern\.0\.regexp: required$/)
  })
})
