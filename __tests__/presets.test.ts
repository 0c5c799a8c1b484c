import { beforeAll, describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { classifyFailure } from '../src/classify.js'
import { ConfigError, PRESETS, PRESET_NAMES, type Config } from '../src/config.js'
import { parseConfig } from '../src/config-file.js'
import { loadJsonFindings, OutputCollector } from '../src/parse/index.js'
import { classify } from '../src/paths.js'
import { route } from '../src/route.js'
import type { ChangeContext, Finding } from '../src/types.js'
// @ts-expect-error -- plain JavaScript, the generator `npm run readme-tables` runs
import { presetsTable } from '../scripts/readme-tables.mjs'

// The JSON findings schema loads on first need; a collector finished at once needs it loaded.
beforeAll(async () => {
  await loadJsonFindings()
})

const here = dirname(fileURLToPath(import.meta.url))
const ROOT = join(here, '..')
const tools = join(here, '__fixtures__', 'tools')
const tool = (path: string): Buffer => readFileSync(join(tools, path))
const config = (yaml: string): Config => parseConfig(yaml, '.github/contract-drift-triage.yml')

describe('preset: merging with the file (SPEC §3)', () => {
  const field = PRESETS.field
  const openapi = PRESETS.openapi
  it.each<[string, string, Partial<Pick<Config, 'paths' | 'checks' | 'runtime' | 'preset'>>]>([
    ['no preset is the field', '', { preset: ['field'], paths: field.paths, checks: field.checks }],
    ['one preset, as a string', 'preset: openapi', { preset: ['openapi'], paths: openapi.paths }],
    ['one preset, as a list', 'preset: [openapi]', { paths: openapi.paths, checks: {} }],
    [
      'a list: each class is the union, in order, without repeats',
      'preset: [openapi, pact]',
      {
        paths: {
          ...openapi.paths,
          contract: [...openapi.paths.contract, '**/pacts/**']
        },
        runtime: ['pact']
      }
    ],
    [
      "a class the file lists replaces the union; the others stay the presets'",
      'preset: [openapi, field]\npaths:\n  fixture: [spec/fixtures/**]\n  mcp: []',
      {
        paths: {
          contract: [...openapi.paths.contract, ...field.paths.contract],
          fixture: ['spec/fixtures/**'],
          implementation: [...openapi.paths.implementation, ...field.paths.implementation],
          docs: field.paths.docs,
          mcp: [],
          expected: field.paths.expected
        }
      }
    ],
    [
      'checks merge per tag, the file winning',
      'preset: [field, pact]\nchecks:\n  feature-catalog: [catalog.json]\n  schema-lint: [api/**]',
      {
        checks: {
          'feature-catalog': ['catalog.json'],
          'legacy-alias-parity': field.checks['legacy-alias-parity'],
          'schema-lint': ['api/**']
        }
      }
    ],
    [
      "runtime is the union of the presets' and the file's",
      'preset: [pact, graphql]\nruntime: [contract-tests, pact]',
      { runtime: ['pact', 'contract-tests'] }
    ],
    ['a preset named twice counts once', 'preset: [graphql, graphql]', { preset: ['graphql'] }]
  ])('%s', (_, yaml, expected) => {
    expect(config(yaml)).toMatchObject(expected)
  })

  it.each([
    ['an unknown preset', 'preset: swagger', "got 'swagger'"],
    ['an unknown preset in a list', 'preset: [openapi, grpc]', "got ['openapi','grpc']"],
    ['a number', 'preset: 3', 'got 3']
  ])('%s is a configuration error naming the key and the presets', (_, yaml, got) => {
    expect(() => config(yaml)).toThrow(ConfigError)
    expect(() => config(yaml)).toThrow(
      `preset: expected a preset or a list of presets: openapi, protobuf, graphql, jsonschema, pact, field, ${got}`
    )
  })

  it('an empty list says what to write instead', () => {
    expect(() => config('preset: []')).toThrow(
      'preset: name at least one preset, or leave preset out for field'
    )
  })

  it('a preset never changes what the presets table holds', () => {
    const merged = config('preset: [jsonschema]')
    merged.paths.contract.push('x/**')
    merged.runtime.push('x')
    expect(config('preset: [jsonschema]').paths.contract).not.toContain('x/**')
    expect(PRESETS.jsonschema.runtime).toEqual([])
  })
})

/** Every file of an example repository (no .git), repository-relative. */
function filesOf(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name).slice(join(ROOT, dir).length + 1))
}

