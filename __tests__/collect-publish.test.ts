/**
 * mode: collect and mode: publish end to end: matrix legs write finding bundles, a later job (or
 * a workflow_run for a fork) publishes one incident per scope, against the GitHub emulator.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { FAILING, gitAt, REPO, runBundle, useGitHub, type RunOptions } from './support/emulated.js'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { EXAMPLES } from '../scripts/scenarios.mjs'
import { readState } from '../src/incident.js'

/* eslint-disable @typescript-eslint/no-explicit-any -- the emulator is plain JavaScript */
const gh = useGitHub()
const roots: string[] = []
afterAll(() => roots.forEach(root => rmSync(root, { recursive: true, force: true })))
// Six example validators and a trivial one: seven legs, and an eighth whose upload is cut off.
const validators: string[] = [
  ...readFileSync(join(EXAMPLES, 'validators.txt'), 'utf8').trim().split('\n'),
  'true'
]

const run = (
  scenario: string,
  inputs: Record<string, string>,
  edit: RunOptions['edit'] = () => {}
): ReturnType<typeof runBundle> => runBundle(gh, scenario, { inputs, edit })

describe('a matrix of validators', () => {
  it('8 legs (some green, some red, one malformed) publish one incident equal to a single job', async () => {
    const downloads = mkdtempSync(join(tmpdir(), 'cdt-downloads-'))
    roots.push(downloads)
    const legs = await Promise.all(
      validators.map(validator =>
        run('runtime-regression', { mode: 'collect', validators: validator })
      )
    )
    legs.forEach((leg, i) => {
      expect(leg.outputs['bundle-path']).toMatch(/contract-drift-bundle-.*\.json$/)
      mkdirSync(join(downloads, `leg-${i}`))
      copyFileSync(leg.outputs['bundle-path']!, join(downloads, `leg-${i}`, 'bundle.json'))
    })
    expect(legs.map(leg => leg.outputs.result).sort()).toEqual([
      'drift',
      'drift',
      'pass',
      'pass',
      'pass',
      'pass',
      'pass'
    ])
    // The eighth leg's upload was cut off.
    mkdirSync(join(downloads, 'leg-7'))
    writeFileSync(
      join(downloads, 'leg-7', 'bundle.json'),
      readFileSync(legs[0]!.outputs['bundle-path']!, 'utf8').slice(0, 200)
    )

    const published = await run('green', {
      mode: 'publish',
      validators: '',
      bundles: `${downloads}/*/bundle.json`
    })
    expect(published.stdout).toMatch(/::warning::Finding bundle .*leg-7\/bundle.json skipped/)
    const single = await run('runtime-regression', {
      mode: 'report',
      validators: validators.join('\n')
    })
    for (const output of ['result', 'bucket', 'severity', 'confidence', 'owners', 'findings']) {
      expect(published.outputs[output]).toBe(single.outputs[output])
    }
    const incidents = gh.issues(REPO).filter((issue: any) => !issue.pull_request)
    expect(incidents).toHaveLength(1)
    const state = readState(incidents[0].body)!
    expect(state.key).toBe('acme/contracts:pr-146')
    expect(state.runs.map(r => r.command).sort()).toEqual([...validators].sort())
    expect(state.runs.filter(r => r.outcome === 'failed').flatMap(r => r.findings)).toHaveLength(2)
  })
})

