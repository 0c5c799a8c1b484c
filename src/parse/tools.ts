import { jsonPathSegments, pointerSegments } from './locate.js'
import { commandOption } from './command.js'
import { Kind, Members, peekObject } from './peek.js'
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

// The members that decide whether a tool's problem is a finding (see toolFinding's shapes).
const DECIDING = ['level', 'message', 'filename', 'severity', 'code', 'range', 'start_line', 'type']
const [LEVEL, MESSAGE, FILENAME, SEVERITY, CODE, RANGE, START_LINE, TYPE] = [0, 1, 2, 3, 4, 5, 6, 7]

/** Reads the members countsAsFinding decides by, and `also` (other names a reader asks about). */
export function decidingMembers(also: readonly string[] = []): Members {
  return new Members([...DECIDING, ...also])
}

const deciding = decidingMembers()

/**
 * Whether toolFinding would make a finding of the JSON value in `bytes` (from `start` to
 * `end`), read without parsing it: past the findings kept, it is only counted. `undefined`
 * when that takes the whole value: not valid JSON (the parse error is the message), not a
 * tool's shape (our own format's schema decides), or a deciding string with escapes.
 */
export function countsAsFinding(
  bytes: Buffer,
  start: number,
  end: number,
  container: JsonContainer
): boolean | undefined {
  if (container === 'findings') return undefined
  if (!peekObject(bytes, deciding, start, end)) return undefined
  return decides(bytes, deciding, container)
}

/**
 * countsAsFinding for a value whose members decidingMembers() has already read (scanObject),
 * where the value is valid JSON: the stream reader reads each element once.
 */
export function decides(
  bytes: Buffer,
  members: Members,
  container: JsonContainer
): boolean | undefined {
  const kind = members.kind
  switch (container) {
    case 'findings':
      return undefined
    case 'results':
      // Only `level: "error"` is an error; without a level SARIF means a warning.
      return members.is(bytes, LEVEL, 'error')
    case 'errors':
    case 'parse_errors':
      return members.filled(MESSAGE) && members.filled(FILENAME) ? true : undefined
    case 'problems':
      return members.filled(MESSAGE) ? members.is(bytes, SEVERITY, 'error') : undefined
    case 'array':
      if (!kind[CODE] || !kind[RANGE] || !members.filled(MESSAGE)) return undefined
      return (
        kind[SEVERITY] === Kind.Number &&
        Number(
          bytes.toString(
            'latin1',
            members.start[SEVERITY] as number,
            members.end[SEVERITY] as number
          )
        ) === 0
      )
    case 'value':
      return kind[START_LINE] && kind[TYPE] && members.filled(MESSAGE) ? true : undefined
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
  const schema = schemaOption(command)
  const where = path ? ` at ${path}` : ''
  return {
    tag: 'check-jsonschema',
    message: `${filename}${where}: ${message}${schema ? ` (schema ${schema})` : ''}`,
    files: [filename],
    ...(path ? { location: { pointer: jsonPathSegments(path) } } : {})
  }
}

let schemaOf: { command: string; schema: string | undefined } | undefined
/** The schema check-jsonschema was given; once per command, not once per problem. */
function schemaOption(command: string): string | undefined {
  if (schemaOf?.command !== command)
    schemaOf = { command, schema: commandOption(command, ['--schemafile', '--builtin-schema']) }
  return schemaOf.schema
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
