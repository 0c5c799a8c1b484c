import type { PathResolver } from './resolve.js'
import type { ParserEvents, StreamParser } from './types.js'
import type { SaxModule } from './xml.js'

const MAX_DEPTH = 256
const DOCUMENT_END = Symbol('the root element closed')
const TEXT_KEPT = 16 * 1024
const MESSAGE_CHARS = 1500
// `path:line` as stack traces and pytest print it: `src/a.test.ts:12:5`, `tests/x.py:47: Error`.
const PATH_LINE = /^(.*?\.[A-Za-z][A-Za-z0-9]*):(\d+)(?::\d+)?:?$/
const NOT_OURS =
  /(?:^|[\\/])(?:node_modules|site-packages|dist-packages)[\\/]|^node:|^internal[\\/]/

interface Suite {
  name?: string
  file?: string
}
interface TestCase {
  name: string
  classname?: string
  file?: string
  line?: string
  suite?: Suite
}
interface Failure {
  kind: 'failure' | 'error'
  message?: string
  type?: string
  text: string
}

const isPathLike = (text: string): boolean =>
  /[\\/]/.test(text) || /\.(?:[cm]?[jt]sx?|py|go|rb|java|kt|rs|php|cs)$/.test(text)
const isDottedModule = (text: string): boolean => /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/.test(text)
const firstLine = (text: string | undefined): string =>
  (text ?? '')
    .split(/\r?\n/)
    .map(line => line.trim())
    .find(line => line !== '') ?? ''

/** Where a test sits: the file its `file` attribute, suite, classname or stack trace names. */
function fileOf(test: TestCase, resolver: PathResolver): string | undefined {
  for (const raw of [test.file, test.suite?.file]) {
    if (raw) return resolver.path(raw) ?? raw
  }
  const classname = test.classname ?? ''
  if (isPathLike(classname)) return resolver.path(classname)
  if (isDottedModule(classname)) return resolver.module(classname)
  const suite = test.suite?.name ?? ''
  return isPathLike(suite) ? resolver.path(suite) : undefined
}

