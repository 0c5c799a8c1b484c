import { skipBlanks } from './lines.js'
import type { LineParser, RawFinding } from './types.js'

const COMMAND = /^::(error|warning|notice)(?:\s+(.*?))?::(.*)$/

// The runner's escaping (actions/toolkit command.ts): `%`, CR and LF in data; `:` and `,` too in
// property values.
const unescapeData = (text: string): string =>
  text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
const unescapeProperty = (text: string): string =>
  unescapeData(text.replace(/%3A/gi, ':').replace(/%2C/gi, ','))

/**
 * GitHub workflow commands: `::error file=…,line=…,title=…::message` is a finding; warnings and
 * notices are not (they do not fail a gate), and other commands are ignored.
 */
export function workflowCommandParser(emit: (finding: RawFinding) => void): LineParser {
  return {
    line(text) {
      if (!text.includes('::')) return false
      const trimmed = text.trimStart()
      if (!trimmed.startsWith('::')) return false
      const match = COMMAND.exec(trimmed)
      if (!match) return false
      if (match[1] !== 'error') return true
      const props = new Map<string, string>()
      for (const pair of (match[2] ?? '').split(',')) {
        const at = pair.indexOf('=')
        if (at > 0) props.set(pair.slice(0, at).trim(), unescapeProperty(pair.slice(at + 1)))
      }
      const body = unescapeData(match[3] as string).trim()
      const title = props.get('title')
      const file = props.get('file')
      const line = Number(props.get('line'))
      emit({
        tag: '',
        message: title && !body.startsWith(title) ? `${title}: ${body}` : body || title || 'error',
        ...(file ? { files: [file] } : {}),
        ...(Number.isInteger(line) && line > 0 ? { line } : {})
      })
      return true
    },
    end() {},
    starts: ':',
    skim(bytes) {
      // A command starts the trimmed text with `::`.
      const at = skipBlanks(bytes, bytes.start)
      if (at === bytes.end) return false
      if (at >= bytes.plain) return undefined
      return bytes.buf[at] === 0x3a ? undefined : false
    }
  }
}
