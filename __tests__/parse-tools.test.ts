import { beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  loadJsonFindings,
  OutputCollector,
  parseOutput,
  type ParseOptions
} from '../src/parse/index.js'
import type { ValidatorRun } from '../src/types.js'

// Outputs captured from the real tools (capture.sh beside each), or written from the documented
// format where the tool does not install here (README.md beside those).

// The JSON findings schema loads on first need; the synchronous parseOutput needs it loaded.
beforeAll(async () => {
  await loadJsonFindings()
})
const tools = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'tools')
const tool = (path: string): Buffer => readFileSync(join(tools, path))
const capturedAt = (folder: string): string =>
  `/work/wt/formats/__tests__/__fixtures__/tools/${folder}/`

/** Two layouts: the tools' own folders at the root, and a monorepo package with the field's. */
const layouts: Record<string, { workspace: string; files: string[]; prefix: string }> = {
  root: {
    workspace: '/home/runner/work/pets/pets',
    prefix: '',
    files: [
      'proto/acme/v1/pet.proto',
      'api/openapi.yaml',
      'schema/schema.graphql',
      'schema/pet.schema.json',
      'fixtures/pet.json',
      'pacts/pet-web-pet-api.json',
      'src/pet.ts'
    ]
  },
  monorepo: {
    workspace: '/home/runner/work/platform/platform',
    prefix: 'services/pets/',
    files: [
      'services/pets/proto/acme/v1/pet.proto',
      'services/pets/api/openapi.yaml',
      'services/pets/schema/schema.graphql',
      'services/pets/fixtures/pet.json',
      'services/pets/pacts/pet-web-pet-api.json',
      'services/pets/src/pet.ts',
      'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'
    ]
  }
}

/** Reads files of the tool folders, wherever the layout put them. */
const readFile = (prefix: string, folder: string) => (path: string) => {
  try {
    return readFileSync(join(tools, folder, path.slice(prefix.length)), 'utf8')
  } catch {
    return undefined
  }
}

const optionsFor = (layout: keyof typeof layouts, folder: string): ParseOptions => ({
  workspace: layouts[layout]!.workspace,
  checks: {},
  runtimeTags: [],
  repoFiles: () => layouts[layout]!.files,
  readFile: readFile(layouts[layout]!.prefix, folder)
})

const summary = (run: ValidatorRun) =>
  run.findings.map(f => [f.targets[0], f.line, f.message.slice(0, 30), f.runtime])

