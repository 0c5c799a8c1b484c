import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { computeChangeSet, localChangeSet } from '../src/changes.js'
import { gitIn } from '../src/git.js'
import type { EventFacts } from '../src/event.js'
import type { Octokit } from '../src/github/client.js'

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e'
}
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim()
const write = (root: string, path: string, text: string): void => {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), text)
}

let dir: string
let origin: string
let base: string
let head: string
let mainTip: string

/** origin: main has base → mainTip (an unrelated change after the branch point); the branch has head. */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cdt-changes-'))
  origin = join(dir, 'origin')
  mkdirSync(origin)
  git(origin, 'init', '-q', '-b', 'main')
  git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true')
  write(origin, 'docs/contracts/a.md', 'v1\n')
  write(origin, 'services/x/src/a.py', 'v1\n')
  git(origin, 'add', '-A')
  git(origin, 'commit', '-qm', 'base')
  base = git(origin, 'rev-parse', 'HEAD')
  for (let i = 0; i < 5; i++) {
    write(origin, `history/${i}.txt`, `${i}\n`)
    git(origin, 'add', '-A')
    git(origin, 'commit', '-qm', `history ${i}`)
  }
  git(origin, 'checkout', '-qb', 'feature')
  write(origin, 'services/x/src/a.py', 'v2\n')
  git(origin, 'add', '-A')
  git(origin, 'commit', '-qm', 'change behaviour\n\nBehavior-Change: intentional')
  head = git(origin, 'rev-parse', 'HEAD')
  git(origin, 'checkout', '-q', 'main')
  write(origin, 'docs/contracts/a.md', 'v2 on main\n')
  git(origin, 'commit', '-qam', 'main moves on')
  mainTip = git(origin, 'rev-parse', 'HEAD')
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const prFacts = (): EventFacts => ({
  name: 'pull_request',
  repository: 'acme/contracts',
  scope: { kind: 'pr', number: 7 },
  pullRequest: {
    number: 7,
    baseSha: mainTip,
    headSha: head,
    labels: [],
    title: '',
    body: '',
    fromFork: false,
    baseRef: 'main',
    merged: false
  },
  headSha: head
})

describe('computeChangeSet', () => {
  it('gives a pull request its own changes (base...head), not what moved on the base branch since', async () => {
    const changes = await computeChangeSet(prFacts(), {
      git: gitIn(origin),
      api: undefined,
      baseRef: '',
      prefix: ''
    })
    expect(changes.files).toEqual(['services/x/src/a.py'])
    expect(changes.headMessage).toContain('Behavior-Change: intentional')
  })

  it('fetches what a depth-1 checkout lacks to find the merge base', async () => {
    const shallow = join(dir, 'shallow')
    git(dir, 'clone', '-q', '--depth=1', '--branch', 'feature', `file://${origin}`, shallow)
    const changes = await computeChangeSet(prFacts(), {
      git: gitIn(shallow),
      api: undefined,
      baseRef: '',
      prefix: ''
    })
    expect(changes.files).toEqual(['services/x/src/a.py'])
    expect(changes.headMessage).toContain('Behavior-Change: intentional')
  })

  it('fails with what to do when the base cannot be had and there is no token', async () => {
    const lonely = join(dir, 'lonely')
    git(dir, 'clone', '-q', '--depth=1', '--branch', 'feature', `file://${origin}`, lonely)
    git(lonely, 'remote', 'set-url', 'origin', join(dir, 'nowhere'))
    await expect(
      computeChangeSet(prFacts(), { git: gitIn(lonely), api: undefined, baseRef: '', prefix: '' })
    ).rejects.toThrow(/fetch-depth: 0, or give the action a github-token/)
  })

  it.each([
    ['names no base commit', ''],
    ['names a base that git would read as an option', '--output=written-by-git']
  ])(
    'a pull request whose event %s is not compared with the checkout: it fails with what to do',
    async (_, baseSha) => {
      const facts = prFacts()
      facts.pullRequest = { ...facts.pullRequest!, baseSha }
      await expect(
        computeChangeSet(facts, { git: gitIn(origin), api: undefined, baseRef: '', prefix: '' })
      ).rejects.toThrow(/fetch-depth: 0, or give the action a github-token/)
      expect(readdirSync(origin).filter(name => name.startsWith('--output'))).toEqual([])
    }
  )

  it('gives a push the files between before and after', async () => {
    const facts: EventFacts = {
      name: 'push',
      repository: 'acme/contracts',
      scope: { kind: 'branch', name: 'main' },
      push: { before: base, after: mainTip },
      headSha: mainTip
    }
    const changes = await computeChangeSet(facts, {
      git: gitIn(origin),
      api: undefined,
      baseRef: '',
      prefix: ''
    })
    expect(changes.files.sort()).toEqual([
      'docs/contracts/a.md',
      'history/0.txt',
      'history/1.txt',
      'history/2.txt',
      'history/3.txt',
      'history/4.txt'
    ])
    expect(changes.headMessage).toContain('main moves on')
  })

  it('has no change set for a scheduled run', async () => {
    const schedule: EventFacts = {
      name: 'schedule',
      repository: 'acme/contracts',
      scope: { kind: 'branch', name: 'main' },
      headSha: mainTip
    }
    const scheduled = await computeChangeSet(schedule, {
      git: gitIn(origin),
      api: undefined,
      baseRef: '',
      prefix: ''
    })
    expect(scheduled.files).toEqual([])
    expect(scheduled.source).toContain('set base-ref')
  })

  it('compares with base-ref when it is given', async () => {
    const schedule: EventFacts = {
      name: 'schedule',
      repository: 'acme/contracts',
      scope: { kind: 'branch', name: 'main' },
      headSha: ''
    }
    const work = join(dir, 'feature-checkout')
    git(dir, 'clone', '-q', '--branch', 'feature', `file://${origin}`, work)
    const changes = await computeChangeSet(schedule, {
      git: gitIn(work),
      api: undefined,
      baseRef: 'origin/main',
      prefix: ''
    })
    expect(changes.files).toEqual(['services/x/src/a.py'])
  })
})

