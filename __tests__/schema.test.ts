/**
 * src/json-schema.ts, the interpreter the action validates with, against the committed schemas
 * (schema/*.schema.json) and against ajv, the reference implementation editors' tooling follows.
 */
import { describe, expect, it } from '@jest/globals'
import Ajv2020Module from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import fc from 'fast-check'
import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import configSchema from '../schema/config.schema.json' with { type: 'json' }
import bundleSchema from '../schema/bundle.schema.json' with { type: 'json' }
import findingsSchema from '../schema/findings.schema.json' with { type: 'json' }
import goodBundle from './__fixtures__/bundles/pr-140-fixture-coverage.json' with { type: 'json' }
import { ConfigError, defaultConfig, validateConfig, type Config } from '../src/config.js'
import { compile } from '../src/json-schema.js'
import { OUTPUT_FORMATS, type JsonFinding, type ProblemMatchers } from '../src/parse/index.js'

const ROOT = resolve(import.meta.dirname, '..')
const SCHEMA_FILES = ['schema/config.schema.json', 'schema/findings.schema.json']

/* eslint-disable @typescript-eslint/no-explicit-any -- ajv is CommonJS; schemas are plain JSON */
const Ajv2020 = ((Ajv2020Module as any).default ?? Ajv2020Module) as typeof Ajv2020Module.default
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: any) => void
// strict: an unknown keyword, a `required` key without a property or a type-specific keyword
// without its type is an error, so a hand edit that is not valid JSON Schema fails here.
const ajv = new Ajv2020({ strict: true, allErrors: true })
addFormats(ajv)
const ajvConfig = ajv.compile(configSchema)
const ajvFindings = ajv.compile(findingsSchema)
const ajvFinding = ajv.getSchema(`${findingsSchema.$id}#/$defs/finding`)

describe('the committed schemas', () => {
  it('are valid JSON Schema 2020-12 for ajv in strict mode, and prettier-formatted', () => {
    expect(ajvConfig.schema).toBe(configSchema)
    expect(ajvFinding).toBeDefined()
    const prettier = join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs')
    expect(() =>
      execFileSync(process.execPath, [prettier, '--check', ...SCHEMA_FILES], {
        cwd: ROOT,
        stdio: 'pipe'
      })
    ).not.toThrow()
  })

  it('use only keywords the interpreter supports', () => {
    expect(() => compile(configSchema)).not.toThrow()
    expect(() => compile(findingsSchema)).not.toThrow()
  })

  it('say what the hand-written types say: the same keys', () => {
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
    const properties = configSchema.properties
    type Matcher = ProblemMatchers['problemMatcher'][number]
    // Checked by tsc (npx tsc -p tsconfig.all.json): a key added on one side only fails to compile.
    const agree: true[] = [
      true satisfies Same<keyof Config, keyof typeof properties>,
      true satisfies Same<keyof Config['paths'], keyof typeof properties.paths.properties>,
      true satisfies Same<keyof Config['owners'], keyof typeof properties.owners.properties>,
      true satisfies Same<keyof Config['intent'], keyof typeof properties.intent.properties>,
      true satisfies Same<
        keyof NonNullable<Config['release']>,
        keyof typeof properties.release.properties
      >,
      true satisfies Same<
        keyof ProblemMatchers,
        keyof (typeof properties)['problem-matchers']['properties']
      >,
      true satisfies Same<
        keyof Matcher,
        keyof (typeof properties)['problem-matchers']['properties']['problemMatcher']['items']['properties']
      >,
      true satisfies Same<
        keyof Matcher['pattern'][number],
        keyof (typeof properties)['problem-matchers']['properties']['problemMatcher']['items']['properties']['pattern']['items']['properties']
      >,
      true satisfies Same<keyof JsonFinding, keyof typeof findingsSchema.$defs.finding.properties>
    ]
    expect(agree).toHaveLength(9)
    expect(properties.formats.additionalProperties.enum).toEqual([...OUTPUT_FORMATS])
  })
})

