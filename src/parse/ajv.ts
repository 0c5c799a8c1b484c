import { commandOption } from './command.js'
import { MAX_LINE } from './lines.js'
import { pointerSegments } from './locate.js'
import { COUNTED, type LineParser, type RawFinding } from './types.js'

// The data file as ajv names it: a path, never a sentence that happens to end in `invalid`.
const VERDICT = /^(\S*[/.]\S*) (invalid|valid)$/
const MAX_ERRORS_TEXT = 1024 * 1024

/**
 * ajv-cli's `validate` on stderr: `<data file> invalid` followed by its errors (`--errors=json`
 * pretty-printed, `line` on one line, or `text`). Each error points at the data file (a
 * fixture) and the line its `instancePath` names, and names the schema of `-s`.
 */
export function ajvParser(
  command: string,
  emit: (finding: RawFinding) => void,
  ok: (line: string) => void,
  full?: () => boolean
): LineParser {
  const schema = commandOption(command, ['-s', '--schema'])
  let file: string | undefined
  // After `<file> invalid`: `start` until the errors begin, `list` inside a pretty-printed list.
  let state: 'start' | 'list' = 'start'
  let element: string[] = []
  let lines = 0
  let size = 0
  let reported = 0
  const found = (message: string, pointer?: string): void => {
    reported++
    // Past the findings kept it is only counted.
    if (full?.()) return emit(COUNTED)
    emit({
      tag: 'ajv',
      message: `${file}: ${message}${schema ? ` (schema ${schema})` : ''}`,
      files: [file as string],
      ...(pointer !== undefined ? { location: { pointer: pointerSegments(pointer) } } : {})
    })
  }
  const error = (value: unknown): void => {
    const { instancePath, message, schemaPath } = (value ?? {}) as Record<string, unknown>
    const at = typeof instancePath === 'string' ? instancePath : ''
    const rule = typeof schemaPath === 'string' ? ` [${schemaPath}]` : ''
    found(`${at || '/'} ${typeof message === 'string' ? message : 'is not valid'}${rule}`, at)
  }
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown
    } catch {
      return undefined
    }
  }
  const close = (): void => {
    if (file !== undefined && reported === 0) found('not valid against the schema')
    file = undefined
    state = 'start'
    element = []
    lines = 0
    size = 0
    reported = 0
  }
  // One list: `[` alone on its line, then each error as the lines from `  {` to `  }`, so a
  // list of any length is read an error at a time. A line comes as text, or (`text` undefined)
  // as what skimGreedy read of its bytes once past the findings kept.
  const listed = (
    length: number,
    blank: boolean,
    closes: boolean,
    last: boolean,
    text?: string
  ): void => {
    if (closes) return close()
    if (lines === 0 && blank) return
    lines++
    if (text !== undefined) element.push(text)
    size += length
    if (!last && size <= MAX_ERRORS_TEXT) return
    // Each element is one finding, read or not: past the findings kept it is only counted.
    if (full?.()) found('')
    else {
      const value = parse(element.join('\n').replace(/,$/, ''))
      if (value === undefined) found("not valid against the schema (ajv's error list is cut off)")
      else error(value)
    }
    element = []
    lines = 0
    size = 0
  }
  const listLine = (text: string): void =>
    listed(
      text.length,
      text.trim() === '',
      text === ']',
      text.startsWith('  }') && /^ {2}\},?$/.test(text),
      text
    )
  // A printable line of a list, `first` its first byte that is not a space (-1 if none).
  const skimmed = (buf: Buffer, start: number, end: number, first: number): boolean => {
    // JSON's punctuation first, or blank: no line rule tried before this one reads such a line.
    if (first >= 0 && first !== 0x7b && first !== 0x7d && first !== 0x22 && first !== 0x5d)
      return false
    const length = end - start
    const last =
      buf[start] === 0x20 &&
      buf[start + 1] === 0x20 &&
      buf[start + 2] === 0x7d &&
      (length === 3 || (length === 4 && buf[start + 3] === 0x2c))
    listed(length, first < 0, first === 0x5d && length === 1, last)
    return true
  }
  // A printable line outside a list: true when it is `[` opening the list of the file named
  // last, or a verdict, read as line() would read them. The verdicts read here start with
  // neither `[` nor `:`, so no line rule tried before this one reads them (a field line, a
  // workflow command); a line read by `--errors=line` or `text` is left to line().
  const between = (buf: Buffer, start: number, end: number): boolean => {
    if (file !== undefined && end - start === 1 && buf[start] === 0x5b) {
      state = 'list'
      return true
    }
    const space = verdictSpace(buf, start, end)
    if (space < 0) return false
    if (file !== undefined) close()
    if (end - space === 6) ok(buf.toString('latin1', start, end))
    else file = buf.toString('latin1', start, space)
    return true
  }
  return {
    line(text) {
      if (file !== undefined && state === 'list') {
        listLine(text)
        return true
      }
      if (file !== undefined) {
        if (text === '[') {
          state = 'list'
          return true
        }
        if (text.startsWith('[')) {
          // `--errors=line`: the whole list on one line.
          const value = parse(text)
          if (Array.isArray(value)) value.forEach(error)
          close()
          return true
        }
        const message = text.trim()
        if (message && !VERDICT.test(message)) {
          // `--errors=text`: one line of messages.
          found(message)
          close()
          return true
        }
        close()
      }
      const verdict = text.endsWith('valid') ? VERDICT.exec(text) : null
      if (!verdict) return false
      if (verdict[2] === 'valid') ok(text)
      else file = verdict[1]
      return true
    },
    end: close,
    greedy: () => file !== undefined,
    // Past the findings kept an error list is only counted: its lines need not be decoded.
    skimGreedy(buf, start, end) {
      if (file === undefined || state !== 'list' || !full?.()) return false
      let first = -1
      for (let i = start; i < end; i++) {
        const byte = buf[i] as number
        // Printable ASCII only: then the bytes are the cleaned text.
        if (byte < 0x20 || byte > 0x7e) return false
        if (first < 0 && byte !== 0x20) first = byte
      }
      return skimmed(buf, start, end, first)
    },
    // Past the findings kept, a list's lines and the verdicts and `[` between two lists, so
    // that a long run of files is read from its bytes from one list to the next.
    skimGreedyLines(buf, to, run) {
      if (file === undefined || state !== 'list' || !full?.()) return
      for (let start = run.end; start < to;) {
        let first = -1
        let i = start
        for (; i < to; i++) {
          const byte = buf[i] as number
          if (byte < 0x20 || byte > 0x7e) break
          if (first < 0 && byte !== 0x20) first = byte
        }
        if (i === to || buf[i] !== 10 || i - start > MAX_LINE) return
        if (state === 'list' ? !skimmed(buf, start, i, first) : !between(buf, start, i)) return
        start = run.end = i + 1
        run.feeds[run.lines++] = i
        run.recorded = true
      }
    },
    wants: (buf, start, end) =>
      endsWith(buf, start, end, ' invalid') || endsWith(buf, start, end, ' valid'),
    skim(bytes) {
      // Outside a file's errors only a verdict is ajv's, and it ends in `valid`: the text's last
      // five characters are the last five bytes when they are printable and no escape
      // sequence can swallow them.
      if (file !== undefined || bytes.escape) return undefined
      const { buf, start, end } = bytes
      if (end - start < 5) return bytes.plain === end ? false : undefined
      let same = true
      for (let i = 0; i < 5; i++) {
        const byte = buf[end - 5 + i] as number
        if (byte < 0x20 || byte > 0x7e) return undefined
        same &&= byte === 'valid'.charCodeAt(i)
      }
      return same ? undefined : false
    }
  }
}

function endsWith(buf: Buffer, start: number, end: number, suffix: string): boolean {
  let stop = end
  while (stop > start && (buf[stop - 1] === 0x20 || buf[stop - 1] === 0x0d)) stop--
  if (stop - start < suffix.length + 1) return false
  for (let i = 0; i < suffix.length; i++)
    if (buf[stop - suffix.length + i] !== suffix.charCodeAt(i)) return false
  return true
}

/**
 * Where VERDICT's space is in a line of printable ASCII that starts with neither `[` nor `:`
 * (-1 when the line is no verdict): a word holding a `/` or a `.`, then ` valid` or ` invalid`.
 */
function verdictSpace(buf: Buffer, start: number, end: number): number {
  if (buf[start] === 0x5b || buf[start] === 0x3a) return -1
  let space = start
  let pathLike = false
  for (; space < end && buf[space] !== 0x20; space++)
    pathLike ||= buf[space] === 0x2f || buf[space] === 0x2e
  if (!pathLike) return -1
  const verdict = end - space === 6 ? ' valid' : end - space === 8 ? ' invalid' : ''
  for (let i = 0; i < verdict.length; i++) if (buf[space + i] !== verdict.charCodeAt(i)) return -1
  return verdict ? space : -1
}
