import type { Finding, Outcome, ValidatorRun } from '../types.js'
import { ajvParser } from './ajv.js'
import { compilerParser } from './compiler.js'
import { fieldParser } from './field.js'
import { inspectorParser } from './inspector.js'
import { jsonFindingsIfLoaded, jsonParser, loadJsonFindings } from './json.js'
import { junitParser } from './junit.js'
import {
  ByteLines,
  countLineFeeds,
  decodeLine,
  MAX_LINE,
  MAX_LINE_BYTES,
  plainChunk,
  scanLineBytes,
  textAt
} from './lines.js'
import { locateLine } from './locate.js'
import { matcherParser, type ProblemMatchers } from './matchers.js'
import { pactParser } from './pact.js'
import { pathResolver, type PathResolver } from './resolve.js'
import { SNIFF_LIMIT, sniffDocument, startsAsJson } from './sniff.js'
import { PYTHON_IMPORT_FAILURE, STARTUP_TAIL_LINES, startupFailure } from './startup.js'
import { findTargets, type TargetContext } from './targets.js'
import type {
  LineBytes,
  LineParser,
  LineRun,
  OutputFormat,
  ParserEvents,
  RawFinding,
  StreamParser
} from './types.js'
import { workflowCommandParser } from './workflow.js'
import { loadXmlParser, xmlParserIfLoaded } from './xml.js'

export type { RawFinding, LineParser, StreamParser, OutputFormat } from './types.js'
export { OUTPUT_FORMATS } from './types.js'
export type { Formats, JsonFinding, ProblemMatchers } from './schemas.js'
export { loadXmlParser } from './xml.js'
export { loadJsonFindings } from './json.js'

export interface ParseOptions extends TargetContext {
  /** Validator tags whose findings are runtime findings (config `runtime`). */
  runtimeTags: readonly string[]
  /** Findings kept per validator; the rest are counted, not stored. */
  maxFindings?: number
  /** Characters of output kept from the head and from the tail for the record. */
  excerptChars?: number
  /** How to read this output; `auto` (the default) decides from its first bytes. */
  format?: OutputFormat
  /** Formats by validator command (config `formats`), used when `format` is not set. */
  formats?: Readonly<Record<string, OutputFormat>>
  /** User-defined problem matchers (config `problem-matchers`), tried on text output. */
  problemMatchers?: ProblemMatchers
  /** The repository's files, workspace-relative; called (once) only when a path needs placing. */
  repoFiles?: () => readonly string[]
  /**
   * A repository file's text (workspace-relative path), to find the line a tool gave by JSON
   * pointer or schema coordinate; undefined when it cannot be read. Without it, no line.
   */
  readFile?: (path: string) => string | undefined
}

type Mode = Exclude<OutputFormat, 'auto'>
type TextMode = Exclude<Mode, 'junit' | 'json'>

const TRACEBACK = 'Traceback (most recent call last):'
const TRACEBACK_FRAME = /^ {2}File ".*", line \d+, in (.+)$/
const FALLBACK_LINES = 5
const MAX_NOTES = 20
// Output that arrives while a document's parser loads waits in memory; a few milliseconds' worth.
const MAX_PENDING = 64 * 1024 * 1024
// What loads on a structured document's first byte: neither is compiled for text output.
const LOADED_PARSER = { junit: 'the XML parser', json: 'the JSON findings schema' } as const
const DOCUMENT = { junit: 'JUnit XML', json: 'JSON' } as const
// A text output that starts like JSON is parsed whole to tell a cut-off document (SPEC §2).
const MAX_WHOLE_JSON = 64 * 1024 * 1024
// The start-up shapes look at the start of a line only.
const TAIL_LINE_BYTES = 1024
// 128 + n for the signals that end a process abnormally, as a shell reports them.
const FATAL_EXIT_CODES: Record<number, string> = {
  129: 'SIGHUP',
  130: 'SIGINT',
  131: 'SIGQUIT',
  132: 'SIGILL',
  133: 'SIGTRAP',
  134: 'SIGABRT',
  135: 'SIGBUS',
  136: 'SIGFPE',
  137: 'SIGKILL',
  139: 'SIGSEGV',
  143: 'SIGTERM'
}

/** A line's bytes held for the excerpt's tail or the fallback, a view until adopted. */
interface HeldLine {
  buf: Buffer
  start: number
  end: number
  owned: boolean
}

/**
 * Lines held for the excerpt's tail or a stream's last lines, oldest first: a ring, so that
 * holding a line of a huge log allocates nothing. Views of the caller's chunk until adopted.
 */
class HeldLines {
  private bufs: Buffer[] = new Array<Buffer>(64)
  private starts = new Float64Array(64)
  private ends = new Float64Array(64)
  private owned: boolean[] = new Array<boolean>(64).fill(true)
  private first = 0
  size = 0

  push(buf: Buffer, start: number, end: number, owned: boolean): void {
    if (this.size === this.bufs.length) this.grow()
    const at = (this.first + this.size) & (this.bufs.length - 1)
    this.bufs[at] = buf
    this.starts[at] = start
    this.ends[at] = end
    this.owned[at] = owned
    this.size++
  }

