import { describe, expect, it } from '@jest/globals'
import { computeDigest, percentile, type DigestInput } from '../../src/digest/compute.js'
import { readIncident } from '../../src/digest/incidents.js'
import { digestIssueBody, renderDigest, DIGEST_MARKER } from '../../src/digest/render.js'
import { AUTHOR, incidentIssue, NOW, type IncidentSpec } from '../__fixtures__/digest/incidents.js'

const MAIN = 'acme/contracts:branch-main'
const digestOf = (specs: IncidentSpec[], extra: Partial<DigestInput> = {}) =>
  computeDigest({
    issues: specs.map(incidentIssue),
    issueAuthor: AUTHOR,
    now: NOW,
    windowDays: 30,
    releaseBranches: () => ['main', 'release/*'],
    ...extra
  })
const blockingNumbers = (specs: IncidentSpec[]): number[] =>
  digestOf(specs).blocking.map(reason => reason.incident.number)

describe('the release verdict (SPEC §6)', () => {
  it.each<[string, IncidentSpec[], number[]]>([
    ['no incident', [], []],
    ['a High incident on the default branch', [{ number: 1, key: MAIN }], [1]],
    [
      'a High incident on a release/* branch',
      [{ number: 2, key: 'acme/contracts:branch-release/2.0' }],
      [2]
    ],
    [
      'a High incident on a feature branch',
      [{ number: 3, key: 'acme/contracts:branch-feature/x' }],
      []
    ],
    [
      'a High pull-request incident (listed, never blocking)',
      [{ number: 4, key: 'acme/contracts:pr-140' }],
      []
    ],
    ['a Medium incident on main', [{ number: 5, key: MAIN, severity: 'medium' }], []],
    ['a Low incident on main', [{ number: 6, key: MAIN, severity: 'low' }], []],
    [
      'an error incident on main, even Medium (a blind gate)',
      [{ number: 7, key: MAIN, result: 'error', severity: 'medium' }],
      [7]
    ],
    ['a closed High incident on main', [{ number: 8, key: MAIN, state: 'closed' }], []],
    [
      'a person relabelled a High incident Medium',
      [{ number: 9, key: MAIN, labels: ['bucket:schema-drift', 'severity:medium'] }],
      []
    ],
    [
      'a person relabelled a Medium incident High',
      [{ number: 10, key: MAIN, severity: 'medium', labels: ['severity:high'] }],
      [10]
    ],
    ['with an incident key', [{ number: 11, key: `${MAIN}:billing` }], [11]],
    ['filed by someone else', [{ number: 12, key: MAIN, author: 'mallory' }], []],
    ['without the key marker', [{ number: 13, key: MAIN, body: 'Looks like an incident.' }], []]
  ])('%s', (_, specs, blocking) => {
    expect(blockingNumbers(specs)).toEqual(blocking)
    expect(digestOf(specs).ready).toBe(blocking.length === 0)
  })

  it('counts an incident listed twice (pages shifting under the listing) once', () => {
    const issue = incidentIssue({ number: 1, key: MAIN })
    const digest = computeDigest({
      issues: [issue, incidentIssue({ number: 2, key: MAIN }), issue],
      issueAuthor: AUTHOR,
      now: NOW,
      windowDays: 30,
      releaseBranches: () => ['main']
    })
    expect(digest.blocking.map(reason => reason.incident.number)).toEqual([1, 2])
  })

  it('takes each source repository’s own release branches', () => {
    const digest = digestOf(
      [
        { number: 1, key: 'acme/contracts:branch-trunk' },
        { number: 2, key: 'acme/billing:branch-trunk' }
      ],
      { releaseBranches: repository => (repository === 'acme/billing' ? ['trunk'] : ['main']) }
    )
    expect(digest.blocking.map(reason => reason.incident.number)).toEqual([2])
    expect(digest.open.map(group => group.repository)).toEqual(['acme/billing', 'acme/contracts'])
  })
})

