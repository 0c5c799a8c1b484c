import { StringDecoder } from 'node:string_decoder'
import * as z from 'zod/mini'
import '../zod.js'
import { toolFinding, type JsonContainer } from './tools.js'
import type { ParserEvents, RawFinding, StreamParser } from './types.js'

/**
 * One finding of our JSON format (schema/findings.schema.json): a JSON Lines stream of these,
 * a `{ "findings": [...] }` document, or a bare array. Unknown keys are ignored.
 */
const buildFindingSchema = () =>
  z.object({
    tag: z.optional(z.string().check(z.maxLength(100))),
    message: z.string().check(z.minLength(1)),
    file: z.optional(z.string().check(z.minLength(1))),
    line: z.optional(z.int().check(z.minimum(1))),
    runtime: z.optional(z.boolean()),
    severity: z.optional(z.enum(['error', 'warning', 'notice']))
  })
let findingSchema: ReturnType<typeof buildFindingSchema> | undefined
/** Built on the first JSON finding: other formats never pay for it. */
export const jsonFindingSchema = (): ReturnType<typeof buildFindingSchema> =>
  (findingSchema ??= buildFindingSchema())
export type JsonFinding = z.infer<ReturnType<typeof buildFindingSchema>>

const MAX_VALUE = 1024 * 1024
const STRING_STOP = /["\\\n]/g
const MAX_DEPTH = 256

interface Capture {
  parts: string[]
  size: number
  from: number
  overflow: boolean
  line: number
}

/**
 * One parsed value as a finding, read by the shape its container gives it (a tool's problem,
 * else our own finding); a string saying why when it is neither.
 */
export function toRawFinding(
  value: unknown,
  container: JsonContainer = 'value',
  command = ''
): RawFinding | undefined | string {
  const tool = toolFinding(value, container, command)
  if (tool !== null) return tool
  const parsed = jsonFindingSchema().safeParse(value)
  if (!parsed.success) {
    return parsed.error.issues
      .map(issue => `${issue.path.join('.') || 'finding'}: ${issue.message}`)
      .join('; ')
  }
  const finding = parsed.data
  if (finding.severity && finding.severity !== 'error') return undefined
  return {
    tag: finding.tag ?? '',
    message: finding.message,
    ...(finding.file ? { files: [finding.file] } : {}),
    ...(finding.line !== undefined ? { line: finding.line } : {}),
    ...(finding.runtime !== undefined ? { runtime: finding.runtime } : {})
  }
}

// Arrays of problems inside a top-level object, and the key that must come first to tell the
// tool (a JSON Lines object with an `errors` key is a log line, not check-jsonschema's report).
const CONTAINERS: Record<string, { after?: string; container: JsonContainer }> = {
  findings: { container: 'findings' },
  errors: { after: 'status', container: 'errors' },
  parse_errors: { after: 'status', container: 'parse_errors' },
  problems: { after: 'totals', container: 'problems' }
}

// Our own format's elements are `findings[n]` whether in a document or a bare array.
const label = (container: JsonContainer): string => (container === 'array' ? 'findings' : container)

/**
 * Reads JSON findings as they stream, one value at a time: memory holds at most the value being
 * read (1 MiB at most), never the document. Our findings, SARIF (runs[].results[]), buf's JSON
 * Lines, Spectral's array, check-jsonschema's and Redocly's reports are read alike: the array
 * that holds the problems is streamed. Malformed input becomes notes, not exceptions.
 */
export function jsonParser(events: ParserEvents, command = ''): StreamParser {
  // Node's own decoder: TextDecoder in streaming mode was most of the parse time.
  const decoder = new StringDecoder('utf8')
  let line = 1
  let depth = 0
  let inString = false
  let escaped = false
  let skipping = false
  let jsonLines = false
  let topKind: 'object' | 'array' | undefined
  let top: Capture | undefined
  let element: Capture | undefined
  let badElement = false
  let containerDepth = 0
  let container: JsonContainer = 'array'
  let elementIndex = 0
  // Keys seen at the top level, and whether we are inside SARIF's `runs` array.
  let topKeys = new Set<string>()
  let sarifRuns = false
  let key: string | undefined
  let keyBuf = ''
  let keying = false
  let awaitingColon = false
  let expectValue = false
  let findings = 0
  let problems = 0
  let text = ''

  const note = (message: string): void => {
    problems++
    events.note(message)
  }
  // The document itself is broken (SPEC §2: an error, not drift), as opposed to a value in it.
  const broken = (message: string): void => {
    problems++
    events.unreadable(`JSON ${message}`)
  }
  const start = (at: number): Capture => ({ parts: [], size: 0, from: at, overflow: false, line })
  const flush = (capture: Capture, upto: number): void => {
    if (capture.overflow || capture.from < 0) return
    const piece = text.slice(capture.from, upto)
    capture.size += piece.length
    if (capture.size > MAX_VALUE) {
      capture.overflow = true
      capture.parts = []
    } else capture.parts.push(piece)
    capture.from = -1
  }
  const accept = (capture: Capture, upto: number, where: string, kind: JsonContainer): void => {
    flush(capture, upto)
    if (capture.overflow) return note(`${where}: larger than 1 MiB, skipped`)
    let value: unknown
    try {
      value = JSON.parse(capture.parts.join(''))
    } catch (error) {
      return broken(`not valid at ${where}: ${(error as Error).message.split('\n')[0]}`)
    }
    const raw = toRawFinding(value, kind, command)
    if (typeof raw === 'string') return note(`${where}: not a finding, ${raw}`)
    if (raw) {
      findings++
      events.finding(raw)
    }
  }
  const reset = (): void => {
    depth = 0
    inString = escaped = keying = awaitingColon = expectValue = badElement = false
    topKind = top = element = key = undefined
    containerDepth = 0
    topKeys = new Set()
    sarifRuns = false
  }
  const fail = (message: string, report = note): void => {
    report(message)
    reset()
    skipping = true
  }

  const read = (chunk: string): void => {
    text = chunk
    if (top) top.from = 0
    if (element) element.from = 0
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === 10) line++
      if (skipping) {
        if (c === 10) skipping = false
        continue
      }
      if (inString) {
        if (!escaped && !keying && c !== 92 && c !== 34 && c !== 10) {
          // The plain run of a string value: jump to where it can end, a native search.
          STRING_STOP.lastIndex = i
          const stop = STRING_STOP.exec(text)
          i = (stop ? stop.index : text.length) - 1
          continue
        }
        if (escaped) escaped = false
        else if (c === 92) escaped = true
        else if (c === 34) {
          inString = false
          if (keying) {
            keying = false
            awaitingColon = true
          }
        } else if (c === 10) {
          broken(`not valid at line ${line - 1}: unterminated string`)
          reset()
        } else if (keying && keyBuf.length < 64) keyBuf += text[i]
        continue
      }
      if (c === 10 && depth > 0 && jsonLines) {
        broken(`not valid at line ${line - 1}: the object does not end on its line`)
        reset()
        continue
      }
      if (c === 32 || c === 9 || c === 10 || c === 13) continue
      if (depth === 0) {
        if (c === 123 || c === 91) {
          topKind = c === 123 ? 'object' : 'array'
          depth = 1
          elementIndex = 0
          if (c === 123) top = start(i)
          else {
            containerDepth = 1
            container = 'array'
          }
        } else fail(`line ${line}: not valid JSON (unexpected text outside an object)`)
        continue
      }
      if (awaitingColon) {
        awaitingColon = false
        if (c === 58) {
          key = keyBuf
          if (depth === 1) topKeys.add(key)
          expectValue = true
          continue
        }
      }
      if (expectValue) {
        expectValue = false
        const known = depth === 1 && key !== undefined ? CONTAINERS[key] : undefined
        if (c === 91 && known && (!known.after || topKeys.has(known.after))) {
          // A findings document: read its elements one by one, never the whole.
          top = undefined
          container = known.container
          containerDepth = 2
          depth = 2
          elementIndex = 0
          continue
        }
        if (c === 91 && depth === 1 && key === 'runs') {
          // SARIF: each run's `results` are the elements; the rest of a run is skipped.
          top = undefined
          sarifRuns = true
          depth = 2
          continue
        }
        if (c === 91 && depth === 3 && sarifRuns && key === 'results') {
          container = 'results'
          containerDepth = 4
          depth = 4
          elementIndex = 0
          continue
        }
      }
      if (depth === containerDepth && !element) {
        if (c === 44) {
          badElement = false
          continue
        }
        if (c === 93) {
          depth--
          containerDepth = 0
          if (depth === 0) reset()
          continue
        }
        if (c === 123) {
          element = start(i)
          depth++
          continue
        }
        if (!badElement) note(`${label(container)}[${elementIndex++}]: not a finding object`)
        badElement = true
        if (c === 34) inString = true
        continue
      }
      if (c === 123 || c === 91) {
        if (++depth > MAX_DEPTH)
          fail(`not read from line ${line}: nested deeper than ${MAX_DEPTH} levels`, broken)
      } else if (c === 125 || c === 93) {
        depth--
        if (element && depth === containerDepth) {
          accept(
            element,
            i + 1,
            `${label(container)}[${elementIndex++}] (line ${element.line})`,
            container
          )
          element = undefined
        } else if (depth === 0) {
          const capture = top
          const oneLine = capture?.line === line
          reset()
          if (capture) {
            accept(capture, i + 1, `line ${capture.line}`, 'value')
            if (oneLine) jsonLines = true
          }
        }
      } else if (c === 34) {
        inString = true
        if ((depth === 1 && topKind === 'object') || (sarifRuns && depth === 3)) {
          keying = true
          keyBuf = ''
        }
      }
    }
    if (top) flush(top, text.length)
    if (element) flush(element, text.length)
  }

  return {
    write(chunk) {
      read(decoder.write(chunk as Buffer))
      return chunk.length
    },
    end() {
      read(decoder.end())
      if (depth > 0 || inString)
        broken(`ends early: line ${line} is inside an unfinished object (truncated?)`)
      if (findings === 0 && problems === 0) events.ok('JSON findings: none reported')
    }
  }
}