  /** Drops the oldest line; returns its length in bytes. */
  shift(): number {
    const at = this.first
    const length = (this.ends[at] as number) - (this.starts[at] as number)
    this.bufs[at] = EMPTY
    this.first = (at + 1) & (this.bufs.length - 1)
    this.size--
    return length
  }

  /** The lines that are views of the caller's chunk become copies before the chunk is gone. */
  adopt(): void {
    const mask = this.bufs.length - 1
    for (let k = 0; k < this.size; k++) {
      const at = (this.first + k) & mask
      if (this.owned[at]) continue
      const start = this.starts[at] as number
      const end = this.ends[at] as number
      this.bufs[at] = Buffer.from((this.bufs[at] as Buffer).subarray(start, end))
      this.starts[at] = 0
      this.ends[at] = end - start
      this.owned[at] = true
    }
  }

  /** The last `count` lines (all by default), oldest first. */
  lines(count = this.size): HeldLine[] {
    const mask = this.bufs.length - 1
    const held: HeldLine[] = []
    for (let k = Math.max(0, this.size - count); k < this.size; k++) {
      const at = (this.first + k) & mask
      held.push({
        buf: this.bufs[at] as Buffer,
        start: this.starts[at] as number,
        end: this.ends[at] as number,
        owned: this.owned[at] as boolean
      })
    }
    return held
  }

  private grow(): void {
    const capacity = this.bufs.length * 2
    const bufs = new Array<Buffer>(capacity)
    const starts = new Float64Array(capacity)
    const ends = new Float64Array(capacity)
    const owned = new Array<boolean>(capacity).fill(true)
    const mask = this.bufs.length - 1
    for (let k = 0; k < this.size; k++) {
      const at = (this.first + k) & mask
      bufs[k] = this.bufs[at] as Buffer
      starts[k] = this.starts[at] as number
      ends[k] = this.ends[at] as number
      owned[k] = this.owned[at] as boolean
    }
    this.bufs = bufs
    this.starts = starts
    this.ends = ends
    this.owned = owned
    this.first = 0
  }
}
const EMPTY = Buffer.alloc(0)

/** Whether a line holds anything but blanks and control bytes. */
function visible(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = buf[i] as number
    if (byte > 0x20 && byte !== 0x7f) return true
  }
  return false
}

/** The start of the line that ends with the line feed before `next`, no earlier than `from`. */
function lineStart(buf: Buffer, from: number, next: number): number {
  return next - 2 < from ? from : Math.max(from, buf.lastIndexOf(10, next - 2) + 1)
}

const isTextMode = (mode: OutputFormat | undefined): mode is TextMode =>
  mode !== undefined && mode !== 'auto' && mode !== 'junit' && mode !== 'json'

/**
 * The line rules of one text stream: the parsers its format names, and the state of a Python
 * traceback in it. stdout and stderr each have their own, so neither breaks the other's lines.
 */
class LineRules {
  private readonly parsers: LineParser[] = []
  /** By a line's first byte after blanks: the parsers (a bit each, in order) that may want it. */
  private readonly byFirstByte = new Uint32Array(256)
  /** The parsers that look at a line's bytes to say whether they may want it, with their bits. */
  private readonly probing: Array<{ parser: LineParser; bit: number }> = []
  /** The parsers that may want the line being read. */
  private candidates = 0
  /**
   * The probing parsers' bits: each skims every line read, as their probes may say no to a
   * line whose text, once cleaned, is theirs (a control byte at its end for ajv's verdict).
   */
  private probed = 0
  private field: LineParser | undefined
  private alwaysGreedy = false
  /** The chunk being read, when plainChunk() says so of it. */
  private plainChunk: Buffer | undefined
  private readonly bytes: LineBytes = {
    buf: EMPTY,
    start: 0,
    end: 0,
    plain: 0,
    scanned: 0,
    escape: false,
    separator: false
  }
  /** A parser must see every line: asked after each line read, where it can change. */
  private greedy = false
  /** The greedy parser when it is the only one and can skim lines (see LineParser.skimGreedy). */
  private skimmer: LineParser | undefined
  traceback = false
  /** Every frame of the last traceback ran at module level: it failed while importing. */
  importOnly = true
  exception: string | undefined

  constructor(
    mode: TextMode | 'json',
    emit: (raw: RawFinding) => void,
    events: ParserEvents,
    command: string,
    matchers?: ProblemMatchers
  ) {
    const all = mode === 'lines'
    if (all || mode === 'field') {
      this.field = fieldParser(emit, events.ok)
      this.parsers.push(this.field)
    }
    if (all || mode === 'workflow-commands') this.parsers.push(workflowCommandParser(emit))
    const full = events.full
    if (all || mode === 'graphql-inspector')
      this.parsers.push(inspectorParser(command, emit, events.ok, full))
    if (all || mode === 'ajv') this.parsers.push(ajvParser(command, emit, events.ok, full))
    if (all || mode === 'pact') this.parsers.push(pactParser(command, emit))
    if ((all || mode === 'matchers') && matchers) {
      this.parsers.push(matcherParser(matchers, emit))
      this.alwaysGreedy = true
    }
    // Last: its shape is the loosest; the tools above and a user's matchers print lines it matches.
    if (all || mode === 'compiler') this.parsers.push(compilerParser(emit, full))
    this.parsers.forEach((parser, k) => {
      const bit = 1 << k
      if (parser.wants) {
        this.probed |= bit
        return void this.probing.push({ parser, bit })
      }
      const starts = parser.starts
      for (let byte = 0; byte < 0x100; byte++)
        // Cleaning and trimming may change how text that is not ASCII starts.
        if (starts === undefined || byte >= 0x80 || starts.includes(String.fromCharCode(byte)))
          this.byFirstByte[byte] = (this.byFirstByte[byte] as number) | bit
    })
    // `Traceback`, which the rules read themselves: no parser's bit.
    this.byFirstByte[0x54] = (this.byFirstByte[0x54] as number) | (1 << this.parsers.length)
  }