const ZERO = '0'.repeat(40)
const newBranch = (defaultBranch?: string): EventFacts => ({
  name: 'push',
  repository: 'acme/contracts',
  scope: { kind: 'branch', name: 'feature' },
  push: { before: ZERO, after: head, ...(defaultBranch ? { defaultBranch } : {}) },
  headSha: head
})
const sources = (at: string) => ({ git: gitIn(at), api: undefined, baseRef: '', prefix: '' })

describe('a push that creates a branch', () => {
  it('is compared with its merge base with the default branch, fetched into a depth-1 checkout', async () => {
    const work = join(dir, 'new-branch')
    git(dir, 'clone', '-q', '--depth=1', '--branch', 'feature', `file://${origin}`, work)
    const changes = await computeChangeSet(newBranch('main'), sources(work))
    // Not main's own later change to docs/contracts/a.md: only what the branch added.
    expect(changes.files).toEqual(['services/x/src/a.py'])
    expect(changes.source).toBe(
      `git diff origin/main...${head.slice(0, 7)} (a new branch, against its merge base with main)`
    )
  })

  it('has an empty change set when it starts at the default branch', async () => {
    const work = join(dir, 'new-branch-at-main')
    git(dir, 'clone', '-q', '--depth=1', '--branch', 'main', `file://${origin}`, work)
    const facts: EventFacts = {
      ...newBranch('main'),
      push: { before: ZERO, after: mainTip, defaultBranch: 'main' }
    }
    expect((await computeChangeSet(facts, sources(work))).files).toEqual([])
  })

  it.each([
    [
      'the default branch cannot be fetched',
      'trunk',
      /merge base with trunk, which could not be fetched from origin/
    ],
    [
      'the payload names no default branch',
      undefined,
      /names none \(repository\.default_branch\)\. Set base-ref/
    ]
  ])('says so when %s', async (_, defaultBranch, message) => {
    const work = join(dir, `new-branch-${defaultBranch ?? 'none'}`)
    git(dir, 'clone', '-q', '--depth=1', '--branch', 'feature', `file://${origin}`, work)
    await expect(computeChangeSet(newBranch(defaultBranch), sources(work))).rejects.toThrow(message)
  })
})

