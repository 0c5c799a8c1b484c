/**
 * The incident body as two kinds of regions (SPEC §5): the action's sections, each between hidden
 * markers, which it rewrites; and everything else, which belongs to people and is kept byte for
 * byte. Pure: text in, text out.
 */

/** The record's sections in the order the body shows them. */
export const SECTION_IDS = [
  'record',
  'routing',
  'root-cause',
  'classification',
  'findings',
  'log',
  'checklist',
  'history'
] as const
export type SectionId = (typeof SECTION_IDS)[number]

/** One section as the action renders it now (`text` may be empty: the markers stay). */
export interface Section {
  id: SectionId
  text: string
}

const PREFIX = '<!-- contract-drift-triage:'
const begin = (id: string): string => `${PREFIX}begin=${id} -->`
const end = (id: string): string => `${PREFIX}end=${id} -->`
const SECTION_MARKER = /^<!-- contract-drift-triage:(begin|end)=([a-z-]+) -->$/
const KEY_MARKER = /^<!-- contract-drift-triage:key=/
const HIDDEN = /^<!-- contract-drift-triage:(state|lines)=[A-Za-z0-9+/=]* -->$/
const LINES = /^<!-- contract-drift-triage:lines=([A-Za-z0-9+/=]*) -->$/m

/** Where the body written by an earlier version is kept, once, when it is first rewritten. */
export const UPGRADE_SUMMARY = '<details><summary>Before the upgrade</summary>'

// The record fields a person may fill: whatever the line says is read as the field's value.
const PERSON_FIELD = /^- \*\*(Resolution PR|Prevention follow-up):\*\* /
const FILLED = new Set<SectionId>(['record', 'root-cause'])

// A browser edit stores the body with CRLF: lines are compared without the CR, kept with it.
const bare = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line)