  /** A chunk is about to be cut into lines (the lines of one chunk are views of it). */
  chunk(bytes: Uint8Array): void {
    this.plainChunk = Buffer.isBuffer(bytes) && plainChunk(bytes) ? bytes : undefined
  }

  /** The chunk skimLines last read without parsers, where its last line feed is, and bytes ahead. */
  private skimmed: Buffer | undefined
  private lastFeed = -1
  private nextCR = -1
  private nextT = -1

  /** Whether skimLines may read the next lines at once. */
  skimsLines(): boolean {
    if (this.alwaysGreedy || this.traceback) return false
    return !this.greedy || this.skimmer?.skimGreedyLines !== undefined
  }

  /**
   * Reads the whole lines from `run.end` to `to` at once: an only greedy parser's that it can
   * skim, else each line as read() would, or, when there is no parser, any line but one that
   * could start a traceback. Leaves `run` as it was when the next line needs reading on its own.
   */
  skimLines(buf: Buffer, to: number, run: LineRun): void {
    if (!this.skimsLines()) return
    const skimmer = this.greedy ? this.skimmer : undefined
    if (skimmer?.skimGreedyLines) {
      skimmer.skimGreedyLines(buf, to, run)
      if (run.lines > 0 && !skimmer.greedy?.()) this.settle()
      return
    }
    // The positions searched ahead are kept for the chunk, so a chunk is searched once
    // whatever the number of calls.
    const from = run.end
    if (buf !== this.skimmed) {
      this.skimmed = buf
      this.lastFeed = buf.lastIndexOf(10, to - 1)
      this.nextCR = this.nextT = -2
    }
    // A carriage return ends a line too: the lines it is in are read one by one.
    if (this.nextCR !== -1 && this.nextCR < from) this.nextCR = buf.indexOf(13, from)
    if (this.parsers.length > 0) return this.readLines(buf, run)
    // No parser (a JSON document's stdout): a line is read only for a traceback, whose first
    // line starts with `T` after blanks; the others are counted.
    let end = this.lastFeed + 1
    if (this.nextCR !== -1 && this.nextCR < end) end = buf.lastIndexOf(10, this.nextCR) + 1
    if (this.nextT !== -1 && this.nextT < from) this.nextT = buf.indexOf(0x54, from)
    while (this.nextT !== -1 && this.nextT < end) {
      let at = this.nextT
      while (
        at > from &&
        buf[at - 1] !== 10 &&
        ((buf[at - 1] as number) <= 0x20 || buf[at - 1] === 0x7f)
      )
        at--
      if (at === from || buf[at - 1] === 10) {
        end = at
        break
      }
      this.nextT = buf.indexOf(0x54, this.nextT + 1)
    }
    if (end <= from) return
    run.lines = countLineFeeds(buf, from, end)
    run.end = end
  }

  /**
   * No parser is greedy: each line read() as it would be on its own, in a loop that costs a
   * line far less than cutting it out, keeping it for the excerpt and handing it here. Stops
   * before a line holding a carriage return, and after a line that makes a parser greedy or
   * starts a traceback (the next call decides how to read on).
   */
  private readLines(buf: Buffer, run: LineRun): void {
    const last = this.nextCR === -1 ? this.lastFeed : Math.min(this.lastFeed, this.nextCR)
    for (let start = run.end; start <= last;) {
      const feed = buf.indexOf(10, start)
      if (feed > last || feed === -1) return
      this.read(buf, start, Math.min(feed, start + MAX_LINE_BYTES))
      start = run.end = feed + 1
      run.feeds[run.lines++] = feed
      run.recorded = true
      if (this.greedy || this.traceback) return
    }
  }

  /** Reads one line: from its bytes when the parsers can, else decoded (`text`, if it is already). */
  read(buf: Buffer, start: number, end: number, text?: string): void {
    if (!this.wanted(buf, start, end)) return
    if (text === undefined && this.skim(buf, start, end)) return
    this.line(text ?? decodeLine(buf, start, end))
  }

  /**
   * The parsers, in order, on the line's bytes: true when they settle it (none of theirs, or a
   * finding past the cap counted), so it need not be decoded.
   */
  private skim(buf: Buffer, start: number, end: number): boolean {
    if (this.alwaysGreedy || this.traceback || this.greedy || end - start > MAX_LINE) return false
    const bytes = this.bytes
    scanLineBytes(bytes, buf, start, end, buf === this.plainChunk)
    // A traceback's start is read from the text, and so is a line whose start cleaning changes.
    if (bytes.plain === start || (buf[start] === 0x54 && textAt(bytes, start, TRACEBACK) !== false))
      return false
    // A parser that may not want the line would say false.
    const candidates = this.candidates
    const parsers = this.parsers
    for (let k = 0; k < parsers.length; k++) {
      if ((candidates & (1 << k)) === 0) continue
      const settled = (parsers[k] as LineParser).skim?.(bytes)
      if (settled === undefined) return false
      if (settled) return true
    }
    return true
  }

