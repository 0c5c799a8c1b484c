import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  hasSections,
  lineHash,
  mergeBody,
  SECTION_IDS,
  KEPT_SUMMARY,
  UPGRADE_SUMMARY,
  writtenLines,
  type Section,
  type SectionId
} from '../../src/incident/body.js'
import { readNotes } from '../../src/incident.js'
import { CHECKLIST, renderRecordSections } from '../../src/render.js'
import type { Finding, IncidentRecord, Lifecycle } from '../../src/types.js'

const MARKER = '<!-- contract-drift-triage:key=acme/contracts:pr-7 -->'
const STATE = '<!-- contract-drift-triage:state=c3RhdGU= -->'

/** A body as the action writes it over `previous`, from section texts by id. */
const write = (previous: string | undefined, texts: Partial<Record<SectionId, string>>): string =>
  mergeBody(previous, {
    marker: MARKER,
    sections: SECTION_IDS.map(id => ({ id, text: texts[id] ?? '' })),
    state: STATE
  })

const FIRST = {
  record:
    '### Incident record\n\n- **Incident ID:** DRIFT-20261127-abcdef\n- **Resolution PR:** pending',
  findings:
    '### Findings\n\n**`bash scripts/spec.sh`** — failed (exit 1)\n- `[spec] ERROR: old field`',
  history: '### History\n\n- 2026-11-27T08:00:00Z — Filed.'
}
const CHANGED = {
  ...FIRST,
  findings:
    '### Findings\n\n**`bash scripts/spec.sh`** — failed (exit 1)\n- `[spec] ERROR: new field`',
  history: '### History\n\n- 2026-11-27T08:00:00Z — Filed.\n- 2026-11-27T09:00:00Z — Updated.'
}
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A section's text between its markers ('' for an empty section). */
const sectionOf = (body: string, id: SectionId): string => {
  const begin = `<!-- contract-drift-triage:begin=${id} -->\n`
  const from = body.indexOf(begin) + begin.length
  return body
    .slice(from, body.indexOf(`<!-- contract-drift-triage:end=${id} -->`, from))
    .replace(/\n$/, '')
}

describe('the body the action writes', () => {
  it('starts with the key marker, puts each section between markers and the state last', () => {
    const body = write(undefined, FIRST)
    expect(body.startsWith(`${MARKER}\n<!-- contract-drift-triage:begin=record -->\n`)).toBe(true)
    expect(sectionOf(body, 'findings')).toBe(FIRST.findings)
    expect(body).toMatch(
      /end=history -->\n\n<!-- contract-drift-triage:state=c3RhdGU= -->\n<!-- contract-drift-triage:written=[A-Za-z0-9+/=]+ -->$/
    )
    expect(body).not.toContain(UPGRADE_SUMMARY)
    expect(hasSections(body)).toBe(true)
    // One hash per non-blank line it wrote.
    expect([...writtenLines(body)!.values()].reduce((sum, n) => sum + n)).toBe(
      Object.values(FIRST).join('\n').split('\n').filter(Boolean).length
    )
  })

  it('is the same body when written again with the same record', () => {
    const body = write(undefined, FIRST)
    expect(write(body, FIRST)).toBe(body)
    expect(write(write(body, CHANGED), CHANGED)).toBe(write(body, CHANGED))
  })
})

