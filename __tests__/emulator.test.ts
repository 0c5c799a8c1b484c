/**
 * The GitHub REST emulator (emulator/) itself: every endpoint through a real octokit, GitHub's
 * rejections, OpenAPI validation of requests and responses, faults, pagination, search lag.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
// @ts-expect-error -- plain JavaScript
import { startEmulator, octokitTestOptions, ACTIONS_BOT } from '../emulator/index.mjs'

type Octokit = ReturnType<typeof getOctokit>
interface RequestRecord {
  method: string
  path: string
  route: string | null
  status: number
  fault?: string
}
interface Emulator {
  url: string
  token: string
  timeScale: number
  startupMs: number
  violations: string[]
  requests: RequestRecord[]
  clock: { now(): number; advance(ms: number): void }
  close(): Promise<void>
  addRepo(name: string, init?: object): Emulator
  addToken(token: string, identity: object): void
  addPullRequest(name: string, pr: object): number
  addIssue(name: string, issue: { title: string; body?: string; labels?: string[] }): number
  addCommit(name: string, commit: object): void
  addFiles(name: string, files: Record<string, string>, options?: { ref?: string }): void
  fault(spec: object): void
  clearFaults(): void
  resetRequests(): void
  issues(name: string): Array<{
    number: number
    title: string
    state: string
    labels: { name: string }[]
    user: { login: string; type: string }
  }>
  comments(name: string, n: number): Array<{ body: string }>
  labels(name: string): Array<{ name: string; color: string; description: string | null }>
  events(
    name: string,
    n: number
  ): Array<{ event: string; actor: { login: string }; label?: { name: string } }>
}

const owner = 'acme'
const repo = 'contracts'
const full = `${owner}/${repo}`
let emu: Emulator
let octokit: Octokit
/** Throttling/retry messages from octokit, to see which plugin handled a fault. */
let limits: string[] = []

async function client(token: string, extra: { retries?: number } = {}): Promise<Octokit> {
  const options = await octokitTestOptions(emu, {
    retries: extra.retries ?? 3,
    onRateLimit: (after: number, _o: unknown, _k: unknown, count: number) => {
      limits.push(`primary ${after}`)
      return count < 3
    },
    onSecondaryRateLimit: (after: number, _o: unknown, _k: unknown, count: number) => {
      limits.push(`secondary ${after}`)
      return count < 3
    }
  })
  return getOctokit(
    token,
    { baseUrl: emu.url, ...options, log: { debug() {}, info() {}, warn() {}, error() {} } },
    retry,
    throttling
  )
}

function errorStatus(p: Promise<unknown>): Promise<number> {
  return p.then(
    () => 0,
    (e: { status?: number }) => e.status ?? -1
  )
}

beforeAll(async () => {
  // Loading api.github.com.json and compiling the validators, once per process.
  emu = (await startEmulator({ timeScale: 0.001 })) as Emulator
  octokit = await client(emu.token)
})
afterAll(async () => {
  await emu.close()
})
beforeEach(() => {
  emu.addRepo(full, {
    collaborators: ['impl-owner', 'qa-lead', 'contract-owner'],
    labels: [{ name: 'contract-drift', color: 'd73a4a', description: 'Contract drift incident' }]
  })
  emu.violations.length = 0
  emu.clearFaults()
  emu.resetRequests()
  limits = []
})