  private line(text: string): void {
    for (const parser of this.parsers) if (parser.line(text)) break
    this.settle()
    if (text.startsWith(TRACEBACK)) {
      this.traceback = true
      this.importOnly = true
    } else if (this.traceback) {
      const frame = TRACEBACK_FRAME.exec(text)
      if (frame) {
        if (frame[1] !== '<module>') this.importOnly = false
      } else if (text !== '' && !/^\s/.test(text)) this.exception = text.slice(0, 500)
    }
  }

  /** Only lines a parser could want are decoded: the rest of a huge log is counted, not read. */
  private wanted(buf: Buffer, start: number, end: number): boolean {
    if (this.alwaysGreedy || this.traceback) return true
    if (this.greedy) {
      const skimmer = this.skimmer
      if (!skimmer?.skimGreedy?.(buf, start, end)) return true
      // Only the skimmer read the line: the others are as they were.
      if (!skimmer.greedy?.()) this.settle()
      return false
    }
    let i = start
    while (i < end && ((buf[i] as number) <= 0x20 || buf[i] === 0x7f)) i++
    if (i === end) return false
    let candidates = this.byFirstByte[buf[i] as number] as number
    for (const { parser, bit } of this.probing)
      if (parser.wants?.(buf, start, end)) candidates |= bit
    this.candidates = candidates | this.probed
    return candidates !== 0
  }

  end(): void {
    for (const parser of this.parsers) parser.end()
    this.settle()
  }

  private settle(): void {
    let greedy: LineParser | undefined
    let count = 0
    for (const parser of this.parsers)
      if (parser.greedy?.()) {
        greedy = parser
        count++
      }
    this.greedy = count > 0
    this.skimmer = count === 1 ? greedy : undefined
  }
}

/**
 * Reads one validator's output as it streams and turns it into findings, a verdict on how it
 * ended and a bounded excerpt: memory stays bounded by the findings kept, whatever the size of
 * the log. stdout (or a report file) is sniffed for a structured document, wherever it starts,
 * and sniffed again where one ends; stderr is always text for the line rules. Text is scanned as bytes and only the lines a
 * parser could want are decoded.
 */
export class OutputCollector {
  private mode: Mode | undefined
  /** The format of the output's first structured document, kept when text follows it. */
  private document: 'junit' | 'json' | undefined
  private readonly declared: boolean
  private sniffed: Buffer | undefined
  private sniffedLength = 0
  private sniffFrom = 0
  private readonly lines: ByteLines
  private readonly errLines: ByteLines
  /** stdout's line rules while it is text (or JSON, for a traceback); none for JUnit. */
  private out: LineRules | undefined
  private readonly err: LineRules
  private stream: StreamParser | undefined
  /** Output held while the parser of `document` loads. */
  private pending: Buffer[] | undefined
  private pendingBytes = 0
  private pendingDocument: 'junit' | 'json' = 'junit'
  private wholeJson: Buffer[] | undefined
  private wholeJsonBytes = 0
  private loading: Promise<void> | undefined
  private closed = false
  private resolverCache: PathResolver | undefined
  private readonly events: ParserEvents
  private readonly findings: Finding[] = []
  private findingCount = 0
  private provisional: RawFinding[] = []
  private provisionalCount = 0
  private readonly texts = new Map<string, string | undefined>()
  private readonly okLines: string[] = []
  private readonly notes: string[] = []
  private noteCount = 0
  private unreadable: string | undefined
  private readonly head: string[] = []
  private headChars = 0
  private readonly tail = new HeldLines()
  private tailChars = 0
  private omittedLines = 0
  private readonly excerptChars: number
  /** The last visible lines of each text stream: start-up shapes, and the fallback's quote. */
  private readonly outTail = new HeldLines()
  private readonly errTail = new HeldLines()
  private bytes = 0
  private crashReason: string | undefined

  constructor(
    private readonly source: string,
    private readonly options: ParseOptions
  ) {
    this.excerptChars = options.excerptChars ?? 16_000
    this.events = {
      finding: raw => this.add(raw),
      full: provisional =>
        (provisional ? this.provisional : this.findings).length >= (options.maxFindings ?? 1000),
      note: text => this.note(text),
      unreadable: text => {
        this.note(text)
        this.unreadable ??= text.slice(0, 500)
      },
      ok: line => this.okLines.length < 20 && this.okLines.push(line)
    }
    this.lines = new ByteLines(
      (buf, start, end, owned) => this.line(buf, start, end, owned),
      (buf, start, size) =>
        this.skim(buf, start, size, this.out, isTextMode(this.mode) ? this.outTail : undefined)
    )
    this.errLines = new ByteLines(
      (buf, start, end, owned) => this.errLine(buf, start, end, owned),
      (buf, start, size) => this.skim(buf, start, size, this.err, this.errTail)
    )
    const format = options.format ?? options.formats?.[source] ?? 'auto'
    this.declared = format !== 'auto'
    this.err = this.rules(isTextMode(format) ? format : 'lines')
    if (format !== 'auto') this.begin(format)
  }