describe("a person's lines survive a rewrite", () => {
  const first = write(undefined, FIRST)
  it.each<[string, (body: string) => string, (after: string) => void]>([
    [
      'a note after a finding that goes away stays at the end of Findings',
      body =>
        body.replace(
          '- `[spec] ERROR: old field`',
          '- `[spec] ERROR: old field`\nNote: expected until Monday.'
        ),
      after =>
        expect(sectionOf(after, 'findings')).toBe(
          `${CHANGED.findings}\nNote: expected until Monday.`
        )
    ],
    [
      'a note right under the heading stays under it, with its blank lines',
      body => body.replace('### Findings\n\n', '### Findings\n\nNote: read this first.\n\n'),
      after =>
        expect(sectionOf(after, 'findings')).toBe(
          CHANGED.findings.replace('### Findings\n\n', '### Findings\n\nNote: read this first.\n\n')
        )
    ],
    [
      'a paragraph of two lines with a blank between them stays whole',
      body =>
        body.replace(
          '- 2026-11-27T08:00:00Z — Filed.',
          '- 2026-11-27T08:00:00Z — Filed.\n\nalice: first.\n\nbob: second.'
        ),
      after =>
        expect(after).toContain('- 2026-11-27T08:00:00Z — Filed.\n\nalice: first.\n\nbob: second.')
    ],
    [
      'a Discussion section between two sections stays there, byte for byte',
      body =>
        body.replace(
          '<!-- contract-drift-triage:begin=history -->',
          '### Discussion\r\n\r\nalice: we talked to the API team.\r\n\n<!-- contract-drift-triage:begin=history -->'
        ),
      after =>
        expect(after).toContain(
          '<!-- contract-drift-triage:end=checklist -->\n\n### Discussion\r\n\r\nalice: we talked to the API team.\r\n\n<!-- contract-drift-triage:begin=history -->'
        )
    ],
    [
      'text below the hidden state stays below it',
      body => `${body}\n\nP.S. from alice`,
      after => expect(after.endsWith('\n\nP.S. from alice')).toBe(true)
    ],
    [
      'a finding line a person edited is theirs: kept beside the one rendered anew',
      body => body.replace('old field`', 'old field` (known, see #12)'),
      after => {
        expect(after).toContain('- `[spec] ERROR: old field` (known, see #12)')
        expect(after).toContain('- `[spec] ERROR: new field`')
      }
    ],
    [
      'a lost end marker loses nothing',
      body =>
        body
          .replace('\n<!-- contract-drift-triage:end=findings -->', '')
          .replace('old field`', 'old field`\nalice: mine'),
      after => {
        expect(after).toContain('alice: mine')
        expect(sectionOf(after, 'findings')).toContain('new field')
      }
    ],
    [
      'a whole body edited in the browser (CRLF) keeps the note and drops no section',
      body => body.replace('old field`', 'old field`\nalice: crlf note').replace(/\n/g, '\r\n'),
      after => {
        expect(after).toContain('alice: crlf note')
        expect(sectionOf(after, 'findings').startsWith(CHANGED.findings)).toBe(true)
        expect(after.match(/begin=findings/g)).toHaveLength(1)
      }
    ]
  ])('%s', (_, edit, check) => {
    const after = write(edit(first), CHANGED)
    check(after)
    // And the next run changes nothing more.
    expect(write(after, CHANGED)).toBe(after)
  })

  // The action repeats some lines (one per validator, per log output): a person's line keeps its
  // place next to the one it followed, not the first line with the same text.
  const TWO = (a: string, b: string): string =>
    `### Findings\n\n**\`a\`** — failed (${a})\n- no findings: see the log excerpt\n\n**\`b\`** — failed (${b})\n- no findings: see the log excerpt`
  const LOGS = (a: string): string =>
    `### Log excerpt\n\n<details><summary>Output 1 of 2</summary>\n\n${a}\n\n</details>\n<details><summary>Output 2 of 2</summary>\n\nb\n\n</details>`
  it.each<[string, SectionId, string, string, string, string]>([
    [
      "under the second validator's 'no findings' line, the first one's changing",
      'findings',
      TWO('exit 1', 'exit 1'),
      TWO('exit 2', 'exit 1'),
      '- no findings: see the log excerpt',
      'alice: b is flaky'
    ],
    [
      "under the second validator's 'no findings' line, nothing changing",
      'findings',
      TWO('exit 1', 'exit 1'),
      TWO('exit 1', 'exit 1'),
      '- no findings: see the log excerpt',
      'alice: b is flaky'
    ],
    [
      'after the second log output',
      'log',
      LOGS('a'),
      LOGS('a changed'),
      '</details>',
      'alice: output 2 is the real one'
    ]
  ])('a note %s stays there', (_, id, before, after, line, note) => {
    const first = write(undefined, { [id]: before })
    const at = first.lastIndexOf(`${line}\n`) + line.length + 1
    const edited = `${first.slice(0, at)}${note}\n${first.slice(at)}`
    const expected = sectionOf(edited, id).replace(before, after)
    const merged = write(edited, { [id]: after })
    expect(sectionOf(merged, id)).toBe(expected)
    expect(write(merged, { [id]: after })).toBe(merged)
  })

  // Where a person's lines go when the action's lines around them change: right after the line of
  // the action's they followed while it is still rendered, else right before the one they preceded,
  // else last; with the blank lines they had around them.
  const BEGIN = '<!-- contract-drift-triage:begin=findings -->'
  const END = '<!-- contract-drift-triage:end=findings -->'
  it.each<[string, string, string, string]>([
    ['under the first line, no blank between', 'H\nalice\n\nf1', 'H\n\nf2', 'H\nalice\n\nf2'],
    ['above the first line', 'alice\nH\n\nf1', 'H\n\nf2', 'alice\nH\n\nf2'],
    ['above the first line, a blank between', 'alice\n\nH\n\nf1', 'H\n\nf2', 'alice\n\nH\n\nf2'],
    ['above a first line that changes', 'alice\nH\n\nf1', 'G\n\nf2', 'alice\nG\n\nf2'],
    [
      'after a line that goes, last in the section',
      'H\n\nf1\n\nalice',
      'H\n\nf2',
      'H\n\nf2\n\nalice'
    ],
    [
      'after a line that goes, before one that stays',
      'H\n\nf1\nalice\nf2',
      'H\n\nf2\nf3',
      'H\n\nalice\nf2\nf3'
    ],
    [
      'a paragraph between a line that goes and one that stays',
      'H\n\nf1\n\nalice\n\nf2',
      'H\n\nf2',
      'H\n\nalice\n\nf2'
    ],
    [
      'a paragraph after the first line, before one that goes',
      'H\n\nalice\n\nf1\nf2',
      'H\n\nf2',
      'H\n\nalice\n\nf2'
    ],
    [
      'a paragraph after a line that goes, the action adding a blank',
      'H\nf1\n\nalice\n\nf2',
      'H\n\nf2',
      'H\n\nalice\n\nf2'
    ],
    [
      'after a line the action now writes a line above',
      'H\n\nf1\nalice\nf9',
      'H\n\nf0\nf1\nf2',
      'H\n\nf0\nf1\nalice\nf2'
    ],
    [
      'after a first line that is now second, before one that goes',
      'A\nalice\nC\nB',
      'X\nA\nB',
      'X\nA\nalice\nB'
    ],
    ['after a first line that goes, before one now first', 'Y\nalice\nA', 'A\nZ', 'alice\nA\nZ'],
    [
      'after a line now written below new ones',
      'H\n\nf1\nalice',
      'H\n\nf0\nf0b\n\nf1',
      'H\n\nf0\nf0b\n\nf1\nalice'
    ],
    [
      'two notes, each after its line',
      'H\nalice 1\n\nf1\nalice 2',
      'H\n\nf1\nf2',
      'H\nalice 1\n\nf1\nalice 2\nf2'
    ],
    [
      'two paragraphs around a line that goes',
      'H\n\nalice 1\n\nf1\n\nalice 2\n\nf2',
      'H\n\nf2',
      'H\n\nalice 1\n\nalice 2\n\nf2'
    ],
    [
      'under a blank line after the first line, right above the next',
      'H\n\nalice\nf1',
      'H\n\nf2',
      'H\n\nalice\nf2'
    ],
    [
      'after a paragraph break, right above a line that stays',
      'H\n\nf1\n\nalice\nf2',
      'H\n\nf2',
      'H\n\nalice\nf2'
    ],
    [
      "(none: a line of spaces between the action's lines is a blank line, not a note)",
      'H\n\nf1\n   \nf2',
      'H\n\nf1\nf2',
      'H\n\nf1\nf2'
    ],
    [
      "before a paragraph break, after a line that goes: the action's blank above stays",
      'H\n\nf1\nalice\n\nf2',
      'H\n\nf2',
      'H\n\nalice\n\nf2'
    ],
    [
      "a paragraph under the first line, the action's blank after that line gone",
      'H\n\nalice\n\nf1',
      'H\nf2',
      'H\n\nalice\n\nf2'
    ],
    [
      'a paragraph after a line that goes, before one that stays, a line added above',
      'H\nf1\n\nalice\n\nf2',
      'H\nf0\nf2',
      'H\nf0\n\nalice\n\nf2'
    ],
    [
      'when the action swaps two lines: after the line it followed',
      'A\nalice\nB',
      'B\nA',
      'B\nA\nalice'
    ],
    ['in a section the action empties', 'H\n\nf1\nalice', '', 'alice'],
    ['in a section the action fills again', 'alice', 'H\n\nf2', 'alice\nH\n\nf2'],
    [
      'last, with a blank line after it at the end of the section',
      'H\n\nf1\nalice\n',
      'H\n\nf2',
      'H\n\nf2\nalice'
    ],
    [
      'with a blank line above it at the top of the section',
      '\nalice\n\nH\n\nf1',
      'H\n\nf2',
      'alice\n\nH\n\nf2'
    ]
  ])('a note %s', (_, old, rendered, expected) => {
    const action = old
      .split('\n')
      .filter(line => !line.startsWith('alice'))
      .join('\n')
    const section = (text: string): string => `${BEGIN}\n${text}${text === '' ? '' : '\n'}${END}`
    const first = write(undefined, { findings: action })
    expect(first).toContain(section(action))
    const merged = write(first.replace(section(action), section(old)), { findings: rendered })
    expect(sectionOf(merged, 'findings')).toBe(expected)
    expect(write(merged, { findings: rendered })).toBe(merged)
  })

  it('puts a section the old body lacks after the one before it in the record', () => {
    const without = write(undefined, FIRST).replace(
      /<!-- contract-drift-triage:begin=routing -->\n<!-- contract-drift-triage:end=routing -->\n\n/,
      ''
    )
    const after = write(without, { ...CHANGED, routing: '### Routing\n\n| a | b |' })
    expect(after.indexOf('begin=routing')).toBeGreaterThan(after.indexOf('end=record'))
    expect(after.indexOf('begin=routing')).toBeLessThan(after.indexOf('begin=root-cause'))
  })
})