describe('issues', () => {
  it('seeds an issue (addIssue) as POST would file it: the same issue, labels and events', async () => {
    const fields = {
      title: '[contract-drift] Schema drift (High) — acme/svc-1#1',
      body: '<!-- contract-drift-triage:key=acme/svc-1:pr-1 -->',
      labels: ['contract-drift', 'bucket:schema-drift']
    }
    const posted = (await octokit.rest.issues.create({ owner, repo, ...fields })).data.number
    const seeded = emu.addIssue(full, fields)
    expect(seeded).toBe(posted + 1)
    const read = async (issue_number: number): Promise<unknown> => {
      const { data } = await octokit.rest.issues.get({ owner, repo, issue_number })
      const events = await octokit.rest.issues.listEvents({ owner, repo, issue_number })
      const same = (text: string): string => text.replaceAll(`/issues/${issue_number}`, '/issues/N')
      return {
        ...JSON.parse(same(JSON.stringify(data))),
        id: 0,
        node_id: '',
        number: 0,
        created_at: '',
        updated_at: '',
        events: events.data.map(e => [e.event, e.actor?.login, 'label' in e ? e.label.name : ''])
      }
    }
    expect(await read(seeded)).toEqual(await read(posted))
  })

  it('creates an issue as github-actions[bot] (Bot), labelled and assigned, with events', async () => {
    const { data } = await octokit.rest.issues.create({
      owner,
      repo,
      title: '[contract-drift] Schema drift (High) — PR #140',
      body: '<!-- contract-drift-triage:key=acme/contracts:pr-140 -->',
      labels: ['contract-drift', 'bucket:schema-drift'],
      assignees: ['impl-owner']
    })
    expect(data.number).toBe(1)
    expect(data.user).toMatchObject({
      login: 'github-actions[bot]',
      type: 'Bot',
      id: ACTIONS_BOT.id
    })
    expect(data.html_url).toBe('https://github.com/acme/contracts/issues/1')
    expect(data.labels.map(l => (typeof l === 'string' ? l : l.name))).toEqual([
      'contract-drift',
      'bucket:schema-drift'
    ])
    expect(data.assignees?.map(a => a.login)).toEqual(['impl-owner'])
    // a label that did not exist is created as GitHub does: ededed, no description
    expect(emu.labels(full).find(l => l.name === 'bucket:schema-drift')).toMatchObject({
      color: 'ededed',
      description: null
    })
    const { data: events } = await octokit.rest.issues.listEvents({ owner, repo, issue_number: 1 })
    expect(events.map(e => [e.event, e.actor?.login])).toEqual([
      ['labeled', 'github-actions[bot]'],
      ['labeled', 'github-actions[bot]'],
      ['assigned', 'github-actions[bot]']
    ])
    expect(emu.violations).toEqual([])
  })

  it('updates title, body, labels (replacing), assignees, state and reason', async () => {
    const { data: created } = await octokit.rest.issues.create({
      owner,
      repo,
      title: 't',
      labels: ['contract-drift', 'severity:high']
    })
    const n = created.number
    const { data: closed } = await octokit.rest.issues.update({
      owner,
      repo,
      issue_number: n,
      title: 't2',
      body: 'b2',
      labels: ['contract-drift', 'Severity:Low'],
      assignees: ['qa-lead'],
      state: 'closed',
      state_reason: 'not_planned'
    })
    expect(closed).toMatchObject({
      title: 't2',
      body: 'b2',
      state: 'closed',
      state_reason: 'not_planned'
    })
    expect(closed.closed_at).toEqual(expect.any(String))
    expect(closed.labels.map(l => (typeof l === 'string' ? l : l.name))).toEqual([
      'contract-drift',
      'Severity:Low'
    ])
    const { data: reopened } = await octokit.rest.issues.update({
      owner,
      repo,
      issue_number: n,
      state: 'open'
    })
    expect(reopened).toMatchObject({ state: 'open', state_reason: 'reopened', closed_at: null })
    expect(emu.events(full, n).map(e => e.event)).toEqual([
      'labeled',
      'labeled',
      'unlabeled',
      'labeled',
      'assigned',
      'closed',
      'reopened'
    ])
    const { data: got } = await octokit.rest.issues.get({ owner, repo, issue_number: n })
    expect(got.title).toBe('t2')
    expect(await errorStatus(octokit.rest.issues.get({ owner, repo, issue_number: 99 }))).toBe(404)
    expect(emu.violations).toEqual([])
  })

  it('lists pull requests with issues, filters by label, state and creator, compares labels case-insensitively', async () => {
    emu.addPullRequest(full, { title: 'a PR', labels: ['contract-drift'], files: [] })
    await octokit.rest.issues.create({ owner, repo, title: 'mine', labels: ['Contract-Drift'] })
    await octokit.rest.issues.create({ owner, repo, title: 'other' })
    const { data } = await octokit.rest.issues.listForRepo({
      owner,
      repo,
      labels: 'contract-drift',
      state: 'all',
      direction: 'asc'
    })
    expect(data.map(i => [i.number, Boolean(i.pull_request)])).toEqual([
      [1, true],
      [2, false]
    ])
    expect(data[0]?.html_url).toBe('https://github.com/acme/contracts/pull/1')
    const mine = await octokit.rest.issues.listForRepo({
      owner,
      repo,
      creator: 'github-actions[bot]',
      sort: 'updated'
    })
    expect(mine.data.map(i => i.title).sort()).toEqual(['mine', 'other'])
    expect((await octokit.rest.issues.listForRepo({ owner, repo, state: 'closed' })).data).toEqual(
      []
    )
    expect(emu.labels(full).filter(l => l.name.toLowerCase() === 'contract-drift')).toHaveLength(1)
    expect(emu.violations).toEqual([])
  })

  it('paginates with link headers (octokit.paginate)', async () => {
    for (let i = 0; i < 7; i++)
      await octokit.rest.issues.create({ owner, repo, title: `i${i}`, labels: ['contract-drift'] })
    emu.resetRequests()
    const all = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      labels: 'contract-drift',
      per_page: 3
    })
    expect(all).toHaveLength(7)
    expect(emu.requests.map(r => r.status)).toEqual([200, 200, 200])
    const n = all[0]!.number
    for (let i = 0; i < 5; i++)
      await octokit.rest.issues.createComment({ owner, repo, issue_number: n, body: `c${i}` })
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: n,
      per_page: 2
    })
    expect(comments.map(c => c.body)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4'])
    expect(emu.violations).toEqual([])
  })
})