/** FNV-1a, 32 bits: enough to tell the action's lines from a person's in one issue. */
export function lineHash(line: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < line.length; i++) {
    hash ^= line.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

function encodeHashes(hashes: ReadonlySet<number>): string {
  const sorted = [...hashes].sort((a, b) => a - b)
  const bytes = Buffer.alloc(sorted.length * 4)
  sorted.forEach((hash, i) => bytes.writeUInt32BE(hash, i * 4))
  return bytes.toString('base64')
}

/** The hashes of the lines the action wrote into this body, from its hidden `lines` marker. */
export function writtenLines(body: string | null | undefined): Set<number> {
  const match = LINES.exec((body ?? '').replace(/\r\n?/g, '\n'))
  const bytes = Buffer.from(match?.[1] ?? '', 'base64')
  const hashes = new Set<number>()
  for (let i = 0; i + 4 <= bytes.length; i += 4) hashes.add(bytes.readUInt32BE(i))
  return hashes
}

/** Whether the body already has the action's section markers (written by this version). */
export const hasSections = (body: string | null | undefined): boolean =>
  (body ?? '').split('\n').some(line => SECTION_MARKER.test(bare(line)))

/** The lines of a section in a body, without its markers (undefined when absent). */
export function sectionLines(body: string | null | undefined, id: SectionId): string[] | undefined {
  const lines = (body ?? '').split('\n').map(bare)
  const from = lines.indexOf(begin(id))
  if (from < 0) return undefined
  const to = lines.indexOf(end(id), from)
  const stop = lines.findIndex((line, i) => i > from && (HIDDEN.test(line) || line === begin(id)))
  const last = to >= 0 ? to : stop >= 0 ? stop : lines.length
  return lines.slice(from + 1, last)
}

type Part =
  | { kind: 'person'; lines: string[] }
  | { kind: 'section'; id: SectionId; lines: string[] }
  | { kind: 'hidden' }

/** Splits a sectioned body into people's text, the action's sections and its hidden markers. */
function parse(body: string): Part[] {
  const parts: Part[] = []
  let person: string[] = []
  let section: { id: SectionId; lines: string[] } | undefined
  const flush = (): void => {
    if (person.length > 0) parts.push({ kind: 'person', lines: person })
    person = []
  }
  const known = new Set<string>(SECTION_IDS)
  const lines = body.split('\n')
  lines.forEach((line, index) => {
    const text = bare(line)
    const marker = SECTION_MARKER.exec(text)
    if (section) {
      // A section ends at its end marker; a lost end marker ends it at the next action marker.
      if (marker?.[1] === 'end' && marker[2] === section.id) {
        parts.push({ kind: 'section', ...section })
        section = undefined
        return
      }
      if (!(HIDDEN.test(text) || marker?.[1] === 'begin')) {
        section.lines.push(line)
        return
      }
      parts.push({ kind: 'section', ...section })
      section = undefined
    }
    if (marker?.[1] === 'begin' && known.has(marker[2] as string)) {
      flush()
      section = { id: marker[2] as SectionId, lines: [] }
    } else if (
      marker?.[1] === 'end' ||
      HIDDEN.test(text) ||
      (index === 0 && KEY_MARKER.test(text))
    ) {
      // Stray end markers, the state and the key marker are the action's, rewritten elsewhere.
      flush()
      if (HIDDEN.test(text)) parts.push({ kind: 'hidden' })
    } else {
      person.push(line)
    }
  })
  if (section) parts.push({ kind: 'section', ...section })
  flush()
  return parts
}

interface PersonRun {
  lines: string[]
  /** The action's line just before the run, and just after it (without CR), if any. */
  before?: string
  after?: string
  blankBefore: boolean
  blankAfter: boolean
}

/** A person's lines in one section, each run with the action's lines around it. */
function personRuns(lines: readonly string[], written: ReadonlySet<number>): PersonRun[] {
  const texts = lines.map(bare)
  const isPerson = texts.map(text => text.trim() !== '' && !written.has(lineHash(text)))
  // A blank line between two of a person's lines is theirs (a paragraph break); others are layout.
  texts.forEach((text, i) => {
    if (text.trim() !== '') return
    let prev = i - 1
    while (prev >= 0 && (texts[prev] as string).trim() === '') prev--
    let next = i + 1
    while (next < texts.length && (texts[next] as string).trim() === '') next++
    isPerson[i] = prev >= 0 && next < texts.length && !!isPerson[prev] && !!isPerson[next]
  })
  const runs: PersonRun[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!isPerson[i]) continue
    let j = i
    while (j + 1 < lines.length && isPerson[j + 1]) j++
    let prev = i - 1
    while (prev >= 0 && (texts[prev] as string).trim() === '') prev--
    let next = j + 1
    while (next < texts.length && (texts[next] as string).trim() === '') next++
    runs.push({
      lines: lines.slice(i, j + 1),
      ...(prev >= 0 ? { before: texts[prev] } : {}),
      ...(next < texts.length ? { after: texts[next] } : {}),
      blankBefore: i > 0 && (texts[i - 1] as string).trim() === '',
      blankAfter: j + 1 < texts.length && (texts[j + 1] as string).trim() === ''
    })
    i = j
  }
  return runs
}

/** The new rendering of a section with a person's runs put back next to the lines they followed. */
function mergeSection(
  id: SectionId,
  old: readonly string[],
  rendered: readonly string[],
  written: ReadonlySet<number>
): string[] {
  const out = [...rendered]
  // The values a person fills (record fields, root cause) are read from the body and rendered by
  // the action (readNotes): their lines are then the action's, not to be kept a second time.
  const shown = new Map<string, number>()
  if (FILLED.has(id))
    for (const line of rendered) shown.set(line.trim(), (shown.get(line.trim()) ?? 0) + 1)
  const rendersIt = (line: string): boolean => {
    if (id === 'record' && PERSON_FIELD.test(line)) return true
    const left = shown.get(line.trim()) ?? 0
    if (line.trim() === '' || left === 0) return false
    shown.set(line.trim(), left - 1)
    return true
  }
  let cursor = 0
  for (const run of personRuns(old, written)) {
    const kept = run.lines.filter(line => !rendersIt(line))
    if (kept.every(line => line.trim() === '')) continue
    const find = (text: string | undefined): number => {
      if (text === undefined) return -1
      const ahead = out.indexOf(text, cursor)
      return ahead >= 0 ? ahead : -1
    }
    let at: number
    const before = find(run.before)
    const after = find(run.after)
    if (run.before === undefined) at = cursor
    else if (before >= 0) {
      at = before + 1
      if (run.blankBefore && out[at] === '') at++
    } else if (after >= 0) {
      at = after
      if (run.blankAfter && at > cursor && out[at - 1] === '') at--
    } else at = out.length
    at = Math.max(at, cursor)
    const insert = [
      ...(run.blankBefore && at > 0 && out[at - 1] !== '' ? [''] : []),
      ...kept,
      ...(run.blankAfter && at < out.length && out[at] !== '' ? [''] : [])
    ]
    out.splice(at, 0, ...insert)
    cursor = at + insert.length
  }
  return out
}