  /** stdout, or the content of a report file. */
  write(chunk: Uint8Array): void {
    this.bytes += chunk.length
    this.take(chunk)
  }

  /** stderr: text for the line rules, never part of a document on stdout. */
  writeStderr(chunk: Uint8Array): void {
    this.bytes += chunk.length
    this.err.chunk(chunk)
    this.errLines.push(chunk)
    this.adopt()
  }

  /** Resolves once no parser is loading; the stream may then be finished synchronously. */
  settled(): Promise<void> {
    return this.loading ?? Promise.resolve()
  }

  /** finish(), after waiting for any parser the output needs (the XML parser loads lazily). */
  async finishWhenReady(
    exitCode: number | null,
    durationMs: number,
    signal?: string
  ): Promise<ValidatorRun> {
    if (this.mode === undefined) this.decide(true)
    await this.settled()
    return this.finish(exitCode, durationMs, signal)
  }

  /** Closes a captured report (no exit code of its own) and judges it by its content. */
  async finishReport(durationMs: number): Promise<ValidatorRun> {
    if (this.mode === undefined) this.decide(true)
    await this.settled()
    return this.finish(this.reportExitCode(), durationMs)
  }

  /**
   * Closes the stream and judges the run. `exitCode` null means it was stopped at the timeout;
   * `signal` names the signal that killed it (a crash, such as an out-of-memory kill).
   */
  finish(exitCode: number | null, durationMs: number, signal?: string): ValidatorRun {
    this.close()
    if (exitCode !== 0) this.adoptProvisional()
    const killedBy = signal ?? (exitCode !== null ? FATAL_EXIT_CODES[exitCode] : undefined)
    const outcome = this.outcome(exitCode, killedBy)
    if (outcome === 'failed' && this.findingCount === 0) this.addFallback(exitCode)
    return {
      command: this.source,
      outcome,
      exitCode,
      durationMs,
      findings: this.findings,
      findingCount: this.findingCount,
      okLines: this.okLines,
      excerpt: this.excerpt(),
      outputBytes: this.bytes,
      ...(this.crashReason ? { crash: this.crashReason } : {}),
      ...(this.document || this.mode ? { format: this.document ?? this.mode } : {}),
      ...(this.noteCount > 0 ? { notes: this.noteList() } : {})
    }
  }

  /**
   * Closes the stream and says the exit code a captured report implies: red when it holds
   * findings, a traceback, unreadable structure or unrecognised text; green when it holds only
   * OK lines, a clean JUnit/JSON report, or nothing (many tools print nothing on success).
   * An empty report declared structured in `formats` is unreadable.
   */
  reportExitCode(): number {
    this.close()
    if (this.bytes === 0) {
      if (this.declared && this.structured())
        this.events.unreadable(`the report is empty, but formats declares it ${this.document}`)
      return 0
    }
    // A captured report is kept because it failed: its compiler-style lines are findings.
    this.adoptProvisional()
    if (this.findingCount > 0 || this.out?.traceback) return 1
    if (this.structured()) return this.noteCount > 0 || this.okLines.length === 0 ? 1 : 0
    return this.okLines.length === 0 ? 1 : 0
  }

  private structured(): boolean {
    return this.document !== undefined
  }

  private rules(mode: TextMode | 'json'): LineRules {
    return new LineRules(
      mode,
      raw => this.add(raw),
      this.events,
      this.source,
      this.options.problemMatchers
    )
  }

  /** stdout's bytes to the format decided, or held while it is decided. */
  private take(chunk: Uint8Array): void {
    if (this.mode !== undefined) return this.feed(chunk)
    this.hold(chunk)
    this.decide(false)
  }

  private hold(chunk: Uint8Array): void {
    const needed = this.sniffedLength + chunk.length
    if (!this.sniffed || this.sniffed.length < needed) {
      const grown = Buffer.allocUnsafe(
        Math.max(needed, Math.min(2 * needed, 2 * SNIFF_LIMIT), 4096)
      )
      this.sniffed?.copy(grown, 0, 0, this.sniffedLength)
      this.sniffed = grown
    }
    this.sniffed.set(chunk, this.sniffedLength)
    this.sniffedLength = needed
  }

  private decide(final: boolean): void {
    const held = (this.sniffed ?? Buffer.alloc(0)).subarray(0, this.sniffedLength)
    const found = sniffDocument(held.subarray(0, SNIFF_LIMIT), final, this.sniffFrom)
    if ('from' in found) {
      this.sniffFrom = found.from
      return
    }
    this.sniffed = undefined
    this.sniffedLength = 0
    if (found.at > 0) {
      // A banner or a warning before the document: text for the line rules.
      this.begin('lines')
      this.feed(held.subarray(0, found.at))
      this.out?.end()
    }
    this.begin(found.format)
    if (found.format === 'lines' && startsAsJson(held.subarray(0, SNIFF_LIMIT))) this.wholeJson = []
    if (held.length > found.at) this.feed(held.subarray(found.at))
  }