describe('comments', () => {
  it('creates, lists (since), updates; the issue counts them', async () => {
    const { data: issue } = await octokit.rest.issues.create({ owner, repo, title: 't' })
    const { data: c1 } = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.number,
      body: 'first'
    })
    emu.clock.advance(10_000)
    const since = new Date(emu.clock.now()).toISOString()
    emu.clock.advance(1_000)
    await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.number,
      body: 'second'
    })
    const { data: recent } = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: issue.number,
      since
    })
    expect(recent.map(c => c.body)).toEqual(['second'])
    const { data: edited } = await octokit.rest.issues.updateComment({
      owner,
      repo,
      comment_id: c1.id,
      body: 'edited'
    })
    expect(edited.body).toBe('edited')
    expect(edited.user?.type).toBe('Bot')
    expect(
      (await octokit.rest.issues.get({ owner, repo, issue_number: issue.number })).data.comments
    ).toBe(2)
    expect(emu.comments(full, issue.number).map(c => c.body)).toEqual(['edited', 'second'])
    expect(emu.violations).toEqual([])
  })
})

describe('labels and assignees', () => {
  it('creates, reads, updates repository labels; adds, sets, removes issue labels', async () => {
    await octokit.rest.issues.createLabel({
      owner,
      repo,
      name: 'severity:high',
      color: 'b60205',
      description: 'High severity'
    })
    expect(
      await errorStatus(
        octokit.rest.issues.createLabel({ owner, repo, name: 'SEVERITY:HIGH', color: 'b60205' })
      )
    ).toBe(422)
    const { data: label } = await octokit.rest.issues.getLabel({
      owner,
      repo,
      name: 'Severity:High'
    })
    expect(label).toMatchObject({
      name: 'severity:high',
      color: 'b60205',
      description: 'High severity',
      default: false
    })
    await octokit.rest.issues.updateLabel({
      owner,
      repo,
      name: 'severity:high',
      description: 'High'
    })
    const all = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, { owner, repo })
    expect(all.map(l => l.name)).toEqual(['contract-drift', 'severity:high'])

    const { data: issue } = await octokit.rest.issues.create({ owner, repo, title: 't' })
    const n = issue.number
    await octokit.rest.issues.addLabels({
      owner,
      repo,
      issue_number: n,
      labels: ['contract-drift', 'severity:high']
    })
    const { data: set } = await octokit.rest.issues.setLabels({
      owner,
      repo,
      issue_number: n,
      labels: ['contract-drift', 'owner:qa']
    })
    expect(set.map(l => l.name)).toEqual(['contract-drift', 'owner:qa'])
    await octokit.rest.issues.removeLabel({ owner, repo, issue_number: n, name: 'owner:qa' })
    expect(
      await errorStatus(
        octokit.rest.issues.removeLabel({ owner, repo, issue_number: n, name: 'owner:qa' })
      )
    ).toBe(404)
    await octokit.rest.issues.setLabels({ owner, repo, issue_number: n, labels: [] })
    expect(emu.issues(full)[0]?.labels).toEqual([])
    expect(emu.events(full, n).map(e => `${e.event}:${e.label?.name}`)).toEqual([
      'labeled:contract-drift',
      'labeled:severity:high',
      'unlabeled:severity:high',
      'labeled:owner:qa',
      'unlabeled:owner:qa',
      'unlabeled:contract-drift'
    ])
    expect(emu.violations.filter(v => !v.startsWith('rejected'))).toEqual([])
  })

  it('checks and adds assignees; a non-collaborator is 422 on create, update and add', async () => {
    expect(
      (await octokit.rest.issues.checkUserCanBeAssigned({ owner, repo, assignee: 'qa-lead' }))
        .status
    ).toBe(204)
    expect(
      await errorStatus(
        octokit.rest.issues.checkUserCanBeAssigned({ owner, repo, assignee: 'nobody' })
      )
    ).toBe(404)
    const { data: issue } = await octokit.rest.issues.create({ owner, repo, title: 't' })
    const { data: added } = await octokit.rest.issues.addAssignees({
      owner,
      repo,
      issue_number: issue.number,
      assignees: ['QA-Lead']
    })
    expect(added.assignees?.map(a => a.login)).toEqual(['qa-lead'])
    expect(emu.violations).toEqual([])

    const err = await octokit.rest.issues
      .create({ owner, repo, title: 't', assignees: ['nobody'] })
      .catch((e: { status: number; response: { data: unknown } }) => e)
    expect(err).toMatchObject({
      status: 422,
      response: {
        data: {
          message: 'Validation Failed',
          errors: [{ value: 'nobody', resource: 'Issue', field: 'assignees', code: 'invalid' }]
        }
      }
    })
    expect(
      await errorStatus(
        octokit.rest.issues.update({
          owner,
          repo,
          issue_number: issue.number,
          assignees: ['nobody']
        })
      )
    ).toBe(422)
    expect(
      await errorStatus(
        octokit.rest.issues.addAssignees({
          owner,
          repo,
          issue_number: issue.number,
          assignees: ['nobody']
        })
      )
    ).toBe(422)
    expect(emu.issues(full)).toHaveLength(1)
    expect(emu.violations).toHaveLength(3)
    expect(emu.violations.every(v => v.includes('nobody'))).toBe(true)
  })
})

