// @ts-check
/**
 * GitHub's official OpenAPI description (`@octokit/openapi`, pinned) turned into request and
 * response validators for the operations the emulator implements.
 *
 * Only `generated/api.github.com.json` is read (the package's index.js loads every edition,
 * ~400 MB), and only once per machine: the operations the emulator implements and the components
 * they reach are kept in the temporary folder (`specFor`). The compiled validators are cached at
 * module level, so a process pays for them once however many emulators it starts.
 */
import { createHash } from 'node:crypto'
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'

/** @typedef {import('ajv').ValidateFunction} ValidateFunction */
/** @typedef {{ method: string, template: string }} OperationKey */
/**
 * @typedef {object} Operation
 * @property {string} method             lower-case HTTP method
 * @property {string} template           OpenAPI path template, e.g. /repos/{owner}/{repo}/issues
 * @property {string} operationId
 * @property {string} docsUrl            externalDocs.url (GitHub puts it in its error bodies)
 * @property {RegExp} regex              matches a request path; groups are the path parameters
 * @property {string[]} pathParams
 * @property {number} literalSegments    for ordering matches (more literal segments win)
 * @property {ValidateFunction} params   validates { path: {...}, query: {...} } (coerces, defaults)
 * @property {ValidateFunction | null} body
 * @property {boolean} bodyRequired
 * @property {Map<number, ValidateFunction | null>} responses  null: declared without JSON content
 */

const require = createRequire(import.meta.url)
export const SPEC_PATH = join(
  dirname(require.resolve('@octokit/openapi/package.json')),
  'generated',
  'api.github.com.json'
)

/** @type {any} */
let documentCache = null
/** @returns {any} the parsed api.github.com description (cached per process) */
export function loadDocument() {
  if (!documentCache) documentCache = JSON.parse(readFileSync(SPEC_PATH, 'utf8'))
  return documentCache
}

/**
 * Places where the published description disagrees with what api.github.com does and accepts.
 * Each is applied to the (transformed) component or operation before compiling. Keep this list
 * short and explained: anything here weakens the check.
 * @type {Array<{ why: string, apply: (doc: any) => void }>}
 */
const SPEC_PATCHES = [
  {
    why: 'PUT /issues/{n}/labels documents `labels: []` to clear all labels, but the schema says minItems 1 and its two oneOf branches both accept {}',
    apply: doc => {
      const op = doc.paths['/repos/{owner}/{repo}/issues/{issue_number}/labels'].put
      op.requestBody.content['application/json'].schema = {
        anyOf: [
          { type: 'object', properties: { labels: { type: 'array', items: { type: 'string' } } } },
          {
            type: 'object',
            properties: {
              labels: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { name: { type: 'string' } },
                  required: ['name']
                }
              }
            }
          },
          { type: 'array', items: { type: 'string' } },
          { type: 'string' }
        ]
      }
    }
  },
  {
    why: 'assigned/unassigned events by a user carry performed_via_github_app: null, the schema demands an integration',
    apply: doc => {
      for (const name of ['assigned-issue-event', 'unassigned-issue-event']) {
        const s = doc.components.schemas[name]
        if (s?.properties?.performed_via_github_app)
          s.properties.performed_via_github_app = {
            $ref: '#/components/schemas/nullable-integration'
          }
      }
    }
  },
  {
    why: 'GET /issues/{n}/events returns closed/reopened events (state-change-issue-event), missing from the issue-event-for-issue anyOf',
    apply: doc => {
      const s = doc.components.schemas['issue-event-for-issue']
      if (
        s?.anyOf &&
        !s.anyOf.some((/** @type {any} */ x) => x.$ref?.endsWith('/state-change-issue-event'))
      )
        s.anyOf.push({ $ref: '#/components/schemas/state-change-issue-event' })
    }
  }
]

const DROP_KEYS = new Set([
  'description',
  'example',
  'examples',
  'x-github-breaking-changes',
  'title',
  'readOnly',
  'writeOnly',
  'deprecated',
  'externalDocs',
  'discriminator',
  'xml'
])