describe('defaults', () => {
  const validate = compile<Config>(configSchema)

  it('applied to {} are the playbook defaults', () => {
    expect(validate({})).toEqual({ value: defaultConfig(), problems: [] })
    expect(Object.keys(defaultConfig()).sort()).toEqual([
      'checks',
      'intent',
      'owners',
      'paths',
      'runtime'
    ])
  })

  it("a section's default is what its keys' defaults make of an empty section", () => {
    for (const [key, section] of Object.entries<any>(configSchema.properties)) {
      if (section.default === undefined || !section.properties) continue
      const { value, problems } = compile(configSchema, `#/properties/${key}`)({})
      expect([key, problems, value]).toEqual([key, [], section.default])
    }
  })

  it('are copies: changing a result changes neither the schema nor the next result', () => {
    const first = validate({}).value
    first.paths.contract.push('x/**')
    first.owners.qa = ['someone']
    expect(validate({}).value).toEqual(defaultConfig())
    expect(configSchema.properties.paths.default.contract).not.toContain('x/**')
  })

  it('fill only absent keys: a key given, even empty or null, is validated as given', () => {
    expect(validate({ runtime: [], paths: {} }).value).toMatchObject({
      runtime: [],
      paths: configSchema.properties.paths.default
    })
    expect(validate({ paths: null }).problems).toEqual([
      { path: ['paths'], message: 'expected object, received null' }
    ])
  })

  it('apply in the findings schema too: severity is error unless said', () => {
    const finding = compile<JsonFinding>(findingsSchema, '#/$defs/finding')
    expect(finding({ message: 'm', extra: 1 })).toEqual({
      value: { message: 'm', extra: 1, severity: 'error' },
      problems: []
    })
  })
})

describe('messages', () => {
  const problems = (schema: object, value: unknown) => compile(schema)(value).problems
  const problemsOf = (config: unknown): string[] => {
    try {
      validateConfig(config, 'cfg.yml')
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      return (error as Error).message.split('\n').slice(1)
    }
    throw new Error('expected a problem')
  }

  it('read as the configuration errors always have, one line per problem', () => {
    const config = {
      pathz: {},
      owners: { qa: 5, contract: ['not a login!'] },
      paths: { docs: ['', 7] },
      formats: { x: 'xml' },
      release: { blocking: [{ phases: [] }] }
    }
    expect(problemsOf(config)).toEqual([
      '  - paths.docs.0: expected at least 1 character',
      '  - paths.docs.1: expected string, received number',
      '  - release.blocking.0.paths: required',
      '  - release.blocking.0.phases: expected at least 1 item',
      '  - owners.contract.0: expected a GitHub login or @org/team',
      '  - owners.qa: expected GitHub logins or @org/team slugs, or "codeowners" to resolve from CODEOWNERS',
      '  - formats.x: expected one of: auto, lines, field, workflow-commands, matchers, junit, json',
      '  - pathz: unknown key; expected one of: paths, checks, runtime, release, owners, formats, problem-matchers, intent'
    ])
    expect(problemsOf([])).toEqual(['  - (top level): expected object, received array'])
  })

  it('an anyOf names the one alternative the value got into, else its description', () => {
    const schema = {
      anyOf: [
        { type: 'string', const: 'all' },
        { type: 'array', items: { type: 'integer', minimum: 1 } }
      ]
    }
    expect(problems(schema, [1, 0])).toEqual([{ path: [1], message: 'expected at least 1' }])
    expect(problems(schema, 'some')).toEqual([{ path: [], message: 'expected one of 2 forms' }])
    expect(problems({ ...schema, description: 'all or numbers' }, 3)).toEqual([
      { path: [], message: 'expected all or numbers' }
    ])
  })

  it('a oneOf fails on a value two alternatives accept', () => {
    const schema = { oneOf: [{ type: 'integer' }, { type: 'integer', maximum: 5 }] }
    expect(problems(schema, 9)).toEqual([])
    expect(problems(schema, 3)).toEqual([
      { path: [], message: 'expected exactly one of 2 forms, it matches 2' }
    ])
  })

  it('lengths count characters (code points), as JSON Schema does', () => {
    const schema = { type: 'string', minLength: 2, maxLength: 2 }
    expect(problems(schema, '😀😀')).toEqual([])
    expect(problems(schema, '😀')).toEqual([
      { path: [], message: 'expected at least 2 characters' }
    ])
  })

  it('an integer is a finite number without a fraction', () => {
    for (const value of [1.5, Infinity, NaN, '1'])
      expect(problems({ type: 'integer' }, value)).toHaveLength(1)
    expect(problems({ type: 'integer' }, -0)).toEqual([])
  })

  it('a pattern without a description quotes the pattern', () => {
    expect(problems({ type: 'string', pattern: '^a+$' }, 'b')).toEqual([
      { path: [], message: 'expected a string matching ^a+$' }
    ])
  })

  it('a key named __proto__ stays data', () => {
    const value = JSON.parse('{"message": "m", "__proto__": {"polluted": true}}')
    const { value: finding } = compile<object>(findingsSchema, '#/$defs/finding')(value)
    expect(Object.getPrototypeOf(finding)).toBe(Object.prototype)
    expect(Object.keys(finding)).toContain('__proto__')
  })
})