describe('requests GitHub would reject', () => {
  it('rejects an invalid body (labels: "x", unknown state) with 422 and records it', async () => {
    const res = await fetch(`${emu.url}/repos/${full}/issues`, {
      method: 'POST',
      headers: { authorization: `token ${emu.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 't', labels: 'x' })
    })
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({
      message: expect.stringContaining('Invalid request'),
      documentation_url: expect.any(String)
    })
    expect(emu.violations).toEqual([
      expect.stringMatching(
        /^request: POST \/repos\/acme\/contracts\/issues \(issues\/create\): body\/labels must be array/
      )
    ])
    const { data: issue } = await octokit.rest.issues.create({ owner, repo, title: 't' })
    const status = await errorStatus(
      octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        owner,
        repo,
        issue_number: issue.number,
        state: 'shut' as 'closed'
      })
    )
    expect(status).toBe(422)
    expect(emu.violations[1]).toMatch(/body\/state must be equal to one of the allowed values/)
    expect(emu.issues(full).map(i => i.state)).toEqual(['open'])
  })

  it('rejects bodies over 65,536 characters on issues and comments', async () => {
    const long = 'x'.repeat(70_000)
    expect(
      await errorStatus(octokit.rest.issues.create({ owner, repo, title: 't', body: long }))
    ).toBe(422)
    const { data: issue } = await octokit.rest.issues.create({
      owner,
      repo,
      title: 't',
      body: 'x'.repeat(65_536)
    })
    expect(
      await errorStatus(
        octokit.rest.issues.createComment({ owner, repo, issue_number: issue.number, body: long })
      )
    ).toBe(422)
    expect(
      await errorStatus(
        octokit.rest.issues.update({ owner, repo, issue_number: issue.number, body: long })
      )
    ).toBe(422)
    expect(emu.violations).toHaveLength(3)
    expect(emu.violations[0]).toMatch(/70000 characters/)
  })

  it('answers 404 for routes it does not know, and says whether GitHub has them', async () => {
    expect(
      await errorStatus(octokit.request('GET /repos/{owner}/{repo}/milestones', { owner, repo }))
    ).toBe(404)
    expect(
      await errorStatus(octokit.request('GET /repos/{owner}/{repo}/nonsense', { owner, repo }))
    ).toBe(404)
    expect(
      await errorStatus(octokit.rest.issues.get({ owner, repo: 'unknown', issue_number: 1 }))
    ).toBe(404)
    expect(emu.violations).toEqual([
      expect.stringContaining(
        'GitHub has GET /repos/{owner}/{repo}/milestones (issues/list-milestones) but the emulator does not implement it'
      ),
      expect.stringContaining('no such route on api.github.com'),
      expect.stringContaining('unknown repository acme/unknown')
    ])
  })

  it('answers 401 to an unknown token and 403 to a read-only token on writes', async () => {
    const stranger = await client('ghp_unknown')
    expect(await errorStatus(stranger.rest.issues.listForRepo({ owner, repo }))).toBe(401)
    emu.addToken('ghs_fork', { login: 'github-actions[bot]', type: 'Bot', permission: 'read' })
    const fork = await client('ghs_fork')
    expect((await fork.rest.issues.listForRepo({ owner, repo })).status).toBe(200)
    const err = await fork.rest.issues
      .create({ owner, repo, title: 't' })
      .catch((e: { status: number; message: string }) => e)
    expect(err).toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration')
    })
    emu.addToken('ghp_person', { login: 'qa-lead', type: 'User', permission: 'write' })
    const person = await client('ghp_person')
    const { data } = await person.rest.issues.create({
      owner,
      repo,
      title: 'by a person',
      labels: ['bucket:fixture-stale']
    })
    expect(data.user).toMatchObject({ login: 'qa-lead', type: 'User' })
    expect(data.author_association).toBe('COLLABORATOR')
    expect(emu.events(full, data.number)[0]?.actor.login).toBe('qa-lead')
    expect(emu.issues(full)).toHaveLength(1)
    expect(emu.violations).toEqual([])
  })
})

describe('pull requests, commits, checks', () => {
  it('serves a pull request, its files, a commit and a comparison', async () => {
    const n = emu.addPullRequest(full, {
      number: 140,
      title: 'Drift',
      headSha: 'a'.repeat(40),
      baseSha: 'b'.repeat(40),
      files: [
        { filename: 'docs/contracts/a.json', status: 'modified' },
        { filename: 'tests/new.json', status: 'renamed', previous_filename: 'tests/old.json' }
      ]
    })
    emu.addCommit(full, {
      sha: 'a'.repeat(40),
      message: 'Refresh fixtures\n\nRefs DRIFT-20250101-abcdef'
    })
    const { data: pr } = await octokit.rest.pulls.get({ owner, repo, pull_number: n })
    expect(pr).toMatchObject({
      number: 140,
      head: { sha: 'a'.repeat(40) },
      base: { sha: 'b'.repeat(40), ref: 'main' }
    })
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
      owner,
      repo,
      pull_number: n
    })
    expect(files.map(f => [f.filename, f.status, f.previous_filename])).toEqual([
      ['docs/contracts/a.json', 'modified', undefined],
      ['tests/new.json', 'renamed', 'tests/old.json']
    ])
    const { data: commit } = await octokit.rest.git.getCommit({
      owner,
      repo,
      commit_sha: 'a'.repeat(40)
    })
    expect(commit.message).toMatch(/Refs DRIFT/)
    const { data: cmp } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${'b'.repeat(40)}...${'a'.repeat(40)}`
    })
    expect(cmp.files?.map(f => f.filename)).toEqual(['docs/contracts/a.json', 'tests/new.json'])
    // the next issue continues after the pull request's number
    expect((await octokit.rest.issues.create({ owner, repo, title: 't' })).data.number).toBe(141)
    expect(emu.violations).toEqual([])
  })

  it('creates and updates check runs; more than 50 annotations in one request is 422', async () => {
    const { data: run } = await octokit.rest.checks.create({
      owner,
      repo,
      name: 'contract-drift-triage',
      head_sha: 'c'.repeat(40),
      status: 'in_progress'
    })
    const annotation = {
      path: 'a.json',
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure' as const,
      message: 'drift'
    }
    const { data: done } = await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: run.id,
      conclusion: 'failure',
      output: { title: 'Schema drift', summary: 's', annotations: Array(50).fill(annotation) }
    })
    expect(done).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { annotations_count: 50 }
    })
    expect(emu.violations).toEqual([])
    const status = await errorStatus(
      octokit.rest.checks.update({
        owner,
        repo,
        check_run_id: run.id,
        output: { title: 't', summary: 's', annotations: Array(51).fill(annotation) }
      })
    )
    expect(status).toBe(422)
    expect(emu.violations).toEqual([expect.stringMatching(/must NOT have more than 50 items/)])
  })
})

