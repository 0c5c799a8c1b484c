import type { Finding, Outcome, ValidatorRun } from '../types.js'
import { fieldParser } from './field.js'
import { jsonParser } from './json.js'
import { junitParser } from './junit.js'
import { ByteLines, decodeLine } from './lines.js'
import { matcherParser, type ProblemMatchers } from './matchers.js'
import { pathResolver, type PathResolver } from './resolve.js'
import { SNIFF_LIMIT, sniffFormat } from './sniff.js'
import { findTargets, type TargetContext } from './targets.js'
import type { LineParser, OutputFormat, ParserEvents, RawFinding, StreamParser } from './types.js'
import { workflowCommandParser } from './workflow.js'
import { loadXmlParser, xmlParserIfLoaded } from './xml.js'

export type { RawFinding, LineParser, StreamParser, OutputFormat } from './types.js'
export { OUTPUT_FORMATS } from './types.js'
export { problemMatchersSchema, type ProblemMatchers } from './matchers.js'
export { jsonFindingSchema, type JsonFinding } from './json.js'
export { formatsSchema, type Formats } from './config.js'
export { loadXmlParser } from './xml.js'

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
}

type Mode = Exclude<OutputFormat, 'auto'>

const TRACEBACK = 'Traceback (most recent call last):'
const PYTHON_MISSING_SCRIPT = /can't open file .*\[Errno 2\] No such file or directory/
const FALLBACK_LINES = 5
const MAX_NOTES = 20
// Output that arrives while the XML parser loads waits in memory; a few milliseconds' worth.
const MAX_PENDING_XML = 64 * 1024 * 1024
// 128 + n for the signals that end a process abnormally, as a shell reports them.
const FATAL_EXIT_CODES: Record<number, string> = {
  132: 'SIGILL',
  133: 'SIGTRAP',
  134: 'SIGABRT',
  135: 'SIGBUS',
  136: 'SIGFPE',
  137: 'SIGKILL',
  139: 'SIGSEGV'
}

/** A line's bytes held for the excerpt's tail or the fallback, a view until adopted. */
interface HeldLine {
  buf: Buffer
  start: number
  end: number
  owned: boolean
}

/** Whether a line holds anything but blanks and control bytes. */
function visible(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = buf[i] as number
    if (byte > 0x20 && byte !== 0x7f) return true
  }
  return false
}

/**
 * Reads one validator's output as it streams and turns it into findings, a crash verdict and a
 * bounded excerpt: memory stays bounded by the findings kept, whatever the size of the log.
 * The format is decided from the first bytes (or given); text is scanned as bytes and only the
 * lines a parser could want are decoded.
 */
export class OutputCollector {
  private mode: Mode | undefined
  private sniffed: Buffer | undefined
  private sniffedLength = 0
  private readonly lines: ByteLines
  private lineParsers: LineParser[] = []
  private field: LineParser | undefined
  private alwaysGreedy = false
  private textMode = false
  private crashWatch = false
  private stream: StreamParser | undefined
  private pendingXml: Buffer[] | undefined
  private pendingXmlBytes = 0
  private loading: Promise<void> | undefined
  private closed = false
  private resolverCache: PathResolver | undefined
  private readonly events: ParserEvents
  private readonly findings: Finding[] = []
  private findingCount = 0
  private readonly okLines: string[] = []
  private readonly notes: string[] = []
  private noteCount = 0
  private readonly head: string[] = []
  private headChars = 0
  private tail: HeldLine[] = []
  private tailChars = 0
  private omittedLines = 0
  private lastLines: HeldLine[] = []
  private bytes = 0
  private traceback = false
  private crashReason: string | undefined

  constructor(
    private readonly source: string,
    private readonly options: ParseOptions
  ) {
    this.events = {
      finding: raw => this.add(raw),
      note: text => this.note(text),
      ok: line => this.okLines.length < 20 && this.okLines.push(line)
    }
    this.lines = new ByteLines((buf, start, end, owned) => this.line(buf, start, end, owned))
    const format = options.format ?? options.formats?.[source] ?? 'auto'
    if (format !== 'auto') this.begin(format)
  }

