/**
 * A small interpreter of the JSON Schema (2020-12) subset our committed schemas use, so that the
 * schema editors check a file with (schema/*.schema.json) is the one the action validates it with.
 * A keyword outside the subset throws when the schema is compiled: a schema edit is never
 * silently ignored. Messages are phrased for the person who wrote the file.
 */

type Limit = 'minItems' | 'maxItems' | 'minLength' | 'maxLength' | 'minimum' | 'maximum'
type Applicator = 'additionalProperties' | 'propertyNames' | 'items' | 'if' | 'then' | 'else'
/** The keywords understood, typed as our schemas use them. */
interface Schema extends Partial<Record<Limit, number> & Record<Applicator, SchemaOrBool>> {
  type?: (typeof TYPES)[number]
  properties?: Record<string, SchemaOrBool>
  required?: string[]
  pattern?: string
  enum?: unknown[]
  const?: unknown
  anyOf?: SchemaOrBool[]
  oneOf?: SchemaOrBool[]
  $ref?: string
  default?: unknown
  description?: string
}
type SchemaOrBool = Schema | boolean

const TYPES = ['object', 'array', 'string', 'integer', 'number', 'boolean'] as const
const APPLICATORS = ['additionalProperties', 'propertyNames', 'items', 'if', 'then', 'else']
// Keywords with a plain argument; title, $id and $schema are annotations with no effect.
const PLAIN = ['type', 'required', 'pattern', 'enum', 'const', '$ref', 'default', 'description']
PLAIN.push('minItems', 'maxItems', 'minLength', 'maxLength', 'minimum', 'maximum')
PLAIN.push('title', '$id', '$schema')

export interface Problem {
  path: (string | number)[]
  message: string
}
export type Validator<T> = (value: unknown) => { value: T; problems: Problem[] }
type Path = Problem['path']

const kind = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
// As ajv: an integer is a number without a fraction; neither is NaN or infinite.
function isType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value)
  return type === 'number' ? Number.isFinite(value) : kind(value) === type
}
const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`
const isScalar = (value: unknown): boolean => value !== Object(value)

/**
 * Compiles `root` (or the subschema at `pointer`, such as `#/$defs/finding`) into a validator
 * that returns the value with `default`s applied to absent properties (deep copies), and every
 * problem found, each at the path of the offending value.
 */