describe('the numbers behind it', () => {
  const specs: IncidentSpec[] = [
    { number: 1, key: MAIN, assignees: ['alice'], ticked: [1, 2, 3], createdDaysAgo: 10 },
    {
      number: 2,
      key: 'acme/contracts:pr-7',
      bucket: 'fixture-stale',
      severity: 'medium',
      assignees: ['alice', 'bob']
    },
    {
      number: 3,
      key: 'acme/contracts:pr-8',
      bucket: 'runtime-regression',
      severity: 'low',
      owners: []
    },
    {
      number: 4,
      key: MAIN,
      state: 'closed',
      createdDaysAgo: 5,
      closedDaysAgo: 4,
      notes: { rootCause: 'x', prevention: 'y' },
      ticked: [1, 2, 3, 4, 5]
    },
    {
      number: 5,
      key: MAIN,
      state: 'closed',
      createdDaysAgo: 12,
      closedDaysAgo: 2,
      reopenedDaysAgo: [8]
    },
    {
      number: 6,
      key: 'acme/contracts:pr-7',
      state: 'closed',
      stateReason: 'not_planned',
      createdDaysAgo: 3,
      closedDaysAgo: 2
    },
    { number: 7, key: MAIN, state: 'closed', createdDaysAgo: 90, closedDaysAgo: 60 }
  ]
  const digest = digestOf(specs)

  it('counts open incidents by bucket × severity, a person’s label winning', () => {
    expect(digest.bySeverity['schema-drift']).toEqual({ high: 1, medium: 0, low: 0 })
    expect(digest.bySeverity['fixture-stale']).toEqual({ high: 0, medium: 1, low: 0 })
    expect(digest.bySeverity['runtime-regression']).toEqual({ high: 0, medium: 0, low: 1 })
    const relabelled = digestOf([
      { number: 1, key: MAIN, labels: ['bucket:runtime-regression', 'severity:low'] }
    ])
    expect(relabelled.bySeverity['runtime-regression'].low).toBe(1)
  })

  it('queues open incidents by owner (assignees, else the routed owners), with the step each waits at', () => {
    expect(digest.byOwner.map(queue => [queue.owner, queue.incidents.map(i => i.number)])).toEqual([
      ['alice', [1, 2]],
      ['bob', [2]],
      ['', [3]]
    ])
    expect(digest.open[0]?.incidents.map(i => i.waitsAt)).toEqual([4, 3, 3])
  })

  it('measures the window: time to resolve, recurrences, closes without notes, not-planned left out', () => {
    expect(digest.resolveTimes).toEqual([
      { bucket: 'schema-drift', resolved: 2, medianMs: 1 * 86_400_000, p90Ms: 10 * 86_400_000 }
    ])
    expect(digest.recurrences.map(i => i.number)).toEqual([5])
    expect(digest.closedWithoutNotes.map(i => i.number)).toEqual([5])
    expect(digest.notPlanned).toBe(1)
    expect(digest.topScopes[0]).toEqual({ repository: 'acme/contracts', scope: 'main', count: 4 })
  })

  it('charts opened and closed per week, Monday-based, over the window', () => {
    expect(digest.weeks[0]?.week).toBe('2026-10-26')
    expect(digest.weeks.at(-1)?.week).toBe('2026-11-30')
    expect(digest.weeks.reduce((n, week) => n + week.opened, 0)).toBe(5)
    expect(digest.weeks.reduce((n, week) => n + week.closed, 0)).toBe(2)
    const text = renderDigest(digest)
    expect(text).toContain('xychart-beta')
    for (const week of digest.weeks)
      expect(text).toContain(`| ${week.week} | ${week.opened} | ${week.closed} |`)
  })

  it('is byte-identical for the same incidents at the same instant, in any order', () => {
    const again = digestOf([...specs].reverse())
    expect(renderDigest(again)).toBe(renderDigest(digest))
    expect(digestIssueBody(again, 65_536)).toBe(digestIssueBody(digest, 65_536))
    expect(digestIssueBody(digest, 65_536).startsWith(`${DIGEST_MARKER}\n`)).toBe(true)
    // A later hour of the same day says the same; the next day, the ages move.
    const later = digestOf(specs, { now: new Date('2026-12-01T13:00:00Z') })
    expect(renderDigest(later)).toBe(renderDigest(digest))
  })

  it('lines counts up on the right and names, scopes and steps on the left', () => {
    const lines = renderDigest(digest).split('\n')
    const alignment = (head: string): string | undefined =>
      lines[lines.findIndex(line => line.startsWith(head)) + 1]
    expect(alignment('| Bucket | High |')).toBe('|---|---:|---:|---:|---:|')
    expect(alignment('| Incident | Scope |')).toMatch(/^\|---\|---\|---\|---\|/)
    expect(alignment('| Week of |')).toBe('|---|---:|---:|')
  })

  it('links every blocking reason to its incident', () => {
    const text = renderDigest(digestOf([{ number: 1, key: MAIN }]))
    expect(text).toContain('🔴 Blocked — Release readiness — all phases')
    expect(text).toContain(
      '- [#1](https://github.com/acme/contracts/issues/1) `acme/contracts` `main`: Schema drift (High)'
    )
  })

  it('fits a thousand incidents into one issue body', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      number: i + 1,
      key: MAIN,
      assignees: [`owner${i % 50}`]
    }))
    const body = digestIssueBody(digestOf(many), 65_536)
    expect(body.length).toBeLessThanOrEqual(65_536)
    expect(body).toContain('… and')
  })

  it.each([
    { kept: 10_000, digest: 'shortened' },
    { kept: 64_000, digest: 'headline' },
    { kept: 65_400, digest: 'none' }
  ])(
    "never cuts people's $kept characters below the digest (digest: $digest)",
    ({ kept, digest }) => {
      const many = Array.from({ length: 1000 }, (_, i) => ({ number: i + 1, key: MAIN }))
      const people = `\n\nRelease notes from the release manager.${'x'.repeat(kept - 40)}`.slice(
        0,
        kept
      )
      const body = (): string => digestIssueBody(digestOf(many), 65_536, people)
      if (digest === 'none') {
        expect(body).toThrow(
          /takes 65,400 of the 65,536 characters .* Move that text into a comment/
        )
        return
      }
      expect(body().length).toBeLessThanOrEqual(65_536)
      expect(body().endsWith(people)).toBe(true)
      expect(body()).toContain('🔴 Blocked')
      expect(body().includes('the job summary of this run holds it')).toBe(digest === 'headline')
    }
  )
})

describe('readIncident', () => {
  it('reads a branch key with a slash and an incident key, and a pull request key', () => {
    expect(
      readIncident(incidentIssue({ number: 1, key: 'acme/a:branch-release/2.0:pkg' }), AUTHOR)
    ).toMatchObject({
      repository: 'acme/a',
      branch: 'release/2.0'
    })
    const pr = readIncident(incidentIssue({ number: 2, key: 'acme/a:pr-14' }), AUTHOR)
    expect(pr?.branch).toBeUndefined()
    expect(pr?.scope).toBe('PR #14')
  })

  it.each([
    ['another author', { author: 'mallory' }],
    ['no contract-drift label', { labels: [] as string[] }],
    [
      'a body without the state',
      { body: '<!-- contract-drift-triage:key=acme/a:branch-main -->\nno state' }
    ]
  ])('ignores an issue with %s', (_, change) => {
    const issue = incidentIssue({ number: 1, key: MAIN, ...change })
    if ('labels' in change) issue.labels = []
    expect(readIncident(issue, AUTHOR)).toBeUndefined()
  })
})

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 0.5, 0],
    [[5], 0.9, 5],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9]
  ])('%j at %d is %d', (values, p, expected) => expect(percentile(values, p)).toBe(expected))
})
