import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { keySource, markerFor, sourceIn } from '../../src/incident.js'
import {
  labellingSince,
  LABELS,
  mergeLabels,
  SOURCES_LABELLED,
  sourceLabel,
  sourcesMarker
} from '../../src/github/labels.js'

/** Names GitHub allows: owners of letters, digits and `-`; repositories also `.` and `_`. */
const owner = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/)
const repo = fc.stringMatching(/^[A-Za-z0-9._-]{1,100}$/).filter(name => !/^\.+$/.test(name))
const source = fc.tuple(owner, repo).map(([o, r]) => `${o}/${r}`)

describe("the source label: a run lists only its repository's incidents (SPEC §7)", () => {
  it.each([
    ['acme/svc-1', 'acme/incidents', 'source:acme/svc-1'],
    ['acme/contracts', 'acme/contracts', undefined],
    ['Acme/Contracts', 'acme/contracts', undefined],
    [
      'acme/a-repository-name-long-enough-to-pass-fifty',
      'acme/incidents',
      'source:acme/a-repository-name-long-enough-t~799b3c'
    ]
  ])('%s filing into %s: %s', (from, into, expected) => {
    expect(sourceLabel(from, into)).toBe(expected)
  })

  it('fits GitHub’s 50 characters and tells any two repositories apart (property)', () => {
    fc.assert(
      fc.property(source, source, (a, b) => {
        const label = sourceLabel(a, 'acme/incidents')!
        expect(label.length).toBeLessThanOrEqual(50)
        if (a.toLowerCase() !== b.toLowerCase())
          expect(label.toLowerCase()).not.toBe(sourceLabel(b, 'acme/incidents')!.toLowerCase())
      })
    )
  })

  it('tells apart long names that differ only past the cut (property)', () => {
    const long = fc.stringMatching(/^[a-z0-9]{50,90}$/)
    const tail = fc.stringMatching(/^[a-z0-9]{1,8}$/)
    fc.assert(
      fc.property(long, tail, tail, (common, a, b) => {
        fc.pre(a !== b)
        expect(sourceLabel(`acme/${common}${a}`, 'acme/incidents')).not.toBe(
          sourceLabel(`acme/${common}${b}`, 'acme/incidents')
        )
      })
    )
  })

  it("is read back from an earlier version's key marker, whatever the repository's name (property)", () => {
    fc.assert(
      fc.property(source, fc.string(), (from, branch) => {
        const key = `${from}:branch-${branch}`
        expect(keySource(key)).toBe(from)
        expect(sourceIn(`${markerFor(key)}\nThe record.`)).toBe(from)
      })
    )
    expect(sourceIn('The record, its marker edited away.')).toBeUndefined()
  })

  it('is kept on every update, as a label a person added would be', () => {
    expect(
      mergeLabels(
        ['contract-drift', 'bucket:schema-drift', 'source:acme/svc-1', 'team-a'],
        ['contract-drift', 'bucket:runtime-regression']
      )
    ).toEqual(['source:acme/svc-1', 'team-a', 'contract-drift', 'bucket:runtime-regression'])
  })
})

describe('the marker label while one run labels the incidents of earlier versions', () => {
  const started = new Date('2026-12-02T07:00:00.000Z')
  const after = (minutes: number): Date => new Date(started.getTime() + minutes * 60_000)
  it.each([
    ['the done description', LABELS[SOURCES_LABELLED]!.description, 0, 'done'],
    ['a description a person wrote', 'keep this label', 0, 'done'],
    ['no description', null, 0, 'done'],
    ['labelling, started now', labellingSince(started), 0, 'labelling'],
    ['labelling, started 30 minutes ago', labellingSince(started), 30, 'labelling'],
    ['labelling, started 31 minutes ago: the run stopped', labellingSince(started), 31, 'stopped'],
    [
      'labelling, an unreadable time',
      'contract-drift-triage: labelling incidents with their source: since soon',
      0,
      'stopped'
    ]
  ])('%s', (_case, description, minutes, state) => {
    expect(sourcesMarker(description, after(minutes))).toBe(state)
  })

  it('fits GitHub’s 100 characters of a label description', () => {
    expect(labellingSince(started).length).toBeLessThanOrEqual(100)
  })
})
