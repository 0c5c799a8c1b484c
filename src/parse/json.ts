import type { JsonFinding } from './schemas.js'
import { sameBytes, scanObject, scannedLines } from './peek.js'
import {
  countsAsFinding,
  decides,
  decidingMembers,
  toolFinding,
  type JsonContainer
} from './tools.js'
import { COUNTED, type ParserEvents, type RawFinding, type StreamParser } from './types.js'

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

/** A value being read, as bytes: parts copied from earlier chunks, then the current one from `from`. */
interface Capture {
  parts: Buffer[]
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

const BOM = [0xef, 0xbb, 0xbf]

// Arrays of problems inside a top-level object, and the key that must come first to tell the
// tool (a JSON Lines object with an `errors` key is a log line, not check-jsonschema's report).
// A Map: a key such as `constructor` must not find an Object.prototype member.
const CONTAINERS = new Map<string, { after?: string; container: JsonContainer }>(
  Object.entries({
    findings: { container: 'findings' },
    errors: { after: 'status', container: 'errors' },
    parse_errors: { after: 'status', container: 'parse_errors' },
    problems: { after: 'totals', container: 'problems' }
  })
)

// The members an element is judged by; for a JSON Lines object also the keys that would make it
// a document of problems (then it is read byte by byte, as a document).
const DOCUMENT_KEYS = [...CONTAINERS.keys(), 'runs']
const members = decidingMembers(DOCUMENT_KEYS)
const FIRST_DOCUMENT_KEY = members.names.length - DOCUMENT_KEYS.length

// Our own format's elements are `findings[n]` whether in a document or a bare array.
const label = (container: JsonContainer): string => (container === 'array' ? 'findings' : container)

/**
 * Reads JSON findings as they stream, one value at a time: memory holds at most the value being
 * read (1 MiB of text, so 3 MiB of bytes at most), never the document. Our findings, SARIF (runs[].results[]), buf's JSON
 * Lines, Spectral's array, check-jsonschema's and Redocly's reports are read alike: the array
 * that holds the problems is streamed. Malformed input becomes notes, not exceptions.
 */
export function jsonParser(events: ParserEvents, check: FindingCheck, command = ''): StreamParser {
  // Bytes, not decoded text: only the values read are decoded. Structure is all ASCII, and a
  // byte of a multi-byte character is never taken for it.
  let chunk: Buffer = Buffer.alloc(0)
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
  // Of the top level's keys only two are ever asked about (CONTAINERS' `after`).
  let sawStatus = false
  let sawTotals = false
  let sarifRuns = false
  // The last key's first 64 bytes, made a string only when an array follows it.
  const keyBytes = Buffer.alloc(64)
  let keyLength = 0
  let hasKey = false
  let keying = false
  let awaitingColon = false
  let expectValue = false
  let findings = 0
  let problems = 0

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
  // A value still open when its chunk ends is copied: the chunk is the caller's.
  const flush = (capture: Capture, upto: number): void => {
    if (capture.overflow || capture.from < 0) return
    capture.size += upto - capture.from
    // Bytes, where the limit is in characters: a character is at most 3 bytes of UTF-8 (the
    // exact count is taken when the value is read).
    if (capture.size > 3 * MAX_VALUE) {
      capture.overflow = true
      capture.parts = []
    } else capture.parts.push(Buffer.from(chunk.subarray(capture.from, upto)))
    capture.from = -1
  }
  // `index` is the element's in its container; -1 for a document or JSON Lines value.
  const whereIs = (at: number, kind: JsonContainer, index: number): string =>
    index < 0 ? `line ${at}` : `${label(kind)}[${index}] (line ${at})`
  const accept = (capture: Capture, upto: number, kind: JsonContainer, index: number): void => {
    // Read in place when it lies in this chunk, the common case.
    if (capture.parts.length === 0 && !capture.overflow)
      return judge(chunk, capture.from, upto, capture.line, kind, index, false)
    flush(capture, upto)
    if (capture.overflow)
      return note(`${whereIs(capture.line, kind, index)}: larger than 1 MiB, skipped`)
    const bytes = Buffer.concat(capture.parts)
    judge(bytes, 0, bytes.length, capture.line, kind, index, false)
  }
  // `scanned`: scanObject has read the value into `members` and found it valid.
  const judge = (
    bytes: Buffer,
    from: number,
    to: number,
    at: number,
    kind: JsonContainer,
    index: number,
    scanned: boolean
  ): void => {
    // Past the cap a tool's problem is only counted: whether it is one is read from its bytes.
    if (to - from <= MAX_VALUE && events.full?.()) {
      const counts = scanned
        ? decides(bytes, members, kind)
        : countsAsFinding(bytes, from, to, kind)
      if (counts !== undefined) {
        if (counts) {
          findings++
          events.finding(COUNTED)
        }
        return
      }
    }
    const text = bytes.toString('utf8', from, to)
    const where = whereIs(at, kind, index)
    if (text.length > MAX_VALUE) return note(`${where}: larger than 1 MiB, skipped`)
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      return broken(`not valid at ${where}: ${(error as Error).message.split('\n')[0]}`)
    }
    // A tool's problem by the shape of its container, else our own finding format.
    const tool = toolFinding(value, kind, command)
    const raw = tool !== null ? tool : check(value)
    if (typeof raw === 'string') return note(`${where}: not a finding, ${raw}`)
    if (raw) {
      findings++
      events.finding(raw)
    }
  }
  /**
   * Reads the object opening at `i` whole when it ends in this chunk and is valid: one scan
   * finds its end and the members that decide whether it is a finding. Returns where it ended,
   * or -1 to read it byte by byte (split over chunks, broken, too deep: the slow path says why).
   */
  const readWhole = (i: number, kind: JsonContainer, index: number): number => {
    const end = scanObject(chunk, i, chunk.length, members, MAX_DEPTH - depth, jsonLines)
    if (end < 0) return -1
    if (kind === 'value')
      for (let k = FIRST_DOCUMENT_KEY; k < members.kind.length; k++) if (members.kind[k]) return -1
    const at = line
    line += scannedLines()
    judge(chunk, i, end, at, kind, index, true)
    return end
  }
  const reset = (): void => {
    depth = 0
    inString = escaped = keying = awaitingColon = expectValue = badElement = false
    topKind = top = element = undefined
    hasKey = sawStatus = sawTotals = false
    containerDepth = 0
    sarifRuns = false
  }
  const fail = (message: string, report = note): void => {
    report(message)
    reset()
    skipping = true
  }