describe('contents', () => {
  it('serves files of the default branch or a ref, base64 as GitHub does; 404 when absent', async () => {
    const codeowners = `# owners\n${'* @qa-lead\n'.repeat(20)}`
    emu.addFiles(full, { '.github/CODEOWNERS': codeowners, 'docs/CODEOWNERS': '* @docs\n' })
    emu.addFiles(full, { '.github/CODEOWNERS': '* @release\n' }, { ref: 'release' })
    const get = (path: string, ref?: string) =>
      octokit.rest.repos.getContent({ owner, repo, path, ...(ref ? { ref } : {}) })
    const { data } = await get('.github/CODEOWNERS')
    expect(data).toMatchObject({ type: 'file', encoding: 'base64', path: '.github/CODEOWNERS' })
    const file = data as { content: string; sha: string }
    expect(file.content).toMatch(/^[A-Za-z0-9+/=]{60}\n/)
    expect(Buffer.from(file.content, 'base64').toString()).toBe(codeowners)
    expect(file.sha).toMatch(/^[0-9a-f]{40}$/)
    const release = (await get('.github/CODEOWNERS', 'release')).data as { content: string }
    expect(Buffer.from(release.content, 'base64').toString()).toBe('* @release\n')
    expect(await errorStatus(get('CODEOWNERS'))).toBe(404)
    expect(await errorStatus(get('.github/CODEOWNERS', 'no-such-branch'))).toBe(404)
    // A directory lists its entries.
    const listing = (await get('.github')).data as { type: string; path: string }[]
    expect(listing.map(entry => [entry.type, entry.path])).toEqual([['file', '.github/CODEOWNERS']])
    const root = (await get('docs')).data as { path: string }[]
    expect(root.map(entry => entry.path)).toEqual(['docs/CODEOWNERS'])
    // A path with raw slashes is the same file as one with %2F (octokit sends the latter).
    const raw = await fetch(`${emu.url}/repos/${full}/contents/docs/CODEOWNERS`, {
      headers: { authorization: `token ${emu.token}` }
    })
    expect(raw.status).toBe(200)
    expect(emu.violations).toEqual([])
  })
})