/** The `path:line` in a failure text that concerns `file` (any of ours when file is unknown). */
function lineInText(
  text: string,
  file: string | undefined,
  resolver: PathResolver
): { file?: string; line: number } | undefined {
  for (const token of text.split(/[\s()'"<>[\]]+/)) {
    if (token.length > 500 || !token.includes(':')) continue
    const match = PATH_LINE.exec(token)
    if (!match || NOT_OURS.test(match[1] as string)) continue
    const where = resolver.path(match[1] as string)
    if (!where) continue
    if (file === undefined || where === file) return { file: where, line: Number(match[2]) }
  }
  return undefined
}

/**
 * JUnit XML as vitest, jest-junit and pytest write it, read as it streams: each `<failure>` and
 * `<error>` of a `<testcase>` is a runtime finding. Entities are never expanded beyond XML's
 * own, DTDs are never read, and the parser stops at the first well-formedness error. The
 * document ends where its root element closes (with the rest of that line): `write` then
 * returns how many bytes of the chunk were the document's, and the rest is not read.
 */
export function junitParser(
  sax: SaxModule,
  events: ParserEvents,
  resolver: PathResolver
): StreamParser {
  const decoder = new TextDecoder('utf-8')
  const parser = sax.parser(true, { trim: false, normalize: false, position: true })
  const suites: Suite[] = []
  let test: TestCase | undefined
  let failure: Failure | undefined
  let depth = 0
  let stopped = false
  // `line` once the root has closed, until the end of its line; `done` after that.
  let ended: 'line' | 'done' | undefined
  let endedAt = 0
  let pytest = false
  const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 }

  const stop = (message: string): void => {
    if (stopped) return
    stopped = true
    events.unreadable(`JUnit XML: ${message}`)
  }
  const report = (found: Failure): void => {
    const current = test ?? { name: suites.at(-1)?.name ?? 'test suite', suite: suites.at(-1) }
    if (found.kind === 'failure') counts.failures++
    else counts.errors++
    const name =
      current.classname &&
      !isPathLike(current.classname) &&
      !isDottedModule(current.classname) &&
      !current.name.includes(current.classname)
        ? `${current.classname} › ${current.name}`
        : current.name
    const detail =
      firstLine(found.message) || firstLine(found.text) || found.type || `test ${found.kind}`
    let file = fileOf(current, resolver)
    let line: number | undefined
    const inText = lineInText(found.text, file, resolver)
    if (inText) {
      file ??= inText.file
      line = inText.line
    } else if (current.line && /^\d+$/.test(current.line)) {
      // pytest writes the 0-based line of the test function.
      line = Number(current.line) + (pytest ? 1 : 0)
      if (line < 1) line = undefined
    }
    events.finding({
      tag: '',
      message: `${name}: ${detail}`.slice(0, MESSAGE_CHARS),
      ...(file ? { files: [file] } : {}),
      ...(line !== undefined ? { line } : {}),
      runtime: true
    })
  }

  parser.onerror = error => {
    const where = `line ${parser.line + 1}, column ${parser.column}`
    const reason = error.message.split('\n')[0] ?? ''
    stop(
      /Unclosed root tag|Unexpected end/.test(reason)
        ? `the file ends before the XML is complete (truncated?) at ${where}`
        : `not well-formed at ${where}: ${reason}; findings before it are kept`
    )
  }
  parser.ondoctype = () => {
    if (!stopped)
      events.note('JUnit XML: its DOCTYPE is ignored (entities are never expanded or fetched)')
  }
  parser.onopentag = node => {
    if (stopped) return
    if (++depth > MAX_DEPTH)
      return stop(`nested deeper than ${MAX_DEPTH} elements; reading stopped`)
    const name = node.name
    const attr = node.attributes as Record<string, string>
    if (depth === 1 && name !== 'testsuites' && name !== 'testsuite')
      return stop(`the root element <${name}> is not JUnit (<testsuites> or <testsuite>)`)
    if (name === 'testsuite') {
      if (attr.name === 'pytest') pytest = true
      suites.push({ name: attr.name, file: attr.file ?? attr.filepath })
    } else if (name === 'testcase') {
      counts.tests++
      test = {
        name: attr.name ?? '(unnamed test)',
        classname: attr.classname,
        file: attr.file,
        line: attr.line,
        suite: suites.at(-1)
      }
    } else if ((name === 'failure' || name === 'error') && !failure) {
      failure = { kind: name, message: attr.message, type: attr.type, text: '' }
    } else if (name === 'skipped' && test) counts.skipped++
  }
  const onText = (text: string): void => {
    if (failure && !stopped && failure.text.length < TEXT_KEPT)
      failure.text += text.slice(0, TEXT_KEPT - failure.text.length)
  }
  parser.ontext = onText
  parser.oncdata = onText
  parser.onclosetag = name => {
    if (stopped) return
    depth--
    if ((name === 'failure' || name === 'error') && failure?.kind === name) {
      report(failure)
      failure = undefined
    } else if (name === 'testcase') test = undefined
    else if (name === 'testsuite') suites.pop()
    if (depth === 0) {
      ended = 'line'
      endedAt = parser.position
      // sax cannot be paused, and what follows the root is not XML: leave its loop here.
      throw DOCUMENT_END
    }
  }

  const feed = (text: string): void => {
    if (stopped || ended || text === '') return
    try {
      parser.write(text)
    } catch (error) {
      if (error !== DOCUMENT_END) stop(`unreadable: ${(error as Error).message.split('\n')[0]}`)
    }
  }
  return {
    write(chunk) {
      let from = 0
      if (!ended) {
        const before = parser.position
        const text = decoder.decode(chunk, { stream: true })
        feed(text)
        if (!ended) return chunk.length
        from = rootEnd(chunk, text.slice(0, endedAt - before))
      }
      if (ended === 'done') return 0
      // Blanks and the line break after the root are the document's; any other text is not.
      while (
        from < chunk.length &&
        (chunk[from] === 0x20 || chunk[from] === 9 || chunk[from] === 13)
      )
        from++
      if (from === chunk.length) return from
      ended = 'done'
      return chunk[from] === 10 ? from + 1 : from
    },
    end() {
      feed(decoder.decode())
      if (!stopped && !ended) {
        try {
          parser.close()
        } catch (error) {
          stop(`unreadable: ${(error as Error).message.split('\n')[0]}`)
        }
      }
      if (!stopped && counts.failures + counts.errors === 0) {
        const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : ''
        events.ok(`JUnit: ${counts.tests} tests, no failures or errors${skipped}`)
      }
    }
  }
}

/**
 * The byte offset in `chunk` just past the root's closing `>`, given the chunk's text up to
 * it. A `>` is byte 0x3E in UTF-8 and is never part of another character or swallowed by a
 * decoding error, so the n-th `>` of the text is the n-th 0x3E of the bytes.
 */
function rootEnd(chunk: Uint8Array, text: string): number {
  let count = 0
  for (let i = text.indexOf('>'); i >= 0; i = text.indexOf('>', i + 1)) count++
  let at = -1
  while (count-- > 0) at = chunk.indexOf(0x3e, at + 1)
  return at + 1
}
