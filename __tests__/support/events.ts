/**
 * Events off the happy path, made from a prepared scenario (`prepareScenario` or `runBundle`'s
 * `edit`): a merge queue's `merge_group` run, a push that creates a branch, and a second
 * repository layout (a package with `api/`, `test/fixtures/` and `src/`, its config at the root)
 * committed by layouts.ts's `commitLayout`.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { gitAt } from './emulated.js'
import { apply, commitLayout } from './layouts.js'

export const ZERO_SHA = '0'.repeat(40)

/** The part of `prepareScenario`'s answer these helpers read and change. */
export interface Prepared {
  repo: string
  env: Record<string, string | undefined>
  base: string
  head: string
  /** The branch holding the head commit. */
  branch?: string
}

const REPOSITORY = { full_name: 'acme/contracts', default_branch: 'main' }

function setEvent(prepared: Prepared, name: string, payload: unknown, ref: string): void {
  writeFileSync(prepared.env.GITHUB_EVENT_PATH!, JSON.stringify(payload, null, 2))
  prepared.env.GITHUB_EVENT_NAME = name
  prepared.env.GITHUB_REF = `refs/heads/${ref}`
  prepared.env.GITHUB_REF_NAME = ref
  delete prepared.env.GITHUB_HEAD_REF
}

/**
 * The prepared checkout becomes `origin`, and the workspace a depth-1 clone of `ref` from it, as
 * actions/checkout leaves it: the base of the comparison is not there until fetched.
 */
export function shallowCheckout(prepared: Prepared, ref: string): void {
  const origin = `${prepared.repo}-origin`
  renameSync(prepared.repo, origin)
  gitAt(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true')
  execFileSync('git', [
    'clone',
    '-q',
    '--depth=1',
    '--branch',
    ref,
    `file://${origin}`,
    prepared.repo
  ])
}

/**
 * A merge queue's run for pull request `pr`: GitHub merges the pull request's branch into the
 * base on a temporary `gh-readonly-queue/<base>/pr-<n>-<sha>` branch and runs `merge_group` there.
 */
export function asMergeGroup(prepared: Prepared, pr: number): string {
  const { repo } = prepared
  const queue = `gh-readonly-queue/main/pr-${pr}-${prepared.head}`
  gitAt(repo, 'checkout', '-q', '-b', queue, prepared.base)
  const message = `Merge pull request #${pr} from acme/${prepared.branch}`
  gitAt(repo, 'merge', '--no-ff', '-q', '-m', message, prepared.branch!)
  const groupHead = gitAt(repo, 'rev-parse', 'HEAD')
  shallowCheckout(prepared, queue)
  setEvent(
    prepared,
    'merge_group',
    {
      action: 'checks_requested',
      merge_group: {
        head_sha: groupHead,
        head_ref: `refs/heads/${queue}`,
        base_sha: prepared.base,
        base_ref: 'refs/heads/main',
        head_commit: {
          id: groupHead,
          tree_id: gitAt(prepared.repo, 'rev-parse', 'HEAD^{tree}'),
          message,
          timestamp: '2026-11-02T10:00:00Z',
          author: { name: 'a', email: 'a@b' },
          committer: { name: 'GitHub', email: 'noreply@github.com' }
        }
      },
      repository: REPOSITORY,
      sender: { login: 'github-merge-queue[bot]' }
    },
    queue
  )
  prepared.env.GITHUB_SHA = groupHead
  return groupHead
}

/** The first push of the head's branch: `before` is all zeros. */
export function asNewBranchPush(prepared: Prepared, defaultBranch = 'main'): void {
  const branch = prepared.branch!
  shallowCheckout(prepared, branch)
  setEvent(
    prepared,
    'push',
    {
      ref: `refs/heads/${branch}`,
      before: ZERO_SHA,
      after: prepared.head,
      created: true,
      deleted: false,
      forced: false,
      base_ref: null,
      head_commit: { id: prepared.head, message: 'Require currency on invoices' },
      repository: { ...REPOSITORY, default_branch: defaultBranch },
      sender: { login: 'alice' }
    },
    branch
  )
  prepared.env.GITHUB_SHA = prepared.head
}

export const PLAIN_CONFIG = `paths:
  contract: [api/**]
  fixture: [test/fixtures/**]
  implementation: [src/**]
owners:
  contract: ["@acme/api-team"]
  fixture-module: [fixture-dev]
  fixture-mcp: [fixture-dev]
  implementation: [impl-dev]
  qa: [qa-dev]
`

const PACKAGE = 'packages/billing'
const CHECK = `#!/usr/bin/env bash
# The contract check: every required response field has a value in the expected fixture.
for field in $(sed -n 's/^ *- \\([a-z]*\\) *# required$/\\1/p' api/openapi.yaml); do
  if ! grep -q "\\"$field\\"" test/fixtures/invoice/1.0/response.expected.json; then
    echo "api/openapi.yaml:9: error: required field '$field' is missing from test/fixtures/invoice/1.0/response.expected.json"
    exit 1
  fi
done
echo "contract check OK"
`
const openapi = (required: string[]): string => `openapi: 3.1.0
info: { title: Billing, version: 1.0.0 }
paths: {}
components:
  schemas:
    Invoice:
      type: object
      required:
${required.map(field => `        - ${field} # required`).join('\n')}
`

/**
 * The second layout: `packages/billing/` holds `api/openapi.yaml`, `test/fixtures/` and `src/`,
 * the configuration and CODEOWNERS sit at the repository root, and `working-directory` is the
 * package. The head commit (branch `feature/currency`, pull request #77) adds a required field
 * to the contract without the fixture: schema drift.
 */
export function plainLayout(prepared: Prepared, options: { config?: boolean } = {}): void {
  const { repo } = prepared
  rmSync(repo, { recursive: true, force: true })
  mkdirSync(repo)
  apply(repo, {
    ...(options.config === false ? {} : { '.github/contract-drift-triage.yml': PLAIN_CONFIG }),
    CODEOWNERS: `* @qa-dev\n${PACKAGE}/api/ @acme/api-team\n`,
    [`${PACKAGE}/api/openapi.yaml`]: openapi(['id', 'amount']),
    [`${PACKAGE}/test/fixtures/invoice/1.0/response.expected.json`]:
      '{ "id": "in_1", "amount": 12 }\n',
    [`${PACKAGE}/test/fixtures/invoice/1.0/notes.md`]: '# Invoice 1.0\n',
    [`${PACKAGE}/src/invoice.js`]: 'export const invoice = id => ({ id, amount: 12 })\n',
    [`${PACKAGE}/check.sh`]: CHECK
  })
  prepared.branch = 'feature/currency'
  const { base, head } = commitLayout(
    repo,
    prepared.branch,
    { [`${PACKAGE}/api/openapi.yaml`]: openapi(['id', 'amount', 'currency']) },
    'Require currency on invoices'
  )
  prepared.base = base
  prepared.head = head
  setEvent(
    prepared,
    'pull_request',
    {
      action: 'synchronize',
      number: 77,
      pull_request: {
        number: 77,
        title: 'Require currency on invoices',
        body: '',
        labels: [],
        base: { sha: prepared.base, ref: 'main', repo: REPOSITORY },
        head: { sha: prepared.head, ref: prepared.branch, repo: REPOSITORY }
      },
      repository: REPOSITORY
    },
    '77/merge'
  )
  prepared.env.GITHUB_HEAD_REF = prepared.branch
  prepared.env.GITHUB_SHA = prepared.head
  prepared.env.INPUT_VALIDATORS = 'bash check.sh'
  prepared.env['INPUT_WORKING-DIRECTORY'] = PACKAGE
}