describe('a preset gives the example repositories the classes their own files give', () => {
  it.each([
    ['examples/repo', 'field'],
    ['examples/petstore', 'openapi']
  ])('%s under preset %s', (dir, preset) => {
    const own = parseConfig(
      readFileSync(join(ROOT, dir, '.github/contract-drift-triage.yml'), 'utf8'),
      'own'
    )
    const byPreset = config(`preset: ${preset}`)
    const files = filesOf(dir)
    expect(files.length).toBeGreaterThan(10)
    for (const file of files)
      expect([file, classify(file, byPreset.paths)]).toEqual([file, classify(file, own.paths)])
  })
})

/**
 * The tools' captured outputs (parse-tools.test.ts) triaged under their preset, in two layouts:
 * the tools' folders at the repository root, and a service of a monorepo.
 */
const layouts = {
  root: { workspace: '/home/runner/work/pets/pets', prefix: '' },
  monorepo: { workspace: '/home/runner/work/platform/platform', prefix: 'services/pets/' }
}
type Layout = keyof typeof layouts

interface ToolCase {
  name: string
  preset: string
  command: string
  output: string
  stderr?: string
  exitCode: number
  folder: string
  /** Files the change set holds, relative to the layout's prefix. */
  changed: string[]
  bucket: Finding extends never ? never : 'schema-drift' | 'fixture-stale' | 'runtime-regression'
  confidence: 'high' | 'medium'
  /** Where the first finding is annotated, relative to the prefix, and its line. */
  at: [string, number | undefined]
}

const CASES: ToolCase[] = [
  {
    name: 'buf breaking (text): a breaking change in the .proto',
    preset: 'protobuf',
    command: "npx buf breaking --against '.git#branch=origin/main'",
    output: 'buf/breaking.txt',
    exitCode: 100,
    folder: 'buf/head',
    changed: ['proto/acme/v1/pet.proto'],
    bucket: 'schema-drift',
    confidence: 'high',
    at: ['proto/acme/v1/pet.proto', 5]
  },
  {
    name: 'buf breaking (json): generated code changed with it is still the contract',
    preset: 'protobuf',
    command: "npx buf breaking --against '.git#branch=origin/main' --error-format=json",
    output: 'buf/breaking.jsonl',
    exitCode: 100,
    folder: 'buf/head',
    changed: ['proto/acme/v1/pet.proto', 'gen/acme/v1/pet.pb.go'],
    bucket: 'schema-drift',
    confidence: 'high',
    at: ['proto/acme/v1/pet.proto', 5]
  },
  {
    name: 'Spectral -f json: the OpenAPI file changed',
    preset: 'openapi',
    command: 'npx spectral lint api/openapi.yaml -f json',
    output: 'spectral/lint.json',
    exitCode: 1,
    folder: 'spectral',
    changed: ['api/openapi.yaml'],
    bucket: 'schema-drift',
    confidence: 'high',
    at: ['api/openapi.yaml', 7]
  },
  {
    name: 'Spectral -f sarif: only the ruleset changed (a stricter rule)',
    preset: 'openapi',
    command: 'npx spectral lint api/openapi.yaml -f sarif',
    output: 'spectral/lint.sarif',
    exitCode: 1,
    folder: 'spectral',
    changed: ['.spectral.yaml'],
    bucket: 'schema-drift',
    confidence: 'high',
    at: ['api/openapi.yaml', 7]
  },
  {
    name: 'GraphQL Inspector diff: the schema changed',
    preset: 'graphql',
    command:
      "npx graphql-inspector diff 'git:origin/main:schema/schema.graphql' schema/schema.graphql",
    output: 'graphql-inspector/diff.txt',
    exitCode: 1,
    folder: 'graphql-inspector',
    changed: ['schema/schema.graphql'],
    bucket: 'schema-drift',
    confidence: 'high',
    at: ['schema/schema.graphql', 6]
  },
  {
    name: 'ajv: a fixture edited so that it no longer validates, the schema unchanged',
    preset: 'jsonschema',
    command: "npx ajv validate -s schema/pet.schema.json -d 'fixtures/*.json' --errors=json",
    output: 'ajv/validate.stdout',
    stderr: 'ajv/validate.stderr',
    exitCode: 1,
    folder: 'ajv',
    changed: ['fixtures/pet.json'],
    bucket: 'fixture-stale',
    confidence: 'high',
    at: ['fixtures/pet.json', 1]
  },
  {
    name: 'ajv: a fixture that no longer validates on a scheduled run (nothing changed)',
    preset: 'jsonschema',
    command: "npx ajv validate -s schema/pet.schema.json -d 'fixtures/*.json' --errors=json",
    output: 'ajv/validate.stdout',
    stderr: 'ajv/validate.stderr',
    exitCode: 1,
    folder: 'ajv',
    changed: [],
    bucket: 'fixture-stale',
    confidence: 'medium',
    at: ['fixtures/pet.json', 1]
  },
  {
    name: 'check-jsonschema (written from its docs): a fixture edited, the schema unchanged',
    preset: 'jsonschema',
    command: 'check-jsonschema --schemafile schema/pet.schema.json -o json fixtures/pet.json',
    output: 'check-jsonschema/validate.json',
    exitCode: 1,
    folder: 'check-jsonschema',
    changed: ['fixtures/pet.json'],
    bucket: 'fixture-stale',
    confidence: 'high',
    at: ['fixtures/pet.json', 1]
  },
  {
    name: 'Pact verifier (written from its docs): the provider changed, the pact did not',
    preset: 'pact',
    command: 'pact_verifier_cli --file pacts/pet-web-pet-api.json --hostname localhost --port 8080',
    output: 'pact/verify.txt',
    exitCode: 1,
    folder: 'pact',
    changed: ['src/pets/handler.ts'],
    bucket: 'runtime-regression',
    confidence: 'high',
    at: ['pacts/pet-web-pet-api.json', undefined]
  }
]