describe("the body's frame: sections, key and hidden markers", () => {
  const fresh = write(undefined, FIRST)
  const without = (body: string, ...ids: SectionId[]): string =>
    ids.reduce(
      (text, id) =>
        text.replace(
          new RegExp(`<!-- contract-drift-triage:begin=${id} -->[\\s\\S]*?end=${id} -->\\n\\n`),
          ''
        ),
      body
    )
  it.each<[string, SectionId[]]>([
    [
      'only Findings left',
      ['record', 'routing', 'root-cause', 'classification', 'log', 'checklist', 'history']
    ],
    ['the record and History gone', ['record', 'history']],
    [
      'every section but the record gone',
      ['routing', 'root-cause', 'classification', 'findings', 'log', 'checklist', 'history']
    ],
    ['two runs of sections gone', ['routing', 'root-cause', 'log', 'checklist']]
  ])('sections a person deleted come back where a new body has them (%s)', (_, ids) => {
    expect(write(without(fresh, ...ids), FIRST)).toBe(fresh)
    // Nothing to read from a deleted record or Root cause: the fields stay pending.
    expect(readNotes(without(fresh, ...ids))).toEqual({})
  })

  it.each<[string, (body: string) => string, (after: string) => void]>([
    [
      'a section pasted twice: the copy is kept where it was, as text, without markers',
      body =>
        body.replace(
          '<!-- contract-drift-triage:begin=history -->',
          `<!-- contract-drift-triage:begin=findings -->\n${FIRST.findings}\n<!-- contract-drift-triage:end=findings -->\n\n<!-- contract-drift-triage:begin=history -->`
        ),
      after => {
        expect(after).toContain(
          `<!-- contract-drift-triage:end=checklist -->\n\n${FIRST.findings}\n\n<!-- contract-drift-triage:begin=history -->`
        )
        expect(after.split('begin=findings')).toHaveLength(2)
        expect(sectionOf(after, 'findings')).toBe(CHANGED.findings)
      }
    ],
    [
      'the hidden state deleted: written again at the end, after a blank line',
      body => body.replace(`${STATE}\n`, ''),
      after =>
        expect(after).toMatch(
          /end=history -->\n\n<!-- contract-drift-triage:state=c3RhdGU= -->\n<!-- contract-drift-triage:written=[^\n]+ -->$/
        )
    ],
    [
      'both hidden markers deleted, with the blank line above them: written again at the end, after a blank line',
      body =>
        body.replace(
          /\n\n<!-- contract-drift-triage:state=[^\n]+\n<!-- contract-drift-triage:written=[^\n]+$/,
          ''
        ),
      after =>
        expect(after).toMatch(
          /end=history -->\n\n<!-- contract-drift-triage:state=c3RhdGU= -->\n<!-- contract-drift-triage:written=[^\n]+ -->$/
        )
    ],
    [
      'the hidden state pasted twice, a stray end marker: the action writes each once',
      body =>
        body
          .replace(STATE, `${STATE}\n${STATE}`)
          .replace('end=routing -->', 'end=routing -->\n<!-- contract-drift-triage:end=log -->'),
      after => {
        expect(after.split(STATE)).toHaveLength(2)
        expect(after.split('end=log')).toHaveLength(2)
        expect(after.split('written=')).toHaveLength(2)
      }
    ],
    [
      'the hidden state moved up: it stays there, the lines below it too',
      body =>
        body
          .replace(`\n${STATE}`, '')
          .replace(
            '<!-- contract-drift-triage:begin=history -->',
            `${STATE}\nalice: below the state\n<!-- contract-drift-triage:begin=history -->`
          ),
      after =>
        expect(after).toMatch(
          /end=checklist -->\n\n<!-- contract-drift-triage:state=c3RhdGU= -->\n<!-- contract-drift-triage:written=[^\n]+ -->\nalice: below the state\n<!-- contract-drift-triage:begin=history -->/
        )
    ],
    [
      'the hidden state moved up, a copy left at the end: written once, where the first one was',
      body =>
        body.replace(
          '<!-- contract-drift-triage:begin=history -->',
          `${STATE}\nalice: below the state\n<!-- contract-drift-triage:begin=history -->`
        ),
      after => {
        expect(after).toMatch(
          /end=checklist -->\n\n<!-- contract-drift-triage:state=c3RhdGU= -->\n<!-- contract-drift-triage:written=[^\n]+ -->\nalice: below the state\n<!-- contract-drift-triage:begin=history -->/
        )
        expect(after.split(STATE)).toHaveLength(2)
        expect(after.split('written=')).toHaveLength(2)
        expect(after.endsWith('<!-- contract-drift-triage:end=history -->\n')).toBe(true)
      }
    ],
    [
      "a marker of a section this version does not know, and the key marker quoted below the first line: a person's lines",
      body =>
        body.replace(
          '<!-- contract-drift-triage:begin=history -->',
          `<!-- contract-drift-triage:begin=discussion -->\n${MARKER}\n<!-- contract-drift-triage:begin=history -->`
        ),
      after =>
        expect(after).toContain(
          `end=checklist -->\n\n<!-- contract-drift-triage:begin=discussion -->\n${MARKER}\n<!-- contract-drift-triage:begin=history -->`
        )
    ],
    [
      "a section cut short by the next one's begin marker: the next section is still the action's",
      body =>
        body
          .replace('\n<!-- contract-drift-triage:end=checklist -->', '')
          .replace(
            '- 2026-11-27T08:00:00Z — Filed.',
            '- 2026-11-27T08:00:00Z — Filed.\nalice: in history'
          ),
      after => {
        expect(sectionOf(after, 'history')).toBe(
          `${CHANGED.history}`.replace('Filed.', 'Filed.\nalice: in history')
        )
        expect(after.split('begin=history')).toHaveLength(2)
      }
    ],
    [
      "another section's end marker pasted inside Findings: a person's line there, Findings ends at its own",
      body =>
        body.replace(
          '- `[spec] ERROR: old field`',
          '- `[spec] ERROR: old field`\n<!-- contract-drift-triage:end=log -->\nalice: after it'
        ),
      after => {
        expect(sectionOf(after, 'findings')).toBe(
          `${CHANGED.findings}\n<!-- contract-drift-triage:end=log -->\nalice: after it`
        )
        expect(after.split('begin=findings')).toHaveLength(2)
        expect(after.split('alice: after it')).toHaveLength(2)
      }
    ],
    [
      "History's end marker deleted: the hidden state below it still ends History, written once",
      body =>
        body
          .replace('\n<!-- contract-drift-triage:end=history -->', '')
          .replace('Filed.', 'Filed.\nalice: in history'),
      after => {
        // The note was History's last line, a blank line after it: it keeps both.
        expect(sectionOf(after, 'history')).toBe(
          CHANGED.history.replace('Filed.', 'Filed.\nalice: in history\n')
        )
        expect(after.split(STATE)).toHaveLength(2)
        expect(after).toMatch(
          /end=history -->\n<!-- contract-drift-triage:state=[^\n]+\n<!-- contract-drift-triage:written=[^\n]+ -->$/
        )
      }
    ],
    [
      'the body cut short inside History, the hidden markers moved above it: a note there is kept',
      body => {
        const hidden = body.slice(body.indexOf(`\n${STATE}`))
        return body
          .slice(0, body.indexOf('\n<!-- contract-drift-triage:end=history -->'))
          .replace(
            '\n<!-- contract-drift-triage:begin=history -->',
            `${hidden}\n<!-- contract-drift-triage:begin=history -->`
          )
          .replace('Filed.', 'Filed.\nalice: in history')
      },
      after => {
        expect(sectionOf(after, 'history')).toBe(
          CHANGED.history.replace('Filed.', 'Filed.\nalice: in history')
        )
        expect(after.split('begin=history')).toHaveLength(2)
        expect(after.split(STATE)).toHaveLength(2)
      }
    ],
    [
      "a person's line edited in the browser keeps its CR; the action's lines are rewritten without",
      body =>
        body.replace(
          '- `[spec] ERROR: old field`',
          '- `[spec] ERROR: old field`\r\nalice: windows\r'
        ),
      after => {
        expect(sectionOf(after, 'findings')).toBe(`${CHANGED.findings}\nalice: windows\r`)
      }
    ]
  ])('%s', (_, edit, check) => {
    const after = write(edit(fresh), CHANGED)
    check(after)
    expect(write(after, CHANGED)).toBe(after)
  })

  it('is re-keyed on its first line: the old key marker goes', () => {
    const moved = mergeBody(fresh, {
      marker: '<!-- contract-drift-triage:key=acme/contracts:branch-main -->',
      sections: SECTION_IDS.map(id => ({ id, text: FIRST[id as keyof typeof FIRST] ?? '' })),
      state: STATE
    })
    expect(moved).toBe(
      fresh.replace(MARKER, '<!-- contract-drift-triage:key=acme/contracts:branch-main -->')
    )
  })

  it('hashes lines with FNV-1a, 32 bits, and counts each hash as often as it is stored', () => {
    // The reference values of the FNV-1a test suite.
    expect([lineHash(''), lineHash('a'), lineHash('foobar')]).toEqual([
      0x811c9dc5, 0xe40c292c, 0xbf9cf968
    ])
    const once = new Map([0x811c9dc5, 0xe40c292c, 0xbf9cf968].map(hash => [hash, 1]))
    expect(writtenLines('<!-- contract-drift-triage:written=gRydxeQMKSy/nPlo -->')).toEqual(once)
    expect(
      writtenLines('x\r\n<!-- contract-drift-triage:written=gRydxeQMKSy/nPlo -->\r\ny')
    ).toEqual(once)
    expect(writtenLines('<!-- contract-drift-triage:written=gRydxYEcncU= -->')).toEqual(
      new Map([[0x811c9dc5, 2]])
    )
    // No marker (deleted by a person, or the uncounted `lines` of earlier builds): nothing known.
    expect(writtenLines('x')).toBeUndefined()
    expect(writtenLines('<!-- contract-drift-triage:lines=gRydxeQMKSy/nPlo -->')).toBeUndefined()
  })

  it('keeps the same hidden written marker for the same lines in another order', () => {
    const lines = (body: string): string => body.split('\n').at(-1)!
    expect(lines(write(undefined, { findings: '### Findings\n\n- a\n- b' }))).toBe(
      lines(write(undefined, { findings: '### Findings\n\n- b\n- a' }))
    )
  })
})

