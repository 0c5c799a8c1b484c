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
// `lines` was the list of written lines before it counted them by section: read as none, dropped.
const HIDDEN = /^<!-- contract-drift-triage:(state|lines|written)=[A-Za-z0-9+/=]* -->$/
const WRITTEN = /^<!-- contract-drift-triage:written=([A-Za-z0-9+/=]*) -->\r?$/m

/** Where the body written by an earlier version is kept, once, when it is first rewritten. */
export const UPGRADE_SUMMARY = '<details><summary>Before the upgrade</summary>'
/** Where a section's lines are kept, once, when the action can no longer tell its lines from a person's. */
export const KEPT_SUMMARY =
  "<details><summary>Kept from before: the action's hidden list of its own lines is gone, so it cannot tell these lines from yours</summary>"

// The record fields a person may fill: whatever the line says is read as the field's value.
const PERSON_FIELD = /^- \*\*(Resolution PR|Prevention follow-up):\*\*(.*)$/

// A browser edit stores the body with CRLF: lines are compared without the CR, kept with it.
const bare = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line)

/** FNV-1a, 32 bits: enough to tell the action's lines from a person's in one issue. */
export function lineHash(line: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < line.length; i++) {
    hash ^= line.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

// A line is the action's only in the section it wrote it in, and only as many times as it did:
// a person's `pending` under a finding, or a checklist step copied under itself, is theirs.
const writtenHash = (id: SectionId, line: string): number => lineHash(`${id}\n${line}`)

function encodeHashes(hashes: readonly number[]): string {
  const sorted = [...hashes].sort((a, b) => a - b)
  const bytes = Buffer.alloc(sorted.length * 4)
  sorted.forEach((hash, i) => bytes.writeUInt32BE(hash, i * 4))
  return bytes.toString('base64')
}

/**
 * How many times the action wrote each line into this body (by section and text hashed), from its
 * hidden `written` marker; undefined when a person deleted the marker.
 */
export function writtenLines(body: string): Map<number, number> | undefined {
  const match = WRITTEN.exec(body)
  if (!match) return undefined
  const bytes = Buffer.from(String(match[1]), 'base64')
  const counts = new Map<number, number>()
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const hash = bytes.readUInt32BE(i)
    counts.set(hash, (counts.get(hash) ?? 0) + 1)
  }
  return counts
}

/** Whether the body already has the action's section markers (written by this version). */
export const hasSections = (body: string): boolean =>
  body.split('\n').some(line => SECTION_MARKER.test(bare(line)))

/**
 * The lines of a section in a body, without its markers (undefined when absent). A lost end
 * marker ends it where `mergeBody` ends it: at the next marker of the action's.
 */
export function sectionLines(body: string, id: SectionId): string[] | undefined {
  for (const part of parse(body)) {
    // Stryker disable next-line ConditionalExpression: only a section has an id; the kind is checked for the type
    if (part.kind === 'section' && part.id === id) return part.lines.map(bare)
  }
  return undefined
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
    parts.push({ kind: 'person', lines: person })
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
      // Stryker disable next-line ObjectLiteral,StringLiteral: mergeBody takes any part that is neither a person's nor a section as the hidden markers' place
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
  /** The index in the old section of the action's line just before the run (-1 if none), and just after it. */
  before: number
  after: number
  blankBefore: boolean
  blankAfter: boolean
}

/** The non-blank lines `theirs` picks, and each blank line between two of them (a paragraph break). */
function withBlanks(
  texts: readonly string[],
  theirs: (text: string, i: number) => boolean
): boolean[] {
  // What `theirs` says of a blank line is overruled just below.
  const isPerson = texts.map(theirs)
  texts.forEach((text, i) => {
    if (text.trim() !== '') return
    const prev = nonBlank(texts, i, -1)
    const next = nonBlank(texts, i, 1)
    isPerson[i] = !!isPerson[prev] && !!isPerson[next]
  })
  return isPerson
}

/** The first line from `i` in direction `step` that is not blank (-1 or `texts.length` if none). */
function nonBlank(texts: readonly string[], i: number, step: 1 | -1): number {
  let at = i + step
  // Past either end there is no line: `undefined` is not blank.
  while (texts[at]?.trim() === '') at += step
  return at
}