  // A byte-order mark opens the stream (Windows tools write one), possibly split over chunks.
  let bomBytes = 0
  const read = (buf: Buffer): void => {
    chunk = buf
    const length = buf.length
    if (top) top.from = 0
    if (element) element.from = 0
    let first = 0
    while (bomBytes >= 0 && bomBytes < 3 && first < length && buf[first] === BOM[bomBytes]) {
      bomBytes++
      first++
    }
    if (first < length) bomBytes = -1
    for (let i = first; i < length; i++) {
      const c = buf[i] as number
      if (c === 10) line++
      if (skipping) {
        if (c === 10) skipping = false
        continue
      }
      if (inString) {
        if (!escaped && c !== 92 && c !== 34 && c !== 10) {
          // The plain run of a string: to where it can end.
          let stop = i + 1
          while (stop < length) {
            const d = buf[stop] as number
            if (d === 34 || d === 92 || d === 10) break
            stop++
          }
          if (keying)
            for (let k = i; k < stop && keyLength < 64; k++)
              keyBytes[keyLength++] = buf[k] as number
          i = stop - 1
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
        }
        continue
      }
      if (c === 10 && depth > 0 && jsonLines) {
        broken(`not valid at line ${line - 1}: the object does not end on its line`)
        reset()
        continue
      }
      if (c === 32 || c === 9 || c === 10 || c === 13) continue
      if (depth === 0) {
        // The next object of JSON Lines (buf's): the first one's line told the layout.
        if (c === 123 && jsonLines) {
          const end = readWhole(i, 'value', -1)
          if (end >= 0) {
            i = end - 1
            continue
          }
        }
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
          hasKey = true
          if (depth === 1) {
            sawStatus ||= sameBytes(keyBytes, 0, keyLength, 'status')
            sawTotals ||= sameBytes(keyBytes, 0, keyLength, 'totals')
          }
          expectValue = true
          continue
        }
      }
      if (expectValue) {
        expectValue = false
        const key = c === 91 && hasKey ? keyBytes.toString('latin1', 0, keyLength) : undefined
        const known = depth === 1 && key !== undefined ? CONTAINERS.get(key) : undefined
        const after = known?.after
        if (
          known &&
          (!after || (after === 'status' ? sawStatus : after === 'totals' && sawTotals))
        ) {
          // A findings document: read its elements one by one, never the whole.
          top = undefined
          container = known.container
          containerDepth = 2
          depth = 2
          elementIndex = 0
          continue
        }
        if (depth === 1 && key === 'runs') {
          // SARIF: each run's `results` are the elements; the rest of a run is skipped.
          top = undefined
          sarifRuns = true
          depth = 2
          continue
        }
        if (depth === 3 && sarifRuns && key === 'results') {
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
          const end = readWhole(i, container, elementIndex)
          if (end >= 0) {
            elementIndex++
            i = end - 1
            continue
          }
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
          accept(element, i + 1, container, elementIndex++)
          element = undefined
        } else if (depth === 0) {
          const capture = top
          const oneLine = capture?.line === line
          reset()
          if (capture) {
            accept(capture, i + 1, 'value', -1)
            if (oneLine) jsonLines = true
          }
        }
      } else if (c === 34) {
        inString = true
        if ((depth === 1 && topKind === 'object') || (sarifRuns && depth === 3)) {
          keying = true
          keyLength = 0
        }
      }
    }
    if (top) flush(top, length)
    if (element) flush(element, length)
  }

  return {
    write(bytes) {
      read(
        Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
      )
      return bytes.length
    },
    end() {
      if (depth > 0 || inString)
        broken(`ends early: line ${line} is inside an unfinished object (truncated?)`)
      if (findings === 0 && problems === 0) events.ok('JSON findings: none reported')
    }
  }
}
