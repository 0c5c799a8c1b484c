import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { defaultConfig } from '../src/config.js'
import { findIntent, incidentKey, queuedPullRequest, readEvent, scopeLabel } from '../src/event.js'

const dir = mkdtempSync(join(tmpdir(), 'event-'))
let counter = 0
const payloadFile = (payload: unknown): string => {
  const file = join(dir, `event-${counter++}.json`)
  writeFileSync(file, JSON.stringify(payload))
  return file
}

const env = (
  name: string,
  payload: unknown,
  extra: Record<string, string> = {}
): NodeJS.ProcessEnv => ({
  GITHUB_EVENT_NAME: name,
  GITHUB_EVENT_PATH: payloadFile(payload),
  GITHUB_REPOSITORY: 'acme/contracts',
  GITHUB_SHA: 'sha-from-env',
  ...extra
})

const pullRequest = (overrides: Record<string, unknown> = {}) => ({
  pull_request: {
    number: 140,
    title: 'Refresh billing fixtures',
    body: 'Updates the AWS pack.\n\nBehavior-Change: intentional\n',
    labels: [{ name: 'behavior-change' }, { name: 'area:billing' }],
    base: { sha: 'base-sha', ref: 'main', repo: { full_name: 'acme/contracts' } },
    head: { sha: 'head-sha', ref: 'fix/billing', repo: { full_name: 'acme/contracts' } },
    ...overrides
  },
  repository: { full_name: 'acme/contracts' }
})

describe('readEvent', () => {
  it('reads a pull_request payload: PR scope, labels, body, base and head sha', () => {
    const facts = readEvent(
      env('pull_request', pullRequest(), {
        GITHUB_HEAD_REF: 'fix/billing',
        GITHUB_REF_NAME: '140/merge'
      })
    )
    expect(facts.name).toBe('pull_request')
    expect(facts.repository).toBe('acme/contracts')
    expect(facts.scope).toEqual({ kind: 'pr', number: 140 })
    expect(facts.pullRequest).toEqual({
      number: 140,
      baseSha: 'base-sha',
      headSha: 'head-sha',
      labels: ['behavior-change', 'area:billing'],
      title: 'Refresh billing fixtures',
      body: 'Updates the AWS pack.\n\nBehavior-Change: intentional\n',
      fromFork: false,
      baseRef: 'main',
      merged: false
    })
    expect(facts.headSha).toBe('head-sha')
    expect(facts.untrusted).toBeUndefined()
    expect(facts.push).toBeUndefined()
  })

  it('treats a null PR body as empty and marks a fork', () => {
    const payload = pullRequest({
      body: null,
      head: { sha: 'h', repo: { full_name: 'someone/contracts' } }
    })
    const facts = readEvent(env('pull_request', payload))
    expect(facts.pullRequest?.body).toBe('')
    expect(facts.pullRequest?.fromFork).toBe(true)
    expect(facts.untrusted).toBeUndefined()
  })

  it('reads a push: branch scope, before/after and the head commit message', () => {
    const facts = readEvent(
      env(
        'push',
        {
          before: 'before-sha',
          after: 'after-sha',
          head_commit: { message: 'Fix ingest\n\nBehavior-Change: intentional' }
        },
        { GITHUB_REF: 'refs/heads/release/p06', GITHUB_REF_NAME: 'release/p06' }
      )
    )
    expect(facts.scope).toEqual({ kind: 'branch', name: 'release/p06' })
    expect(facts.push).toEqual({
      before: 'before-sha',
      after: 'after-sha',
      headMessage: 'Fix ingest\n\nBehavior-Change: intentional'
    })
    expect(facts.headSha).toBe('after-sha')
    expect(facts.pullRequest).toBeUndefined()
  })

  it('reads the branch from GITHUB_REF when GITHUB_REF_NAME is absent', () => {
    const facts = readEvent(
      env('push', { before: 'a', after: 'b', head_commit: null }, { GITHUB_REF: 'refs/heads/main' })
    )
    expect(facts.scope).toEqual({ kind: 'branch', name: 'main' })
    expect(facts.push).toEqual({ before: 'a', after: 'b' })
  })

  it('reads a schedule: branch from GITHUB_REF_NAME, no change range', () => {
    const facts = readEvent(
      env(
        'schedule',
        { schedule: '0 3 * * *' },
        { GITHUB_REF_NAME: 'main', GITHUB_REF: 'refs/heads/main' }
      )
    )
    expect(facts.scope).toEqual({ kind: 'branch', name: 'main' })
    expect(facts.push).toBeUndefined()
    expect(facts.pullRequest).toBeUndefined()
    expect(facts.headSha).toBe('sha-from-env')
  })

  it('builds the run URL from the environment', () => {
    const facts = readEvent(
      env(
        'schedule',
        {},
        {
          GITHUB_REF_NAME: 'main',
          GITHUB_RUN_ID: '42',
          GITHUB_SERVER_URL: 'https://ghe.example.com'
        }
      )
    )
    expect(facts.runUrl).toBe('https://ghe.example.com/acme/contracts/actions/runs/42')
  })

  it('marks pull_request_target as untrusted', () => {
    const facts = readEvent(env('pull_request_target', pullRequest()))
    expect(facts.scope).toEqual({ kind: 'pr', number: 140 })
    expect(facts.untrusted).toMatch(/pull_request_target/)
  })

  it("marks a fork's workflow_run as untrusted, not the repository's own", () => {
    const fork = readEvent(
      env(
        'workflow_run',
        {
          workflow_run: {
            head_repository: { full_name: 'someone/contracts' },
            repository: { full_name: 'acme/contracts' }
          }
        },
        { GITHUB_REF_NAME: 'main' }
      )
    )
    expect(fork.untrusted).toMatch(/fork/)
    const own = readEvent(
      env(
        'workflow_run',
        {
          workflow_run: {
            head_repository: { full_name: 'acme/contracts' },
            repository: { full_name: 'acme/contracts' }
          }
        },
        { GITHUB_REF_NAME: 'main' }
      )
    )
    expect(own.untrusted).toBeUndefined()
  })

  it('runs locally without an event', () => {
    const facts = readEvent({})
    expect(facts.name).toBe('local')
    expect(facts.scope.kind).toBe('branch')
    expect(facts.untrusted).toBeUndefined()
  })

  it('names the payload file it cannot read', () => {
    const missing = join(dir, 'nope.json')
    expect(() => readEvent({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: missing })).toThrow(
      missing
    )
  })
})