/**
 * OpenAPI 3.0 schema → JSON Schema for ajv: `nullable: true` becomes a null type (or an anyOf
 * with null when there is no `type`), annotations are dropped, component refs point at the
 * shared components schema registered with ajv.
 * @param {any} schema
 * @returns {any}
 */
export function toJsonSchema(schema) {
  if (Array.isArray(schema)) return schema.map(toJsonSchema)
  if (!schema || typeof schema !== 'object') return schema
  /** @type {Record<string, any>} */
  const out = {}
  for (const [k, v] of Object.entries(schema)) {
    if (DROP_KEYS.has(k) || k.startsWith('x-')) continue
    if (k === 'nullable') continue
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
      out.$ref = `gh-components#/definitions/${v.slice('#/components/schemas/'.length)}`
      continue
    }
    if (k === 'properties' && v && typeof v === 'object') {
      /** @type {Record<string, any>} */
      const props = {}
      for (const [p, ps] of Object.entries(v)) if (ps !== null) props[p] = toJsonSchema(ps)
      out.properties = props
      continue
    }
    if (k === 'enum' && schema.nullable === true && Array.isArray(v) && !v.includes(null)) {
      out.enum = [...v, null]
      continue
    }
    out[k] = toJsonSchema(v)
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null']
    else if (Array.isArray(out.type)) out.type = [...new Set([...out.type, 'null'])]
    else return { anyOf: [out, { type: 'null' }] }
  }
  return out
}

/**
 * @param {any} doc
 * @param {any} node
 * @returns {any} node with a top-level `$ref` into components.{parameters,responses,requestBodies} resolved
 */
function deref(doc, node) {
  let n = node
  while (n && typeof n.$ref === 'string' && !n.$ref.startsWith('#/components/schemas/')) {
    const parts = n.$ref.slice(2).split('/')
    n = parts.reduce((/** @type {any} */ acc, /** @type {string} */ p) => acc?.[p], doc)
  }
  return n
}

/** @param {string} template @param {Set<string>} [multiSegment] */
function templateRegex(template, multiSegment = new Set()) {
  /** @type {string[]} */
  const names = []
  const source = template
    .split('/')
    .map(seg => {
      const m = /^\{([^}]+)\}$/.exec(seg)
      if (m) {
        names.push(/** @type {string} */ (m[1]))
        // `x-multi-segment` parameters (a file path) may hold slashes, sent raw or as %2F.
        return multiSegment.has(m[1]) ? '(.+)' : '([^/]+)'
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('/')
  return {
    regex: new RegExp(`^${source}/?$`),
    names,
    literal: template.split('/').filter(s => s && !s.startsWith('{')).length
  }
}

/**
 * A response's validator by status, compiled on first `get`: most operations answer a test with
 * one or two of the statuses GitHub documents, and compiling is most of an emulator's start.
 * @extends {Map<number, any>}
 */
class LazyValidators extends Map {
  /** @param {import('ajv').default} ajv */
  constructor(ajv) {
    super()
    this.ajv = ajv
    /** @type {Map<number, () => object>} the schemas not compiled yet */
    this.pending = new Map()
  }

  /** @param {number} status @param {(() => object) | null} schema */
  declare(status, schema) {
    this.set(status, null)
    if (schema) this.pending.set(status, schema)
  }

  /** @param {number} status */
  get(status) {
    const schema = this.pending.get(status)
    if (schema) {
      this.pending.delete(status)
      this.set(status, this.ajv.compile(schema()))
    }
    return super.get(status)
  }
}

/**
 * The `#/components/...` references `roots` make, directly or through the components they name.
 * @param {any} doc @param {any[]} roots
 */
function reachable(doc, roots) {
  /** @type {Set<string>} */
  const refs = new Set()
  const stack = [...roots]
  while (stack.length > 0) {
    const node = stack.pop()
    if (!node || typeof node !== 'object') continue
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/')) {
        if (refs.has(value)) continue
        refs.add(value)
        const [kind = '', name = ''] = value.slice('#/components/'.length).split('/')
        stack.push(doc.components[kind]?.[name.replace(/~1/g, '/').replace(/~0/g, '~')])
      } else if (value && typeof value === 'object') stack.push(value)
    }
  }
  return refs
}