/**
 * The next body: the action's sections rendered anew with people's lines put back where they were,
 * everything outside the sections kept byte for byte, and the hidden state after the record. A
 * body without section markers (an earlier version's) is kept whole once in a collapsed block.
 */
export function mergeBody(
  previous: string | null | undefined,
  next: { marker: string; sections: readonly Section[]; state: string }
): string {
  const written = writtenLines(previous)
  const rendered = new Map(next.sections.map(section => [section.id, section.text]))
  const hashes = new Set<number>()
  const sectionText = (id: SectionId, old: readonly string[] | undefined): string[] => {
    const text = rendered.get(id) ?? ''
    const lines = text === '' ? [] : text.split('\n')
    for (const line of lines) if (line.trim() !== '') hashes.add(lineHash(line))
    const merged = old ? mergeSection(id, old, lines, written) : lines
    return [begin(id), ...merged, end(id)]
  }
  const hidden = (): string[] => [next.state, `${PREFIX}lines=${encodeHashes(hashes)} -->`]

  const out: string[] = [next.marker]
  if (!previous || !hasSections(previous)) {
    SECTION_IDS.forEach((id, i) => out.push(...(i > 0 ? [''] : []), ...sectionText(id, undefined)))
    const before = legacyText(previous)
    if (before !== '') out.push('', UPGRADE_SUMMARY, '', before, '', '</details>')
    out.push('', ...hidden())
    return out.join('\n')
  }
  const parts = parse(previous)
  const present = new Set(parts.flatMap(part => (part.kind === 'section' ? [part.id] : [])))
  const done = new Set<SectionId>()
  // Sections the old body lacks go right after the one before them in the record's order.
  const missingAfter = (id: SectionId | undefined): void => {
    let i = id === undefined ? 0 : SECTION_IDS.indexOf(id) + 1
    for (; i < SECTION_IDS.length; i++) {
      const missing = SECTION_IDS[i] as SectionId
      if (present.has(missing)) break
      if (done.has(missing)) continue
      out.push('', ...sectionText(missing, undefined))
      done.add(missing)
    }
  }
  if (!present.has(SECTION_IDS[0])) missingAfter(undefined)
  // The hidden state goes where it was (a person may write below it), once every hash is known.
  let stateAt = -1
  for (const part of parts) {
    if (part.kind === 'person') out.push(...part.lines)
    else if (part.kind === 'section') {
      if (done.has(part.id)) {
        // The same section twice (pasted by hand): the copy is a person's text.
        out.push(...part.lines)
        continue
      }
      out.push(...sectionText(part.id, part.lines))
      done.add(part.id)
      missingAfter(part.id)
    } else if (stateAt < 0) stateAt = out.length
  }
  if (stateAt >= 0) out.splice(stateAt, 0, ...hidden())
  else out.push('', ...hidden())
  return out.join('\n')
}

/** An earlier version's body without the action's hidden markers, for the "Before the upgrade" block. */
function legacyText(body: string | null | undefined): string {
  return (body ?? '')
    .split('\n')
    .filter((line, i) => !(HIDDEN.test(bare(line)) || (i === 0 && KEY_MARKER.test(bare(line)))))
    .join('\n')
    .trim()
}
