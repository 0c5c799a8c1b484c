import type { JsonFinding } from './schemas.js'
import type { ParserEvents, RawFinding, StreamParser } from './types.js'

export type { JsonFinding } from './schemas.js'

/** Checks one parsed value against the JSON findings schema. */
export type FindingCheck = (value: unknown) => RawFinding | undefined | string

let loaded: FindingCheck | undefined
let loading: Promise<FindingCheck> | undefined

/**
 * Loads the JSON findings schema (zod) on first need: text output, the common case, never pays
 * for zod. The collector holds the output meanwhile, as for the XML parser.
 */
export function loadJsonFindings(): Promise<FindingCheck> {
  loading ??= import('./schemas.js').then(({ jsonFindingSchema }) => {
    const schema = jsonFindingSchema()
    loaded = value => toRawFinding(schema.safeParse(value))
    return loaded
  })
  return loading
}

/** The JSON findings check when it is already loaded. */
export function jsonFindingsIfLoaded(): FindingCheck | undefined {
  return loaded
}

const MAX_VALUE = 1024 * 1024
const MAX_DEPTH = 256

interface Capture {
  parts: string[]
  size: number
  from: number
  overflow: boolean
  line: number
}

/** A value checked by the schema as a finding; a string saying why when it is not one. */
function toRawFinding(
  parsed:
    | { success: true; data: JsonFinding }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } }
): RawFinding | undefined | string {
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

/**
 * Reads JSON findings as they stream, one value at a time: memory holds at most the value being
 * read (1 MiB at most), never the document. Malformed input becomes notes, not exceptions.
 */
export function jsonParser(events: ParserEvents, check: FindingCheck): StreamParser {
  const decoder = new TextDecoder('utf-8')
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
  let elementIndex = 0
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
  const accept = (capture: Capture, upto: number, where: string): void => {
    flush(capture, upto)
    if (capture.overflow) return note(`${where}: larger than 1 MiB, skipped`)
    let value: unknown
    try {
      value = JSON.parse(capture.parts.join(''))
    } catch (error) {
      return broken(`not valid at ${where}: ${(error as Error).message.split('\n')[0]}`)
    }
    const raw = check(value)
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
          else containerDepth = 1
        } else fail(`line ${line}: not valid JSON (unexpected text outside an object)`)
        continue
      }
      if (awaitingColon) {
        awaitingColon = false
        if (c === 58) {
          key = keyBuf
          expectValue = true
          continue
        }
      }
      if (expectValue) {
        expectValue = false
        if (depth === 1 && key === 'findings' && c === 91) {
          // A findings document: read its elements one by one, never the whole.
          top = undefined
          containerDepth = 2
          depth = 2
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
        if (!badElement) note(`findings[${elementIndex++}]: not a finding object`)
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
          accept(element, i + 1, `findings[${elementIndex++}] (line ${element.line})`)
          element = undefined
        } else if (depth === 0) {
          const capture = top
          const oneLine = capture?.line === line
          reset()
          if (capture) {
            accept(capture, i + 1, `line ${capture.line}`)
            if (oneLine) jsonLines = true
          }
        }
      } else if (c === 34) {
        inString = true
        if (depth === 1 && topKind === 'object') {
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
      read(decoder.decode(chunk, { stream: true }))
      return chunk.length
    },
    end() {
      read(decoder.decode())
      if (depth > 0 || inString)
        broken(`ends early: line ${line} is inside an unfinished object (truncated?)`)
      if (findings === 0 && problems === 0) events.ok('JSON findings: none reported')
    }
  }
}