/** A person's lines in one section, each run with the action's lines around it. */
function personRuns(
  texts: readonly string[],
  lines: readonly string[],
  isPerson: readonly boolean[]
): PersonRun[] {
  return lines.flatMap((_, i) => {
    // A run starts at a person's line that follows one of the action's (or none).
    if (!isPerson[i] || isPerson[i - 1]) return []
    let j = i
    while (isPerson[j + 1]) j++
    return [
      {
        lines: lines.slice(i, j + 1),
        before: nonBlank(texts, i, -1),
        after: nonBlank(texts, j, 1),
        blankBefore: texts[i - 1]?.trim() === '',
        blankAfter: texts[j + 1]?.trim() === ''
      }
    ]
  })
}

/**
 * For each old line, the index of the same line in the new rendering (their longest common
 * subsequence), so a line the action repeats (one per validator, per log output) is told apart
 * from its twins by its place. `undefined` old lines match nothing.
 */
function alignment(old: readonly (string | undefined)[], rendered: readonly string[]): number[] {
  const rows = Array.from({ length: old.length + 1 }, () => new Uint32Array(rendered.length + 1))
  const lcs = (i: number, j: number): number => (rows[i] as Uint32Array)[j] as number
  for (let i = old.length - 1; i >= 0; i--)
    // Stryker disable next-line ArithmeticOperator: from past the last column, the writes fall outside the typed array or store 0 where 0 is
    for (let j = rendered.length - 1; j >= 0; j--)
      (rows[i] as Uint32Array)[j] =
        old[i] === rendered[j] ? lcs(i + 1, j + 1) + 1 : Math.max(lcs(i + 1, j), lcs(i, j + 1))
  const at: number[] = []
  // Stryker disable next-line EqualityOperator: past the last rendered line only a person's line (undefined) matches, and no run asks where a person's line is
  for (let i = 0, j = 0; i < old.length && j < rendered.length;) {
    if (old[i] === rendered[j]) at[i++] = j++
    // On a tie the old line waits for a later rendered one: a note stays after the line it followed.
    else if (lcs(i + 1, j) > lcs(i, j + 1)) i++
    else j++
  }
  return at
}

/**
 * Whether the action renders a person's line itself: the values a person fills (record fields,
 * root cause) are read from the body (readNotes) and rendered, so they are not kept a second time.
 */
function rendersOf(id: SectionId, rendered: readonly string[]): (line: string) => boolean {
  if (id === 'record') {
    // The field's value as read (readNotes), or emptied: a second line with another value is theirs.
    const shown = new Map(
      rendered.flatMap(line => {
        const field = PERSON_FIELD.exec(line)
        return field ? [[field[1], (field[2] as string).trim()]] : []
      })
    )
    return line => {
      const field = PERSON_FIELD.exec(bare(line))
      return !!field && ['', shown.get(field[1])].includes((field[2] as string).trim())
    }
  }
  const shown = new Map<string, number>()
  if (id === 'root-cause') for (const line of rendered) shown.set(line, (shown.get(line) ?? 0) + 1)
  return line => {
    const left = shown.get(bare(line)) ?? 0
    shown.set(bare(line), left - 1)
    return left > 0
  }
}

/**
 * A section whose author the action cannot tell line by line (its hidden `written` marker deleted):
 * the lines it renders again are its own; every other line is kept, once, in a collapsed block.
 */
function keepUnknown(id: SectionId, old: readonly string[], rendered: readonly string[]): string[] {
  const texts = old.map(bare)
  const at = alignment(texts, rendered)
  const rendersIt = rendersOf(id, rendered)
  const isKept = withBlanks(texts, (text, i) => at[i] === undefined && !rendersIt(text))
  const kept = old.filter((_, i) => isKept[i])
  if (kept.length === 0) return [...rendered]
  return [
    ...rendered,
    ...(rendered.length > 0 ? [''] : []),
    KEPT_SUMMARY,
    '',
    ...kept,
    '',
    '</details>'
  ]
}

const BOX = /^(\s*[-*] )\[[ xX]\]/
/** A task-list line with its box cleared, or undefined for any other line. */
const unticked = (line: string): string | undefined =>
  // Stryker disable next-line StringLiteral: with the box cut off instead of cleared, a step is still told by its text
  BOX.test(line) ? line.replace(BOX, '$1[ ]') : undefined

/**
 * A box a person ticked or cleared on GitHub: their line replaced the action's, which is gone, and
 * now stands in for the step as rendered (once, at its place) rather than beside it. Marks such
 * lines as the action's in `isPerson`.
 */
