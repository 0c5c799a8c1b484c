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
// The shell refusing its own command line: `bash: --x: invalid option` (then its usage),
// `bash: -c: option requires an argument`, `bash: line 0: x: invalid shell option name`,
// dash's `sh: 0: Illegal option -Z` and `sh: 0: -c requires an argument`.
const SHELL_OPTION =
  /^(?:\S*\/)?(?:ba|da|k|z)?sh: (?:-\S*: invalid option|-\S*: option requires an argument|line 0: \S+: invalid shell option name|0: Illegal option \S+|0: -\S+ requires an argument)$/
// bash's usage after the complaint: `Usage:\tbash …`, tab-indented lines, `Shell options:`.
const SHELL_USAGE = /^(?:Usage:\t|\t|[A-Z][\w ]*options:$)/
// A `python3 missing.py`; python3 reports it with its own path and exits 2.
const PYTHON_CANNOT_OPEN =
  /^(?:\S*[\\/])?python[\d.]*(?:\.exe)?: can't open file .*: \[Errno \d+\] /
// `python3 -m x` with no module x (exit 1): the validator named is not there.
const PYTHON_NO_MODULE =
  /^(?:\S*[\\/])?python[\d.]*(?:\.exe)?: (?:No module named [^\s;]+|Error while finding module specification for .*)$/