describe('a schema outside the supported subset', () => {
  it.each([
    ['an unknown keyword, even where no value reaches', { anyOf: [{ format: 'email' }] }, /format/],
    ['a type not supported', { type: 'null' }, /type/],
    ['a reference to another document', { $ref: 'other.json#/a' }, /other\.json/],
    ['a reference to nothing', { $ref: '#/$defs/missing' }, /not found/],
    ['an object in an enum', { enum: [{ a: 1 }] }, /enum/]
  ])('fails when compiled: %s', (_name, schema, message) => {
    expect(() => compile(schema)).toThrow(message)
  })
})

// A value built from the schema: mostly valid, with something wrong (any JSON, a stray or
// missing key, a string or number out of bounds) now and then at every level, so that both
// accepted and rejected values are common and a rejection usually lies deep.
function shaped(schema: any, root: any, depth = 0): fc.Arbitrary<unknown> {
  const noise = fc.jsonValue({ maxDepth: 2 })
  const mostly = <T, U>(valid: fc.Arbitrary<T>, wrong: fc.Arbitrary<U>) =>
    fc.oneof({ arbitrary: valid, weight: 40 }, { arbitrary: wrong, weight: 1 })
  if (schema === true || depth > 8) return noise
  if (schema.$ref) return shaped(resolvePointer(root, schema.$ref), root, depth + 1)
  const branches = schema.anyOf ?? schema.oneOf
  if (branches) {
    const one = fc.oneof(...branches.map((b: any) => shaped(b, root, depth + 1)))
    // Two alternatives' objects merged: the value several alternatives accept (oneOf rejects).
    const both = fc
      .tuple(one, one)
      .map(([x, y]) => (isObject(x) && isObject(y) ? { ...x, ...y } : x))
    return fc.oneof(one, both)
  }
  if (schema.const !== undefined) return mostly(fc.constant(schema.const), noise)
  if (schema.enum) return mostly(fc.constantFrom(...schema.enum), fc.string({ maxLength: 2 }))
  const child = (sub: any) => shaped(sub ?? true, root, depth + 1)
  switch (schema.type) {
    case 'string': {
      const { minLength = 0, maxLength = 4 } = schema
      // Code points outside the BMP and lone surrogates: lengths count code points.
      const text = (min: number, max: number) =>
        fc.string({ unit: 'binary', minLength: min, maxLength: max })
      const valid = schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern))
        : text(minLength, Math.min(maxLength, minLength + 4))
      const edge = text(Math.max(0, minLength - 1), minLength + 1)
      return mostly(valid, fc.oneof(edge, text(maxLength - 1, maxLength + 1), noise))
    }
    case 'integer':
    case 'number': {
      const { minimum = -3, maximum = 3 } = schema
      const wider = fc.integer({ min: minimum - 2, max: maximum + 2 })
      return mostly(fc.integer({ min: minimum, max: maximum }), fc.oneof(wider, fc.double(), noise))
    }
    case 'boolean':
      return mostly(fc.boolean(), noise)
    case 'array': {
      const { minItems = 0 } = schema
      return mostly(
        fc.array(child(schema.items), { minLength: minItems, maxLength: minItems + 2 }),
        fc.oneof(fc.array(child(schema.items), { maxLength: minItems }), noise)
      )
    }
    case 'object': {
      const known = Object.fromEntries(
        Object.entries<any>(schema.properties ?? {}).map(([key, sub]) => [key, child(sub)])
      )
      const record = (requiredKeys: string[]) => fc.record(known, { requiredKeys })
      const stray = fc.tuple(
        fc.oneof(
          fc.constantFrom('__proto__', 'constructor', 'toString', 'paths', ''),
          fc.string({ maxLength: 3 })
        ),
        schema.additionalProperties === undefined || schema.additionalProperties === false
          ? noise
          : child(schema.additionalProperties)
      )
      const strays = fc.array(stray, { maxLength: 2 })
      return mostly(
        fc
          .tuple(
            schema.required ? mostly(record(schema.required), record([])) : record([]),
            schema.additionalProperties === false ? mostly(fc.constant([]), strays) : strays
          )
          // fromEntries: a `__proto__` key is an own property, as JSON.parse and yaml make it.
          .map(([object, extra]) => Object.fromEntries([...extra, ...Object.entries(object)])),
        noise
      )
    }
  }
  return noise
}
const isObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
function resolvePointer(root: any, ref: string): any {
  return ref
    .split('/')
    .slice(1)
    .reduce((at, part) => at[part], root)
}