describe('search and rate limit', () => {
  it('search lags behind writes by the configured lag (scaled)', async () => {
    const lagged = (await startEmulator({ searchLagMs: 60_000, timeScale: 1 })) as Emulator
    try {
      lagged.addRepo(full, { collaborators: [] })
      const o = getOctokit(
        lagged.token,
        { baseUrl: lagged.url, ...(await octokitTestOptions(lagged)) },
        retry,
        throttling
      )
      await o.rest.issues.create({
        owner,
        repo,
        title: 'drift marker',
        body: 'contract-drift-triage:key'
      })
      const q = `repo:${full} is:issue is:open author:app/github-actions drift`
      expect((await o.rest.search.issuesAndPullRequests({ q })).data.total_count).toBe(0)
      lagged.clock.advance(61_000)
      const { data } = await o.rest.search.issuesAndPullRequests({ q })
      expect(data.items.map(i => i.title)).toEqual(['drift marker'])
      expect(
        (await o.rest.search.issuesAndPullRequests({ q: `repo:${full} is:closed` })).data
          .total_count
      ).toBe(0)
      expect(lagged.violations).toEqual([])
    } finally {
      await lagged.close()
    }
  })

  it('does not find text inside an HTML comment, as GitHub does not index it (a hidden marker)', async () => {
    const e = (await startEmulator({ searchLagMs: 0 })) as Emulator
    try {
      e.addRepo(full, { collaborators: [] })
      const o = getOctokit(e.token, { baseUrl: e.url, ...(await octokitTestOptions(e)) })
      await o.rest.issues.create({
        owner,
        repo,
        title: 'incident',
        body: 'visible words\n<!-- contract-drift-triage:key=acme/api:pr-1 -->'
      })
      const found = async (text: string): Promise<number> =>
        (await o.rest.search.issuesAndPullRequests({ q: `repo:${full} "${text}"` })).data
          .total_count
      expect(await found('visible words')).toBe(1)
      expect(await found('contract-drift-triage:key=acme/api:pr-1')).toBe(0)
      expect(e.violations).toEqual([])
    } finally {
      await e.close()
    }
  })

  it('scales the lag with timeScale (120 emulator seconds = 60 s at 0.5)', async () => {
    // the emulator's clock, not real waits: the 10 s margins hold on a loaded machine
    const scaled = (await startEmulator({ searchLagMs: 120_000, timeScale: 0.5 })) as Emulator
    try {
      scaled.addRepo(full, { collaborators: [] })
      const o = getOctokit(
        scaled.token,
        { baseUrl: scaled.url, ...(await octokitTestOptions(scaled)) },
        retry,
        throttling
      )
      await o.rest.issues.create({ owner, repo, title: 'fresh' })
      const q = `repo:${full} fresh`
      scaled.clock.advance(50_000)
      expect((await o.rest.search.issuesAndPullRequests({ q })).data.total_count).toBe(0)
      scaled.clock.advance(20_000) // 70 s: past the scaled lag, short of the unscaled 120 s
      expect((await o.rest.search.issuesAndPullRequests({ q })).data.total_count).toBe(1)
      expect(scaled.violations).toEqual([])
    } finally {
      await scaled.close()
    }
  })

  it('answers a repository with its default branch', async () => {
    const { data } = await octokit.rest.repos.get({ owner, repo })
    expect(data.full_name).toBe(full)
    expect(data.default_branch).toBe('main')
    expect(emu.violations).toEqual([])
  })

  it('answers /rate_limit', async () => {
    const { data } = await octokit.rest.rateLimit.get()
    expect(data.resources.core.limit).toBe(5000)
    expect(emu.violations).toEqual([])
  })
})

describe('faults', () => {
  it('a 502 is retried by the retry plugin and succeeds (also 500 and 503)', async () => {
    for (const kind of ['502', '500', '503']) {
      emu.resetRequests()
      emu.fault({ method: 'GET', path: /\/issues$/, kind, times: 2 })
      const { status } = await octokit.rest.issues.listForRepo({ owner, repo })
      expect(status).toBe(200)
      expect(emu.requests.map(r => r.status)).toEqual([Number(kind), Number(kind), 200])
    }
  })

  it('write-then-502 performs the write once and answers 502', async () => {
    emu.fault({ method: 'POST', path: /\/issues$/, kind: 'write-then-502' })
    const once = await client(emu.token, { retries: 0 })
    expect(await errorStatus(once.rest.issues.create({ owner, repo, title: 'written' }))).toBe(502)
    expect(emu.issues(full).map(i => i.title)).toEqual(['written'])
    // a blind retry would duplicate it: that is the hazard the action must avoid (re-list first)
    emu.fault({ method: 'POST', path: /\/comments$/, kind: 'write-then-502' })
    await octokit.rest.issues.createComment({ owner, repo, issue_number: 1, body: 'once?' })
    expect(emu.comments(full, 1).map(c => c.body)).toEqual(['once?', 'once?'])
  })

  it('secondary limits (403 and 429, with and without retry-after) are waited out by the throttling plugin', async () => {
    emu.fault({ kind: 'secondary-403', retryAfter: 5 })
    emu.fault({ kind: 'secondary-403' })
    emu.fault({ kind: 'secondary-429', retryAfter: 2 })
    const started = performance.now()
    expect((await octokit.rest.issues.listForRepo({ owner, repo })).status).toBe(200)
    // Scaled: unscaled, the first retry-after alone would be 5 s.
    expect(performance.now() - started).toBeLessThan(4000)
    // 60 s is the throttling plugin's fallback when there is no retry-after; a 429 is retried by
    // whichever plugin sees it first (plugin-retry does not exclude 429)
    expect(limits.slice(0, 2)).toEqual(['secondary 5', 'secondary 60'])
    expect(emu.requests.map(r => `${r.status}${r.fault ? ` ${r.fault}` : ''}`)).toEqual([
      '403 secondary-403',
      '403 secondary-403',
      '429 secondary-429',
      '200'
    ])
  })

  it('primary limit exhausted: 403 with x-ratelimit-remaining 0 and a reset a few seconds ahead', async () => {
    emu.fault({ kind: 'primary-exhausted', resetSeconds: 3 })
    const raw = await fetch(`${emu.url}/repos/${full}/issues`, {
      headers: { authorization: `token ${emu.token}` }
    })
    expect(raw.status).toBe(403)
    expect(raw.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(Number(raw.headers.get('x-ratelimit-reset')) - Date.now() / 1000).toBeGreaterThan(1)
    emu.fault({ kind: 'primary-exhausted', resetSeconds: 3 })
    const started = performance.now()
    expect((await octokit.rest.issues.listForRepo({ owner, repo })).status).toBe(200)
    // Scaled: unscaled, the reset is 3 s ahead.
    expect(performance.now() - started).toBeLessThan(2500)
    expect(limits).toHaveLength(1)
    expect(limits[0]).toMatch(/^primary [345]$/)
  })

  it('read-only answers 403 "Resource not accessible by integration", not retried', async () => {
    emu.fault({ method: 'POST', kind: 'read-only', times: 5 })
    const err = await octokit.rest.issues
      .create({ owner, repo, title: 't' })
      .catch((e: { status: number; message: string }) => e)
    expect(err).toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration')
    })
    expect(emu.requests).toHaveLength(1)
    expect(emu.issues(full)).toEqual([])
  })

  it('slow answers are delayed by delayMs × timeScale', async () => {
    emu.fault({ kind: 'slow', delayMs: 300_000 }) // 5 emulator minutes = 300 ms at timeScale 0.001
    const started = performance.now()
    await octokit.rest.issues.listForRepo({ owner, repo })
    const took = performance.now() - started
    expect(took).toBeGreaterThanOrEqual(290)
    expect(took).toBeLessThan(60_000) // unscaled it would be 300 s
    expect(emu.requests[0]).toMatchObject({
      status: 200,
      fault: 'slow',
      route: '/repos/{owner}/{repo}/issues'
    })
  })

  it('faults match by method and path and count down', async () => {
    emu.fault({ method: 'PATCH', path: /\/issues\/\d+$/, kind: '502', times: 1 })
    await octokit.rest.issues.create({ owner, repo, title: 't' })
    await octokit.rest.issues.update({ owner, repo, issue_number: 1, title: 'u' })
    expect(emu.requests.map(r => `${r.method} ${r.status}`)).toEqual([
      'POST 201',
      'PATCH 502',
      'PATCH 200'
    ])
    expect(emu.issues(full)[0]?.title).toBe('u')
  })
})

