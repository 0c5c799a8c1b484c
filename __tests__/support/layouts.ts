/**
 * The one harness for a repository in a layout of its own, checked out as a pull request whose
 * head changes it, with the runner's env (`checkout`), and the two layouts the bundle-level tests
 * share (`LAYOUTS`): the example's (`examples/repo`, fixtures under `tests/contracts/fixtures/`)
 * and a plain one (an OpenAPI contract under `api/`, fixtures under `test/fixtures/`, code under
 * `src/`, its own CODEOWNERS and config). Suites whose assertions name other files (layouts,
 * broken-commands, events) pass their own files to `checkout`, or to `commitLayout` when they
 * start from a prepared scenario.
 */
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { actionDefaults, EXAMPLES } from '../../scripts/scenarios.mjs'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { commitTrees, readTree } from '../../scripts/git-trees.mjs'
import { FAILING } from './emulated.js'

/** A file's new text, a function of its old text, or null to delete it. */
export type Edit = string | null | ((old: string) => string)
export type Edits = Record<string, Edit>

export interface LayoutOptions {
  /** Edits at the base revision (CODEOWNERS and config are read there, as GitHub does). */
  base?: Edits
  /** Edits in the pull request's head commit, beside the layout's own contract change. */
  head?: Edits
  /** Files left in the working tree, unknown to git. */
  untracked?: Record<string, string>
  /** The validators input; the layout's own validators by default. */
  validators?: string
  inputs?: Record<string, string>
}

export interface CheckoutOptions extends LayoutOptions {
  /** Names the temporary folder. */
  name: string
  /** Writes the base revision into the empty `repo` (before `base` edits). */
  fill: (repo: string) => void
  /** The pull request: number, branch, title and body (default #140 from `contract-change`). */
  pr?: { number?: number; branch?: string; title?: string; body?: string }
  /** GITHUB_REPOSITORY (default acme/contracts). */
  repository?: string
  /** Last word on the runner's env (the emulator's URL, say). */
  env?: Record<string, string>
}

/** A checkout and runner environment, in the shape scripts/scenarios.mjs `runAction` takes. */
export interface Prepared {
  repo: string
  runner: string
  env: Record<string, string>
  outputFile: string
  summaryFile: string
  base: string
  head: string
  branch: string
}

export interface Layout {
  name: string
  /** The contract file the pull request changes. */
  contract: string
  /** The layout's validators, one per line. */
  validators: string
  /** A one-line validator command with no script: it prints one finding on the contract. */
  inline: string
  prepare: (options?: LayoutOptions) => Prepared
}

const roots: string[] = []

/**
 * Repositories `checkout` committed, by what they hold (the base tree, the head's edits, branch
 * and title): a later checkout of the same content copies one instead of committing again, and
 * gets the same commits (git's dates and author are fixed).
 */
const committed = new Map<string, { repo: string; base: string; head: string }>()

/** Removes every checkout `checkout` made. */
export function cleanUpLayouts(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
  committed.clear()
}

/** Every file under `dir` (paths and bytes), in a stable order. */
function treeDigest(dir: string): string {
  const hash = createHash('sha256')
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1
    )) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) walk(path)
      else
        hash
          .update(`${relative(dir, path)}\0`)
          .update(readFileSync(path))
          .update('\0')
    }
  }
  walk(dir)
  return hash.digest('hex')
}

/** The head edits as data: a function of the old text is applied to the base's text. */
function resolveEdits(repo: string, edits: Edits): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(edits).map(([path, edit]) => [
      path,
      typeof edit === 'function' ? edit(readFileSync(join(repo, path), 'utf8')) : edit
    ])
  )
}

export function apply(repo: string, edits: Edits | undefined): void {
  for (const [path, edit] of Object.entries(edits ?? {})) {
    const file = join(repo, path)
    if (edit === null) {
      rmSync(file, { force: true, recursive: true })
      continue
    }
    const text = typeof edit === 'function' ? edit(readFileSync(file, 'utf8')) : edit
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, text)
  }
}

/**
 * Commits what is in `repo` as the base revision on `main`, then `head` on `branch` as the pull
 * request's head commit (empty when there is nothing to change). Returns both shas.
 */
export function commitLayout(
  repo: string,
  branch: string,
  head: Edits,
  message = 'Change the contract'
): { base: string; head: string } {
  const base = readTree(repo)
  apply(repo, head)
  const [baseSha, headSha] = commitTrees(
    repo,
    [
      { branch: 'main', message: 'Base revision', tree: base },
      { branch, message, tree: readTree(repo) }
    ],
    { name: 'a', email: 'a@b', date: '2026-11-02T10:00:00Z' }
  )
  return { base: baseSha, head: headSha }
}

