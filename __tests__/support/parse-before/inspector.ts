import { commandOperands } from '../../../src/parse/command.js'
import type { LineParser, RawFinding } from './types.js'

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
  ok: (line: string) => void
): LineParser {
  const schema = commandOperands(command, 'diff')[1]
  return {
    line(text) {
      const change = BREAKING.exec(text)
      if (!change) {
        if (!NO_CHANGES.test(text)) return false
        ok(text)
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
    end() {}
  }
}

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