describe('validation of its own responses and other editions', () => {
  it("records a response that does not fit GitHub's schema as an emulator bug", async () => {
    const n = emu.addPullRequest(full, { files: [{ filename: 'a', status: 'weird' }] })
    await octokit.rest.pulls.listFiles({ owner, repo, pull_number: n })
    expect(emu.violations).toEqual([
      expect.stringMatching(
        /^response: GET .*\/files \(pulls\/list-files\) → 200: response\/0\/status must be equal to one of the allowed values/
      )
    ])
  })

  it('looks like GitHub Enterprise Server with pathPrefix and serverUrl', async () => {
    const ghes = (await startEmulator({
      pathPrefix: '/api/v3',
      serverUrl: 'https://ghe.example.com'
    })) as Emulator
    try {
      expect(ghes.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/)
      ghes.addRepo(full)
      const o = getOctokit(
        ghes.token,
        { baseUrl: ghes.url, ...(await octokitTestOptions(ghes)) },
        retry,
        throttling
      )
      const { data } = await o.rest.issues.create({ owner, repo, title: 't' })
      expect(data.html_url).toBe('https://ghe.example.com/acme/contracts/issues/1')
      expect(data.url).toBe(`${ghes.url}/repos/acme/contracts/issues/1`)
      expect(ghes.violations).toEqual([])
    } finally {
      await ghes.close()
    }
  })
})

describe('concurrency', () => {
  it('20 concurrent clients each creating and labelling get distinct numbers and consistent state', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => client(emu.token)))
    await Promise.all(
      clients.map(async (o, i) => {
        const { data } = await o.rest.issues.create({
          owner,
          repo,
          title: `run ${i}`,
          labels: ['contract-drift']
        })
        await o.rest.issues.addLabels({
          owner,
          repo,
          issue_number: data.number,
          labels: [`validator:${i}`]
        })
        await o.rest.issues.createComment({
          owner,
          repo,
          issue_number: data.number,
          body: `from ${i}`
        })
      })
    )
    const issues = emu.issues(full)
    expect(issues.map(i => i.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1)
    )
    expect(issues.every(i => i.labels.length === 2)).toBe(true)
    expect(emu.requests).toHaveLength(60)
    expect(emu.violations).toEqual([])
  })
})