describe('a box of the checklist a person ticks or clears on GitHub', () => {
  const box = (i: number, tick: string): string => `- [${tick}] ${i + 1}. ${CHECKLIST[i]}`
  /** The checklist with each step's box as `ticks` says (`'xx   '`: the first two ticked). */
  const checklist = (ticks: string): string =>
    ['### Resolution checklist', '', ...CHECKLIST.map((_, i) => box(i, ticks[i]!))].join('\n')
  const BEGIN = '<!-- contract-drift-triage:begin=checklist -->'
  it.each<[string, string, string, string]>([
    ['ticked: shown ticked, in its place', checklist('xxx  '), 'xx   ', checklist('xxx  ')],
    ['ticked with a capital X', checklist('xxX  '), 'xx   ', checklist('xxX  ')],
    ['cleared: shown cleared', checklist('x    '), 'xx   ', checklist('x    ')],
    ['ticked, and the action ticks it too: once', checklist('xxx  '), 'xxx  ', checklist('xxx  ')],
    [
      'ticked, with a ticked copy of it under a remark: both kept',
      `${checklist('xxx  ')}\n\nalice: done in #12, see\n${box(2, 'x')}`,
      'xx   ',
      `${checklist('xxx  ')}\n\nalice: done in #12, see\n${box(2, 'x')}`
    ],
    [
      'a task of their own, ticked, under the steps: kept',
      `${checklist('xx   ')}\n- [x] 6. ask the API team`,
      'xx   ',
      `${checklist('xx   ')}\n- [x] 6. ask the API team`
    ]
  ])('%s', (_, old, ticks, expected) => {
    const first = write(undefined, { checklist: checklist('xx   ') })
    const edited = first.replace(`${BEGIN}\n${checklist('xx   ')}`, `${BEGIN}\n${old}`)
    expect(edited).toContain(old)
    const merged = write(edited, { checklist: checklist(ticks) })
    expect(sectionOf(merged, 'checklist')).toBe(expected)
    expect(write(merged, { checklist: checklist(ticks) })).toBe(merged)
  })
})