  private begin(mode: Mode): void {
    this.mode = mode
    if (mode === 'junit' || mode === 'json') this.document ??= mode
    this.out = undefined
    this.stream = undefined
    if (mode !== 'junit') this.out = this.rules(mode)
    if (mode === 'junit' || mode === 'json') this.startDocument(mode)
  }

  /** The document's stream parser when its code is loaded (xml.ts, json.ts). */
  private parserFor(mode: 'junit' | 'json'): StreamParser | undefined {
    if (mode === 'junit') {
      const sax = xmlParserIfLoaded()
      return sax && junitParser(sax, this.events, this.resolver())
    }
    const check = jsonFindingsIfLoaded()
    return check && jsonParser(this.events, check, this.source)
  }

  private startDocument(mode: 'junit' | 'json'): void {
    this.stream = this.parserFor(mode)
    if (this.stream) return
    this.pending = []
    this.pendingDocument = mode
    const load: Promise<unknown> = mode === 'junit' ? loadXmlParser() : loadJsonFindings()
    this.loading = load.then(
      () => {
        const pending = this.pending ?? []
        const overflowed = this.pendingBytes > MAX_PENDING
        this.pending = undefined
        // Finished without waiting: the run is judged already and must not change under it.
        if (this.closed || overflowed) return
        this.stream = this.parserFor(mode)
        // As they arrived: the document may end in one of them, and the rest be sniffed again.
        for (const chunk of pending) this.take(chunk)
      },
      (error: unknown) => {
        this.flushPending()
        this.events.unreadable(
          `${DOCUMENT[mode]}: ${LOADED_PARSER[mode]} could not be loaded (${String(error)})`
        )
      }
    )
  }

  private feed(chunk: Uint8Array): void {
    if (this.pending) return this.waitForParser(chunk)
    // The stream reads first: where its document ends, the rest is output of its own.
    const used = this.stream ? this.stream.write(chunk) : chunk.length
    const own = used < chunk.length ? chunk.subarray(0, used) : chunk
    this.out?.chunk(own)
    this.lines.push(own)
    this.adopt()
    if (this.wholeJson) {
      if (this.wholeJsonBytes + own.length <= MAX_WHOLE_JSON) this.wholeJson.push(Buffer.from(own))
      this.wholeJsonBytes += own.length
    }
    if (used < chunk.length) this.afterDocument(chunk.subarray(used))
  }

  /**
   * The document is complete (SPEC §2): what follows it is sniffed as output of its own, so
   * text goes to the line rules (`Done in 2.31s.`, pytest's summary, an ERROR line) and
   * another document is read too.
   */
  private afterDocument(rest: Uint8Array): void {
    this.stream?.end()
    this.stream = undefined
    this.mode = undefined
    this.sniffFrom = 0
    this.hold(rest)
    this.decide(false)
  }

  /** Output waits in arrival order while the document's parser loads; the excerpt gets it then. */
  private waitForParser(chunk: Uint8Array): void {
    const pending = this.pending as Buffer[]
    if (this.pendingBytes + chunk.length <= MAX_PENDING) {
      pending.push(Buffer.from(chunk))
      this.pendingBytes += chunk.length
      return
    }
    this.pendingBytes = Infinity
    const mode = this.pendingDocument
    this.events.unreadable(
      `${DOCUMENT[mode]}: output arrived faster than ${LOADED_PARSER[mode]} loaded; the rest is unread`
    )
    this.flushPending()
    this.feed(chunk)
  }

  /** Gives up the document: what waited for the parser goes to the excerpt only. */
  private flushPending(): void {
    const pending = this.pending ?? []
    this.pending = undefined
    for (const chunk of pending) this.lines.push(chunk)
  }

  private close(): void {
    if (this.closed) return
    if (this.mode === undefined) this.decide(true)
    this.closed = true
    if (this.pending) {
      this.flushPending()
      const mode = this.pendingDocument
      this.events.unreadable(
        `${DOCUMENT[mode]}: the output ended while ${LOADED_PARSER[mode]} was loading; it was not read`
      )
    } else this.stream?.end()
    this.lines.end()
    this.errLines.end()
    this.out?.end()
    this.err.end()
    if (this.wholeJson) this.checkWholeJson(this.wholeJson)
  }

  /** A text output that starts like JSON must be JSON: a cut-off document is unreadable. */
  private checkWholeJson(chunks: Buffer[]): void {
    this.wholeJson = undefined
    if (this.wholeJsonBytes > MAX_WHOLE_JSON) {
      this.note(
        `JSON: the document is over ${MAX_WHOLE_JSON / 1024 / 1024} MiB; it was read as text, not parsed whole`
      )
      return
    }
    const text = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
    const problem = jsonProblem(text)
    if (problem) this.events.unreadable(problem)
  }

  private resolver(): PathResolver {
    return (this.resolverCache ??= pathResolver(this.options.workspace, this.options.repoFiles))
  }

  private note(text: string): void {
    this.noteCount++
    if (this.notes.length < MAX_NOTES) this.notes.push(text.slice(0, 500))
  }

  private noteList(): string[] {
    const more = this.noteCount - this.notes.length
    return more > 0 ? [...this.notes, `… and ${more} more`] : [...this.notes]
  }