describe('a merge group', () => {
  let groupHead: string
  let queue: string
  beforeAll(() => {
    queue = `gh-readonly-queue/main/pr-7-${head}`
    git(origin, 'checkout', '-qb', queue, mainTip)
    git(origin, 'merge', '--no-ff', '-qm', 'Merge pull request #7 from acme/feature', 'feature')
    groupHead = git(origin, 'rev-parse', 'HEAD')
    git(origin, 'checkout', '-q', 'main')
  })
  const groupFacts = (): EventFacts => ({
    name: 'merge_group',
    repository: 'acme/contracts',
    scope: { kind: 'pr', number: 7 },
    mergeGroup: {
      baseSha: mainTip,
      headSha: groupHead,
      baseRef: 'main',
      headRef: `refs/heads/${queue}`,
      pullRequest: 7,
      headMessage: 'Merge pull request #7 from acme/feature'
    },
    headSha: groupHead
  })

  it('is base_sha...head_sha of the event, fetched into a depth-1 checkout of the group', async () => {
    const work = join(dir, 'queue')
    git(dir, 'clone', '-q', '--depth=1', '--branch', queue, `file://${origin}`, work)
    const changes = await computeChangeSet(groupFacts(), sources(work))
    expect(changes.files).toEqual(['services/x/src/a.py'])
    expect(changes.source).toBe(
      `git diff ${mainTip.slice(0, 7)}...${groupHead.slice(0, 7)} (the merge group of PR #7)`
    )
    expect(changes.headMessage).toBe('Merge pull request #7 from acme/feature')
    expect(changes.pullRequest).toBeUndefined()
  })

  it("reads the pull request's labels and body through the API, for intent", async () => {
    const asked: unknown[] = []
    const client = {
      request: async (route: string, params: unknown) => {
        asked.push([route, params])
        return { data: { labels: [{ name: 'behavior-change' }], body: 'Refresh.' } }
      }
    } as unknown as Octokit
    const changes = await computeChangeSet(groupFacts(), {
      ...sources(origin),
      api: async () => client
    })
    expect(changes.pullRequest).toEqual({
      number: 7,
      labels: ['behavior-change'],
      body: 'Refresh.'
    })
    expect(asked).toEqual([
      [
        'GET /repos/{owner}/{repo}/pulls/{pull_number}',
        { owner: 'acme', repo: 'contracts', pull_number: 7 }
      ]
    ])
  })

  it('keeps the change set when the pull request cannot be read', async () => {
    const client = {
      request: async () => {
        throw new Error('Not Found')
      }
    } as unknown as Octokit
    const changes = await computeChangeSet(groupFacts(), {
      ...sources(origin),
      api: async () => client
    })
    expect(changes.files).toEqual(['services/x/src/a.py'])
    expect(changes.pullRequest).toBeUndefined()
  })

  it('says what to do when the base cannot be had', async () => {
    const lonely = join(dir, 'queue-lonely')
    git(dir, 'clone', '-q', '--depth=1', '--branch', queue, `file://${origin}`, lonely)
    git(lonely, 'remote', 'set-url', 'origin', join(dir, 'nowhere'))
    await expect(computeChangeSet(groupFacts(), sources(lonely))).rejects.toThrow(
      /merge group of PR #7 .*fetch-depth: 0/
    )
  })
})

describe('localChangeSet', () => {
  it('includes uncommitted and untracked files against the merge base with --base', async () => {
    const work = join(dir, 'local')
    git(dir, 'clone', '-q', '--branch', 'feature', `file://${origin}`, work)
    write(work, 'tests/contracts/fixtures/m/1.0/notes.md', 'new\n')
    write(work, 'docs/contracts/a.md', 'edited\n')
    const changes = await localChangeSet(gitIn(work), 'origin/main')
    expect(changes.files).toEqual([
      'docs/contracts/a.md',
      'services/x/src/a.py',
      'tests/contracts/fixtures/m/1.0/notes.md'
    ])
  })

  it('names a --base it cannot resolve', async () => {
    await expect(localChangeSet(gitIn(origin), 'no-such-branch')).rejects.toThrow(
      "--base 'no-such-branch' is not a branch"
    )
  })
})
