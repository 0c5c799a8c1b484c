import { beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  loadJsonFindings,
  OutputCollector,
  parseOutput,
  type ParseOptions
} from '../src/parse/index.js'
import { jsonFindingSchema } from '../src/parse/schemas.js'

const here = dirname(fileURLToPath(import.meta.url))
const fixture = (name: string): string =>
  readFileSync(join(here, '__fixtures__', 'parse', name), 'utf8')
const options: ParseOptions = { workspace: '/work/repo', checks: {}, runtimeTags: [] }
const read = (output: string, exitCode = 1) =>
  parseOutput('node check.mjs', output, exitCode, options)

// Runs first, before anything in this file has loaded the JSON findings schema.
describe('JSON findings before their schema has loaded', () => {
  it('holds the document while the schema loads, then reads every finding', async () => {
    const collector = new OutputCollector('node check.mjs', options)
    collector.write(new TextEncoder().encode(fixture('findings.jsonl')))
    const run = await collector.finishWhenReady(1, 0)
    expect(run.findings.map(finding => finding.message)).toEqual(
      read(fixture('findings.jsonl')).findings.map(finding => finding.message)
    )
    expect(run.findingCount).toBeGreaterThan(0)
    expect(run.format).toBe('json')
  })
})

describe('JSON findings', () => {
  // The schema loads on the first document, as in a run; parseOutput reads synchronously.
  beforeAll(async () => {
    await loadJsonFindings()
  })

  it('JSON Lines: one finding per line; warnings are not findings; an invalid object is a note', () => {
    const run = read(fixture('findings.jsonl'))
    expect(run.format).toBe('json')
    expect(run.findings.map(f => [f.tag, f.targets, f.line, f.runtime])).toEqual([
      [
        'schema-check',
        ['tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'],
        7,
        false
      ],
      ['runtime-contract', ['services/billing/src/adapters.ts'], 31, true]
    ])
    expect(run.notes).toEqual([
      'line 4: not a finding, message: Invalid input: expected string, received undefined'
    ])
  })

  it('a pretty-printed { "findings": [...] } document, read element by element', () => {
    const run = read(fixture('findings.json'))
    expect(run.format).toBe('json')
    expect(run.findings.map(f => f.targets)).toEqual([
      ['tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'],
      ['services/mcp/feature.json']
    ])
    expect(run.notes).toBeUndefined()
  })

  it('a one-line document and a bare array', () => {
    expect(read('{"findings":[{"message":"a"},{"message":"b","tag":"t"}]}').findingCount).toBe(2)
    const array = parseOutput('x', '[{"message":"a"}, 3, {"message":"b"}]', 1, {
      ...options,
      format: 'json'
    })
    expect(array.findingCount).toBe(2)
    expect(array.notes).toEqual(['findings[1]: not a finding object'])
  })

  it('a document that opens with a byte-order mark (Windows tools) reads as without one', () => {
    const document = fixture('findings.json')
    const run = read(`\uFEFF${document}`)
    expect(run.format).toBe('json')
    expect(run.findings).toEqual(read(document).findings)
    expect(run.notes).toBeUndefined()
  })

  it('an empty findings document is green as a report', () => {
    const run = read('{"findings": []}\n', 0)
    expect(run).toMatchObject({ outcome: 'passed', okLines: ['JSON findings: none reported'] })
  })

  it('a broken line makes the output unreadable, a validator error, and the next line still counts', () => {
    const run = read('{"message":"first"}\n{"message": "cut\n{"message":"third"}\n{"message": 1}\n')
    expect(run.findings.map(f => f.message)).toEqual(['first', 'third'])
    expect(run.notes).toEqual([
      'JSON not valid at line 2: unterminated string',
      'line 4: not a finding, message: Invalid input: expected string, received number'
    ])
    expect(run).toMatchObject({
      outcome: 'unreadable',
      crash: 'JSON not valid at line 2: unterminated string'
    })
  })

  it('a truncated document is unreadable, keeps what it read and says it was cut', () => {
    const run = read('{"findings":[{"message":"a"},{"message":"b"')
    expect(run.findings.map(f => f.message)).toEqual(['a'])
    expect(run.notes).toEqual([
      'JSON ends early: line 1 is inside an unfinished object (truncated?)'
    ])
    expect(run.outcome).toBe('unreadable')
  })

  it.each([
    // SARIF and an array of objects are documents the stream reader knows: it says where.
    ['cut off', '{\n  "version": "2.1.0",\n  "runs": [', /^JSON ends early: .*\(truncated\?\)$/],
    ['an array cut off', '[{"ruleId": "x"', /^JSON ends early: .*\(truncated\?\)$/],
    ['broken inside', '{\n  "a": 1,\n  "b" 2\n}\n', /^JSON not valid at line 3: /]
  ])('a JSON document of another shape that is %s is unreadable', (_case, output, crash) => {
    const run = read(output, 0)
    expect(run.outcome).toBe('unreadable')
    expect(run.crash).toMatch(crash)
    expect(run.findings).toEqual([])
  })

  // Only findings, errors, parse_errors, problems and runs hold problems: a key that names a
  // member of every JavaScript object is a plain member, its array part of the finding.
  it.each(['__proto__', 'constructor', 'hasOwnProperty'])(
    'a %s array is a member of the finding, not a container of findings',
    key => {
      const line = `{"message": "pack missing", "${key}": [{"message": "inner"}]}\n`
      const run = read(line)
      expect(run.format).toBe('json')
      expect(run.findings.map(f => f.message)).toEqual(['pack missing'])
      expect(run.findingCount).toBe(1)
      const document = parseOutput('node check.mjs', `{"${key}": []}\n`, 0, {
        ...options,
        format: 'json'
      })
      expect(document.findingCount).toBe(0)
      expect(document.notes).toEqual([
        'line 1: not a finding, message: Invalid input: expected string, received undefined'
      ])
    }
  )

  it('a whole JSON document of another shape is text for the line rules, as before', () => {
    expect(read('{\n  "a": 1\n}\n', 0).outcome).toBe('passed')
  })

  it('text that merely starts with { is read as text, not as findings', () => {
    const run = read(
      '{"level":"info","msg":"starting"}\nFeature manifest changed but no contract doc update detected.\n'
    )
    expect(run.format).toBe('lines')
    expect(run.findings.map(f => f.message)[0]).toMatch(/Feature manifest changed/)
  })

  it('the committed JSON Schema agrees with the zod schema on the fields', () => {
    const schema = JSON.parse(
      readFileSync(join(here, '..', 'schema', 'findings.schema.json'), 'utf8')
    )
    const finding = schema.$defs.finding
    expect(Object.keys(finding.properties).sort()).toEqual(
      Object.keys(jsonFindingSchema().shape).sort()
    )
    expect(finding.required).toEqual(['message'])
  })
})
