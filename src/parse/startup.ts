/**
 * A broken command (SPEC §2): the shell or the interpreter failed before the validator could
 * run, and said so in the last lines of a stream. Each shape is matched where the program
 * prints it and with the exit code it exits with, never as a substring of other output: tsc's
 * `TS2307 Cannot find module` or a tool's `SyntaxError` about a checked file stay findings.
 */
export interface StartupFailure {
  outcome: 'missing' | 'broken'
  /** The complaint, quoted as the reason. */
  reason: string
}

/** Visible lines kept from the end of each stream for these shapes. */
export const STARTUP_TAIL_LINES = 40

// `bash: -c: line 1: …` (bash), `sh: 1: …` (dash), `/bin/sh: line 1: …`, `zsh:1: …`.
const SHELL_LINE = /^(?:\S*\/)?(?:ba|da|k|z)?sh:(?: -c:)? ?(?:line )?\d+: /
const SHELL_SYNTAX = /syntax error|unexpected EOF|unexpected end of file|end of file unexpected/i
// A `python3 missing.py`; python3 reports it with its own path and exits 2.
const PYTHON_CANNOT_OPEN = /^(?:\S*\/)?python[\d.]*(?:\.exe)?: can't open file .*: \[Errno \d+\] /
// The compile location Python prints for a SyntaxError: a frame without `, in <function>`.
const PYTHON_COMPILE_FRAME = /^ {2}File ".*", line \d+$/
const PYTHON_COMPILE_ERROR = /^(?:SyntaxError|IndentationError|TabError): /
// CommonJS (`Error: Cannot find module 'x'`) and ESM (`Error [ERR_MODULE_NOT_FOUND]: …`).
const NODE_NOT_FOUND = /^Error(?: \[ERR_MODULE_NOT_FOUND\])?: Cannot find (?:module|package) '.+'/
const NODE_CODE = /^\s+code: '(?:ERR_)?MODULE_NOT_FOUND'/
const NODE_REQUIRE_STACK = /^\s+requireStack: \[(.*)$/
const NODE_FOOTER = /^Node\.js v\d/

/**
 * The broken-command shape the end of one stream has, given the exit code. `tail` holds the
 * stream's last visible lines (STARTUP_TAIL_LINES at most), in order.
 */
export function startupFailure(
  tail: readonly string[],
  exitCode: number | null
): StartupFailure | undefined {
  const last = tail.at(-1)
  if (last === undefined) return undefined
  if (exitCode === 2) {
    // bash quotes the offending line after its complaint: look back over its own lines.
    for (let i = tail.length - 1; i >= 0 && SHELL_LINE.test(tail[i] as string); i--) {
      if (SHELL_SYNTAX.test(tail[i] as string))
        return { outcome: 'broken', reason: tail[i] as string }
    }
    if (PYTHON_CANNOT_OPEN.test(last)) return { outcome: 'missing', reason: last }
  }
  if (exitCode === 126 || exitCode === 127) {
    return SHELL_LINE.test(last) ? { outcome: 'missing', reason: last } : undefined
  }
  if (exitCode !== 1) return undefined
  if (PYTHON_COMPILE_ERROR.test(last)) {
    // `  File "x.py", line 3` / the source / a caret, with no traceback around it.
    for (let i = tail.length - 2; i >= Math.max(0, tail.length - 5); i--) {
      if (!PYTHON_COMPILE_FRAME.test(tail[i] as string)) continue
      const before = i > 0 ? (tail[i - 1] as string) : ''
      if (!/^\s/.test(before)) return { outcome: 'broken', reason: compileReason(tail, i, last) }
    }
  }
  if (NODE_FOOTER.test(last)) {
    const at = tail.findLastIndex(line => NODE_NOT_FOUND.test(line))
    if (at < 0) return undefined
    const after = tail.slice(at + 1)
    if (!after.some(line => NODE_CODE.test(line))) return undefined
    const stack = after.map(line => NODE_REQUIRE_STACK.exec(line)).find(Boolean)
    const reason = (tail[at] as string).replace(/^Error(?: \[ERR_MODULE_NOT_FOUND\])?: /, '')
    // The entry script itself not found is a missing validator, as python3 reports it.
    const entry = stack ? stack[1]?.startsWith(']') : !reason.includes(' imported from ')
    return { outcome: entry ? 'missing' : 'broken', reason: `node: ${reason}` }
  }
  return undefined
}

/** `SyntaxError: invalid syntax (scripts/x.py, line 3)`. */
function compileReason(tail: readonly string[], frame: number, error: string): string {
  const where = /^ {2}File "(.*)", line (\d+)$/.exec(tail[frame] as string)
  return where ? `${error} (${where[1]}, line ${where[2]})` : error
}

/** Python exceptions that, raised while only importing, mean the validator never started. */
export const PYTHON_IMPORT_FAILURE =
  /^(?:ModuleNotFoundError|ImportError|SyntaxError|IndentationError|TabError)\b/