describe('rate limits (startEmulator({ limits }))', () => {
  interface Limited extends Emulator {
    limits: {
      refused: Record<string, number>
      contentCreating: Array<{ method: string; refusedBy: string | null }>
      maxPerWindow(ms?: number): number
    } | null
  }
  const started: Limited[] = []
  async function limited(limits: object, timeScale = 1): Promise<Limited> {
    const e = (await startEmulator({ timeScale, limits })) as Limited
    e.addRepo(full, { collaborators: ['impl-owner'] })
    started.push(e)
    return e
  }
  afterAll(async () => {
    for (const e of started) await e.close()
  })
  const call = (e: Limited, method = 'POST'): Promise<Response> =>
    fetch(`${e.url}/repos/${full}/issues`, {
      method,
      headers: { authorization: `token ${e.token}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify({ title: 't' }) } : {})
    })
  const shape = async (r: Response): Promise<string> =>
    `${r.status} ${r.headers.get('retry-after') ?? '-'} ${(((await r.json()) as { message?: string }).message ?? '').slice(0, 40)}`

  it('are off by default: no refusals, the old headers', async () => {
    expect((emu as Limited).limits).toBeNull()
  })

  it('content-creating requests per minute: refused 403 and 429 by turns, with and without retry-after; reads still answered; refused ones counted as attempted', async () => {
    const e = await limited({ primary: false, secondary: { perMinute: 3 } })
    const answers = []
    for (let i = 0; i < 7; i++) answers.push(await shape(await call(e)))
    expect(answers.slice(0, 3).map(a => a.slice(0, 3))).toEqual(['201', '201', '201'])
    expect(answers.slice(3)).toEqual([
      expect.stringMatching(/^403 \d+ You have exceeded a secondary rate limit/),
      expect.stringMatching(/^429 \d+ You have exceeded a secondary rate limit/),
      expect.stringMatching(/^403 - You have exceeded a secondary rate limit/),
      expect.stringMatching(/^429 - You have exceeded a secondary rate limit/)
    ])
    expect((await call(e, 'GET')).status).toBe(200)
    expect(e.limits?.refused).toEqual({
      primary: 0,
      search: 0,
      'content-per-minute': 4,
      'content-per-hour': 0,
      concurrency: 0
    })
    expect(e.limits?.maxPerWindow()).toBe(7)
    expect(e.issues(full)).toHaveLength(3)
  })

  it('a window passes on the scaled clock: after a (scaled) minute, writes are answered again', async () => {
    const e = await limited({ primary: false, secondary: { perMinute: 1, status: 429 } }, 0.01)
    expect((await call(e)).status).toBe(201)
    expect((await call(e)).status).toBe(429)
    await new Promise(r => setTimeout(r, 700)) // 60 emulator seconds are 600 real ms
    expect((await call(e)).status).toBe(201)
  })

  it('content-creating requests per hour', async () => {
    const e = await limited({
      primary: false,
      secondary: { perMinute: 100, perHour: 2, status: 403, retryAfter: true }
    })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await call(e)).status)
    expect(statuses).toEqual([201, 201, 403])
    expect(e.limits?.refused['content-per-hour']).toBe(1)
  })

  it('concurrent requests beyond the limit are refused', async () => {
    const e = await limited({ primary: false, secondary: { concurrency: 1, status: 403 } }, 0.001)
    e.fault({ kind: 'slow', delayMs: 200_000 })
    const [slow, second] = await Promise.all([call(e, 'GET'), call(e, 'GET')])
    expect([slow.status, second.status].sort()).toEqual([200, 403])
    expect(e.limits?.refused.concurrency).toBe(1)
  })

  it('the primary budget: x-ratelimit-* per token, then 403/429 with remaining 0 and the reset ahead', async () => {
    const e = await limited({ primary: { perHour: 2 }, secondary: false })
    const first = await call(e, 'GET')
    expect(
      ['limit', 'remaining', 'used', 'resource'].map(h => first.headers.get(`x-ratelimit-${h}`))
    ).toEqual(['2', '1', '1', 'core'])
    await call(e, 'GET')
    const spent = await call(e, 'GET')
    expect(spent.status).toBe(403)
    expect(spent.headers.get('x-ratelimit-remaining')).toBe('0')
    // An hour ahead in emulator seconds: the reset is about 3,600 seconds after the real now.
    const ahead = Number(spent.headers.get('x-ratelimit-reset')) - Date.now() / 1000
    expect(ahead).toBeGreaterThan(3500)
    expect(ahead).toBeLessThanOrEqual(3601)
    expect(e.limits?.refused.primary).toBe(1)
    // Another token has its own budget.
    e.addToken('ghp_other', { login: 'someone' })
    const other = await fetch(`${e.url}/repos/${full}/issues`, {
      headers: { authorization: 'token ghp_other' }
    })
    expect(other.status).toBe(200)
  })

  it('search has a budget of its own: 30 a minute, x-ratelimit-resource search, the core budget untouched', async () => {
    const e = await limited({ primary: { perHour: 100 }, secondary: false })
    const search = (): Promise<Response> =>
      fetch(`${e.url}/search/issues?q=${encodeURIComponent(`repo:${full} is:issue`)}`, {
        headers: { authorization: `token ${e.token}` }
      })
    const first = await search()
    expect(
      ['limit', 'remaining', 'resource'].map(h => first.headers.get(`x-ratelimit-${h}`))
    ).toEqual(['30', '29', 'search'])
    for (let i = 1; i < 30; i++) expect((await search()).status).toBe(200)
    const spent = await search()
    expect([403, 429]).toContain(spent.status)
    expect(spent.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(spent.headers.get('x-ratelimit-resource')).toBe('search')
    // A minute ahead at most, in emulator seconds.
    const ahead = Number(spent.headers.get('x-ratelimit-reset')) - Date.now() / 1000
    expect(ahead).toBeGreaterThan(0)
    expect(ahead).toBeLessThanOrEqual(61)
    expect(e.limits?.refused.search).toBe(1)
    const core = await call(e, 'GET')
    expect(core.status).toBe(200)
    expect(core.headers.get('x-ratelimit-used')).toBe('1')
    expect(core.headers.get('x-ratelimit-resource')).toBe('core')
  })
})