  /** How the run ended, and why when it is a validator error (SPEC §2), most telling first. */
  private outcome(exitCode: number | null, killedBy: string | undefined): Outcome {
    if (killedBy) {
      this.crashReason = `killed by ${killedBy}${exitCode !== null ? ` (exit ${exitCode})` : ''}`
      return 'crashed'
    }
    if (exitCode === null) return 'timed-out'
    const startup =
      startupFailure(this.decodeAll(this.errTail.lines()), exitCode) ??
      (this.out ? startupFailure(this.decodeAll(this.outTail.lines()), exitCode) : undefined)
    if (startup) {
      this.crashReason = startup.reason
      return startup.outcome
    }
    // A crash exits 1 like a real failure: only the traceback tells them apart.
    const crashed = [this.err, this.out].find(rules => rules?.traceback)
    if (crashed) {
      if (crashed.exception) this.crashReason = crashed.exception
      const importing = crashed.importOnly && PYTHON_IMPORT_FAILURE.test(crashed.exception ?? '')
      return importing ? 'broken' : 'crashed'
    }
    if (this.unreadable) {
      this.crashReason = this.unreadable
      return 'unreadable'
    }
    // ERROR lines are believed over a zero exit: a gate must not go green on a reported problem.
    if (exitCode === 0) return this.findingCount > 0 ? 'failed' : 'passed'
    if (exitCode === 127 || exitCode === 126) return 'missing'
    return 'failed'
  }

  private decodeAll(held: readonly HeldLine[]): string[] {
    return held.map(line => decodeLine(line.buf, line.start, line.end))
  }

  private line(buf: Buffer, start: number, end: number, owned: boolean): void {
    const text = this.keep(buf, start, end, owned, isTextMode(this.mode) ? this.outTail : undefined)
    this.out?.read(buf, start, end, text)
    this.lines.skimming = this.headChars >= this.excerptChars && this.out?.skimsLines() === true
  }

  private errLine(buf: Buffer, start: number, end: number, owned: boolean): void {
    const text = this.keep(buf, start, end, owned, this.errTail)
    this.err.read(buf, start, end, text)
    this.errLines.skimming = this.headChars >= this.excerptChars && this.err.skimsLines()
  }

  /** Keeps a line for the excerpt, the fallback and a stream's tail; its text when decoded. */
  private keep(
    buf: Buffer,
    start: number,
    end: number,
    owned: boolean,
    streamTail: HeldLines | undefined
  ): string | undefined {
    let text: string | undefined
    if (this.headChars < this.excerptChars) {
      text = decodeLine(buf, start, end)
      this.head.push(text)
      this.headChars += text.length + 1
    } else this.keepTail(buf, start, end, owned)
    if (streamTail && visible(buf, start, end)) {
      streamTail.push(buf, start, Math.min(end, start + TAIL_LINE_BYTES), owned)
      if (streamTail.size > STARTUP_TAIL_LINES) streamTail.shift()
    }
    return text
  }

  private readonly run: LineRun = { end: 0, lines: 0, feeds: [], recorded: false }
  private readonly runStarts: number[] = []

  /**
   * Past the excerpt's head, the lines from `start` that the rules read at once: of those only
   * the last are kept, as keep() would leave them. Returns where they end.
   */
  private skim(
    buf: Buffer,
    start: number,
    size: number,
    rules: LineRules | undefined,
    streamTail: HeldLines | undefined
  ): number {
    if (!rules || this.headChars < this.excerptChars) return start
    const run = this.run
    run.end = start
    run.lines = 0
    run.recorded = false
    rules.skimLines(buf, size, run)
    const lines = run.lines
    if (lines === 0) return start
    const end = run.end
    // The line feeds of the last lines, last first, as far as the excerpt's tail and the stream's
    // last visible lines reach: the lines before them would be dropped as these arrive.
    const feeds = run.feeds
    const recorded = run.recorded
    const starts = this.runStarts
    starts.length = 0
    let chars = 0
    let visibleLines = 0
    for (let k = 0, next = end; k < lines; k++) {
      if (chars > this.excerptChars && (!streamTail || visibleLines >= STARTUP_TAIL_LINES)) break
      const at = recorded
        ? k === lines - 1
          ? start
          : (feeds[lines - 2 - k] as number) + 1
        : lineStart(buf, start, next)
      const lineEnd = Math.min(next - 1, at + MAX_LINE_BYTES)
      chars += lineEnd - at + 1
      if (streamTail && visibleLines < STARTUP_TAIL_LINES && visible(buf, at, lineEnd))
        visibleLines++
      starts.push(at)
      next = at
    }
    // Oldest first, as keep() would have seen them.
    for (let k = starts.length - 1; k >= 0; k--) {
      const at = starts[k] as number
      const lineEnd = Math.min((k === 0 ? end : (starts[k - 1] as number)) - 1, at + MAX_LINE_BYTES)
      this.keepTail(buf, at, lineEnd, false)
      if (streamTail && visible(buf, at, lineEnd)) {
        streamTail.push(buf, at, Math.min(lineEnd, at + TAIL_LINE_BYTES), false)
        if (streamTail.size > STARTUP_TAIL_LINES) streamTail.shift()
      }
    }
    this.omittedLines += lines - starts.length
    return end
  }