/**
 * The description cut down to the operations `keys` name and the components they reach, with
 * SPEC_PATCHES applied. Parsing the whole 13 MB description and converting its ~1,000 schemas
 * is most of an emulator's start, and every process pays it (each jest suite has its own module
 * registry), so the cut is written to the temporary folder under a digest of the description's
 * version and of this file: the next process reads a few hundred kilobytes instead.
 * @param {OperationKey[]} keys
 * @returns {any}
 */
function specFor(keys) {
  const spec = statSync(SPEC_PATH)
  const digest = createHash('sha256')
    .update(readFileSync(join(dirname(SPEC_PATH), '..', 'package.json')))
    .update(`${spec.size} ${spec.mtimeMs}\n`)
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(keys.map(k => `${k.method} ${k.template}`).join('\n'))
    .digest('hex')
    .slice(0, 16)
  const file = join(tmpdir(), `contract-drift-emulator-openapi-${digest}.json`)
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    // not cut yet (or unreadable): cut it below
  }
  // A copy: the patches must not change the document findSpecOperation reads.
  const doc = JSON.parse(readFileSync(SPEC_PATH, 'utf8'))
  for (const patch of SPEC_PATCHES) patch.apply(doc)
  /** @type {Record<string, Record<string, any>>} */
  const paths = {}
  for (const { method, template } of keys) {
    const op = doc.paths[template]?.[method]
    if (!op) throw new Error(`OpenAPI description has no ${method.toUpperCase()} ${template}`)
    ;(paths[template] ??= {})[method] = op
  }
  /** @type {Record<string, Record<string, any>>} */
  const components = { schemas: {} }
  for (const ref of reachable(doc, Object.values(paths))) {
    const [kind = '', name = ''] = ref.slice('#/components/'.length).split('/')
    const key = name.replace(/~1/g, '/').replace(/~0/g, '~')
    ;(components[kind] ??= {})[key] = doc.components[kind][key]
  }
  const cut = { paths, components }
  try {
    // Written aside and renamed: suites starting together never read half a file.
    const aside = `${file}.${process.pid}`
    writeFileSync(aside, JSON.stringify(cut))
    renameSync(aside, file)
  } catch {
    // a read-only temporary folder: the next process cuts it again
  }
  return cut
}

/** @type {Map<string, { ops: Operation[], compileMs: number }>} */
const compiledCache = new Map()

/** The two ajv instances (plain, and coercing for parameters) knowing `doc`'s schemas. @param {any} doc */
function ajvInstances(doc) {
  /** @type {Record<string, any>} */
  const definitions = {}
  for (const [name, schema] of Object.entries(doc.components.schemas))
    definitions[name] = toJsonSchema(schema)
  const components = { $id: 'gh-components', definitions }
  /** @param {boolean} coerce */
  const make = coerce => {
    // ajv is CommonJS: under plain node the default import is module.exports
    const AjvClass = /** @type {typeof import('ajv').default} */ (
      /** @type {any} */ (Ajv).default ?? Ajv
    )
    const ajv = new AjvClass({
      strict: false,
      allErrors: false,
      validateSchema: false,
      coerceTypes: coerce ? 'array' : false,
      useDefaults: coerce,
      addUsedSchema: false,
      code: { optimize: false }
    })
    const fmt = /** @type {typeof import('ajv-formats').default} */ (
      /** @type {any} */ (addFormats).default ?? addFormats
    )
    fmt(ajv)
    ajv.addFormat('uri-template', true)
    ajv.addSchema(components)
    return ajv
  }
  return { ajv: make(false), ajvParams: make(true) }
}

/**
 * Compiles validators for the given operations (cached per process for the same list).
 * @param {OperationKey[]} keys
 * @returns {{ ops: Operation[], compileMs: number }}
 */