function withTicks(
  rendered: readonly string[],
  texts: readonly string[],
  isPerson: boolean[]
): string[] {
  const steps = new Set(texts.filter((_, i) => !isPerson[i]).map(unticked))
  const shown = [...rendered]
  texts.forEach((text, i) => {
    const step = isPerson[i] ? unticked(text) : undefined
    if (step === undefined || steps.has(step)) return
    const at = rendered.findIndex(line => unticked(line) === step)
    if (at === -1) return
    shown[at] = text
    isPerson[i] = false
    steps.add(step)
  })
  return shown
}

/** The new rendering of a section with a person's runs put back next to the lines they followed. */
function mergeSection(
  id: SectionId,
  old: readonly string[],
  rendered: readonly string[],
  written: Map<number, number>
): string[] {
  const rendersIt = rendersOf(id, rendered)
  const texts = old.map(bare)
  // The action's lines: as many of each as it wrote here, the first ones; the rest are a person's.
  const isPerson = withBlanks(texts, text => {
    const left = written.get(writtenHash(id, text)) ?? 0
    written.set(writtenHash(id, text), left - 1)
    return left <= 0
  })
  // Only the checklist has boxes; elsewhere a box of a person's finds no step.
  rendered = withTicks(rendered, texts, isPerson)
  const at = alignment(
    texts.map((text, i) => (isPerson[i] ? undefined : text)),
    rendered
  )
  const out: string[] = []
  let next = 0
  // Emits the rendered lines before `to` (the place a run goes).
  const upTo = (to: number): void => {
    out.push(...rendered.slice(next, to))
    next = Math.max(next, to)
  }
  for (const run of personRuns(texts, old, isPerson)) {
    const kept = run.lines.filter(line => !rendersIt(line))
    if (kept.length === 0) continue
    const before = at[run.before]
    const after = at[run.after]
    let to: number
    // The first run, above every line of the action's, stays first.
    if (run.before < 0) to = 0
    else if (before !== undefined) {
      to = before + 1
      if (run.blankBefore && rendered[to] === '') to++
    } else if (after !== undefined) to = after
    else to = rendered.length
    upTo(to)
    if (run.blankBefore && out.length > 0 && out.at(-1) !== '') out.push('')
    out.push(...kept)
    if (run.blankAfter && next < rendered.length && rendered[next] !== '') out.push('')
  }
  upTo(rendered.length)
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
  const rendered = new Map(next.sections.map(section => [section.id, section.text]))
  const hashes: number[] = []
  const sectionText = (id: SectionId, old: readonly string[] | undefined): string[] => {
    const text = rendered.get(id) ?? ''
    const lines = text === '' ? [] : text.split('\n')
    // Stryker disable next-line MethodExpression: a blank line's count is never read (withBlanks goes by its neighbours)
    for (const line of lines) if (line.trim() !== '') hashes.push(writtenHash(id, line))
    const merged = !old
      ? lines
      : written
        ? mergeSection(id, old, lines, written)
        : keepUnknown(id, old, lines)
    return [begin(id), ...merged, end(id)]
  }
  const hidden = (): string[] => [next.state, `${PREFIX}written=${encodeHashes(hashes)} -->`]

  const out: string[] = [next.marker]
  if (!previous || !hasSections(previous)) {
    SECTION_IDS.forEach((id, i) => out.push(...(i > 0 ? [''] : []), ...sectionText(id, undefined)))
    const before = legacyText(previous)
    if (before !== '') out.push('', UPGRADE_SUMMARY, '', before, '', '</details>')
    out.push('', ...hidden())
    return out.join('\n')
  }
  const written = writtenLines(previous)
  const parts = parse(previous)
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: only sections' ids are looked up
  const present = new Set(parts.flatMap(part => (part.kind === 'section' ? [part.id] : [])))
  // Sections the old body lacks go right after the one before them in the record's order, the
  // one at `index` (-1: first), a blank line between sections as in a new body.
  const missingAfter = (index: number): void => {
    for (let i = index + 1; i < SECTION_IDS.length; i++) {
      const missing = SECTION_IDS[i] as SectionId
      if (present.has(missing)) break
      if (index < 0) out.push(...sectionText(missing, undefined), '')
      else out.push('', ...sectionText(missing, undefined))
    }
  }
  const done = new Set<SectionId>()
  missingAfter(-1)
  // The hidden state goes where it was (a person may write below it), once every hash is known.
  let stateAt: number | undefined
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
      missingAfter(SECTION_IDS.indexOf(part.id))
    } else stateAt ??= out.length
  }
  if (stateAt === undefined) out.push('', ...hidden())
  else out.splice(stateAt, 0, ...hidden())
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
