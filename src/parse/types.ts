import type { Location } from './locate.js'

/** A finding as a parser reads it, before its targets are resolved. */
export interface RawFinding {
  tag: string
  message: string
  /** Paths the format states outright (JUnit `file`, `::error file=`), not yet normalised. */
  files?: string[]
  line?: number
  /** Where in its first file, when the tool says it by pointer or coordinate, not by line. */
  location?: Location
  runtime?: boolean
  /** Counted only when the run fails: a line of a shape a green tool may print too. */
  provisional?: boolean
}

/** A finding past the cap: counted, never read, so not worth building (see ParserEvents.full). */
export const COUNTED: RawFinding = Object.freeze({ tag: '', message: '' })
export const COUNTED_PROVISIONAL: RawFinding = Object.freeze({
  tag: '',
  message: '',
  provisional: true
})

/** A parser reads cleaned lines of one validator's output. */
export interface LineParser {
  /** Reads one line; true when the line was this parser's, so later parsers skip it. */
  line(text: string): boolean
  end(): void
  /** True while the parser must see every line (a list under a header, a multi-line match). */
  greedy?(): boolean
  /**
   * The characters (ASCII) this parser's lines start with, after blanks: a line that starts
   * with another is not its. Without `starts` or `wants`, any line may be.
   */
  starts?: string
  /** A cheap look at a line's bytes: whether it could be this parser's, in place of `starts`. */
  wants?(buf: Buffer, start: number, end: number): boolean
  /**
   * While this parser is the only greedy one: reads a line from its bytes, without decoding it,
   * when that tells it all it needs and no parser tried before it could read such a line.
   * False leaves the line to be decoded and read as usual.
   */
  skimGreedy?(buf: Buffer, start: number, end: number): boolean
  /**
   * skimGreedy over the whole lines (each ended by a line feed) from `run.end` to `to`, at
   * once: moves `run.end` past each line read and counts it in `run.lines`; stops at a line
   * skimGreedy would leave. Past the end of its greed it reads on only lines that line() would
   * take as its own and no parser before it could read (ajv's verdicts between two lists).
   */
  skimGreedyLines?(buf: Buffer, to: number, run: LineRun): void
  /**
   * Reads a line from its bytes when they settle it, so that a huge log is not decoded line by
   * line: false when line() would return false and change nothing, true when the line was this
   * parser's and is done with (a finding past the cap, counted), undefined when only the decoded
   * text can tell. Asked only while no parser is greedy.
   */
  skim?(line: LineBytes): boolean | undefined
}

/**
 * One line's bytes and what a single pass over them found. Up to `plain` they are printable
 * ASCII or tabs, which decoding and cleaning leave as they are: a decision on those bytes is a
 * decision on the text. Past it, the text may differ from the bytes.
 */
export interface LineBytes {
  buf: Buffer
  start: number
  end: number
  /**
   * End of the leading run of bytes 0x20–0x7e and tabs, as far as `scanned`: a line of a plain
   * chunk is scanned only as far as a parser asks (see plainTo in lines.ts).
   */
  plain: number
  /** How far the bytes were looked at: when `plain` is here and not at `end`, more may be plain. */
  scanned: number
  /** An escape byte: a terminal sequence cleaning removes, with what it swallows. */
  escape: boolean
  /** U+2028 or U+2029, which a regex's `.` does not match. */
  separator: boolean
}

/**
 * Whole lines read at once: where the last one read ends (past its line feed), how many, and
 * when `recorded`, the line feed of each in `feeds[0]` to `feeds[lines - 1]` (else they are
 * searched for). `feeds` is written over, never emptied: emptying it gave up its storage, and
 * growing it again for each chunk's tens of thousands of lines cost more than reading them.
 */
export interface LineRun {
  end: number
  lines: number
  feeds: number[]
  recorded: boolean
}

/** A parser of a whole-document format (JUnit XML, JSON findings) reads the raw bytes. */
export interface StreamParser {
  /**
   * Reads a chunk; returns how many of its bytes were the document's. Fewer than its length
   * when the document ended inside it: the rest is output of its own, and no more is written.
   */
  write(chunk: Uint8Array): number
  end(): void
}

/** What a stream parser reports besides findings. */
export interface ParserEvents {
  finding(raw: RawFinding): void
  /**
   * True once a finding reported now would only be counted (the findings kept are at their
   * cap): a parser may then report COUNTED instead of building the finding, but must still
   * decide, as before, whether there is one.
   */
  full?(provisional?: boolean): boolean
  /** A problem reading the output (a finding skipped, text around the document), for a person. */
  note(text: string): void
  /**
   * The document cannot be parsed (cut off, not well-formed): the run is a validator error,
   * not drift (SPEC §2). Said so a person can act on it, with where it broke.
   */
  unreadable(text: string): void
  /** A green summary line, quoted as validation proof. */
  ok(line: string): void
}

/** The formats a validator's output can be read as; `auto` sniffs the first bytes. */
export const OUTPUT_FORMATS = [
  'auto',
  'lines',
  'field',
  'workflow-commands',
  'matchers',
  'compiler',
  'ajv',
  'graphql-inspector',
  'pact',
  'junit',
  'json'
] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]