describe('a fork pull request: collect without secrets, publish from workflow_run', () => {
  async function collectFromFork(): Promise<string> {
    const leg = await run('schema-drift-high', {
      mode: 'collect',
      'github-token': '',
      validators: FAILING['schema-drift-high']!
    })
    expect(leg.outputs.result).toBe('drift')
    return leg.outputs['bundle-path']!
  }

  const workflowRun =
    (headSha: string) =>
    (prepared: any): void => {
      prepared.env.GITHUB_EVENT_NAME = 'workflow_run'
      writeFileSync(
        prepared.env.GITHUB_EVENT_PATH,
        JSON.stringify({
          action: 'completed',
          workflow_run: {
            head_sha: headSha,
            pull_requests: [],
            head_repository: { full_name: 'fork/contracts' },
            repository: { full_name: REPO }
          },
          repository: { full_name: REPO }
        })
      )
    }

  it('files the incident when the API confirms the pull request head', async () => {
    const bundle = await collectFromFork()
    const headSha = JSON.parse(readFileSync(bundle, 'utf8')).facts.headSha
    gh.addPullRequest(REPO, {
      number: 140,
      title: 'Add currency',
      body: '',
      headSha,
      baseSha: 'a'.repeat(40),
      files: [{ filename: 'docs/contracts/billing-ingest-contract.md', status: 'modified' }]
    })
    const published = await run(
      'green',
      { mode: 'publish', validators: '', bundles: bundle },
      workflowRun(headSha)
    )
    expect(published.outputs.bucket).toBe('schema-drift')
    expect(published.outputs['issue-number']).not.toBe('')
    const [incident] = gh.issues(REPO).filter((issue: any) => !issue.pull_request)
    expect(incident.title).toBe('[contract-drift] Schema drift (High) — PR #140')
  })

  it('rejects a bundle whose pull request head is not the triggering run’s', async () => {
    const bundle = await collectFromFork()
    gh.addPullRequest(REPO, {
      number: 140,
      title: 'x',
      body: '',
      headSha: 'c'.repeat(40),
      baseSha: 'a'.repeat(40),
      files: []
    })
    const published = await run(
      'green',
      { mode: 'publish', validators: '', bundles: bundle },
      workflowRun('d'.repeat(40))
    )
    expect(published.code).toBe(1)
    expect(published.stdout).toMatch(/::warning::Finding bundle for PR #140 skipped/)
    expect(gh.issues(REPO).filter((issue: any) => !issue.pull_request)).toHaveLength(0)
  })
})

describe('publish triages with the default branch’s configuration and CODEOWNERS (issue 14)', () => {
  // The layouts' own files, with the contract owner a person, so that assigning them shows the
  // files were read (the examples name a team there, which GitHub cannot assign).
  const LAYOUTS = [
    {
      example: 'repo',
      scenario: 'schema-drift-high',
      codeowners: '.github/CODEOWNERS',
      qa: 'qa-lead',
      // Without them: the defaults match this layout, but nobody owns anything.
      none: { bucket: 'schema-drift', owners: '' }
    },
    {
      example: 'petstore',
      scenario: 'petstore-schema-drift',
      codeowners: 'CODEOWNERS',
      qa: '@petstore/maintainers',
      // Without them: api/ is no contract by the defaults (the defect the issue reports), whatever
      // class the bundle, collected with the layout's own configuration, gave it.
      none: { bucket: 'runtime-regression', owners: '' }
    }
  ]
  const CONFIG = '.github/contract-drift-triage.yml'
  const defaultBranch = (example: string, codeowners: string): Record<string, string> => ({
    [CONFIG]: readFileSync(join(EXAMPLES, example, CONFIG), 'utf8').replace(
      /^(owners:\n(?:.*\n)*?) {2}contract: .*$/m,
      '$1  contract: [contract-lead]'
    ),
    [codeowners]: readFileSync(join(EXAMPLES, example, codeowners), 'utf8')
  })

  /** A workspace: empty, or a checkout of the default branch holding `files`. */
  function workspace(files?: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'cdt-publish-workspace-'))
    roots.push(dir)
    if (!files) return dir
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
    gitAt(dir, 'init', '-q', '-b', 'main')
    gitAt(dir, 'add', '-A')
    gitAt(dir, 'commit', '-q', '-m', 'Default branch')
    return dir
  }

  // A collect run never talks to GitHub: one bundle per scenario serves each of its tests.
  const collected = new Map<string, Promise<string>>()
  const collect = (scenario: string): Promise<string> => {
    if (!collected.has(scenario))
      collected.set(
        scenario,
        run(scenario, {
          mode: 'collect',
          'github-token': '',
          validators: FAILING[scenario]!
        }).then(leg => leg.outputs['bundle-path']!)
      )
    return collected.get(scenario)!
  }

  /** A fork's pull request collected without secrets, published from workflow_run in `dir`. */
  async function publishFromFork(scenario: string, dir: string): ReturnType<typeof runBundle> {
    const path = await collect(scenario)
    const bundle = JSON.parse(readFileSync(path, 'utf8'))
    const pr = bundle.facts.pullRequest
    gh.addPullRequest(REPO, {
      number: pr.number,
      title: pr.title,
      body: pr.body,
      headSha: pr.headSha,
      baseSha: pr.baseSha,
      files: bundle.context.changed.map((file: { path: string }) => ({
        filename: file.path,
        status: 'modified'
      }))
    })
    gh.resetRequests()
    return run('green', { mode: 'publish', validators: '', bundles: path }, prepared => {
      prepared.repo = prepared.env.GITHUB_WORKSPACE = dir
      prepared.env.GITHUB_EVENT_NAME = 'workflow_run'
      writeFileSync(
        prepared.env.GITHUB_EVENT_PATH,
        JSON.stringify({
          action: 'completed',
          workflow_run: {
            head_sha: pr.headSha,
            pull_requests: [],
            head_repository: { full_name: 'fork/contracts' },
            repository: { full_name: REPO }
          },
          repository: { full_name: REPO, default_branch: 'main' }
        })
      )
    })
  }

  const contentsRequests = (): string[] =>
    gh.requests
      .filter((request: any) => request.route === '/repos/{owner}/{repo}/contents/{path}')
      .map((request: any) => `${decodeURIComponent(request.path.split('/contents/')[1])}`)

  beforeEach(() => {
    gh.addRepo(REPO, {
      collaborators: ['impl-owner', 'qa-lead', 'mcp-owner', 'fixture-owner', 'contract-lead']
    })
  })

  describe.each(LAYOUTS)('examples/$example', ({ example, scenario, codeowners, qa, none }) => {
    it('an empty workspace: read through the contents API at the default branch', async () => {
      gh.addFiles(REPO, defaultBranch(example, codeowners))
      const published = await publishFromFork(scenario, workspace())
      expect(published.outputs.bucket).toBe('schema-drift')
      expect(published.outputs.owners).toBe(`contract-lead,${qa}`)
      const [incident] = gh.issues(REPO).filter((issue: any) => !issue.pull_request)
      expect(incident.assignees.map((user: any) => user.login)).toEqual(['contract-lead'])
      expect(incident.title).toMatch(/^\[contract-drift\] Schema drift \(High\)/)
      const read = new RegExp(
        `${CONFIG}\` and \`${codeowners}\` read from acme/contracts@main via the API`.replace(
          /\./g,
          '\\.'
        )
      )
      expect(published.summary).toMatch(read)
      expect(published.stdout).not.toMatch(/::warning::.*(playbook defaults|Could not read)/)
      // One request a file, GitHub's CODEOWNERS order stopping at the first found.
      expect(contentsRequests()).toEqual(
        [CONFIG, '.github/CODEOWNERS', 'CODEOWNERS'].slice(0, codeowners === 'CODEOWNERS' ? 3 : 2)
      )
    })

    it('a checkout of the default branch: read from it, no contents request', async () => {
      const dir = workspace(defaultBranch(example, codeowners))
      const published = await publishFromFork(scenario, dir)
      expect(published.outputs.bucket).toBe('schema-drift')
      expect(published.outputs.owners).toBe(`contract-lead,${qa}`)
      const [incident] = gh.issues(REPO).filter((issue: any) => !issue.pull_request)
      expect(incident.assignees.map((user: any) => user.login)).toEqual(['contract-lead'])
      const head = gitAt(dir, 'rev-parse', 'HEAD').slice(0, 7)
      expect(published.summary).toContain(`read from the checkout at ${head}`)
      expect(contentsRequests()).toEqual([])
    })

    it('neither: the playbook defaults, and a warning that says how to fix it', async () => {
      const published = await publishFromFork(scenario, workspace())
      expect(published.outputs.bucket).toBe(none.bucket)
      expect(published.outputs.owners).toBe(none.owners)
      const [incident] = gh.issues(REPO).filter((issue: any) => !issue.pull_request)
      expect(incident.assignees).toEqual([])
      expect(published.stdout).toMatch(
        /::warning::No configuration \(`\.github\/contract-drift-triage\.yml`\) and no CODEOWNERS in acme\/contracts@main via the API: .*playbook defaults.*check out the default branch.*`contents: read`/
      )
      expect(published.summary).toContain('playbook defaults (none read from acme/contracts@main')
    })
  })
})