const SHA = 'c0ffee'.repeat(6) + 'c0ff'
const mergeGroup = (headRef: string) => ({
  action: 'checks_requested',
  merge_group: {
    head_sha: 'group-head-sha',
    head_ref: headRef,
    base_sha: 'group-base-sha',
    base_ref: 'refs/heads/release/p06',
    head_commit: {
      id: 'group-head-sha',
      message: 'Merge pull request #140\n\nBehavior-Change: intentional'
    }
  },
  repository: { full_name: 'acme/contracts', default_branch: 'main' }
})

describe('merge_group', () => {
  it("belongs to the pull request its head ref names: PR scope, the group's range and head", () => {
    const ref = `refs/heads/gh-readonly-queue/release/p06/pr-140-${SHA}`
    const facts = readEvent(
      env('merge_group', mergeGroup(ref), {
        GITHUB_REF: ref,
        GITHUB_REF_NAME: ref.slice('refs/heads/'.length),
        GITHUB_SHA: 'group-head-sha'
      })
    )
    expect(facts.scope).toEqual({ kind: 'pr', number: 140 })
    expect(incidentKey(facts.repository, facts.scope, '')).toBe('acme/contracts:pr-140')
    expect(scopeLabel(facts.scope)).toBe('PR #140')
    expect(facts.mergeGroup).toEqual({
      baseSha: 'group-base-sha',
      headSha: 'group-head-sha',
      baseRef: 'release/p06',
      headRef: ref,
      pullRequest: 140,
      headMessage: 'Merge pull request #140\n\nBehavior-Change: intentional'
    })
    // Check runs go on the commit the queue tests.
    expect(facts.headSha).toBe('group-head-sha')
    expect(facts.pullRequest).toBeUndefined()
    expect(facts.push).toBeUndefined()
  })

  it('keeps the queue branch as its scope when the head ref names no pull request', () => {
    const facts = readEvent(env('merge_group', mergeGroup('refs/heads/gh-readonly-queue/main/odd')))
    expect(facts.scope).toEqual({ kind: 'branch', name: 'gh-readonly-queue/main/odd' })
    expect(facts.mergeGroup?.pullRequest).toBeUndefined()
  })

  it.each([
    [`refs/heads/gh-readonly-queue/main/pr-140-${SHA}`, 140],
    // The base branch may itself look like a queue entry: only the end counts.
    [`refs/heads/gh-readonly-queue/feature/pr-9-${SHA}/pr-12-${SHA}`, 12],
    // SHA-256 repositories: 64 hex digits.
    [`gh-readonly-queue/main/pr-3-${'a'.repeat(64)}`, 3],
    [`gh-readonly-queue/main/pr-140-${SHA.slice(0, 39)}`, undefined],
    [`gh-readonly-queue/main/pr-140-${SHA}/extra`, undefined],
    [`gh-readonly-queue/main/pr-0-${SHA}`, undefined],
    [`gh-readonly-queue/main/pr-x-${SHA}`, undefined],
    ['main', undefined]
  ])('%s → %s', (ref, number) => {
    expect(queuedPullRequest(ref)).toBe(number)
  })
})

