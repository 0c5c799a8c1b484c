import { jsonPathSegments, pointerSegments } from '../../../src/parse/locate.js'
import { commandOption } from '../../../src/parse/command.js'
import type { RawFinding } from './types.js'

/**
 * Where a JSON value sits in a document: which array holds it decides how it is read.
 * `findings` (ours), `results` (SARIF runs[].results), `errors`/`parse_errors`
 * (check-jsonschema), `problems` (Redocly), `array` (a bare array: ours or Spectral's),
 * `value` (a document or JSON Lines object: ours or buf's).
 */
export type JsonContainer =
  'findings' | 'results' | 'errors' | 'parse_errors' | 'problems' | 'array' | 'value'

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined
const int = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) ? value : undefined

/**
 * A contract tool's JSON problem as a finding; `undefined` when it is not an error (a warning,
 * a note); `null` when the value has no tool's shape (the caller then tries our own format).
 */
export function toolFinding(
  value: unknown,
  container: JsonContainer,
  command: string
): RawFinding | undefined | null {
  if (!isObject(value)) return null
  switch (container) {
    case 'results':
      return sarifResult(value)
    case 'errors':
    case 'parse_errors':
      return checkJsonschema(value, command)
    case 'problems':
      return redocly(value)
    case 'array':
      return 'code' in value && 'range' in value ? spectral(value) : null
    case 'value':
      return 'start_line' in value && 'type' in value ? buf(value) : null
    default:
      return null
  }
}

/** SARIF 2.1.0 `result`: a `level` absent means `warning` (SARIF §3.27.10), not a finding. */
function sarifResult(result: Json): RawFinding | undefined {
  const level = str(result.level) ?? (result.kind === 'fail' || !result.kind ? 'warning' : 'none')
  if (level !== 'error') return undefined
  const message = isObject(result.message)
    ? (str(result.message.text) ?? str(result.message.markdown))
    : undefined
  const rule = str(result.ruleId) ?? (isObject(result.rule) ? str(result.rule.id) : undefined)
  const files: string[] = []
  let line: number | undefined
  for (const location of Array.isArray(result.locations) ? result.locations : []) {
    const physical = isObject(location) ? location.physicalLocation : undefined
    if (!isObject(physical)) continue
    const uri = isObject(physical.artifactLocation) ? str(physical.artifactLocation.uri) : undefined
    if (uri) files.push(fromUri(uri))
    const region = physical.region
    if (isObject(region)) line ??= int(region.startLine)
  }
  return {
    tag: 'sarif',
    message: [rule, message ?? 'no message'].filter(Boolean).join(': '),
    ...(files.length ? { files } : {}),
    ...(line !== undefined && line > 0 ? { line } : {})
  }
}

/** A `file:` URI or a relative reference (resolved against `uriBaseId`, the checkout). */
function fromUri(uri: string): string {
  const path = uri.replace(/^file:\/\/(?:localhost)?/, '')
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

/** `buf breaking|lint --error-format=json`: one object per line. */
function buf(value: Json): RawFinding | null {
  const message = str(value.message)
  if (!message) return null
  const path = str(value.path)
  const line = int(value.start_line)
  return {
    tag: 'buf',
    message: [str(value.type), message].filter(Boolean).join(': '),
    ...(path ? { files: [path] } : {}),
    ...(line !== undefined && line > 0 ? { line } : {})
  }
}

/** Spectral `-f json`: severity 0 is an error; lines are 0-based. */
function spectral(value: Json): RawFinding | undefined | null {
  const message = str(value.message)
  if (!message) return null
  if (value.severity !== 0) return undefined
  const source = str(value.source)
  const start = isObject(value.range) && isObject(value.range.start) ? value.range.start : {}
  const line = int(start.line)
  return {
    tag: 'spectral',
    message: [str(value.code), message].filter(Boolean).join(': '),
    ...(source ? { files: [source] } : {}),
    ...(line !== undefined && line >= 0 ? { line: line + 1 } : {})
  }
}

/** check-jsonschema `-o json`: the data file, the JSONPath in it, and the schema it broke. */
function checkJsonschema(value: Json, command: string): RawFinding | null {
  const message = str(value.message)
  const filename = str(value.filename)
  if (!message || !filename) return null
  const path = str(value.path)
  const schema = commandOption(command, ['--schemafile', '--builtin-schema'])
  const where = path ? ` at ${path}` : ''
  return {
    tag: 'check-jsonschema',
    message: `${filename}${where}: ${message}${schema ? ` (schema ${schema})` : ''}`,
    files: [filename],
    ...(path ? { location: { pointer: jsonPathSegments(path) } } : {})
  }
}

/** Redocly `lint -f json`: errors only, located by a JSON pointer into the source. */
function redocly(value: Json): RawFinding | undefined | null {
  const message = str(value.message)
  if (!message) return null
  if (value.severity !== 'error') return undefined
  const first: unknown = Array.isArray(value.location) ? value.location[0] : undefined
  const ref = isObject(first) && isObject(first.source) ? str(first.source.ref) : undefined
  const pointer = isObject(first) ? str(first.pointer) : undefined
  return {
    tag: 'redocly',
    message: [str(value.ruleId), message].filter(Boolean).join(': '),
    ...(ref ? { files: [ref] } : {}),
    ...(pointer ? { location: { pointer: pointerSegments(pointer) } } : {})
  }
}