describe('one publish in an incident repository for many repositories (bundle-repositories)', () => {
  const INCIDENTS = 'acme/incidents'
  const CONFIG = '.github/contract-drift-triage.yml'
  // Each source repository's contract owner is its own person: an incident assigned to them was
  // routed by that repository's default branch, not by the other's or by the playbook defaults.
  const SOURCES = [
    {
      repository: 'acme/contracts',
      example: 'repo',
      scenario: 'schema-drift-high',
      codeowners: '.github/CODEOWNERS',
      lead: 'contract-lead',
      qa: 'qa-lead'
    },
    {
      repository: 'acme/petstore',
      example: 'petstore',
      scenario: 'petstore-schema-drift',
      codeowners: 'CODEOWNERS',
      lead: 'api-lead',
      qa: '@petstore/maintainers'
    }
  ]
  const UNLISTED = { ...SOURCES[0]!, repository: 'acme/unlisted' }

  const defaultBranch = (source: (typeof SOURCES)[number]): Record<string, string> => ({
    [CONFIG]: readFileSync(join(EXAMPLES, source.example, CONFIG), 'utf8').replace(
      /^(owners:\n(?:.*\n)*?) {2}contract: .*$/m,
      `$1  contract: [${source.lead}]`
    ),
    [source.codeowners]: readFileSync(join(EXAMPLES, source.example, source.codeowners), 'utf8')
  })

  /** A collect run in `repository`'s own workflow: its bundle. One per repository serves each test. */
  const collected = new Map<string, Promise<string>>()
  const collect = (source: { repository: string; scenario: string }): Promise<string> => {
    if (!collected.has(source.repository))
      collected.set(
        source.repository,
        run(
          source.scenario,
          { mode: 'collect', 'github-token': '', validators: FAILING[source.scenario]! },
          prepared => {
            prepared.env.GITHUB_REPOSITORY = source.repository
          }
        ).then(leg => {
          expect(leg.outputs.result).toBe('drift')
          return leg.outputs['bundle-path']!
        })
      )
    return collected.get(source.repository)!
  }

  /** The incident repository's scheduled publish, its bundles downloaded into one folder. */
  async function publish(
    sources: { repository: string; scenario: string }[],
    headSha: (repository: string, collectedSha: string) => string = (_, sha) => sha
  ): ReturnType<typeof runBundle> {
    const downloads = mkdtempSync(join(tmpdir(), 'cdt-downloads-'))
    const workspace = mkdtempSync(join(tmpdir(), 'cdt-incidents-workspace-'))
    roots.push(downloads, workspace)
    for (const source of sources) {
      const path = await collect(source)
      const bundle = JSON.parse(readFileSync(path, 'utf8'))
      const pr = bundle.facts.pullRequest
      copyFileSync(path, join(downloads, `${source.repository.replace('/', '-')}.json`))
      gh.addPullRequest(source.repository, {
        number: pr.number,
        title: pr.title,
        body: pr.body,
        headSha: headSha(source.repository, pr.headSha),
        baseSha: pr.baseSha,
        files: bundle.context.changed.map((file: { path: string }) => ({
          filename: file.path,
          status: 'modified'
        }))
      })
    }
    return run(
      'green',
      {
        mode: 'publish',
        validators: '',
        bundles: `${downloads}/*.json`,
        'bundle-repositories': SOURCES.map(source => source.repository).join(', ')
      },
      prepared => {
        prepared.repo = prepared.env.GITHUB_WORKSPACE = workspace
        prepared.env.GITHUB_REPOSITORY = INCIDENTS
        prepared.env.GITHUB_EVENT_NAME = 'schedule'
        writeFileSync(
          prepared.env.GITHUB_EVENT_PATH,
          JSON.stringify({
            schedule: '17 * * * *',
            repository: { full_name: INCIDENTS, default_branch: 'main' }
          })
        )
      }
    )
  }

  const incidents = (): any[] => gh.issues(INCIDENTS).filter((issue: any) => !issue.pull_request)

  beforeEach(() => {
    const people = SOURCES.flatMap(source => [source.lead, source.qa]).filter(
      login => !login.startsWith('@')
    )
    gh.addRepo(INCIDENTS, { collaborators: people })
    for (const source of [...SOURCES, UNLISTED]) {
      gh.addRepo(source.repository, { collaborators: people })
      gh.addFiles(source.repository, defaultBranch(source))
    }
  })

  it('files one incident per repository in the incident repository, each routed by its own default branch', async () => {
    const published = await publish([...SOURCES, UNLISTED])
    expect(published.code).toBe(1)
    const filed = incidents()
    expect(filed).toHaveLength(2)
    for (const source of SOURCES) {
      const bundle = JSON.parse(readFileSync(await collect(source), 'utf8'))
      const number = bundle.facts.pullRequest.number
      const incident = filed.find(
        (issue: any) => readState(issue.body)?.key === `${source.repository}:pr-${number}`
      )
      expect(incident?.title).toBe(
        `[contract-drift] Schema drift (High) — ${source.repository}#${number}`
      )
      expect(incident.assignees.map((user: any) => user.login)).toEqual([source.lead])
      expect(published.summary).toContain(
        `\`${CONFIG}\` and \`${source.codeowners}\` read from ${source.repository}@its default branch via the API`
      )
    }
    // Nothing is filed in the source repositories.
    for (const source of SOURCES) expect(gh.issues(source.repository)).toHaveLength(1)
    expect(published.stdout).toMatch(
      /::warning::Finding bundle .*acme-unlisted\.json skipped: comes from acme\/unlisted, which bundle-repositories does not list .*add acme\/unlisted to bundle-repositories/
    )
  })

  it('rejects a bundle whose head commit is not its repository’s pull request head', async () => {
    const published = await publish(SOURCES, (repository, sha) =>
      repository === 'acme/petstore' ? 'c'.repeat(40) : sha
    )
    expect(published.stdout).toMatch(
      /::warning::Finding bundle for acme\/petstore PR #202 skipped: the bundle was made at [0-9a-f]{7}, but pull request #202 of acme\/petstore is at ccccccc/
    )
    expect(incidents().map((issue: any) => readState(issue.body)?.key)).toEqual([
      'acme/contracts:pr-140'
    ])
  })
})