/** A checkout in its own temporary folder, as a pull request, with the runner's env. */
export function checkout(options: CheckoutOptions): Prepared {
  const root = mkdtempSync(join(tmpdir(), `cdt-layout-${options.name}-`))
  roots.push(root)
  const repo = join(root, 'repo')
  mkdirSync(repo)
  options.fill(repo)
  apply(repo, options.base)
  const number = options.pr?.number ?? 140
  const branch = options.pr?.branch ?? 'contract-change'
  const title = options.pr?.title ?? 'Change the contract'
  const edits = resolveEdits(repo, options.head ?? {})
  const key = JSON.stringify([treeDigest(repo), edits, branch, title])
  let kept = committed.get(key)
  if (kept && existsSync(kept.repo)) {
    rmSync(repo, { recursive: true, force: true })
    cpSync(kept.repo, repo, { recursive: true })
  } else {
    kept = { ...commitLayout(repo, branch, edits, title), repo: join(root, 'committed') }
    cpSync(repo, kept.repo, { recursive: true })
    committed.set(key, kept)
  }
  const { base, head } = kept
  for (const [path, text] of Object.entries(options.untracked ?? {})) apply(repo, { [path]: text })

  const runner = join(root, 'runner')
  mkdirSync(runner)
  const repository = { full_name: options.repository ?? 'acme/contracts' }
  const eventPath = join(runner, 'event.json')
  writeFileSync(
    eventPath,
    JSON.stringify({
      action: 'synchronize',
      number,
      pull_request: {
        number,
        title,
        body: options.pr?.body ?? '',
        labels: [],
        base: { sha: base, ref: 'main', repo: repository },
        head: { sha: head, ref: branch, repo: repository }
      },
      repository
    })
  )
  const outputFile = join(runner, 'output.txt')
  const summaryFile = join(runner, 'summary.md')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const inputs: Record<string, string> = {
    ...actionDefaults(),
    validators: options.validators ?? '',
    mode: 'report',
    ...options.inputs
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: repo,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: repository.full_name,
    GITHUB_REF_NAME: `${number}/merge`,
    GITHUB_SHA: head,
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    // Nothing here may reach the network: an API call would fail at once on this closed port.
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runner,
    ...Object.fromEntries(
      Object.entries(inputs).map(([input, value]) => [`INPUT_${input.toUpperCase()}`, value])
    ),
    ...options.env
  }
  return { repo, runner, env, outputFile, summaryFile, base, head, branch }
}

const fieldLine = (tag: string, message: string): string =>
  `node -e "console.log('[${tag}] ERROR: ${message}'); process.exit(1)"`

/** examples/repo, with the schema-drift-high scenario's contract change as the pull request. */
export const exampleLayout: Layout = {
  name: 'the example layout (tests/contracts/fixtures/)',
  contract: 'docs/contracts/billing-ingest-contract.md',
  // The one of examples/validators.txt that finds the drift: the same findings and owners as all
  // six (e2e.test.ts runs those on the scenario), for one python3 start instead of six.
  validators: FAILING['schema-drift-high']!,
  inline: fieldLine(
    'contract-check',
    'docs/contracts/billing-ingest-contract.md requires currency; no fixture has it'
  ),
  prepare: (options = {}) =>
    checkout({
      name: 'example',
      fill: repo => cpSync(join(EXAMPLES, 'repo'), repo, { recursive: true }),
      validators: exampleLayout.validators,
      ...options,
      head: {
        'docs/contracts/billing-ingest-contract.md': readFileSync(
          join(
            EXAMPLES,
            'scenarios/schema-drift-high/changes/docs/contracts/billing-ingest-contract.md'
          ),
          'utf8'
        ),
        ...options.head
      }
    })
}

const CHECK_SCRIPT = `#!/usr/bin/env bash
# Every field the OpenAPI contract requires must be in the expected response fixture.
for field in $(sed -n 's/^ *required: \\[\\(.*\\)\\]/\\1/p' api/openapi.yaml | tr -d ' ' | tr ',' ' '); do
  if ! grep -q "\\"$field\\"" test/fixtures/billing/1.0/response.expected.json; then
    echo "[contract-check] ERROR: api/openapi.yaml requires '$field'; test/fixtures/billing/1.0/response.expected.json lacks it"
    exit 1
  fi
done
echo "[contract-check] OK: the fixtures cover api/openapi.yaml"
`

const openapi = (required: string): string => `openapi: 3.1.0
info: { title: Billing, version: 1.0.0 }
paths:
  /ingest:
    post:
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                required: [${required}]
`

const PLAIN_FILES: Record<string, string> = {
  'api/openapi.yaml': openapi('provider, amount'),
  'test/fixtures/billing/1.0/response.expected.json': '{ "provider": "aws", "amount": 12 }\n',
  'test/fixtures/billing/1.0/notes.md': '# billing 1.0\n',
  'src/billing.ts': 'export const ingest = (): object => ({ provider: "aws", amount: 12 })\n',
  'scripts/check-contract.sh': CHECK_SCRIPT,
  'README.md': '# billing\n',
  CODEOWNERS: [
    '* @acme/qa',
    'api/ @acme/api-team',
    'src/ @acme/api-team',
    'test/fixtures/ @acme/fixture-team',
    'scripts/ @acme/tooling',
    ''
  ].join('\n'),
  '.github/contract-drift-triage.yml': [
    'paths:',
    '  contract: [api/**]',
    '  fixture: [test/fixtures/**]',
    '  implementation: [src/**]',
    'owners:',
    '  contract: codeowners',
    '  qa: codeowners',
    ''
  ].join('\n')
}

/** A plain repository: `api/openapi.yaml`, `test/fixtures/`, `src/`, a root CODEOWNERS. */
export const plainLayout: Layout = {
  name: 'a plain layout (api/, test/fixtures/, src/)',
  contract: 'api/openapi.yaml',
  validators: 'bash scripts/check-contract.sh',
  inline: fieldLine('contract-check', 'api/openapi.yaml requires currency; no fixture has it'),
  prepare: (options = {}) =>
    checkout({
      name: 'plain',
      fill: repo => apply(repo, PLAIN_FILES),
      validators: plainLayout.validators,
      ...options,
      head: { 'api/openapi.yaml': openapi('provider, amount, currency'), ...options.head }
    })
}

export const LAYOUTS = [exampleLayout, plainLayout]