// `python3 dir` or `python3 -m package` with nothing to run in it (exit 1).
const PYTHON_NOT_RUNNABLE =
  /^(?:\S*[\\/])?python[\d.]*(?:\.exe)?: (?:can't find '__main__' module in .*|No module named \S+; .* is a package and cannot be directly executed)$/
// python3 refusing its own options (exit 2): the complaint, its one-line usage, then this.
const PYTHON_USAGE = /^usage: \S*python[\d.]*(?:\.exe)? \[option\]/
const PYTHON_TRY_HELP = /^Try `python[\d.]* -h' for more information\.$/
// The compile location Python prints for a SyntaxError: a frame without `, in <function>`.
const PYTHON_COMPILE_FRAME = /^ {2}File ".*", line \d+$/
const PYTHON_COMPILE_ERROR = /^(?:SyntaxError|IndentationError|TabError): /
// CommonJS (`Error: Cannot find module 'x'`) and ESM (`Error [ERR_MODULE_NOT_FOUND]: …`).
const NODE_NOT_FOUND = /^Error(?: \[ERR_MODULE_NOT_FOUND\])?: Cannot find (?:module|package) '.+'/
const NODE_CODE = /^\s+code: '(?:ERR_)?MODULE_NOT_FOUND'/
const NODE_REQUIRE_STACK = /^\s+requireStack: \[(.*)$/
const NODE_FOOTER = /^Node\.js v\d/
// `node: bad option: --x`, `node: --x is not allowed in NODE_OPTIONS`: node exits 9 for these.
const NODE_OPTION = /^(?:\S*[\\/])?node(?:\.exe)?: \S/
// Node compiling a script: where (`/repo/x.js:3`, `file:///repo/x.mjs:3`, `[eval]:1`), the
// source line, a caret line, then the SyntaxError and frames of Node's own.
const NODE_COMPILE_AT = /^(?:(?:file:\/\/|\/|[A-Za-z]:[\\/]).*|\[eval\]):\d+$/
const NODE_CARET = /^\s*\^+\s*$/
const NODE_SYNTAX_ERROR = /^SyntaxError: /
const NODE_OWN_FRAME = /^\s+at (?:async )?(?:[^(]+ \()?(?:node:internal\/|\[eval\]-wrapper:)/

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
    return commandLineRefused(tail)
  }
  if (exitCode === 126 || exitCode === 127) {
    return SHELL_LINE.test(last) ? { outcome: 'missing', reason: last } : undefined
  }
  if (exitCode === 9 && NODE_OPTION.test(last)) {
    // One complaint may come with others (`node: bad option: …` for each): quote the first.
    let first = tail.length - 1
    while (first > 0 && NODE_OPTION.test(tail[first - 1] as string)) first--
    return { outcome: 'broken', reason: tail[first] as string }
  }
  if (exitCode !== 1) return undefined
  if (PYTHON_NO_MODULE.test(last)) return { outcome: 'missing', reason: last }
  if (PYTHON_NOT_RUNNABLE.test(last)) return { outcome: 'broken', reason: last }
  if (PYTHON_COMPILE_ERROR.test(last)) {
    // `  File "x.py", line 3` / the source / a caret, with no traceback around it.
    for (let i = tail.length - 2; i >= Math.max(0, tail.length - 5); i--) {
      if (!PYTHON_COMPILE_FRAME.test(tail[i] as string)) continue
      const before = i > 0 ? (tail[i - 1] as string) : ''
      if (!/^\s/.test(before)) return { outcome: 'broken', reason: compileReason(tail, i, last) }
    }
  }
  if (NODE_FOOTER.test(last)) return nodeCompileFailure(tail) ?? nodeModuleNotFound(tail)
  return undefined
}

/**
 * The shell or python3 rejecting its own command line (exit 2), each by the usage it prints:
 * the complaint is the last thing said, nothing of the validator's after it.
 */
function commandLineRefused(tail: readonly string[]): StartupFailure | undefined {
  let usage = tail.length
  while (usage > 0 && SHELL_USAGE.test(tail[usage - 1] as string)) usage--
  const shell = tail[usage - 1]
  if (
    shell !== undefined &&
    SHELL_OPTION.test(shell) &&
    (usage === tail.length || /^Usage:\t\S*bash /.test(tail[usage] as string))
  )
    return { outcome: 'broken', reason: shell }
  const last = tail.length - 1
  if (PYTHON_TRY_HELP.test(tail[last] as string) && PYTHON_USAGE.test(tail[last - 1] ?? '')) {
    const complaint = tail[last - 2]
    return { outcome: 'broken', reason: `python: ${complaint ?? (tail[last - 1] as string)}` }
  }
  return undefined
}

/**
 * Node failing to compile the script the command runs (or its `-e` code): every frame under
 * the SyntaxError is Node's own. A SyntaxError the validator's logic raised (`JSON.parse` of a
 * fixture, `require` of a broken JSON file, its own `throw`) has a frame outside Node: not this.
 */
function nodeCompileFailure(tail: readonly string[]): StartupFailure | undefined {
  let frames = tail.length - 1
  while (frames > 0 && NODE_OWN_FRAME.test(tail[frames - 1] as string)) frames--
  const error = frames - 1
  if (frames === tail.length - 1 || !NODE_SYNTAX_ERROR.test(tail[error] ?? '')) return undefined
  if (!NODE_CARET.test(tail[error - 1] ?? '')) return undefined
  // The source line is absent from the tail when it is blank.
  const at = [tail[error - 3], tail[error - 2]].find(line => NODE_COMPILE_AT.test(line ?? ''))
  return at === undefined
    ? undefined
    : { outcome: 'broken', reason: `${tail[error] as string} (${at})` }
}

/** Node's `Cannot find module` with its `code` and `requireStack`. */
function nodeModuleNotFound(tail: readonly string[]): StartupFailure | undefined {
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

/** `SyntaxError: invalid syntax (scripts/x.py, line 3)`. */
function compileReason(tail: readonly string[], frame: number, error: string): string {
  const where = /^ {2}File "(.*)", line (\d+)$/.exec(tail[frame] as string)
  return where ? `${error} (${where[1]}, line ${where[2]})` : error
}

/** Python exceptions that, raised while only importing, mean the validator never started. */
export const PYTHON_IMPORT_FAILURE =
  /^(?:ModuleNotFoundError|ImportError|SyntaxError|IndentationError|TabError)\b/