describe('a body written by an earlier version', () => {
  const legacy = `${MARKER}\n### Incident record\n\n- **Resolution PR:** #99\n\n### Findings\n\nalice: a note\n${MARKER}\n\n<!-- contract-drift-triage:state=b2xk -->`
  it.each([
    ['', legacy],
    [', edited in the browser (CRLF)', legacy.replace(/\n/g, '\r\n')]
  ])(
    'is kept whole once in a collapsed block, without its hidden markers, then rendered anew%s',
    (_, previous) => {
      const after = write(previous, CHANGED)
      const eol = previous.includes('\r') ? '\r\n' : '\n'
      expect(after).toContain(
        `end=history -->\n\n${UPGRADE_SUMMARY}\n\n${['### Incident record', '', '- **Resolution PR:** #99', '', '### Findings', '', 'alice: a note', MARKER].join(eol)}\n\n</details>`
      )
      expect(after).not.toContain('b2xk')
      expect(after.startsWith(`${MARKER}\n`)).toBe(true)
      expect(sectionOf(after, 'findings')).toBe(CHANGED.findings)
      const again = write(after, CHANGED)
      expect(again).toBe(after)
      expect(again.split(UPGRADE_SUMMARY)).toHaveLength(2)
    }
  )

  it.each([
    ['no body', undefined],
    ['an empty body', ''],
    ['a body of only the hidden markers', `${MARKER}\n<!-- contract-drift-triage:state=b2xk -->`]
  ])('%s: a new body, without a "Before the upgrade" block', (_, previous) => {
    expect(write(previous, FIRST)).toBe(write(undefined, FIRST))
  })
})

const lifecycle: Lifecycle = {
  checklist: [true, true, false, false, false],
  history: [{ at: '2026-11-27T08:00:00Z', what: 'Filed.' }],
  failingChecks: []
}
const record = (
  findings: (string | (Pick<Finding, 'message'> & Partial<Pick<Finding, 'tag' | 'targets'>>))[],
  lc: Lifecycle = lifecycle
): IncidentRecord => ({
  incidentId: 'DRIFT-20261127-abcdef',
  key: 'acme/contracts:pr-7',
  scope: 'PR #7',
  detectedAt: '2026-11-27T08:00:00Z',
  detectedBy: 'CI',
  result: 'drift',
  severity: 'high',
  severityReason: 'x',
  owners: [],
  runs: [
    {
      command: 'bash scripts/spec.sh',
      outcome: 'failed',
      exitCode: 1,
      durationMs: 1,
      findings: findings.map(finding => ({
        source: 's',
        tag: 'spec',
        targets: [],
        runtime: false,
        ...(typeof finding === 'string' ? { message: finding } : finding)
      })),
      findingCount: findings.length,
      okLines: [],
      excerpt: '',
      outputBytes: 1
    }
  ],
  context: { changed: [], changeSource: '', intent: [] },
  lifecycle: lc
})
/** A run as the action does it: read the person's values from the body, render, merge. */
const rerun = (body: string | undefined, findings: Parameters<typeof record>[0]): string => {
  const sections: Section[] = renderRecordSections(
    record(findings, { ...lifecycle, ...readNotes(body) })
  )
  return mergeBody(body, { marker: MARKER, sections, state: STATE })
}

