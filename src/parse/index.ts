import type { Finding, Outcome, ValidatorRun } from '../types.js'
import { fieldParser } from './field.js'
import { LineSplitter } from './lines.js'
import { findTargets, type TargetContext } from './targets.js'
import type { LineParser, RawFinding } from './types.js'

export type { RawFinding, LineParser } from './types.js'

export interface ParseOptions extends TargetContext {
  /** Validator tags whose findings are runtime findings (config `runtime`). */
  runtimeTags: readonly string[]
  /** Findings kept per validator; the rest are counted, not stored. */
  maxFindings?: number
  /** Characters of output kept from the head and from the tail for the record. */
  excerptChars?: number
}

const TRACEBACK = 'Traceback (most recent call last):'
const PYTHON_MISSING_SCRIPT = /can't open file .*\[Errno 2\] No such file or directory/
const FALLBACK_LINES = 5
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

/**
 * Reads one validator's output as it streams and turns it into findings, a crash verdict and a
 * bounded excerpt: memory stays bounded by the findings kept, whatever the size of the log.
 */
export class OutputCollector {
  private readonly splitter: LineSplitter
  private readonly parser: LineParser
  private readonly findings: Finding[] = []
  private findingCount = 0
  private readonly okLines: string[] = []
  private readonly head: string[] = []
  private headChars = 0
  private tail: string[] = []
  private tailChars = 0
  private omittedLines = 0
  private bytes = 0
  private traceback = false
  private crashReason: string | undefined
  private missingScript = false
  private lastLines: string[] = []

  constructor(
    private readonly source: string,
    private readonly options: ParseOptions
  ) {
    this.parser = fieldParser(
      raw => this.add(raw),
      line => this.okLines.length < 20 && this.okLines.push(line)
    )
    this.splitter = new LineSplitter(line => this.line(line))
  }

  write(chunk: Uint8Array): void {
    this.bytes += chunk.length
    this.splitter.push(chunk)
  }

  /**
   * Closes the stream and judges the run. `exitCode` null means it was stopped at the timeout;
   * `signal` names the signal that killed it (a crash, such as an out-of-memory kill).
   */
  finish(exitCode: number | null, durationMs: number, signal?: string): ValidatorRun {
    this.splitter.end()
    this.parser.end()
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
      ...(this.crashReason ? { crash: this.crashReason } : {})
    }
  }

  /**
   * The exit code a captured report implies: red when it holds findings, a traceback or
   * unrecognised text, green when it holds only OK lines, missing when it is empty.
   */
  reportExitCode(): number {
    if (this.bytes === 0) return 127
    if (this.findingCount > 0 || this.traceback || this.okLines.length === 0) return 1
    return 0
  }

  private outcome(exitCode: number | null, killed: boolean): Outcome {
    if (exitCode === null && !killed) return 'timed-out'
    // A crash exits 1 like a real failure: only the traceback tells them apart (SPEC §2).
    if (this.traceback || killed) return 'crashed'
    // ERROR lines are believed over a zero exit: a gate must not go green on a reported problem.
    if (exitCode === 0) return this.findingCount > 0 ? 'failed' : 'passed'
    if (exitCode === 127 || exitCode === 126 || (exitCode === 2 && this.missingScript))
      return 'missing'
    return 'failed'
  }

  private line(text: string): void {
    this.keep(text)
    this.parser.line(text)
    if (text.trim() !== '') {
      this.lastLines.push(text)
      if (this.lastLines.length > FALLBACK_LINES) this.lastLines.shift()
    }
    if (text.startsWith(TRACEBACK)) this.traceback = true
    else if (this.traceback && text !== '' && !/^\s/.test(text))
      this.crashReason = text.slice(0, 500)
    if (PYTHON_MISSING_SCRIPT.test(text)) this.missingScript = true
  }

  private add(raw: RawFinding): void {
    this.findingCount++
    if (this.findings.length >= (this.options.maxFindings ?? 1000)) return
    const found = findTargets(raw.tag, raw.message, this.options)
    const line = raw.line ?? found.line
    this.findings.push({
      source: this.source,
      tag: raw.tag,
      message: raw.message.slice(0, 2000),
      targets: found.targets,
      ...(line !== undefined ? { line } : {}),
      runtime: raw.runtime === true || this.options.runtimeTags.includes(raw.tag)
    })
  }

  /** An unrecognised failing output still counts: one finding carrying its last lines. */
  private addFallback(exitCode: number | null): void {
    const tail = this.lastLines.join('\n') || `exited with code ${exitCode} and printed nothing`
    this.add({ tag: '', message: tail })
  }

  private keep(text: string): void {
    const limit = this.options.excerptChars ?? 16_000
    if (this.headChars < limit) {
      this.head.push(text)
      this.headChars += text.length + 1
      return
    }
    this.tail.push(text)
    this.tailChars += text.length + 1
    while (this.tailChars > limit && this.tail.length > 1) {
      this.tailChars -= (this.tail.shift() as string).length + 1
      this.omittedLines++
    }
    // One gigantic last line: keep its end only.
    if (this.tailChars > limit && this.tail.length === 1) {
      this.tail = [(this.tail[0] as string).slice(-limit)]
      this.tailChars = limit
    }
  }

  private excerpt(): string {
    const gap = this.omittedLines > 0 ? [`… ${this.omittedLines} lines omitted …`] : []
    return [...this.head, ...gap, ...this.tail].join('\n').replace(/\n+$/, '')
  }
}

/** Parses a whole output at once (reports, tests). */
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