function triage(c: ToolCase, layout: Layout, conf: Config) {
  const { workspace, prefix } = layouts[layout]
  const collector = new OutputCollector(placePaths(c.command, prefix), {
    workspace,
    checks: conf.checks,
    paths: conf.paths,
    runtimeTags: conf.runtime,
    readFile: path => {
      try {
        return readFileSync(join(tools, c.folder, path.slice(prefix.length)), 'utf8')
      } catch {
        return undefined
      }
    }
  })
  // Tools print paths relative to where they run: the service's folder in the monorepo.
  // Spectral prints absolute paths: the capture machine's folder stands for the checkout.
  const placed = (buf: Buffer): Buffer =>
    Buffer.from(
      placePaths(buf.toString(), prefix).replaceAll(
        `/work/wt/formats/__tests__/__fixtures__/tools/${c.folder}/`,
        `${workspace}/${prefix}`
      )
    )
  collector.write(placed(tool(c.output)))
  if (c.stderr) collector.writeStderr(placed(tool(c.stderr)))
  const run = collector.finish(c.exitCode, 0)
  const context: ChangeContext = {
    changed: c.changed.map(file => ({
      path: prefix + file,
      class: classify(prefix + file, conf.paths)
    })),
    changeSource: 'git diff base...head',
    intent: []
  }
  return { run, classification: classifyFailure(run.findings, context, conf) }
}