describe('the record fields a person fills (readNotes, then rendered)', () => {
  it.each([
    ['Resolution PR', '- **Resolution PR:** pending', '- **Resolution PR:** #99'],
    [
      'Prevention follow-up',
      '- **Prevention follow-up:** pending',
      '- **Prevention follow-up:** add a CI check for X'
    ],
    [
      'Root cause',
      '### Root cause\n\npending',
      '### Root cause\n\nThe adapter mapped aws to gcp.\n\n#### Details\n\nSee the parity rows.'
    ]
  ])('%s: the person’s value wins over pending, shown once', (_, before, filled) => {
    const first = rerun(undefined, ['old'])
    expect(first).toContain(before)
    const edited = first.replace(before, filled).replace(/\n/g, '\r\n')
    const after = rerun(edited, ['new'])
    expect(after).toContain(filled)
    expect(after).not.toContain(before)
    expect(after.split(filled)).toHaveLength(2)
    expect(rerun(after, ['newer'])).toContain(filled)
  })

  it.each([
    ['Resolution PR emptied', '- **Resolution PR:** pending', '- **Resolution PR:**', 'pending'],
    [
      'Resolution PR emptied, its space left',
      '- **Resolution PR:** pending',
      '- **Resolution PR:** ',
      'pending'
    ],
    [
      'Resolution PR without a space',
      '- **Resolution PR:** pending',
      '- **Resolution PR:**#99',
      '#99'
    ],
    [
      'Resolution PR with more spaces',
      '- **Resolution PR:** pending',
      '- **Resolution PR:**   #99  ',
      '#99'
    ],
    [
      'Prevention follow-up emptied',
      '- **Prevention follow-up:** pending',
      '- **Prevention follow-up:**',
      'pending'
    ],
    [
      'Prevention follow-up without a space',
      '- **Prevention follow-up:** pending',
      '- **Prevention follow-up:**CI check',
      'CI check'
    ]
  ])('%s: the field is shown once, with the value the person left', (_, before, edited, value) => {
    const first = rerun(undefined, ['old'])
    const after = rerun(first.replace(before, edited), ['new'])
    const field = before.slice(0, before.indexOf(':**') + 3)
    expect(after.split('\n').filter(line => line.startsWith(field))).toEqual([`${field} ${value}`])
    expect(rerun(after, ['new'])).toBe(after)
  })

  it.each([
    ['Resolution PR', '- **Resolution PR:** #99', '- **Resolution PR:** #104 (the fixture half)'],
    [
      'Prevention follow-up',
      '- **Prevention follow-up:** add a CI check',
      '- **Prevention follow-up:** and a CODEOWNERS entry'
    ]
  ])(
    'a second %s line a person adds under the first is theirs: kept, the first one read',
    (_, filled, second) => {
      const field = filled.slice(0, filled.indexOf(':**') + 3)
      let body = rerun(undefined, ['old'])
      body = rerun(body.replace(new RegExp(`^${escape(field)} pending$`, 'm'), filled), ['old'])
      body = body.replace(`${filled}\n`, `${filled}\n${second}\n`)
      for (const run of [['new'], ['new'], ['old']]) {
        body = rerun(body, run)
        expect(body.split('\n').filter(line => line.startsWith(field))).toEqual([filled, second])
      }
    }
  )

  it('the last field filled, a remediation block after it: shown once, no blank line added', () => {
    const fields = (prevention: string): string =>
      `### Incident record\n\n- **Resolution PR:** pending\n- **Prevention follow-up:** ${prevention}\n\n#### Remediation\n\nPR #12 opened.`
    const first = write(undefined, { record: fields('pending') })
    const edited = first.replace(fields('pending'), fields('add a CI check'))
    const after = write(edited, { record: fields('add a CI check') })
    expect(sectionOf(after, 'record')).toBe(fields('add a CI check'))
    expect(write(after, { record: fields('add a CI check') })).toBe(after)
  })

  it.each([
    ['Root cause', '### Root cause\n\npending', '### Root cause\n\nThe adapter.', 'root-cause'],
    ['the record', '- **Resolution PR:** pending', '- **Resolution PR:** #99', 'record']
  ])(
    '%s with its end marker deleted ends at the next section: nothing after it is read as theirs',
    (_, before, filled, id) => {
      const first = rerun(undefined, ['old'])
      const edited = first
        .replace(before, filled)
        .replace(`\n<!-- contract-drift-triage:end=${id} -->`, '')
      expect(edited).not.toContain(`end=${id}`)
      const notes = readNotes(edited)
      expect(notes.rootCause ?? 'pending').toBe(id === 'root-cause' ? 'The adapter.' : 'pending')
      const after = rerun(edited, ['new'])
      expect(after).toContain(filled)
      for (const section of SECTION_IDS) expect(after.split(`begin=${section} `)).toHaveLength(2)
      expect(rerun(after, ['new'])).toBe(after)
    }
  )
})

