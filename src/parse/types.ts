/** A finding as a parser reads it, before its targets are resolved. */
export interface RawFinding {
  tag: string
  message: string
  /** Paths the format states outright (JUnit `file`, `::error file=`), not yet normalised. */
  files?: string[]
  line?: number
  runtime?: boolean
}

/** A parser reads cleaned lines of one validator's output. */
export interface LineParser {
  line(text: string): void
  end(): void
}