  write(chunk: Uint8Array): void {
    this.bytes += chunk.length
    if (this.mode !== undefined) return this.feed(chunk)
    this.hold(chunk)
    this.decide(false)
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
    const killedBy = signal ?? (exitCode !== null ? FATAL_EXIT_CODES[exitCode] : undefined)
    if (killedBy && !this.crashReason) {
      this.crashReason = `killed by ${killedBy}${exitCode !== null ? ` (exit ${exitCode})` : ''}`
    }
    const outcome = this.outcome(exitCode, killedBy !== undefined)
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
      ...(this.mode ? { format: this.mode } : {}),
      ...(this.noteCount > 0 ? { notes: this.noteList() } : {})
    }
  }

  /**
   * Closes the stream and says the exit code a captured report implies: red when it holds
   * findings, a traceback, unreadable structure or unrecognised text; green when it holds only
   * OK lines or a clean JUnit/JSON report; missing when it is empty.
   */
  reportExitCode(): number {
    this.close()
    if (this.bytes === 0) return 127
    if (this.findingCount > 0 || this.traceback) return 1
    if (this.structured()) return this.noteCount > 0 || this.okLines.length === 0 ? 1 : 0
    return this.okLines.length === 0 ? 1 : 0
  }

  private structured(): boolean {
    return this.mode === 'junit' || this.mode === 'json'
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
    const format = sniffFormat(held.subarray(0, SNIFF_LIMIT), final)
    if (!format) return
    this.sniffed = undefined
    this.sniffedLength = 0
    this.begin(format)
    if (held.length > 0) this.feed(held)
  }

  private begin(mode: Mode): void {
    this.mode = mode
    if (mode === 'junit') return this.startXml()
    this.crashWatch = true
    if (mode === 'json') {
      this.stream = jsonParser(this.events)
      return
    }
    this.textMode = true
    const emit = (raw: RawFinding): void => this.add(raw)
    if (mode === 'lines' || mode === 'field') {
      this.field = fieldParser(emit, this.events.ok)
      this.lineParsers.push(this.field)
    }
    if (mode === 'lines' || mode === 'workflow-commands')
      this.lineParsers.push(workflowCommandParser(emit))
    if ((mode === 'lines' || mode === 'matchers') && this.options.problemMatchers) {
      this.lineParsers.push(matcherParser(this.options.problemMatchers, emit))
      this.alwaysGreedy = true
    }
  }

  private startXml(): void {
    const sax = xmlParserIfLoaded()
    if (sax) {
      this.stream = junitParser(sax, this.events, this.resolver())
      return
    }
    this.pendingXml = []
    this.loading = loadXmlParser().then(
      loaded => {
        const pending = this.pendingXml ?? []
        this.pendingXml = undefined
        // Finished without waiting: the run is judged already and must not change under it.
        if (this.closed) return
        this.stream = junitParser(loaded, this.events, this.resolver())
        for (const chunk of pending) this.stream.write(chunk)
      },
      (error: unknown) => {
        this.pendingXml = undefined
        this.note(`JUnit XML: the XML parser could not be loaded (${String(error)})`)
      }
    )
  }

  private feed(chunk: Uint8Array): void {
    this.lines.push(chunk)
    this.adopt()
    if (this.pendingXml) {
      if (this.pendingXmlBytes + chunk.length <= MAX_PENDING_XML) {
        this.pendingXml.push(Buffer.from(chunk))
        this.pendingXmlBytes += chunk.length
      } else if (this.pendingXmlBytes <= MAX_PENDING_XML) {
        this.pendingXmlBytes = Infinity
        this.note('JUnit XML: output arrived faster than the XML parser loaded; the rest is unread')
      }
    } else this.stream?.write(chunk)
  }

  private close(): void {
    if (this.closed) return
    if (this.mode === undefined) this.decide(true)
    this.closed = true
    this.lines.end()
    for (const parser of this.lineParsers) parser.end()
    if (this.pendingXml)
      this.note('JUnit XML: the output ended while the XML parser was loading; it was not read')
    else this.stream?.end()
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

  private outcome(exitCode: number | null, killed: boolean): Outcome {
    if (exitCode === null && !killed) return 'timed-out'
    // A crash exits 1 like a real failure: only the traceback tells them apart (SPEC §2).
    if (this.traceback || killed) return 'crashed'
    // ERROR lines are believed over a zero exit: a gate must not go green on a reported problem.
    if (exitCode === 0) return this.findingCount > 0 ? 'failed' : 'passed'
    if (exitCode === 127 || exitCode === 126 || (exitCode === 2 && this.missingScript()))
      return 'missing'
    return 'failed'
  }

  private missingScript(): boolean {
    const last = this.lastLines.map(held => decodeLine(held.buf, held.start, held.end))
    return [...this.head, ...last].some(line => PYTHON_MISSING_SCRIPT.test(line))
  }

  private line(buf: Buffer, start: number, end: number, owned: boolean): void {
    let text: string | undefined
    const limit = this.options.excerptChars ?? 16_000
    if (this.headChars < limit) {
      text = decodeLine(buf, start, end)
      this.head.push(text)
      this.headChars += text.length + 1
    } else this.keepTail({ buf, start, end, owned }, limit)
    if (this.crashWatch && this.wanted(buf, start, end)) {
      text ??= decodeLine(buf, start, end)
      for (const parser of this.lineParsers) if (parser.line(text)) break
      if (text.startsWith(TRACEBACK)) this.traceback = true
      else if (this.traceback && text !== '' && !/^\s/.test(text))
        this.crashReason = text.slice(0, 500)
    }
    if (visible(buf, start, end)) {
      this.lastLines.push({ buf, start, end, owned })
      if (this.lastLines.length > FALLBACK_LINES) this.lastLines.shift()
    }
  }

  /** Only lines a parser could want are decoded: the rest of a huge log is counted, not read. */
  private wanted(buf: Buffer, start: number, end: number): boolean {
    if (this.alwaysGreedy || this.traceback || this.field?.greedy?.()) return true
    let i = start
    while (i < end && ((buf[i] as number) <= 0x20 || buf[i] === 0x7f)) i++
    if (i === end) return false
    const byte = buf[i] as number
    // `[tag]`, an escape sequence, `::command`, `Traceback`, or text that is not ASCII.
    return (
      byte === 0x5b ||
      byte === 0x1b ||
      byte === 0x3a ||
      byte >= 0x80 ||
      (byte === 0x54 && buf[i + 1] === 0x72)
    )
  }

  private keepTail(held: HeldLine, limit: number): void {
    this.tail.push(held)
    this.tailChars += held.end - held.start + 1
    while (this.tailChars > limit && this.tail.length > 1) {
      const first = this.tail.shift() as HeldLine
      this.tailChars -= first.end - first.start + 1
      this.omittedLines++
    }
  }

  /** Held lines that are views of the caller's chunk become copies before the chunk is gone. */
  private adopt(): void {
    for (const list of [this.tail, this.lastLines]) {
      for (const held of list) {
        if (held.owned) continue
        held.buf = Buffer.from(held.buf.subarray(held.start, held.end))
        held.end -= held.start
        held.start = 0
        held.owned = true
      }
    }
  }

  private add(raw: RawFinding): void {
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
    this.findings.push({
      source: this.source,
      tag: raw.tag,
      message: raw.message.slice(0, 2000),
      targets,
      ...(line !== undefined ? { line } : {}),
      runtime: raw.runtime === true || this.options.runtimeTags.includes(raw.tag)
    })
  }

  /** An unrecognised failing output still counts: one finding carrying its last lines. */
  private addFallback(exitCode: number | null): void {
    const last = this.lastLines
      .map(held => decodeLine(held.buf, held.start, held.end))
      .filter(line => line.trim() !== '')
    const said = this.structured() && this.notes.length > 0 ? this.notes.slice(0, 3) : last
    const tail = said.join('\n') || `exited with code ${exitCode} and printed nothing`
    this.add({ tag: '', message: tail })
  }

  private excerpt(): string {
    const limit = this.options.excerptChars ?? 16_000
    const gap = this.omittedLines > 0 ? [`… ${this.omittedLines} lines omitted …`] : []
    let tail = this.tail.map(held => decodeLine(held.buf, held.start, held.end))
    // One gigantic last line: keep its end only.
    if (tail.length === 1 && (tail[0] as string).length > limit)
      tail = [(tail[0] as string).slice(-limit)]
    return [...this.head, ...gap, ...tail].join('\n').replace(/\n+$/, '')
  }
}

/** Parses a whole output at once (tests); XML needs loadXmlParser() first, or parseOutputAsync. */
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
