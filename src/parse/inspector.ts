import { commandOperands } from './command.js'
import { isOtherChar, plainAt, plainTo, skipBlanks } from './lines.js'
import { COUNTED, type LineBytes, type LineParser, type RawFinding } from './types.js'

// `[log] ✖  Field Query.pets changed type…` (older versions prefix `[log]`); ✖ marks a
// breaking change, ⚠ a dangerous one and ✔ a safe one.
const BREAKING = /^(?:\[log\]\s+)?\u2716\s+(.+)$/
const NO_CHANGES = /^(?:\[\w+\]\s+)?No changes detected/

/**
 * GraphQL Inspector's `diff` text. The output names no file: the schema compared against the
 * base is the command's second operand (`diff <old> <new>`), and the change's schema
 * coordinate (`Query.pets`) is found in it by scanning.
 */
export function inspectorParser(
  command: string,
  emit: (finding: RawFinding) => void,
  ok: (line: string) => void,
  full?: () => boolean
): LineParser {
  const schema = commandOperands(command, 'diff')[1]
  return {
    line(text) {
      const change = text.includes('\u2716') ? BREAKING.exec(text) : null
      if (!change) {
        if (!text.includes('No changes detected') || !NO_CHANGES.test(text)) return false
        ok(text)
        return true
      }
      // Past the findings kept it is only counted.
      if (full?.()) {
        emit(COUNTED)
        return true
      }
      const message = (change[1] as string).trim()
      const coordinate = coordinateOf(message)
      emit({
        tag: 'graphql-inspector',
        message,
        ...(schema && !/^(?:git:|https?:)/.test(schema) ? { files: [schema] } : {}),
        ...(coordinate ? { location: { coordinate } } : {})
      })
      return true
    },
    end() {},
    // `[log] ✖`, `✖` (not ASCII: always looked at), `[success] No changes`, `No changes`.
    starts: '[N',
    skim(bytes) {
      const shape = inspectorShape(bytes)
      if (shape !== 'breaking') return shape
      // Past the findings kept it is only counted; a finding to keep is built from the text.
      if (!full?.()) return undefined
      emit(COUNTED)
      return true
    }
  }
}

// U+2716 in UTF-8: a multi-byte character that decoding and cleaning leave as it is.
const CROSS = [0xe2, 0x9c, 0x96]

/**
 * BREAKING and NO_CHANGES read on a line's bytes: 'breaking', false when neither matches,
 * undefined when bytes that are not plain (or a `No changes` line) decide it.
 */
function inspectorShape(line: LineBytes): 'breaking' | false | undefined {
  const { buf, start, end, plain } = line
  let at = start
  if (buf[at] === 0x5b && at < plain) {
    // `[word]` and blanks: `[log]` for BREAKING, any word for NO_CHANGES.
    let close = at + 1
    while (close < plain && isWord(buf[close] as number)) close++
    if (close >= plain) return close < end ? undefined : false
    if (buf[close] !== 0x5d || close === at + 1) return false
    const after = skipBlanks(line, close + 1)
    if (after === close + 1) return known(line, after) ? false : undefined
    if (!isCross(line, after)) return known(line, after) ? notNoChanges(line, after) : undefined
    if (!plainAt(line, start, '[log]')) return false
    at = after
  } else if (!isCross(line, at)) return known(line, at) ? notNoChanges(line, at) : undefined
  // `\s+(.+)$` after the cross: a blank, then a character that is not one.
  const blank = at + CROSS.length
  const text = skipBlanks(line, blank)
  if (text === blank) return blank === end || isPlainText(buf[blank]) ? false : undefined
  if (text === end || !isPlainText(buf[text]) || line.separator) return undefined
  return 'breaking'
}

// The text's character at `at` is the byte's, or one unlike any ASCII text or blank.
const known = (line: LineBytes, at: number): boolean =>
  plainTo(line, at) || line.plain === line.end || (at === line.plain && isOtherChar(line, at))
// Not `No changes detected`, which is read from the text (it is one line per run).
const notNoChanges = (line: LineBytes, at: number): false | undefined =>
  at < line.end && line.buf[at] === 0x4e ? undefined : false
const isCross = (line: LineBytes, at: number): boolean =>
  at + 3 <= line.end &&
  line.buf[at] === CROSS[0] &&
  line.buf[at + 1] === CROSS[1] &&
  line.buf[at + 2] === CROSS[2]
const isWord = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a) || b === 0x5f
const isPlainText = (b: number | undefined): boolean => b !== undefined && b > 0x20 && b < 0x7f

/** The schema coordinate a change message is about: `Type.field.argument`, `Type.field` or `Type`. */
export function coordinateOf(message: string): string | undefined {
  const argument =
    /^Argument '?(\w+)'?(?::[^']*?)? (?:was )?(?:added to|removed from|changed type|.*?) field '?(\w+\.\w+)'?/.exec(
      message
    )
  if (argument) return `${argument[2]}.${argument[1]}`
  const removed =
    /^(?:Field|Input field|Enum value) '?(\w+)'? (?:was )?removed from (?:[\w ]+ )?(?:type|enum) '?(\w+)'?/.exec(
      message
    )
  if (removed) return removed[2]
  const member = /\b([A-Z_]\w*)\.([_A-Za-z]\w*)\b/.exec(message)
  if (member) return `${member[1]}.${member[2]}`
  const type = /\b(?:[Tt]ype|[Ee]num|[Uu]nion|[Ii]nterface|[Ii]nput) '?([A-Z_]\w*)'?/.exec(message)
  return type ? type[1] : undefined
}