describe('a push that creates a branch', () => {
  it('carries the default branch to compare with', () => {
    const facts = readEvent(
      env(
        'push',
        {
          before: '0'.repeat(40),
          after: 'after-sha',
          created: true,
          repository: { full_name: 'acme/contracts', default_branch: 'trunk' }
        },
        { GITHUB_REF_NAME: 'feature/x' }
      )
    )
    expect(facts.push).toEqual({
      before: '0'.repeat(40),
      after: 'after-sha',
      defaultBranch: 'trunk'
    })
  })
})

describe('incidentKey and scopeLabel', () => {
  it.each([
    [{ kind: 'pr', number: 140 } as const, '', 'acme/contracts:pr-140', 'PR #140'],
    [{ kind: 'branch', name: 'main' } as const, '', 'acme/contracts:branch-main', 'main'],
    [
      { kind: 'branch', name: 'release/p06' } as const,
      '',
      'acme/contracts:branch-release/p06',
      'release/p06'
    ],
    [
      { kind: 'pr', number: 7 } as const,
      'packages/billing',
      'acme/contracts:pr-7:packages/billing',
      'PR #7'
    ],
    [{ kind: 'branch', name: 'main' } as const, 'linux', 'acme/contracts:branch-main:linux', 'main']
  ])('%j with key %j → %s', (scope, extra, key, label) => {
    expect(incidentKey('acme/contracts', scope, extra)).toBe(key)
    expect(scopeLabel(scope)).toBe(label)
  })
})

describe('findIntent', () => {
  const intent = defaultConfig().intent
  const none = { labels: [] as string[], texts: [] as { where: string; text: string }[] }

  it.each([['behavior-change'], ['Behavior-Change'], ['BEHAVIOR-CHANGE']])(
    'finds the label %s (case-insensitive)',
    label => {
      const found = findIntent({ ...none, labels: ['area:billing', label] }, intent)
      expect(found).toHaveLength(1)
      expect(found[0]).toContain(label)
    }
  )

  it.each([
    ['Behavior-Change: intentional'],
    ['Behavior-Change:intentional'],
    ['Behavior-Change : intentional'],
    ['  Behavior-Change:   intentional  '],
    ['behavior-change: Intentional']
  ])('finds the trailer line %j', line => {
    const found = findIntent(
      {
        ...none,
        texts: [{ where: 'pull request body', text: `Refresh ingest.\r\n\r\n${line}\r\n` }]
      },
      intent
    )
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(/pull request body/)
  })

  it.each([
    ['a sentence containing the words', 'This is not a Behavior-Change: intentional or otherwise.'],
    ['a quoted trailer', '> Behavior-Change: intentional?'],
    ['a different value', 'Behavior-Change: accidental'],
    ['the key without its value', 'Behavior-Change:']
  ])('ignores %s', (_name, text) => {
    expect(findIntent({ ...none, texts: [{ where: 'head commit', text }] }, intent)).toEqual([])
  })

  it('ignores other labels', () => {
    expect(findIntent({ ...none, labels: ['behavior', 'change', 'bug'] }, intent)).toEqual([])
  })

  it('reports each signal once, with where it was found', () => {
    const found = findIntent(
      {
        labels: ['behavior-change'],
        texts: [
          { where: 'pull request body', text: 'Behavior-Change: intentional' },
          {
            where: 'head commit',
            text: 'Fix\n\nBehavior-Change: intentional\nBehavior-Change: intentional'
          }
        ]
      },
      intent
    )
    expect(found).toHaveLength(3)
    expect(found.join('\n')).toMatch(/label/)
    expect(found.join('\n')).toMatch(/head commit/)
  })

  it('uses the configured labels and trailers', () => {
    const custom = { labels: ['intentional'], trailers: ['Intent: yes'] }
    expect(
      findIntent(
        {
          labels: ['behavior-change'],
          texts: [{ where: 'x', text: 'Behavior-Change: intentional' }]
        },
        custom
      )
    ).toEqual([])
    expect(
      findIntent({ labels: ['Intentional'], texts: [{ where: 'x', text: 'Intent:yes' }] }, custom)
    ).toHaveLength(2)
  })
})