/** The outputs' relative paths as a tool run from the repository root would print them. */
function placePaths(text: string, prefix: string): string {
  if (!prefix) return text
  return text.replace(
    /(^|[\s"'[(=])((?:proto|api|schema|fixtures|pacts)\/[\w./-]+)/gm,
    (_, before: string, path: string) => `${before}${prefix}${path}`
  )
}

describe.each(Object.keys(layouts) as Layout[])(
  'each tool triaged under its preset, %s layout',
  layout => {
    const { prefix } = layouts[layout]
    it.each(CASES.map(c => [c.name, c] as const))('%s', (_, c) => {
      for (const presets of [c.preset, `[openapi, protobuf, graphql, jsonschema, pact]`]) {
        const { run, classification } = triage(c, layout, config(`preset: ${presets}`))
        expect(run.findings.length).toBeGreaterThan(0)
        expect([presets, classification.bucket, classification.confidence]).toEqual([
          presets,
          c.bucket,
          c.confidence
        ])
        expect([run.findings[0]?.targets[0], run.findings[0]?.line]).toEqual([
          prefix + c.at[0],
          c.at[1]
        ])
      }
    })

    it('the pact break goes to the implementation owner, then the contract owner', () => {
      const pact = CASES.find(c => c.preset === 'pact') as ToolCase
      const conf = config(
        'preset: pact\nowners:\n  implementation: [provider-dev]\n  contract: [web-team]'
      )
      const { run, classification } = triage(pact, layout, conf)
      const routing = route({
        bucket: classification.bucket,
        validatorError: false,
        affected: run.findings.flatMap(f => f.targets),
        changedImplementation: pact.changed.map(file => prefix + file),
        validatorFiles: [],
        config: conf,
        codeowners: undefined
      })
      expect([routing.primaryRole, routing.secondaryRole, routing.owners]).toEqual([
        'implementation',
        'contract',
        { implementation: ['provider-dev'], contract: ['web-team'] }
      ])
    })

    it('under the field preset the same outputs point at no contract (why presets exist)', () => {
      const buf = CASES[0] as ToolCase
      const { classification } = triage(buf, layout, config(''))
      expect(classification.bucket).not.toBe('schema-drift')
    })
  }
)

it('every preset is listed in PRESET_NAMES', () => {
  expect([...PRESET_NAMES].sort()).toEqual(Object.keys(PRESETS).sort())
})

describe('what each preset makes of the files of its world (README "Presets")', () => {
  it.each([
    ['openapi', 'api/openapi.yaml', 'contract'],
    ['openapi', 'services/pets/openapi.json', 'contract'],
    ['openapi', 'openapi/paths/pets.yaml', 'contract'],
    ['openapi', '.spectral.yaml', 'contract'],
    ['openapi', 'redocly.yaml', 'contract'],
    ['openapi', 'test/fixtures/pets/get-pet.expected.json', 'fixture'],
    ['openapi', 'src/petstore/app.py', 'implementation'],
    ['openapi', 'docs/guide.md', 'docs'],
    ['protobuf', 'proto/acme/v1/pet.proto', 'contract'],
    ['protobuf', 'buf.yaml', 'contract'],
    ['protobuf', 'gen/go/acme/v1/pet.pb.go', 'contract'],
    ['protobuf', 'internal/server/pet.pb.go', 'contract'],
    ['protobuf', 'gen/ts/acme/v1/pet_connect.ts', 'contract'],
    ['protobuf', 'python/acme/v1/pet_pb2_grpc.py', 'contract'],
    ['protobuf', 'internal/server/pets.go', 'implementation'],
    ['protobuf', 'internal/server/testdata/pet.json', 'fixture'],
    ['graphql', 'src/schema.graphql', 'contract'],
    ['graphql', 'services/pets/schema/pets.graphqls', 'contract'],
    ['graphql', 'src/resolvers/pets.ts', 'implementation'],
    ['graphql', 'src/__fixtures__/pets.json', 'fixture'],
    ['jsonschema', 'schema/pet.schema.json', 'contract'],
    ['jsonschema', 'schemas/order.json', 'contract'],
    ['jsonschema', 'schema/fixtures/pet.json', 'fixture'],
    ['jsonschema', 'examples/pet.yaml', 'fixture'],
    ['pact', 'pacts/pet-web-pet-api.json', 'contract'],
    ['pact', 'consumer/pacts/web-api.json', 'contract'],
    ['pact', 'provider/src/pets.ts', 'implementation'],
    ['field', 'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/notes.md', 'fixture'],
    ['field', 'proto/acme/v1/pet.proto', 'other']
  ])('%s: %s is %s', (preset, path, cls) => {
    expect(classify(path, config(`preset: ${preset}`).paths)).toBe(cls)
  })

  it('the README table is the presets as scripts/readme-tables.mjs writes them', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const table = /<!-- presets:start -->\n([^]*?)\n<!-- presets:end -->/.exec(readme)?.[1]
    expect(table).toBe(presetsTable(PRESETS, PRESET_NAMES))
    for (const name of PRESET_NAMES) expect(table).toContain(`| \`${name}\` |`)
  })
})

describe('README "Works with": each line is a case above', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Works with'), readme.indexOf('## Configuration'))
  const rows = section
    .split('\n')
    .filter(line => line.startsWith('| ') && !line.startsWith('| tool '))
    .map(line => line.split(/(?<!\\)\|/).map(cell => cell.trim()))
    .map(([, tool, command, preset, classifies]) => ({
      tool,
      command: /^`+ ?(.*?) ?`+$/.exec(command ?? '')?.[1],
      preset: preset?.replace(/`/g, ''),
      classifies
    }))

  it('lists a line for each tool', () => {
    expect(rows.map(row => row.tool)).toEqual(
      expect.arrayContaining([
        'buf',
        'Spectral',
        'GraphQL Inspector',
        'ajv-cli',
        'check-jsonschema',
        'Pact verifier'
      ])
    )
  })

  it.each(rows.map(row => [row.tool, row] as const))('%s', (_, row) => {
    const c = CASES.find(c => c.command === row.command && c.preset === row.preset)
    expect(c).toBeDefined()
    expect(row.classifies).toContain(`→ ${(c as ToolCase).bucket.replace('-', ' ')}`)
  })
})
