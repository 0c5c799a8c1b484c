import { describe, expect, it } from '@jest/globals'
import type { StoredRun } from '../../src/incident.js'
import {
  countResults,
  defaultJobKey,
  explainResults,
  latestResults
} from '../../src/incident/results.js'

const result = (
  command: string,
  job: string | undefined,
  head: string | undefined,
  outcome: StoredRun['outcome'] = 'failed',
  at = '2026-12-01T10:00:00Z'
): StoredRun => ({
  command,
  outcome,
  exitCode: outcome === 'passed' ? 0 : 1,
  durationMs: 1,
  findings: [],
  findingCount: outcome === 'passed' ? 0 : 1,
  okLines: [],
  excerpt: '',
  outputBytes: 0,
  at,
  ...(job === undefined ? {} : { job }),
  ...(head === undefined ? {} : { head })
})
const names = (runs: readonly StoredRun[]): string[] =>
  runs.map(run => `${run.job ?? '-'}/${run.command}`).sort()

describe('countResults (SPEC §5: results per job, per validator within a job)', () => {
  const mine = [result('bash scripts/other.sh', 'ci:a', 'h2', 'passed')]
  it.each<[string, StoredRun[], string[], string[], string[]]>([
    [
      'a validator removed from the job drops out: the job replaces all it stored',
      [result('bash scripts/spec.sh', 'ci:a', 'h2')],
      ['ci:a/bash scripts/other.sh'],
      [],
      []
    ],
    [
      'the same job on an older head commit is replaced too',
      [result('bash scripts/spec.sh', 'ci:a', 'h1')],
      ['ci:a/bash scripts/other.sh'],
      [],
      []
    ],
    [
      "another job's results for the same head commit add up",
      [result('bash scripts/spec.sh', 'ci:b', 'h2')],
      ['ci:a/bash scripts/other.sh', 'ci:b/bash scripts/spec.sh'],
      ['ci:b/bash scripts/spec.sh'],
      []
    ],
    [
      "another job's results for an older head commit are dropped",
      [result('bash scripts/spec.sh', 'ci:b', 'h1')],
      ['ci:a/bash scripts/other.sh'],
      [],
      ['ci:b/bash scripts/spec.sh']
    ],
    [
      'results an earlier version stored without a job are dropped once, and said so',
      [result('bash scripts/spec.sh', undefined, undefined)],
      ['ci:a/bash scripts/other.sh'],
      [],
      ['-/bash scripts/spec.sh']
    ],
    [
      'a result without a job on this very head commit is dropped too: its job is unknown',
      [result('bash scripts/spec.sh', undefined, 'h2')],
      ['ci:a/bash scripts/other.sh'],
      [],
      ['-/bash scripts/spec.sh']
    ],
    [
      'the same command in two jobs is two results',
      [result('bash scripts/other.sh', 'ci:b', 'h2')],
      ['ci:a/bash scripts/other.sh', 'ci:b/bash scripts/other.sh'],
      ['ci:b/bash scripts/other.sh'],
      []
    ]
  ])('%s', (_, stored, counted, kept, dropped) => {
    const out = countResults(stored, mine, 'ci:a', 'h2')
    expect(names(out.runs)).toEqual(counted)
    expect(names(out.kept)).toEqual(kept)
    expect(names(out.dropped)).toEqual(dropped)
  })

  it('counts the latest result of another job when it is stored twice (body and comment)', () => {
    const older = result('v', 'ci:b', 'h2', 'failed', '2026-12-01T09:00:00Z')
    const newer = result('v', 'ci:b', 'h2', 'passed', '2026-12-01T09:30:00Z')
    expect(countResults([newer, older], [], 'ci:a', 'h2').kept).toEqual([newer])
    expect(latestResults([older], [newer])).toEqual([newer])
  })

  it('counts the later source when both say the same instant (a comment after the body)', () => {
    const body = result('v', 'ci:b', 'h2', 'failed', '2026-12-01T09:00:00Z')
    const comment = result('v', 'ci:b', 'h2', 'passed', '2026-12-01T09:00:00Z')
    expect(latestResults([body], [comment])).toEqual([comment])
    expect(latestResults([comment, body])).toEqual([body])
  })
})

describe('explainResults', () => {
  it('names each other job whose results still count, and what was dropped and why', () => {
    const lines = explainResults({
      kept: [result('bash scripts/spec.sh', 'ci.yml:legs:step:push', 'h2')],
      dropped: [
        result('python3 a.py', 'ci.yml:other:step:push', 'abcdef0123', 'passed'),
        result('python3 b.py', undefined, undefined)
      ]
    })
    expect(lines).toEqual([
      'Still counted, from job `ci.yml:legs:step:push` on this head commit: `bash scripts/spec.sh` (failed, 1 finding(s)).',
      'Dropped, from job `ci.yml:other:step:push` on an older head commit (`abcdef0`): `python3 a.py` (passed).',
      'Dropped, stored by an earlier version of this action without a job: `python3 b.py` (failed, 1 finding(s)).'
    ])
    expect(explainResults({ kept: [], dropped: [] })).toEqual([])
    // A job's result whose head commit went unrecorded still says which it dropped.
    expect(
      explainResults({ kept: [], dropped: [result('python3 a.py', 'ci.yml:other', undefined)] })
    ).toEqual([
      'Dropped, from job `ci.yml:other` on an older head commit (`unknown`): `python3 a.py` (failed, 1 finding(s)).'
    ])
  })
})

describe('defaultJobKey', () => {
  it.each([
    [
      'workflow file without its ref, job, step and event',
      {
        GITHUB_WORKFLOW_REF: 'acme/contracts/.github/workflows/ci.yml@refs/pull/7/merge',
        GITHUB_WORKFLOW: 'CI',
        GITHUB_JOB: 'contracts',
        GITHUB_ACTION: 'triage',
        GITHUB_EVENT_NAME: 'pull_request'
      },
      '.github/workflows/ci.yml:contracts:triage:pull_request'
    ],
    [
      'the workflow name when the runner gives no workflow ref',
      {
        GITHUB_WORKFLOW: 'CI',
        GITHUB_JOB: 'contracts',
        GITHUB_ACTION: '__acme_triage',
        GITHUB_EVENT_NAME: 'push'
      },
      'CI:contracts:__acme_triage:push'
    ],
    ['nothing known: every part empty, never the word undefined', {}, ':::'],
    [
      'a workflow ref of another form is kept as given',
      { GITHUB_WORKFLOW_REF: 'ci.yml', GITHUB_JOB: 'j' },
      'ci.yml:j::'
    ]
  ])('%s', (_, env, key) => {
    expect(defaultJobKey(env)).toBe(key)
  })
})
