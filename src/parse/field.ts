import { plainTo, skipBlanks, textAt } from './lines.js'
import type { LineBytes, LineParser, RawFinding } from './types.js'

const FIELD_LINE = /^\[([^\]\s][^\]]{0,99})\] (ERROR|OK):\s?(.*)$/
const LIST_ITEM = /^\s*[-*]\s+(.+)$/

/**
 * The field's convention (SPEC §2): `[tag] ERROR: message` per problem, or a header ending in
 * `:` followed by `- item` lines; `[tag] OK: summary` on success.
 */
export function fieldParser(
  emit: (finding: RawFinding) => void,
  ok: (line: string) => void
): LineParser {
  let header: { tag: string; message: string; items: number } | undefined
  const closeHeader = (): void => {
    if (header && header.items === 0) emit({ tag: header.tag, message: header.message })
    header = undefined
  }
  return {
    line(text) {
      const item = header ? LIST_ITEM.exec(text) : null
      if (header && item) {
        header.items++
        emit({
          tag: header.tag,
          message: `${header.message.replace(/:$/, '')}: ${(item[1] as string).trim()}`
        })
        return true
      }
      closeHeader()
      // Most lines of a tool's output have no `[` at all: no need to trim them.
      if (!text.includes('[')) return false
      const trimmed = text.trim()
      if (trimmed[0] !== '[') return false
      const match = FIELD_LINE.exec(trimmed)
      if (!match) return false
      const [, tag, level, message] = match as unknown as [string, string, string, string]
      if (level === 'OK') ok(trimmed)
      else if (message.trimEnd().endsWith(':')) header = { tag, message: message.trim(), items: 0 }
      else emit({ tag, message: message.trim() })
      return true
    },
    end: closeHeader,
    greedy: () => header !== undefined,
    starts: '[',
    skim: bytes => (header ? undefined : notFieldLine(bytes))
  }
}

/** False when the line's bytes show FIELD_LINE cannot match its trimmed text. */
function notFieldLine(line: LineBytes): false | undefined {
  const { buf, end } = line
  const at = skipBlanks(line, line.start)
  if (at === end) return false
  if (!plainTo(line, at)) return undefined
  if (buf[at] !== 0x5b) return false
  // The tag: 1 to 100 bytes up to the first `]`, the first neither `]` nor a blank.
  const first = at + 1
  if (!plainTo(line, first)) return first === end ? false : undefined
  if (buf[first] === 0x5d || buf[first] === 0x20 || buf[first] === 0x09) return false
  let close = first
  while (buf[close] !== 0x5d) {
    if (++close - first > 100) return false
    if (!plainTo(line, close)) return close === end ? false : undefined
  }
  // ` ERROR:` or ` OK:`, whichever its letter is; with another, whether ` ` and a letter are there.
  const letter = buf[close + 2]
  const level = letter === 0x45 ? ' ERROR:' : letter === 0x4f ? ' OK:' : ' E'
  return textAt(line, close + 1, level) === false ? false : undefined
}
