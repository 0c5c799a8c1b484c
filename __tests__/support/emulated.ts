/**
 * The bundle run as the Actions runner runs it, against the GitHub REST emulator: shared by the
 * issue-mode, lifecycle and collect/publish suites.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
// @ts-expect-error -- plain JavaScript
import { startEmulator } from '../../emulator/index.mjs'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { prepareScenario, runAction, stopRuns } from '../../scripts/scenarios.mjs'

export interface Ran {
  code: number
  stdout: string
  outputs: Record<string, string>
  summary: string
  annotations: string[]
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the emulator and harness are plain JavaScript */
export interface RunOptions {
  /** Puts the run in this pull request's scope (the scenario must be a pull_request one). */
  pr?: number
  /** The pull request's body (incident references). */
  body?: string
  /** Files written into the head commit (amended) before the run. */
  files?: Record<string, string>
  validators?: string
  /** Inputs by name; `mode` defaults to `issue`. */
  inputs?: Record<string, string>
  env?: Record<string, string>
  token?: string
  /** Last word on the prepared checkout and env (another event, say). */
  edit?: (prepared: any) => void
}

/** Checkouts made for runs, removed by `cleanUp`. */
const roots: string[] = []

export function cleanUp(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
}

/** Runs git in `repo` as a fixed author at a fixed date, so commits are reproducible. */
export function gitAt(repo: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'a',
      GIT_AUTHOR_EMAIL: 'a@b',
      GIT_COMMITTER_NAME: 'a',
      GIT_COMMITTER_EMAIL: 'a@b',
      GIT_AUTHOR_DATE: '2026-11-02T10:00:00Z',
      GIT_COMMITTER_DATE: '2026-11-02T10:00:00Z',
      // no `git maintenance` process after each commit
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'maintenance.auto',
      GIT_CONFIG_VALUE_0: 'false'
    }
  }).trim()
}

function amend(repo: string, files: Record<string, string>): string {
  const git = (...args: string[]): string => gitAt(repo, ...args)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true })
    writeFileSync(join(repo, path), text)
  }
  git('add', '-A')
  git('commit', '-q', '--amend', '--no-edit')
  return git('rev-parse', 'HEAD')
}

/** A run of `node dist/index.js` on an example scenario, talking to the emulator `gh`. */
export async function runBundle(
  gh: any,
  scenario: string,
  options: RunOptions = {}
): Promise<Ran & { prepared: any }> {
  const prepared = prepareBundle(gh, scenario, options)
  return { ...(await runAction(prepared)), prepared }
}

/** The checkout and runner env of `runBundle`, for runs that must start together. */
export function prepareBundle(gh: any, scenario: string, options: RunOptions = {}): any {
  const prepared = prepareScenario(scenario)
  roots.push(dirname(prepared.repo))
  const head = options.files ? amend(prepared.repo, options.files) : prepared.head
  const event = JSON.parse(readFileSync(prepared.env.GITHUB_EVENT_PATH, 'utf8'))
  if (event.pull_request) {
    if (options.pr) event.number = event.pull_request.number = options.pr
    if (options.body !== undefined) event.pull_request.body = options.body
    event.pull_request.head.sha = head
  }
  writeFileSync(prepared.env.GITHUB_EVENT_PATH, JSON.stringify(event))
  Object.assign(prepared.env, {
    GITHUB_SHA: head,
    GITHUB_API_URL: gh.url,
    CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001',
    INPUT_MODE: 'issue',
    'INPUT_GITHUB-TOKEN': options.token ?? gh.token,
    ...(options.validators !== undefined ? { INPUT_VALIDATORS: options.validators } : {}),
    ...Object.fromEntries(
      Object.entries(options.inputs ?? {}).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])
    ),
    ...options.env
  })
  options.edit?.(prepared)
  return prepared
}

/**
 * The example validators that fail in a scenario (the others pass): a run that is about GitHub
 * rather than the validators runs only these, with the same findings and classification as all
 * of them, for a fraction of the python3 starts (about 0.15 s of CPU each).
 */
export const FAILING: Record<string, string> = {
  'schema-drift-high': 'python3 scripts/validate-fixture-coverage.py',
  'runtime-regression':
    'python3 scripts/validate-legacy-alias-parity.py\npython3 scripts/validate-mcp-responses.py',
  'scheduled-drift': 'python3 scripts/validate-feature-catalog.py',
  'fixture-stale-mcp-trailer': 'python3 scripts/validate-mcp-responses.py',
  'validator-crash': 'python3 scripts/validate-legacy-alias-parity.py',
  'petstore-schema-drift': 'python3 scripts/check_fixtures.py'
}

export const REPO = 'acme/contracts'
export const ALICE_TOKEN = 'ghs_person_alice_token_0000000000000000'

/**
 * The GitHub emulator for a suite: started once, with a fresh `acme/contracts` (the example's
 * owners as collaborators, and `alice`, a person with her own token) before each test, and no
 * request GitHub would reject allowed after it. Returns the emulator.
 */
export function useGitHub(): any {
  let emulator: any
  beforeAll(async () => {
    emulator = await startEmulator({ timeScale: 0.001 })
  })
  afterAll(async () => {
    await emulator.close()
    cleanUp()
  })
  beforeEach(() => {
    emulator.addRepo(REPO, {
      collaborators: ['impl-owner', 'qa-lead', 'mcp-owner', 'fixture-owner', 'alice']
    })
    emulator.addToken(ALICE_TOKEN, { login: 'alice', type: 'User', permission: 'write' })
    emulator.resetRequests()
  })
  afterEach(async () => {
    // A test that timed out may leave runs going: they must not file into the next test's repository.
    await stopRuns()
    const violations = [...emulator.violations]
    emulator.violations.length = 0
    emulator.clearFaults()
    expect(violations).toEqual([])
  })
  // Started in beforeAll: hand out a view that reaches the emulator once it exists.
  return new Proxy(
    {},
    {
      get: (_, name) => {
        const value = emulator[name]
        return typeof value === 'function' ? value.bind(emulator) : value
      }
    }
  )
}