describe("a person's words stay byte for byte where they put them, after one run and after several", () => {
  // Findings as each layout's validators print them: the field's fixture packs (examples/repo)
  // and a plain OpenAPI service's test/fixtures packs (examples/petstore).
  const LAYOUTS: [string, Parameters<typeof record>[0][]][] = [
    [
      'examples/repo',
      [
        [
          {
            tag: 'fixture-coverage',
            message:
              "MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json",
            targets: ['tests/contracts/fixtures/mcp/billing.aws.ingest/1.0']
          }
        ],
        [
          {
            tag: 'legacy-alias-parity',
            message:
              "rows[1].response.providerAdapterId expected 'aws-billing' for canonical tool 'billing.aws.ingest', got 'gcp-billing'",
            targets: ['tests/contracts/fixtures/mcp/legacy-alias-parity/1.0/parity.rows.json']
          }
        ]
      ]
    ],
    [
      'examples/petstore',
      [
        [
          {
            tag: 'fixture-schema',
            message:
              "test/fixtures/pets/get-pet.expected.json:4: 'name' is a required property (api/openapi.yaml#/components/schemas/Pet)",
            targets: ['test/fixtures/pets/get-pet.expected.json', 'api/openapi.yaml']
          }
        ],
        [
          {
            tag: 'fixture-schema',
            message:
              "test/fixtures/orders/place-order.expected.json:3: 'status' is not one of ['placed', 'approved'] (api/openapi.yaml#/components/schemas/Order)",
            targets: ['test/fixtures/orders/place-order.expected.json', 'api/openapi.yaml']
          }
        ]
      ]
    ]
  ]
  const HEAD = '**`bash scripts/spec.sh`** — failed (exit 1)'
  const TODO = `- [ ] 3. ${CHECKLIST[2]}`
  const FILED = '- 2026-11-27T08:00:00Z — Filed.'
  /** The body after the first run, with `lines` inserted after the first line equal to `after`. */
  const insert = (body: string, after: string, lines: string[]): string =>
    body.replace(`\n${after}\n`, `\n${after}\n${lines.join('\n')}\n`)
  const count = (body: string, line: string): number =>
    body.split('\n').filter(l => l.replace(/\r$/, '') === line).length

  // Each case: the section, the line the person wrote under, their lines (the action's words
  // elsewhere, or here: it wrote them once and remembers that), and where they are after each
  // run: still under that line, or last in the section when that line is gone.
  describe.each(LAYOUTS)('%s', (_, findings) => {
    const [first, second] = findings as [Parameters<typeof record>[0], Parameters<typeof record>[0]]
    const finding = rerun(undefined, first)
      .split('\n')
      .find(line => line.startsWith('- `['))!
    it.each<[string, SectionId, string, string[], 'under' | 'last']>([
      ["'pending' as a note under a validator's findings", 'findings', HEAD, ['pending'], 'under'],
      [
        'an unticked checklist step copied into History as a to-do',
        'history',
        FILED,
        [TODO],
        'under'
      ],
      ['a checklist step written again under itself', 'checklist', TODO, [TODO], 'under'],
      [
        'a finding copied under itself with a remark',
        'findings',
        finding,
        [finding, 'alice: expected until the parity rows land'],
        'last'
      ],
      [
        "'pending' under the record's fields",
        'record',
        '- **Prevention follow-up:** pending',
        ['pending'],
        'under'
      ]
    ])('%s', (_, id, after, mine, where) => {
      let body = insert(rerun(undefined, first), after, mine)
      for (const run of [second, second, first, second]) {
        const fresh = rerun(undefined, run)
        body = rerun(body, run)
        if (where === 'under')
          expect(`${sectionOf(body, id)}\n`).toContain(`${after}\n${mine.join('\n')}\n`)
        else expect(sectionOf(body, id).endsWith(`\n${mine.join('\n')}`)).toBe(true)
        for (const line of mine)
          expect(count(body, line)).toBe(count(fresh, line) + count(mine.join('\n'), line))
      }
    })
  })

  describe.each(LAYOUTS)('%s', (_, findings) => {
    const [first, second] = findings as [Parameters<typeof record>[0], Parameters<typeof record>[0]]
    const TODO = `- [ ] 3. ${CHECKLIST[2]}`
    const DONE = `- [x] 3. ${CHECKLIST[2]}`
    const count = (body: string, line: string): number =>
      body.split('\n').filter(l => l === line).length
    const withChecklist = (body: string, checklist: Lifecycle['checklist']): string =>
      mergeBody(body, {
        marker: MARKER,
        sections: renderRecordSections(
          record(first, { ...lifecycle, checklist, ...readNotes(body) })
        ),
        state: STATE
      })

    it('a box a person ticks on GitHub stays ticked, in its place, once', () => {
      let body = rerun(undefined, first).replace(TODO, DONE)
      for (const run of [second, second, first]) {
        body = rerun(body, run)
        expect(sectionOf(body, 'checklist')).toBe(
          sectionOf(rerun(undefined, run), 'checklist').replace(TODO, DONE)
        )
      }
      // The action ticks the step itself later (a complete remediation): still once.
      body = withChecklist(body, [true, true, true, false, false])
      expect([count(body, DONE), count(body, TODO)]).toEqual([1, 0])
      body = withChecklist(body, [true, true, true, false, false])
      expect([count(body, DONE), count(body, TODO)]).toEqual([1, 0])
    })

    it('a box a person clears on GitHub stays cleared, once', () => {
      const done = withChecklist(rerun(undefined, first), [true, true, true, false, false])
      let body = done.replace(DONE, TODO)
      for (const checklist of [
        [true, true, true, false, false],
        [true, true, true, true, false]
      ] as Lifecycle['checklist'][]) {
        body = withChecklist(body, checklist)
        expect([count(body, DONE), count(body, TODO)]).toEqual([0, 1])
      }
    })
  })

  it.each([
    [
      'an indented code block first',
      '    $ curl -s localhost:8080/pets/7\n    {"code": 500}\n\nThe handler maps a missing pet to 500.'
    ],
    ['a list nested under a sentence', 'Two causes:\n  - the adapter id\n  - the stale fixture'],
    ['a hard line break at its end', 'The adapter mapped aws to gcp.  \nSee #12.  ']
  ])('a Root cause with %s is kept byte for byte (its indentation too)', (_, cause) => {
    let body = rerun(undefined, ['old']).replace(
      '### Root cause\n\npending',
      `### Root cause\n\n${cause}`
    )
    expect(readNotes(body).rootCause).toBe(cause)
    for (const run of [['new'], ['new'], ['old']]) {
      body = rerun(body, run)
      expect(sectionOf(body, 'root-cause')).toBe(`### Root cause\n\n${cause}`)
    }
  })

  // The hidden list of the lines the action wrote (`written`) is how it tells them from a person's. Without
  // it, the lines it renders again are its own, and every other line of its sections is kept,
  // once, in a collapsed block at the end of the section: nothing a person wrote is lost, and no
  // old finding is shown as if it were current.
  describe.each(LAYOUTS)('with its hidden written marker deleted (%s)', (_, findings) => {
    const [first, second] = findings as [Parameters<typeof record>[0], Parameters<typeof record>[0]]
    const DISCUSSION = '### Discussion\n\nalice: we talked to the API team.'
    const NOTE = 'bob: rerun after the adapter fix'
    const withPerson = (body: string): string =>
      insert(body, HEAD, [NOTE]).replace(
        '<!-- contract-drift-triage:begin=history -->',
        `${DISCUSSION}\n\n<!-- contract-drift-triage:begin=history -->`
      )
    it.each([
      ['the written marker', /\n<!-- contract-drift-triage:(?:written|lines)=[^\n]*/],
      [
        'the state and the written markers',
        /\n<!-- contract-drift-triage:state=[^\n]*\n<!-- contract-drift-triage:(?:written|lines)=[^\n]*/
      ]
    ])('%s deleted: each section once, old lines kept once in a collapsed block', (_, hidden) => {
      const firstBody = rerun(undefined, first)
      const staleFinding = firstBody.split('\n').find(line => line.startsWith('- `['))!
      let body = withPerson(firstBody).replace(hidden, '')
      expect(body).not.toContain('written=')
      for (const run of [second, second, first]) {
        body = rerun(body, run)
        const fresh = withPerson(rerun(undefined, run))
        const kept = `\n\n${KEPT_SUMMARY}\n\n${NOTE}\n${staleFinding}\n\n</details>`
        expect(sectionOf(body, 'findings')).toBe(
          `${sectionOf(fresh, 'findings').replace(`\n${NOTE}`, '')}${kept}`
        )
        for (const id of SECTION_IDS.filter(id => id !== 'findings'))
          expect(sectionOf(body, id)).toBe(sectionOf(fresh, id))
        expect(body).toContain(
          `<!-- contract-drift-triage:end=checklist -->\n\n${DISCUSSION}\n\n<!-- contract-drift-triage:begin=history -->`
        )
        expect(count(body, NOTE)).toBe(1)
      }
    })

    it('deleted: a filled Root cause and Resolution PR are shown once, not kept again', () => {
      const cause = '### Root cause\n\n    adapter.map(aws) -> gcp\n\nThe adapter id.'
      let body = rerun(undefined, first)
        .replace('### Root cause\n\npending', cause)
        .replace('- **Resolution PR:** pending', '- **Resolution PR:**  #99 ')
        .replace(/\n<!-- contract-drift-triage:written=[^\n]*/, '')
      for (const run of [second, first]) {
        body = rerun(body, run)
        expect(sectionOf(body, 'root-cause')).toBe(cause)
        expect(count(body, '- **Resolution PR:** #99')).toBe(1)
        expect(sectionOf(body, 'record')).not.toContain(KEPT_SUMMARY)
      }
    })

    it("deleted: a note in a section the action leaves empty is kept in the block, the section's only text", () => {
      let body = rerun(undefined, first)
        .replace(
          '<!-- contract-drift-triage:begin=routing -->',
          '<!-- contract-drift-triage:begin=routing -->\nalice: routed by hand to @acme/api'
        )
        .replace(/\n<!-- contract-drift-triage:written=[^\n]*/, '')
      for (const run of [second, first]) {
        body = rerun(body, run)
        expect(sectionOf(body, 'routing')).toBe(
          `${KEPT_SUMMARY}\n\nalice: routed by hand to @acme/api\n\n</details>`
        )
      }
    })
  })
})