describe('the interpreter and ajv agree on accept and reject', () => {
  it.each([
    ['configurations', configSchema, '#', ajvConfig],
    ['findings documents', findingsSchema, '#', ajvFindings],
    ['findings', findingsSchema, '#/$defs/finding', ajvFinding]
  ])('for random %s', (_name, schema: any, pointer, reference) => {
    const validate = compile(schema, pointer)
    const counts = { accepted: 0, rejected: 0 }
    fc.assert(
      fc.property(shaped(resolvePointer(schema, pointer), schema), value => {
        const accepted = reference?.(value) === true
        counts[accepted ? 'accepted' : 'rejected']++
        expect([value, validate(value).problems.length === 0]).toEqual([value, accepted])
      }),
      { numRuns: 2000 }
    )
    // Both outcomes are common, or the agreement says little.
    expect(counts.accepted).toBeGreaterThan(100)
    expect(counts.rejected).toBeGreaterThan(100)
  })

  it('and the configuration loader throws only ConfigError, on exactly what ajv rejects or the matcher rules forbid', () => {
    fc.assert(
      fc.property(shaped(configSchema, configSchema), value => {
        let config: Config | undefined
        try {
          config = validateConfig(value, 'cfg.yml')
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError)
        }
        if (config) expect(ajvConfig(value ?? {})).toBe(true)
      }),
      { numRuns: 1000 }
    )
  })
})