export function compile<T>(root: object, pointer = '#'): Validator<T> {
  const patterns = new Map<string, RegExp>()
  const resolve = (ref: string): SchemaOrBool => {
    if (!/^#(\/|$)/.test(ref)) throw new Error(`$ref ${ref}: only #/... references are supported`)
    let at: unknown = root
    for (const part of ref.split('/').slice(1)) at = (at as Record<string, unknown>)?.[part]
    if (typeof at !== 'boolean' && kind(at) !== 'object') throw new Error(`$ref ${ref}: not found`)
    return at as SchemaOrBool
  }
  // The whole schema is checked at once, reached or not: the first use fails, not a later one.
  const check = (schema: unknown, at: string): void => {
    if (typeof schema === 'boolean') return
    if (kind(schema) !== 'object') throw new Error(`${at}: a schema must be an object or boolean`)
    for (const [keyword, arg] of Object.entries(schema as object)) {
      const here = `${at}/${keyword}`
      const unsupported = (what: string) =>
        new Error(`${here}: ${what} not supported by src/json-schema.ts`)
      if (keyword === 'properties' || keyword === '$defs')
        for (const [name, sub] of Object.entries(arg as object)) check(sub, `${here}/${name}`)
      else if (keyword === 'anyOf' || keyword === 'oneOf')
        (arg as unknown[]).forEach((sub, i) => check(sub, `${here}/${i}`))
      else if (APPLICATORS.includes(keyword)) check(arg, here)
      else if (!PLAIN.includes(keyword)) throw unsupported('this keyword is')
      else if (keyword === 'type' && !(TYPES as readonly unknown[]).includes(arg))
        throw unsupported('this type is')
      // enum and const compare with ===: objects would need a deep equality nothing uses yet.
      else if ((keyword === 'enum' || keyword === 'const') && ![arg].flat().every(isScalar))
        throw unsupported('objects are')
      else if (keyword === 'pattern') patterns.set(arg as string, new RegExp(arg as string, 'u'))
      else if (keyword === '$ref') resolve(arg as string)
    }
  }

  const validate = (s: SchemaOrBool, value: unknown, path: Path, out: Problem[]): unknown => {
    const fail = (message: string, at = path): unknown => (out.push({ path: at, message }), value)
    if (typeof s === 'boolean') return s ? value : fail('not allowed')
    if (s.$ref !== undefined) value = validate(resolve(s.$ref), value, path, out)
    if (s.type && !isType(value, s.type)) return fail(`expected ${s.type}, received ${kind(value)}`)
    if (s.const !== undefined && value !== s.const) fail(`expected ${JSON.stringify(s.const)}`)
    if (s.enum && !s.enum.includes(value)) fail(`expected one of: ${s.enum.join(', ')}`)
    const { minLength = 0, maxLength = Infinity, minimum = -Infinity, maximum = Infinity } = s
    const { minItems = 0, maxItems = Infinity } = s
    if (typeof value === 'string') {
      const length = [...value].length // code points, as JSON Schema counts characters
      if (length < minLength) fail(`expected at least ${plural(minLength, 'character')}`)
      if (length > maxLength) fail(`expected at most ${plural(maxLength, 'character')}`)
      if (s.pattern !== undefined && !patterns.get(s.pattern)?.test(value))
        fail(`expected ${s.description ?? `a string matching ${s.pattern}`}`)
    }
    if (typeof value === 'number' && value < minimum) fail(`expected at least ${minimum}`)
    if (typeof value === 'number' && value > maximum) fail(`expected at most ${maximum}`)
    if (Array.isArray(value)) {
      if (value.length < minItems) fail(`expected at least ${plural(minItems, 'item')}`)
      if (value.length > maxItems) fail(`expected at most ${plural(maxItems, 'item')}`)
      value = value.map((item, i) => validate(s.items ?? true, item, [...path, i], out))
    }
    if (kind(value) === 'object') {
      const object = value as Record<string, unknown>
      const properties = s.properties ?? {}
      const known = Object.keys(properties)
      const entries: [string, unknown][] = []
      for (const key of s.required ?? [])
        if (!Object.hasOwn(object, key)) fail('required', [...path, key])
      for (const [key, sub] of Object.entries(properties)) {
        if (Object.hasOwn(object, key))
          entries.push([key, validate(sub, object[key], [...path, key], out)])
        // Only for an absent key, and a copy: the caller may change the value it gets.
        else if (typeof sub === 'object' && sub.default !== undefined)
          entries.push([key, structuredClone(sub.default)])
      }
      for (const [key, item] of Object.entries(object)) {
        const at = [...path, key]
        if (s.propertyNames !== undefined) validate(s.propertyNames, key, at, out)
        if (Object.hasOwn(properties, key)) continue
        if (s.additionalProperties === false)
          fail(`unknown key${known.length ? `; expected one of: ${known.join(', ')}` : ''}`, at)
        else entries.push([key, validate(s.additionalProperties ?? true, item, at, out)])
      }
      // fromEntries defines own properties: a `__proto__` key stays data, never a prototype.
      value = Object.fromEntries(entries)
    }
    // A form chosen by a value (a discriminator such as `kind`): only that form's problems count,
    // where an anyOf of the forms could only say that none matched.
    if (s.if !== undefined) {
      const unmet: Problem[] = []
      validate(s.if, value, path, unmet)
      const form = unmet.length === 0 ? s.then : s.else
      if (form !== undefined) value = validate(form, value, path, out)
    }
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const branches = s[keyword]
      if (!branches) continue
      const tries = branches.map(branch => {
        const problems: Problem[] = []
        return { value: validate(branch, value, path, problems), problems }
      })
      const passed = tries.filter(one => one.problems.length === 0)
      // One branch got past the shape of the value (its problems lie deeper): it says the most.
      const near = tries.filter(one => one.problems.some(p => p.path.length > path.length))
      if (passed.length === 1 || (passed[0] && keyword === 'anyOf')) value = passed[0]?.value
      else if (passed.length > 1)
        fail(`expected exactly one of ${branches.length} forms, it matches ${passed.length}`)
      else if (near.length === 1) out.push(...(near[0]?.problems ?? []))
      else fail(`expected ${s.description ?? `one of ${branches.length} forms`}`)
    }
    return value
  }

  check(root, '#')
  const target = resolve(pointer)
  return value => {
    const problems: Problem[] = []
    return { value: validate(target, value, [], problems) as T, problems }
  }
}