describe('fuzz: every line a person writes survives any sequence of runs', () => {
  // A person's line is their own words, or the action's words copied (anywhere, indented or not).
  type Step =
    | { kind: 'insert'; at: number; lines: string[] }
    | { kind: 'edit-own'; which: number; suffix: string }
    | { kind: 'crlf' }
    | { kind: 'forget' }
    | { kind: 'run'; findings: number[]; history: number }
  const word = fc.stringMatching(/^[a-z][a-z ]{0,12}$/)
  const copied = fc
    .tuple(
      fc.constantFrom('', '  ', '    ', '\t'),
      fc.constantFrom(
        'pending',
        '- entry 0',
        '- entry 1',
        '### Findings',
        '### History',
        '- `[spec] ERROR: finding 1`',
        '```text',
        'log',
        '- **Incident ID:** DRIFT-20261127-abcdef'
      )
    )
    .map(([indent, text]) => `${indent}${text}`)
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      lines: fc.array(fc.oneof(word, copied, fc.constant('')), { minLength: 1, maxLength: 3 })
    }),
    fc.record({ kind: fc.constant('edit-own' as const), which: fc.nat(), suffix: word }),
    fc.constant({ kind: 'crlf' as const }),
    fc.constant({ kind: 'forget' as const }),
    fc.record({
      kind: fc.constant('run' as const),
      findings: fc.array(fc.nat({ max: 6 }), { maxLength: 4 }),
      history: fc.nat({ max: 3 })
    })
  )
  const texts = (findings: number[], history: number): Partial<Record<SectionId, string>> => ({
    record: '### Incident record\n\n- **Incident ID:** DRIFT-20261127-abcdef',
    findings: ['### Findings', '', ...findings.map(n => `- \`[spec] ERROR: finding ${n}\``)].join(
      '\n'
    ),
    log: findings.length > 0 ? '### Log excerpt\n\n```text\nlog\n```' : '',
    history: [
      '### History',
      '',
      ...Array.from({ length: history + 1 }, (_, i) => `- entry ${i}`)
    ].join('\n')
  })
  const count = (lines: readonly string[], line: string): number =>
    lines.filter(l => l === line).length
  const linesOf = (text: string): string[] => text.split('\n').map(line => line.replace(/\r$/, ''))
  /**
   * The one thing the action cannot tell (keepUnknown): with its list of lines deleted, a person's
   * exact copy of a line it renders now and did not render last time is taken for its own, and
   * goes when it stops rendering it. Such copies leave `mine`.
   */
  const takenForTheActions = (
    mine: string[],
    last: Partial<Record<SectionId, string>>,
    run: Partial<Record<SectionId, string>>
  ): void => {
    const before = linesOf(Object.values(last).join('\n'))
    const now = linesOf(Object.values(run).join('\n'))
    for (const line of new Set(now))
      for (let n = count(now, line) - count(before, line); n > 0 && mine.includes(line); n--)
        mine.splice(mine.indexOf(line), 1)
  }
  /**
   * Each of a person's lines is there as often as they wrote it, besides the action's own copies;
   * once the action's list of its lines was deleted, at least as often as they wrote it.
   */
  const survives = (
    body: string,
    run: Partial<Record<SectionId, string>>,
    mine: string[],
    forgot: boolean
  ): void => {
    const lines = linesOf(body)
    const rendered = linesOf(Object.values(run).join('\n'))
    for (const line of new Set(mine))
      expect(count(lines, line)).toBeGreaterThanOrEqual(
        count(mine, line) + (forgot ? 0 : count(rendered, line))
      )
  }

  it('holds for 300 random histories', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), steps => {
        const mine: string[] = []
        const own: string[] = []
        let serial = 0
        let forgot = false
        let listGone = false
        let last = texts([1, 2], 0)
        let body = write(undefined, last)
        for (const s of steps) {
          if (s.kind === 'insert') {
            const lines = body.split('\n')
            // Anywhere after the key marker, which must stay first for the issue to be found.
            const at = 1 + (s.at % lines.length)
            const added = s.lines.map(text =>
              /^[a-z]/.test(text) ? `person-${serial++}: ${text}` : text
            )
            lines.splice(at, 0, ...added)
            mine.push(...added.filter(line => line.trim() !== ''))
            own.push(...added.filter(line => line.startsWith('person-')))
            body = lines.join('\n')
          } else if (s.kind === 'edit-own' && own.length > 0) {
            const i = s.which % own.length
            const edited = `${own[i]} ${s.suffix}`
            body = body.replace(new RegExp(`^${own[i]}(?=\\r?$)`, 'm'), edited)
            mine[mine.indexOf(own[i]!)] = edited
            own[i] = edited
          } else if (s.kind === 'crlf') {
            body = body.replace(/\r?\n/g, '\r\n')
          } else if (s.kind === 'forget') {
            body = body.replace(/\r?\n<!-- contract-drift-triage:(?:written|lines)=[^\n]*/, '')
            forgot = listGone = true
          } else if (s.kind === 'run') {
            const run = texts(s.findings, s.history)
            if (listGone) takenForTheActions(mine, last, run)
            listGone = false
            last = run
            body = write(body, run)
            survives(body, run, mine, forgot)
            expect(body.startsWith(MARKER)).toBe(true)
            expect(body.split(STATE)).toHaveLength(2)
          }
        }
        const run = texts([3], 1)
        if (listGone) takenForTheActions(mine, last, run)
        const final = write(body, run)
        survives(final, run, mine, forgot)
        // Nothing is doubled: their own words once; copies of the action's besides its own.
        const lines = linesOf(final)
        for (const line of own) expect(count(lines, line)).toBe(1)
        // The action's sections once each, even after its list of lines was deleted.
        for (const heading of ['### Incident record', '### Findings', '### History'])
          expect(count(lines, heading)).toBe(count(mine, heading) + 1)
        if (!forgot)
          for (const line of mine)
            expect(count(lines, line)).toBe(
              count(mine, line) + count(linesOf(Object.values(run).join('\n')), line)
            )
      }),
      { numRuns: 300 }
    )
  })
})