describe('keywords the bundle schema uses', () => {
  const problems = (schema: object, value: unknown) => compile(schema)(value).problems
  // Each schema is judged by ajv too: the interpreter accepts exactly what ajv accepts.
  const agreeWithAjv = (schema: object, values: unknown[]) => {
    const reference = ajv.compile(schema)
    for (const value of values)
      expect([value, problems(schema, value).length === 0]).toEqual([value, reference(value)])
  }

  it('maxItems bounds an array', () => {
    const schema = { type: 'array', maxItems: 2 }
    expect(problems(schema, [1, 2, 3])).toEqual([{ path: [], message: 'expected at most 2 items' }])
    expect(problems({ type: 'array', maxItems: 1 }, [1, 2])).toEqual([
      { path: [], message: 'expected at most 1 item' }
    ])
    agreeWithAjv(schema, [[], [1, 2], [1, 2, 3], 'abc', { length: 9 }])
  })

  // A discriminated form: `kind` chooses which keys are required.
  const forms = {
    type: 'object',
    required: ['kind'],
    properties: { kind: { enum: ['a', 'b'] } },
    if: { properties: { kind: { const: 'a' } } },
    then: { properties: { n: { type: 'integer', default: 0 } } },
    else: { required: ['s'], properties: { s: { type: 'string' } } }
  }

  it('if/then/else applies the form the value selects, and only its problems count', () => {
    expect(problems(forms, { kind: 'a', n: 'x', s: 1 })).toEqual([
      { path: ['n'], message: 'expected integer, received string' }
    ])
    expect(problems(forms, { kind: 'b', n: 'x' })).toEqual([{ path: ['s'], message: 'required' }])
    expect(problems(forms, { kind: 'c', s: 's' })).toEqual([
      { path: ['kind'], message: 'expected one of: a, b' }
    ])
    agreeWithAjv(forms, [
      { kind: 'a' },
      { kind: 'a', n: 1.5 },
      { kind: 'b', s: 's', n: 'x' },
      { kind: 'b' },
      { kind: 'c', s: 's' },
      {},
      [],
      'a'
    ])
  })

  it('if/then/else takes defaults from the form chosen, never from the if', () => {
    const schema = { ...forms, if: { properties: { kind: { const: 'a' }, d: { default: 1 } } } }
    expect(compile(schema)({ kind: 'a' }).value).toEqual({ kind: 'a', n: 0 })
    expect(compile(schema)({ kind: 'b', s: '' }).value).toEqual({ kind: 'b', s: '' })
  })

  it('if/then/else subschemas are checked for unknown keywords too', () => {
    for (const keyword of ['if', 'then', 'else'])
      expect(() => compile({ [keyword]: { format: 'email' } })).toThrow(`#/${keyword}/format`)
  })
})

