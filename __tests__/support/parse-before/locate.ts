/**
 * Finds the line a tool meant when it located a problem by JSON pointer (ajv, check-jsonschema)
 * or by schema coordinate (GraphQL Inspector), by scanning the file's text (SPEC §2).
 */

/** Where a finding is, in the words of the tool that reported it. */
export type Location = { pointer: readonly string[] } | { coordinate: string }

/** The 1-based line of a location in a file's text, or undefined when it cannot be found. */
export function locateLine(text: string, location: Location): number | undefined {
  if ('coordinate' in location) return coordinateLine(text, location.coordinate)
  const start = text.search(/\S/)
  if (start < 0) return undefined
  if (location.pointer.length === 0) return lineAt(text, start)
  return text[start] === '{' || text[start] === '['
    ? jsonPointerLine(text, location.pointer)
    : yamlPointerLine(text, location.pointer)
}

/** `/tags/1` (RFC 6901) as its segments. */
export function pointerSegments(pointer: string): string[] {
  const path = pointer.replace(/^#/, '')
  if (path === '' || path === '/') return []
  return path
    .replace(/^\//, '')
    .split('/')
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** check-jsonschema's JSONPath (`$.tags[1]`, `$['a b']`) as pointer segments. */
export function jsonPathSegments(path: string): string[] {
  const segments: string[] = []
  const part = /\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/g
  for (const match of path.replace(/^\$/, '').matchAll(part))
    segments.push((match[1] ?? match[2] ?? match[3] ?? match[4]) as string)
  return segments
}

function lineAt(text: string, at: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++
  return line
}

/** Walks the JSON text to the pointer's value: the line of its key, or of the array element. */
function jsonPointerLine(text: string, pointer: readonly string[]): number | undefined {
  let at = 0
  const skipBlank = (): void => {
    while (at < text.length && /\s/.test(text[at] as string)) at++
  }
  const readString = (): string | undefined => {
    const end = /"(?:[^"\\]|\\.)*"/y
    end.lastIndex = at
    const match = end.exec(text)
    if (!match) return undefined
    at = end.lastIndex
    try {
      return JSON.parse(match[0]) as string
    } catch {
      return undefined
    }
  }
  // Skips one value, strings and nesting included; false when the text is not JSON.
  const skipValue = (): boolean => {
    skipBlank()
    let depth = 0
    do {
      const c = text[at]
      if (c === undefined) return false
      if (c === '"') {
        if (readString() === undefined) return false
        continue
      }
      if (c === '{' || c === '[') depth++
      else if (c === '}' || c === ']') depth--
      else if (depth === 0 && (c === ',' || /\s/.test(c))) return true
      at++
    } while (depth > 0)
    return true
  }
  for (let level = 0; level < pointer.length; level++) {
    const want = pointer[level] as string
    skipBlank()
    const open = text[at]
    if (open !== '{' && open !== '[') return undefined
    at++
    let index = 0
    for (;;) {
      skipBlank()
      if (text[at] === '}' || text[at] === ']' || at >= text.length) return undefined
      const keyAt = at
      let hit: boolean
      if (open === '{') {
        const key = readString()
        if (key === undefined) return undefined
        skipBlank()
        if (text[at] !== ':') return undefined
        at++
        hit = key === want
      } else hit = String(index++) === want
      if (hit) {
        if (level === pointer.length - 1) return lineAt(text, keyAt)
        break
      }
      if (!skipValue()) return undefined
      skipBlank()
      if (text[at] === ',') at++
    }
  }
  return undefined
}

/** The same for a YAML document laid out in blocks (`key:` and `- item` lines). */
function yamlPointerLine(text: string, pointer: readonly string[]): number | undefined {
  const lines = text.split('\n')
  let from = 0
  // The indent of the key or item the search is inside; -1 at the top.
  let parent = -1
  let parentIsKey = false
  let at: number | undefined
  for (const want of pointer) {
    let index = 0
    let block: number | undefined
    at = undefined
    for (let i = from; i < lines.length && at === undefined; i++) {
      const line = lines[i] as string
      const content = line.trimStart()
      if (content === '' || content.startsWith('#')) continue
      const indent = line.length - content.length
      const item = content === '-' || content.startsWith('- ')
      // A sequence may sit at its key's own indent; anything else as shallow ends the block.
      if (indent < parent || (indent === parent && !(parentIsKey && item))) break
      block ??= indent
      if (indent !== block) continue
      if (item) {
        if (String(index++) !== want) continue
        at = i
        // `- key: value`: the item's first key is on its own line, two columns in.
        lines[i] = `${' '.repeat(indent + 2)}${content.slice(2)}`
        from = i
        parentIsKey = false
      } else {
        const key = /^(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^:#]+?))\s*:(?:\s|$)/.exec(content)
        if (!key || (key[1] ?? key[2] ?? key[3]) !== want) continue
        at = i
        from = i + 1
        parentIsKey = true
      }
      parent = indent
    }
    if (at === undefined) return undefined
  }
  return at === undefined ? undefined : at + 1
}

const DEFINITION =
  /^\s*(?:extend\s+)?(?:type|interface|input|enum|union|scalar|directive\s+@?)\s*([_A-Za-z][_0-9A-Za-z]*)/

/** `Type`, `Type.field` or `Type.field.argument` in a GraphQL SDL file. */
function coordinateLine(text: string, coordinate: string): number | undefined {
  const [type, field, argument] = coordinate.replace(/^@/, '').split('.')
  const lines = text.split('\n')
  const start = lines.findIndex(line => DEFINITION.exec(line)?.[1] === type)
  if (start < 0) return undefined
  if (!field) return start + 1
  const member = new RegExp(`^\\s*${escape(field)}\\s*[(:]`)
  const name = new RegExp(`\\b${escape(argument ?? '')}\\s*:`)
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] as string
    if (/^\s*}/.test(line) || DEFINITION.test(line)) break
    if (!member.test(line)) continue
    if (!argument) return i + 1
    // An argument on the field's own line, or on the lines of its argument list.
    for (let j = i; j < lines.length && j < i + 50; j++) {
      if (
        name.test(
          j === i
            ? (lines[j] as string).slice((lines[j] as string).indexOf('('))
            : (lines[j] as string)
        )
      )
        return j + 1
      if ((lines[j] as string).includes(')')) break
    }
    return i + 1
  }
  return start + 1
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