describe.each(Object.keys(layouts))('the contract tools, %s layout', layout => {
  const p = layouts[layout]!.prefix
  const options = (folder: string) => optionsFor(layout, folder)

  it.each([
    ['buf breaking, text', 'buf/breaking.txt', 'lines'],
    ['buf breaking, --error-format=json', 'buf/breaking.jsonl', 'json']
  ])('%s: the contract file and line of each breaking change', (_, file, format) => {
    const run = parseOutput(
      'npx buf breaking --against .git#branch=main',
      tool(file),
      100,
      options('buf/head')
    )
    expect(run.outcome).toBe('failed')
    expect(run.format).toBe(format)
    expect(run.findings.map(f => [f.targets, f.line])).toEqual([
      [[`${p}proto/acme/v1/pet.proto`], 5],
      [[`${p}proto/acme/v1/pet.proto`], 7]
    ])
    expect(run.findings[1]!.message).toContain('changed type from "string" to "int64"')
  })

  it.each([
    ['buf lint, text', 'buf/lint.txt'],
    ['buf lint, json', 'buf/lint.jsonl']
  ])('%s: every problem on its line', (_, file) => {
    const run = parseOutput('buf lint', tool(file), 100, options('buf/head'))
    expect(run.findings).toHaveLength(8)
    expect(run.findings.map(f => f.line)).toEqual([12, 12, 12, 13, 13, 13, 13, 13])
    expect(run.findings.every(f => f.targets[0] === `${p}proto/acme/v1/pet.proto`)).toBe(true)
  })

  it.each([
    ['spectral -f text', 'spectral/lint.txt', 'lines'],
    ['spectral -f json', 'spectral/lint.json', 'json'],
    ['spectral -f sarif', 'spectral/lint.sarif', 'json']
  ])('%s: the errors on the OpenAPI file, warnings left out', (_, file, format) => {
    // Spectral prints absolute paths: the capture machine's folder stands for the checkout.
    const output = tool(file)
      .toString()
      .replaceAll(capturedAt('spectral'), `${layouts[layout]!.workspace}/${p}`)
    const run = parseOutput('spectral lint api/openapi.yaml', output, 1, options('spectral'))
    expect(run.format).toBe(format)
    expect(run.findings.map(f => [f.targets, f.line])).toEqual([
      [[`${p}api/openapi.yaml`], 7],
      [[`${p}api/openapi.yaml`], 7]
    ])
    expect(run.findings.map(f => f.message)).toEqual([
      expect.stringContaining('operation-operationId'),
      expect.stringContaining('operation-tags')
    ])
  })

  it('tsc: the source file and line, both styles', () => {
    for (const file of ['tsc/tsc.txt', 'tsc/tsc-pretty.txt']) {
      const run = parseOutput('npx tsc --noEmit', tool(file), 2, options('tsc'))
      expect(summary(run)).toEqual([[`${p}src/pet.ts`, 6, "TS2322: Type 'number' is not a", false]])
    }
  })

  it('GraphQL Inspector diff: the new schema from the command, the line of each coordinate', () => {
    const run = parseOutput(
      'npx graphql-inspector diff git:origin/main:schema/schema.graphql schema/schema.graphql',
      tool('graphql-inspector/diff.txt'),
      1,
      options('graphql-inspector')
    )
    expect(summary(run)).toEqual([
      [`${p}schema/schema.graphql`, 6, 'Field age was removed from obj', false],
      [`${p}schema/schema.graphql`, 8, 'Field Pet.name changed type fr', false],
      [`${p}schema/schema.graphql`, 3, 'Argument owner: String! added ', false],
      [`${p}schema/schema.graphql`, 2, 'Field Query.pets changed type ', false]
    ])
  })

  it('ajv validate --errors=json on stderr: the fixture, the line of each pointer, the schema named', () => {
    for (const file of ['ajv/validate.stderr', 'ajv/validate-line.stderr']) {
      const collector = new OutputCollector(
        "ajv validate -s schema/pet.schema.json -d 'fixtures/*.json' --errors=json",
        options('ajv')
      )
      collector.write(tool(file.replace('.stderr', '.stdout')))
      collector.writeStderr(tool(file))
      const run = collector.finish(1, 0)
      expect(summary(run)).toEqual([
        [`${p}fixtures/pet.json`, 1, 'fixtures/pet.json: / must NOT ', false],
        [`${p}fixtures/pet.json`, 2, 'fixtures/pet.json: /id must be', false],
        [`${p}fixtures/pet.json`, 4, 'fixtures/pet.json: /tags/1 mus', false]
      ])
      expect(run.findings[1]!.message).toContain('(schema schema/pet.schema.json)')
      expect(run.okLines).toEqual(['fixtures/pet-ok.json valid'])
    }
  })

  it('check-jsonschema -o json (written from its docs): the fixture and the JSONPath line', () => {
    const run = parseOutput(
      'check-jsonschema --schemafile schema/pet.schema.json -o json fixtures/pet.json',
      tool('check-jsonschema/validate.json'),
      1,
      options('check-jsonschema')
    )
    expect(run.format).toBe('json')
    expect(run.findings.map(f => [f.targets, f.line])).toEqual([
      [[`${p}fixtures/pet.json`], 1],
      [[`${p}fixtures/pet.json`], 2],
      [[`${p}fixtures/pet.json`], 4]
    ])
    expect(run.findings[0]!.message).toContain('(schema schema/pet.schema.json)')
  })

  // Versions and wrappers differ in what precedes the line: `[success]`, `[log]`, or nothing.
  it.each([['[success] '], ['[log] '], ['']])(
    'GraphQL Inspector with no changes, line prefixed %j: validation proof, no finding',
    prefix => {
      const run = parseOutput(
        'npx graphql-inspector diff git:origin/main:schema/schema.graphql schema/schema.graphql',
        `${prefix}No changes detected\n`,
        0,
        options('graphql-inspector')
      )
      expect([run.outcome, run.findingCount, run.okLines]).toEqual([
        'passed',
        0,
        [`${prefix}No changes detected`]
      ])
    }
  )

  // The pact file comes from `[Using File …]` under its `Verifying…` line, however indented.
  it.each([
    ['', '  '],
    ['  ', '    '],
    ['\t', '\t  ']
  ])(
    'Pact verifier with %j before `Verifying a pact between`: the pact file it names',
    (indent, inner) => {
      const output = tool('pact/verify.txt')
        .toString()
        .replace(/^Verifying/m, `${indent}Verifying`)
        .replace(/^ {2}\[Using File pacts\//m, `${inner}[Using File ${p}pacts/`)
      const run = parseOutput('pact_verifier_cli --port 8080', output, 1, options('pact'))
      expect(run.findings.map(f => [f.targets, f.runtime])).toEqual([
        [[`${p}pacts/pet-web-pet-api.json`], true]
      ])
    }
  )

  it('Pact verifier (written from its docs): a runtime finding naming the pact file', () => {
    const run = parseOutput(
      'pact_verifier_cli --file pacts/pet-web-pet-api.json --port 8080',
      tool('pact/verify.txt'),
      1,
      options('pact')
    )
    expect(run.findings.map(f => [f.targets, f.runtime, f.tag])).toEqual([
      [[`${p}pacts/pet-web-pet-api.json`], true, 'pact']
    ])
    expect(run.findings[0]!.message).toBe(
      "pact pet-web → pet-api: a request for the pets (given there are pets): has a matching body: $[0].name -> Expected 'Rex' (String) but received 7 (Integer)"
    )
  })
})

describe('SARIF 2.1.0', () => {
  const options = optionsFor('root', 'spectral')
  const sarif = (runs: unknown[]) =>
    JSON.stringify({ version: '2.1.0', $schema: 'x', runs }, null, 2)
  const result = (uri: string, level: string | undefined, line?: number) => ({
    ruleId: 'R1',
    ...(level ? { level } : {}),
    message: { text: `at ${uri}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
          ...(line ? { region: { startLine: line, startColumn: 3 } } : {})
        }
      }
    ]
  })

  it('every run is read; errors are findings, warnings and level-less results are not', () => {
    const output = sarif([
      {
        tool: { driver: { name: 'a', rules: [{ id: 'R1' }] } },
        results: [result('api/openapi.yaml', 'error', 9), result('api/openapi.yaml', 'warning', 2)]
      },
      {
        tool: { driver: { name: 'b' } },
        results: [
          result('file:///home/runner/work/pets/pets/proto/acme/v1/pet.proto', 'error'),
          result('x', undefined, 1)
        ]
      }
    ])
    const run = parseOutput('lint --sarif', output, 1, options)
    expect(run.format).toBe('json')
    expect(run.findings.map(f => [f.targets, f.line, f.message])).toEqual([
      [['api/openapi.yaml'], 9, 'R1: at api/openapi.yaml'],
      [
        ['proto/acme/v1/pet.proto'],
        undefined,
        'R1: at file:///home/runner/work/pets/pets/proto/acme/v1/pet.proto'
      ]
    ])
    expect(run.notes).toBeUndefined()
  })

  it('a cut-off SARIF document is an error, not drift', () => {
    const output = sarif([{ results: [result('api/openapi.yaml', 'error', 9)] }])
    const run = parseOutput('lint --sarif', output.slice(0, output.length - 40), 1, options)
    expect(run.outcome).toBe('unreadable')
  })

  it('is declared by formats: json, and sniffed after a banner line', () => {
    const output = `> npm run lint\n${sarif([{ results: [result('api/openapi.yaml', 'error', 9)] }])}\n`
    expect(parseOutput('npm run lint', output, 1, options).findings).toHaveLength(1)
    expect(
      parseOutput('npm run lint', output.split('\n').slice(1).join('\n'), 1, {
        ...options,
        format: 'json'
      }).findings
    ).toHaveLength(1)
  })
})

describe('compiler-style lines', () => {
  const options = optionsFor('root', 'buf/head')
  it.each([
    ['buf, no level', 'proto/acme/v1/pet.proto:5:1:Field deleted.', 5],
    ['protoc', 'proto/acme/v1/pet.proto:7:3: "Foo" is not defined.', 7],
    ['an explicit error', 'proto/acme/v1/pet.proto:3: error: bad', 3],
    ['tsc', 'src/pet.ts(6,36): error TS2322: no', 6]
  ])('%s', (_, line, at) => {
    const run = parseOutput('check', `${line}\n`, 1, options)
    expect(run.findings.map(f => f.line)).toEqual([at])
  })

  it('a line without a level counts only when the run fails: a green run stays green', () => {
    const output = 'scripts/check.py:12: DeprecationWarning: old\nproto/acme/v1/pet.proto:1:1:x\n'
    const green = parseOutput('check', output, 0, options)
    expect(green.outcome).toBe('passed')
    expect(green.findingCount).toBe(0)
    expect(parseOutput('check', output, 1, options).findingCount).toBe(2)
  })

  it('warnings, timestamps and host:port are not findings', () => {
    const output = [
      'proto/acme/v1/pet.proto:3:1: warning: Import unused.',
      '2025-11-27T09:12:30Z checking pack 4',
      'localhost:8080 is up',
      'see https://example.com:443/x'
    ].join('\n')
    const run = parseOutput('check', output, 1, options)
    expect(run.findings.map(f => f.message)).toEqual([expect.stringContaining(output.slice(0, 20))])
  })
})

describe('unknown or broken tool output still goes to the line rules', () => {
  const options = optionsFor('root', 'buf/head')
  it('a cut-off JSON document is an error for that validator, not drift', () => {
    const output = tool('buf/breaking.jsonl').toString()
    const run = parseOutput(
      'buf breaking',
      `[${output.split('\n').join(',').slice(0, 200)}`,
      100,
      options
    )
    expect(run.outcome).toBe('unreadable')
    expect(run.crash).toMatch(/JSON/)
  })

  it('text no parser knows: one finding quoting its last lines, never a crash', () => {
    const run = parseOutput('tool', 'proto/acme/v1/pet.proto is wrong somehow\n', 1, options)
    expect(run.outcome).toBe('failed')
    expect(run.findings.map(f => f.message)).toEqual(['proto/acme/v1/pet.proto is wrong somehow'])
  })

  it('a sentence ending in "invalid" is not ajv\'s verdict', () => {
    const run = parseOutput(
      'check',
      'The manifest is invalid\nPlease update the docs\n',
      1,
      options
    )
    expect(run.findings.map(f => f.message)).toEqual([
      'The manifest is invalid\nPlease update the docs'
    ])
  })

  it('GraphQL Inspector output without the command naming a schema: a finding with no file', () => {
    const run = parseOutput('inspector', tool('graphql-inspector/diff.txt'), 1, options)
    expect(run.findings).toHaveLength(4)
    expect(run.findings[0]!.targets).toEqual([])
  })
})

describe('properties of the tool parsers', () => {
  const options = optionsFor('root', 'ajv')
  const fragment = fc.constantFrom(
    'proto/acme/v1/pet.proto:5:1:Field deleted.',
    'src/pet.ts(6,36): error TS2322: no',
    '/abs/api/openapi.yaml:7:9 error operation-tags "x"',
    '{"path":"proto/acme/v1/pet.proto","start_line":5,"type":"T","message":"m"}',
    '{"version":"2.1.0","runs":[{"results":[{"level":"error","message":{"text":"t"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.yaml"},"region":{"startLine":2}}}]}',
    ']}]}',
    '[',
    '\t{"code":"c","message":"m","severity":0,"range":{"start":{"line":1}},"source":"a.yaml"}',
    ']',
    '{"status":"fail","successes":[],"errors":[{"filename":"fixtures/pet.json","path":"$.tags[1]","message":"m"}]}',
    'fixtures/pet.json invalid',
    '[{"instancePath":"/tags/1","message":"must be string"}]',
    '[log] \u2716  Field Query.pets changed type from [Pet!]! to [Pet]',
    'Verifying a pact between a and b',
    '  [Using File pacts/p.json]',
    'Failures:',
    '1) Verifying a pact between a and b - x',
    '    1.1) has a matching body',
    '           $.x -> y',
    ''
  )
  const output = fc
    .array(fc.tuple(fragment, fc.constantFrom('\n', '\r\n', '')), { maxLength: 16 })
    .map(parts => new TextEncoder().encode(parts.map(([a, b]) => a + b).join('')))

  it('never throw, and read the same however the output is chunked, on either stream', () => {
    fc.assert(
      fc.property(
        output,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom(0, 1, null),
        (data, cuts, exit) => {
          const whole = parseOutput('ajv validate -s s.json -d x', data, exit, options)
          const points = [...cuts.map(cut => cut % (data.length + 1)), data.length].sort(
            (a, b) => a - b
          )
          const collector = new OutputCollector('ajv validate -s s.json -d x', options)
          let start = 0
          for (const point of points) {
            collector.write(data.subarray(start, point))
            start = point
          }
          expect({ ...collector.finish(exit, 0), durationMs: 0 }).toEqual({
            ...whole,
            durationMs: 0
          })
          const err = new OutputCollector('graphql-inspector diff a b', options)
          err.writeStderr(data)
          const run = err.finish(exit, 0)
          expect(run.findingCount).toBeGreaterThanOrEqual(run.findings.length)
        }
      ),
      { numRuns: 400 }
    )
  })

  it('bounded memory: 20,000 ajv errors and a 3 MB SARIF keep at most maxFindings', () => {
    const errors = JSON.stringify(
      Array.from({ length: 20_000 }, (_, i) => ({ instancePath: `/x/${i}`, message: 'm' })),
      null,
      2
    )
    const collector = new OutputCollector('ajv validate -s s.json', { ...options, maxFindings: 50 })
    collector.writeStderr(new TextEncoder().encode(`fixtures/pet.json invalid\n${errors}\n`))
    const ajv = collector.finish(1, 0)
    expect(ajv.findings).toHaveLength(50)
    expect(ajv.findingCount).toBeGreaterThan(50)

    const result =
      '{"level":"error","message":{"text":"t"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.yaml"},"region":{"startLine":2}}}]}'
    const sarif = new OutputCollector('lint', { ...options, maxFindings: 50 })
    sarif.write(new TextEncoder().encode('{"version":"2.1.0","runs":[{"results":['))
    const chunk = new TextEncoder().encode(`${result},`.repeat(1000))
    for (let i = 0; i < 20; i++) sarif.write(chunk)
    sarif.write(new TextEncoder().encode(`${result}]}]}`))
    const run = sarif.finish(1, 0)
    expect(run.findings).toHaveLength(50)
    expect(run.findingCount).toBe(20_001)
    expect(run.outcome).toBe('failed')
  })
})
