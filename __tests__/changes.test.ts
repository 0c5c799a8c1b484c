import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { computeChangeSet, localChangeSet } from '../src/changes.js'
import { gitIn } from '../src/git.js'
import type { EventFacts } from '../src/event.js'

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

  it('has no change set for a new branch or a scheduled run', async () => {
    const push: EventFacts = {
      name: 'push',
      repository: 'acme/contracts',
      scope: { kind: 'branch', name: 'new' },
      push: { before: '0000000000000000000000000000000000000000', after: head },
      headSha: head
    }
    expect(
      (
        await computeChangeSet(push, {
          git: gitIn(origin),
          api: undefined,
          baseRef: '',
          prefix: ''
        })
      ).files
    ).toEqual([])
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