  private keepTail(buf: Buffer, start: number, end: number, owned: boolean): void {
    this.tail.push(buf, start, end, owned)
    this.tailChars += end - start + 1
    while (this.tailChars > this.excerptChars && this.tail.size > 1) {
      this.tailChars -= this.tail.shift() + 1
      this.omittedLines++
    }
  }

  /** Held lines that are views of the caller's chunk become copies before the chunk is gone. */
  private adopt(): void {
    this.tail.adopt()
    this.outTail.adopt()
    this.errTail.adopt()
  }

  private add(raw: RawFinding): void {
    if (raw.provisional) return this.holdProvisional(raw)
    this.findingCount++
    if (this.findings.length >= (this.options.maxFindings ?? 1000)) return
    const targets: string[] = []
    for (const file of raw.files ?? []) {
      const path = this.resolver().path(file)
      if (path && !targets.includes(path)) targets.push(path)
    }
    let line = raw.line
    if (targets.length === 0) {
      const found = findTargets(raw.tag, raw.message, this.options)
      targets.push(...found.targets)
      line ??= found.line
    }
    if (line === undefined && raw.location && targets[0]) {
      const text = this.fileText(targets[0])
      if (text !== undefined) line = locateLine(text, raw.location)
    }
    this.findings.push({
      source: this.source,
      tag: raw.tag,
      message: raw.message.slice(0, 2000),
      targets,
      ...(line !== undefined ? { line } : {}),
      runtime: raw.runtime === true || this.options.runtimeTags.includes(raw.tag)
    })
  }

  /** A provisional finding waits for the exit code; bounded like the findings kept. */
  private holdProvisional(raw: RawFinding): void {
    this.provisionalCount++
    if (this.provisional.length < (this.options.maxFindings ?? 1000)) this.provisional.push(raw)
  }

  /** The run failed: the lines held as provisional findings are findings. */
  private adoptProvisional(): void {
    const held = this.provisional
    const unkept = this.provisionalCount - held.length
    this.provisional = []
    this.provisionalCount = 0
    for (const raw of held) this.add({ ...raw, provisional: false })
    this.findingCount += unkept
  }

  private fileText(path: string): string | undefined {
    if (!this.texts.has(path)) this.texts.set(path, this.options.readFile?.(path))
    return this.texts.get(path)
  }

  /**
   * An unrecognised failing output still counts: one finding carrying the last lines of its
   * text, stdout's then stderr's (never a fragment of a document), whatever their interleaving.
   */
  private addFallback(exitCode: number | null): void {
    const last = [
      ...this.decodeAll(this.outTail.lines(FALLBACK_LINES)),
      ...this.decodeAll(this.errTail.lines(FALLBACK_LINES))
    ].slice(-FALLBACK_LINES)
    const said = this.structured() && this.notes.length > 0 ? this.notes.slice(0, 3) : last
    const quiet = this.structured()
      ? `exited with code ${exitCode}; its ${this.document === 'junit' ? 'JUnit' : 'JSON'} output reports no failure`
      : `exited with code ${exitCode} and printed nothing`
    this.add({ tag: '', message: said.join('\n') || quiet })
  }

  private excerpt(): string {
    const limit = this.options.excerptChars ?? 16_000
    const gap = this.omittedLines > 0 ? [`… ${this.omittedLines} lines omitted …`] : []
    let tail = this.tail.lines().map(held => decodeLine(held.buf, held.start, held.end))
    // One gigantic last line: keep its end only.
    if (tail.length === 1 && (tail[0] as string).length > limit)
      tail = [(tail[0] as string).slice(-limit)]
    return [...this.head, ...gap, ...tail].join('\n').replace(/\n+$/, '')
  }
}

/** What is wrong with a JSON text, said for a person: `JSON ends early`, or where it breaks. */
export function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text)
    return undefined
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? ''
    const position = /position (\d+)/.exec(message)
    const at = position ? Number(position[1]) : undefined
    if (
      /end of JSON input|Unterminated string/i.test(message) ||
      (at ?? 0) >= text.trimEnd().length
    )
      return 'JSON ends early: the document is cut off (truncated?)'
    const line = at !== undefined ? text.slice(0, at).split('\n').length : undefined
    return `JSON not valid${line ? ` at line ${line}` : ''}: ${message}`
  }
}

/** Parses a whole output at once (tests); JUnit and JSON need loadXmlParser()/loadJsonFindings() first, or parseOutputAsync. */
export function parseOutput(
  source: string,
  output: string | Uint8Array,
  exitCode: number | null,
  options: ParseOptions
): ValidatorRun {
  const collector = new OutputCollector(source, options)
  collector.write(typeof output === 'string' ? new TextEncoder().encode(output) : output)
  return collector.finish(exitCode, 0)
}

/** Parses a whole output at once, loading whatever parser it needs. */
export async function parseOutputAsync(
  source: string,
  output: string | Uint8Array,
  exitCode: number | null,
  options: ParseOptions
): Promise<ValidatorRun> {
  const collector = new OutputCollector(source, options)
  collector.write(typeof output === 'string' ? new TextEncoder().encode(output) : output)
  return collector.finishWhenReady(exitCode, 0)
}