export function compileOperations(keys) {
  const cacheKey = keys.map(k => `${k.method} ${k.template}`).join('\n')
  const hit = compiledCache.get(cacheKey)
  if (hit) return hit
  const started = performance.now()
  const doc = specFor(keys)
  const { ajv, ajvParams } = ajvInstances(doc)
  /** @type {Operation[]} */
  const ops = []
  for (const { method, template } of keys) {
    const op = doc.paths[template]?.[method]
    if (!op) throw new Error(`OpenAPI description has no ${method.toUpperCase()} ${template}`)
    const params = (op.parameters ?? []).map((/** @type {any} */ p) => deref(doc, p))
    /** @param {'path' | 'query'} where */
    const group = where => {
      /** @type {Record<string, any>} */
      const properties = {}
      /** @type {string[]} */
      const required = []
      for (const p of params.filter((/** @type {any} */ p) => p.in === where)) {
        properties[p.name] = toJsonSchema(p.schema ?? {})
        if (p.required) required.push(p.name)
      }
      return { type: 'object', properties, required }
    }
    const rb = deref(doc, op.requestBody)
    const bodySchema = rb?.content?.['application/json']?.schema
    const responses = new LazyValidators(ajv)
    for (const [status, resp] of Object.entries(op.responses ?? {})) {
      const r = deref(doc, resp)
      const schema = r?.content?.['application/json']?.schema
      responses.declare(Number(status), schema ? () => toJsonSchema(schema) : null)
    }
    const multi = new Set(
      params
        .filter((/** @type {any} */ p) => p.in === 'path' && p['x-multi-segment'])
        .map((/** @type {any} */ p) => p.name)
    )
    const { regex, names, literal } = templateRegex(template, multi)
    /** @type {ValidateFunction | undefined} */
    let paramsValidator
    /** @type {ValidateFunction | null | undefined} */
    let bodyValidator
    ops.push({
      method,
      template,
      operationId: op.operationId,
      docsUrl: op.externalDocs?.url ?? 'https://docs.github.com/rest',
      regex,
      pathParams: names,
      literalSegments: literal,
      // Compiled when a request first needs them: a test suite calls a handful of the operations.
      get params() {
        return (paramsValidator ??= ajvParams.compile({
          type: 'object',
          properties: { path: group('path'), query: group('query') },
          required: ['path', 'query']
        }))
      },
      get body() {
        if (bodyValidator === undefined)
          bodyValidator = bodySchema ? ajv.compile(toJsonSchema(bodySchema)) : null
        return bodyValidator
      },
      bodyRequired: Boolean(rb?.required),
      responses
    })
  }
  ops.sort((a, b) => b.literalSegments - a.literalSegments)
  const result = { ops, compileMs: performance.now() - started }
  compiledCache.set(cacheKey, result)
  return result
}

/** @type {Array<{ method: string, template: string, regex: RegExp, operationId: string }> | null} */
let allRoutes = null
/**
 * Finds any operation of api.github.com for a request the emulator does not implement, to say
 * so in the violation ("GitHub has this, the emulator does not" vs "GitHub has no such route").
 * @param {string} method
 * @param {string} path
 */
export function findSpecOperation(method, path) {
  if (!allRoutes) {
    const doc = loadDocument()
    allRoutes = []
    for (const [template, item] of Object.entries(doc.paths))
      for (const [m, op] of Object.entries(/** @type {Record<string, any>} */ (item)))
        if (op && typeof op === 'object' && op.operationId)
          allRoutes.push({
            method: m,
            template,
            regex: templateRegex(template).regex,
            operationId: op.operationId
          })
  }
  return allRoutes.find(r => r.method === method.toLowerCase() && r.regex.test(path)) ?? null
}

/**
 * One line per ajv error, in GitHub's wording where it is cheap to imitate.
 * @param {import('ajv').ErrorObject[] | null | undefined} errors
 * @param {string} where
 */
export function describeErrors(errors, where) {
  return (errors ?? [])
    .slice(0, 5)
    .map(
      e =>
        `${where}${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${JSON.stringify(e.params.allowedValues)})` : ''}`
    )
    .join('; ')
}