describe('the bundle schema (schema/bundle.schema.json)', () => {
  const ajvBundle = ajv.compile(bundleSchema)
  const validate = compile(bundleSchema)
  const accepts = (value: unknown): boolean => validate(value).problems.length === 0

  it('is valid JSON Schema 2020-12 for ajv in strict mode, prettier-formatted, and interpretable', () => {
    expect(ajvBundle.schema).toBe(bundleSchema)
    const prettier = join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs')
    expect(() =>
      execFileSync(process.execPath, [prettier, '--check', 'schema/bundle.schema.json'], {
        cwd: ROOT,
        stdio: 'pipe'
      })
    ).not.toThrow()
  })

  const good = (): any => structuredClone(goodBundle)
  const mutated = (mutate: (b: any) => void) => {
    const bundle = good()
    mutate(bundle)
    return bundle
  }
  const branch = mutated(b => {
    b.facts.scope = { kind: 'branch', name: 'release/2025.06' }
    delete b.facts.pullRequest
  })

  it('is judged alike by ajv and the interpreter on a valid bundle and invalid ones', () => {
    const cases = [
      good(),
      branch,
      mutated(b => (b.extra = { any: 'thing' })),
      mutated(b => (b.runs = [])),
      mutated(b => (b.runs = Array(201).fill(b.runs[0]))),
      mutated(b => (b.runs[0].findings[0].message = 'x'.repeat(2001))),
      mutated(b => (b.runs[0].findings[0].message = '😀'.repeat(2000))),
      mutated(b => (b.runs[0].exitCode = null)),
      mutated(b => (b.runs[0].exitCode = 2 ** 32 + 1)),
      mutated(b => (b.runs[0].findingCount = Number.MAX_SAFE_INTEGER + 2)),
      mutated(b => (b.facts.scope = { kind: 'pr', number: 0 })),
      mutated(b => (b.facts.scope = { kind: 'pr', name: 'main' })),
      mutated(b => (b.facts.scope = { kind: 'branch', number: 140 })),
      mutated(b => delete b.facts.pullRequest.baseRef),
      mutated(b => (b.facts.headSha = 'HEAD')),
      mutated(b => (b.createdAt = '2025-06-03T09:14:27+01:00'))
    ]
    const verdicts = cases.map(value => [accepts(value), ajvBundle(value)])
    expect(verdicts.map(([mine, theirs]) => mine === theirs)).not.toContain(false)
    expect(verdicts.map(([mine]) => mine)).toEqual([
      ...[true, true, true, false, false, false, true, true, false, false],
      ...[false, false, false, true, false, false]
    ])
  })

  // Values at and past the bounds the schema states, and of other types, to plant in a bundle.
  const planted: unknown[] = [null, true, 1.5, -1, 0, '', 'x', [], {}, 'pr', 'branch', '😀']
  JSON.stringify(bundleSchema, (key, value) => {
    if (key === 'maxLength') planted.push('x'.repeat(value), '😀'.repeat(value + 1))
    if (key === 'minimum' || key === 'maximum') planted.push(value, value - 1, value + 1)
    if (key === 'enum' || key === 'const') planted.push(...[value].flat())
    return value
  })
  const where = (value: unknown, at: (string | number)[] = []): (string | number)[][] =>
    value !== null && typeof value === 'object'
      ? [at, ...Object.entries(value).flatMap(([key, item]) => where(item, [...at, key]))]
      : [at]
  // A valid bundle with one to three changes: a value replaced, a key removed or added, an
  // array grown past a maxItems. A rejection is usually deep, and so is a disagreement.
  const change = fc.record({
    at: fc.nat(),
    op: fc.constantFrom('set', 'set', 'delete', 'add', 'grow'),
    value: fc.constantFrom(...planted),
    key: fc.constantFrom('extra', 'kind', 'number', 'name', '__proto__'),
    length: fc.constantFrom(51, 101, 201, 1001)
  })
  const bundles = fc
    .tuple(fc.constantFrom(good(), branch), fc.array(change, { minLength: 1, maxLength: 3 }))
    .map(([base, changes]) => {
      const bundle = structuredClone(base)
      for (const { at, op, value, key, length } of changes) {
        const paths = where(bundle).slice(1)
        const path = paths[at % paths.length] as (string | number)[]
        const parent = path.slice(0, -1).reduce((into: any, part) => into[part], bundle)
        const last = path[path.length - 1] as string | number
        if (op === 'grow' && Array.isArray(parent[last]))
          parent[last] = Array(length).fill(parent[last][0] ?? 'x')
        else if (op === 'delete' && !Array.isArray(parent)) delete parent[last]
        // defineProperty: a `__proto__` key is an own property, as JSON.parse makes it.
        else if (op === 'add' && isObject(parent))
          Object.defineProperty(parent, key, {
            value: structuredClone(value),
            enumerable: true,
            writable: true,
            configurable: true
          })
        else parent[last] = structuredClone(value)
      }
      return bundle
    })

  it('is judged alike by ajv and the interpreter on random changes to a valid bundle', () => {
    const counts = { accepted: 0, rejected: 0 }
    fc.assert(
      fc.property(bundles, value => {
        const accepted = ajvBundle(value)
        counts[accepted ? 'accepted' : 'rejected']++
        expect(accepts(value)).toBe(accepted)
      }),
      { numRuns: 1000 }
    )
    expect(counts.accepted).toBeGreaterThan(50)
    expect(counts.rejected).toBeGreaterThan(50)
  })
})
