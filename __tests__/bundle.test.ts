import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { copyFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import {
  BUNDLE_LIMITS,
  createBundle,
  mergeBundles,
  readBundles,
  verifyHead,
  verifyPullRequest,
  writeBundle,
  type FindingBundle
} from '../src/bundle.js'
import { defaultConfig } from '../src/config.js'
import type { EventFacts } from '../src/event.js'
import { code } from '../src/markdown.js'
import { parseOutput } from '../src/parse/index.js'
import { classify } from '../src/paths.js'
import { createRedactor } from '../src/redact.js'
import { renderRecord } from '../src/render.js'
import { triage } from '../src/triage.js'
import type { ChangeContext, ValidatorRun } from '../src/types.js'
// @ts-expect-error -- plain JavaScript
import { startEmulator } from '../emulator/index.mjs'

const REPO = 'acme/contracts'
const FIXTURES = join(import.meta.dirname, '__fixtures__', 'bundles')
const HEAD = '9f2c4e1b7a3d5f60812b4c9e0d7a6f5e4c3b2a19'
const BASE = '3b1d5e7f9a2c4e6081a3c5e7f9b1d3f5a7c9e1b2'
const config = defaultConfig()

const facts: EventFacts = {
  name: 'pull_request',
  repository: REPO,
  scope: { kind: 'pr', number: 140 },
  headSha: HEAD,
  pullRequest: {
    number: 140,
    baseSha: BASE,
    headSha: HEAD,
    labels: ['behavior-change'],
    title: 'billing: add OCI ingest pack',
    body: 'Adds the OCI billing ingest fixtures.',
    fromFork: true,
    baseRef: 'main',
    merged: false
  },
  runUrl: 'https://github.com/acme/contracts/actions/runs/9114420871'
}

const changedPaths = [
  'docs/contracts/billing-contract.md',
  'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/request.valid.json',
  'services/billing/src/ingest.ts'
]
const context: ChangeContext = {
  changed: changedPaths.map(path => ({ path, class: classify(path, config.paths) })),
  changeSource: 'pull request files API',
  intent: [
    'label `behavior-change`',
    'trailer `Behavior-Change: intentional` in the head commit message'
  ]
}

/** The matrix: one validator per leg, with what each printed and how it exited. */
const LEGS: { command: string; output: string; exitCode: number }[] = [
  {
    command: 'python3 scripts/validate-fixture-coverage.py',
    output:
      "[fixture-coverage] ERROR: MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json\n",
    exitCode: 1
  },
  {
    command: 'python3 scripts/validate-legacy-alias-parity.py',
    output:
      "[legacy-alias-parity] ERROR: rows[1].response.providerAdapterId expected 'aws-billing' for canonical tool 'billing.aws.ingest', got 'gcp-billing'\n",
    exitCode: 1
  },
  {
    command: 'python3 scripts/validate-feature-catalog.py',
    output: '[feature-catalog] OK: 14 modules, 31 dependencies resolved\n',
    exitCode: 0
  },
  {
    command: 'python3 scripts/validate-docs-links.py',
    output:
      "[docs-links] ERROR: Broken local markdown links detected:\n- docs/playbooks/billing.md:102 -> './ingest.md' (resolved: docs/playbooks/ingest.md)\n",
    exitCode: 1
  },
  {
    command: 'python3 scripts/validate-module-fixtures.py',
    output: '[module-fixtures] OK: 22 module packs complete\n',
    exitCode: 0
  },
  {
    command: 'python3 scripts/validate-schema-packages.py',
    output: '[schema-packages] OK: 6 schema packages valid\n',
    exitCode: 0
  },
  {
    command: 'python3 scripts/validate-feature-manifests.py',
    output:
      '[feature-manifests] ERROR: service-mcp depends on unknown module id: economics-module\n',
    exitCode: 1
  }
]

const parse = {
  workspace: '/home/runner/work/contracts/contracts',
  checks: config.checks,
  runtimeTags: config.runtime
}
const legRuns = (): ValidatorRun[] =>
  LEGS.map(leg => ({
    ...parseOutput(leg.command, leg.output, leg.exitCode, parse),
    command: leg.command
  }))

const byCommand = (runs: readonly ValidatorRun[]): ValidatorRun[] =>
  [...runs].sort((a, b) => a.command.localeCompare(b.command))

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bundles-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A fresh directory under the suite's, holding copies of the named fixtures. */
async function withFixtures(...names: string[]): Promise<string> {
  const root = await mkdtemp(join(dir, 'case-'))
  // `.part`: a cut-off upload, kept out of Prettier's way under another name.
  for (const name of names)
    await copyFile(join(FIXTURES, name), join(root, name.replace(/\.part$/, '')))
  return root
}

describe('collect', () => {
  it('writes a bundle that publish reads back as it was', async () => {
    const evidence = { facts: { ...facts, untrusted: 'ignored' }, context, runs: legRuns() }
    const bundle = createBundle(evidence, new Date('2025-06-03T09:14:27.512Z'))
    expect(bundle).toMatchObject({
      schema: 'contract-drift-triage/bundle',
      version: 1,
      createdAt: '2025-06-03T09:14:27.512Z'
    })
    expect(bundle.facts).not.toHaveProperty('untrusted')

    const path = await writeBundle(bundle, join(dir, 'collect'))
    expect(basename(path)).toMatch(/^contract-drift-bundle-[0-9a-f]{16}\.json$/)
    const read = await readBundles(['collect/*.json'], dir, [REPO])
    expect(read.rejected).toEqual([])
    expect(read.notes).toEqual([])
    expect(read.bundles).toEqual([bundle])
  })

  it('redacts secrets and keeps every string within what publish accepts', () => {
    const token = 'ghs_0123456789abcdefghijABCDEFGHIJ012345'
    const [run] = legRuns() as [ValidatorRun]
    const noisy: ValidatorRun = {
      ...run,
      excerpt: `${'x'.repeat(100_000)}\ntoken=${token}`,
      findings: [{ ...(run.findings[0] as ValidatorRun['findings'][0]), message: 'm'.repeat(9000) }]
    }
    const bundle = createBundle(
      { facts, context, runs: [noisy] },
      new Date(),
      createRedactor([token])
    )
    const [kept] = bundle.runs as [ValidatorRun]
    expect(kept.excerpt).toHaveLength(BUNDLE_LIMITS.excerpt)
    expect(kept.excerpt.endsWith('token=***')).toBe(true)
    expect(kept.findings[0]?.message).toHaveLength(BUNDLE_LIMITS.message)
  })
})

describe('publish from a matrix', () => {
  it('merges 8 legs into one scope holding every red finding, as one job running every validator would', async () => {
    const root = await withFixtures('truncated-leg.json.part')
    const runs = legRuns()
    // Each leg runs one validator and uploads its own bundle; their clocks differ by seconds.
    for (const [i, run] of runs.entries())
      await writeBundle(
        createBundle({ facts, context, runs: [run] }, new Date(Date.UTC(2025, 5, 3, 9, 14, i))),
        root
      )

    const read = await readBundles(['*.json'], root, [REPO])
    expect(read.bundles).toHaveLength(7)
    expect(read.rejected).toEqual([
      { path: 'truncated-leg.json', reason: expect.stringMatching(/^not JSON: /) }
    ])

    const scopes = mergeBundles(read.bundles, '')
    expect(scopes.map(scope => scope.key)).toEqual(['acme/contracts:pr-140'])
    const merged = (scopes[0] as (typeof scopes)[0]).evidence

    const red = runs.flatMap(run => run.findings)
    expect(red).toHaveLength(4)
    expect(merged.runs.flatMap(run => run.findings)).toEqual(expect.arrayContaining(red))
    expect(byCommand(merged.runs)).toEqual(byCommand(runs))
    expect(merged.context).toEqual(context)
    expect(merged.facts).toEqual(facts)

    // The triage a single job running all seven validators would have made.
    const judge = (evidence: { runs: ValidatorRun[]; context: ChangeContext }) =>
      triage({
        runs: byCommand(evidence.runs),
        context: evidence.context,
        config,
        codeowners: undefined,
        key: 'acme/contracts:pr-140',
        scope: 'PR #140',
        detectedBy: 'CI',
        detectedAt: new Date('2025-06-03T09:20:00Z'),
        incidentId: 'DRIFT-20250603-a1b2c3',
        workspace: parse.workspace
      })
    const single = judge({ runs, context })
    expect(single.result).toBe('drift')
    expect(judge(merged)).toEqual(single)
  })

  it('keeps the latest result per validator, and one scope per pull request or branch', () => {
    const [first] = legRuns() as [ValidatorRun]
    const green: ValidatorRun = { ...first, outcome: 'passed', exitCode: 0, findings: [] }
    const at = (minute: number): Date => new Date(Date.UTC(2025, 5, 3, 9, minute))
    const push: EventFacts = {
      name: 'push',
      repository: REPO,
      scope: { kind: 'branch', name: 'release/2025.06' },
      headSha: BASE
    }
    const bundles = [
      createBundle({ facts, context, runs: [green] }, at(30)),
      createBundle({ facts, context, runs: [first] }, at(10)),
      createBundle({ facts: push, context, runs: [first] }, at(5))
    ]
    const scopes = mergeBundles(bundles, 'billing')
    expect(scopes.map(scope => scope.key)).toEqual([
      'acme/contracts:pr-140:billing',
      'acme/contracts:branch-release/2025.06:billing'
    ])
    expect(scopes[0]?.evidence.runs).toEqual([green])
  })

  it("re-classifies changed files by the publisher's paths when asked", () => {
    const claimed = createBundle(
      {
        facts,
        context: { ...context, changed: [{ path: 'docs/contracts/a.md', class: 'other' }] },
        runs: legRuns()
      },
      new Date()
    )
    const [scope] = mergeBundles([claimed], '', { paths: config.paths })
    expect(scope?.evidence.context.changed).toEqual([
      { path: 'docs/contracts/a.md', class: 'contract' }
    ])
  })
})

describe('untrusted bundles', () => {
  it.each([
    [['Acme/Contracts'], ['Acme/Contracts']],
    [['acme/petstore', 'Acme/Contracts'], ['Acme/Contracts']]
  ])(
    'bundle-repositories %j: a bundle from an unlisted repository is rejected, naming it and the input',
    async (repositories, kept) => {
      const root = await withFixtures('other-repository.json', 'pr-140-fixture-coverage.json')
      const read = await readBundles(['*.json'], root, repositories)
      // The listed spelling, which the incident key is built from.
      expect(read.bundles.map(b => b.facts.repository)).toEqual(kept)
      expect(read.rejected).toEqual([
        {
          path: 'other-repository.json',
          reason: `comes from mallory/contracts, which bundle-repositories does not list (it accepts ${repositories.join(', ')}). To publish mallory/contracts's incidents here, add mallory/contracts to bundle-repositories.`
        }
      ])
    }
  )

  it('accepts a bundle from each listed repository', async () => {
    const root = await withFixtures('other-repository.json', 'pr-140-fixture-coverage.json')
    const read = await readBundles(['*.json'], root, [REPO, 'Mallory/Contracts'])
    expect(read.rejected).toEqual([])
    expect(read.bundles.map(b => b.facts.repository).sort()).toEqual(['Mallory/Contracts', REPO])
  })

  it('drops absolute and escaping paths from targets and changed files, and says so', async () => {
    const root = await withFixtures('escaping-paths.json')
    const read = await readBundles([join(root, '*.json')], '/', [REPO])
    const [bundle] = read.bundles as [FindingBundle]
    const [run] = bundle.runs as [ValidatorRun]
    expect(run.findings[0]?.targets).toEqual([
      'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/'
    ])
    expect(run.notes).toEqual([
      '4 finding target(s) outside the repository dropped from the bundle'
    ])
    expect(bundle.context.changed).toEqual([
      { path: 'docs/contracts/billing-contract.md', class: 'contract' }
    ])
    expect(bundle.context.changeSource).toBe(
      'pull request files API (2 path(s) outside the repository dropped from the bundle)'
    )
    expect(read.notes.map(n => n.note)).toEqual([
      '4 finding target(s) outside the repository dropped',
      '2 changed file(s) outside the repository dropped'
    ])
  })

  it('rejects a 200 MB bundle without reading it', async () => {
    const root = await withFixtures('pr-140-fixture-coverage.json')
    const huge = join(root, 'huge.json')
    await writeFile(huge, '')
    // Sparse: 200 MB on paper, no blocks on disk, so the test stays fast.
    await truncate(huge, 200 * 1024 * 1024)
    expect((await stat(huge)).size).toBe(200 * 1024 * 1024)

    const started = Date.now()
    const read = await readBundles(['*.json'], root, [REPO])
    expect(Date.now() - started).toBeLessThan(2000)
    expect(read.bundles).toHaveLength(1)
    expect(read.rejected).toEqual([
      { path: 'huge.json', reason: '200.0 MB, over the 20.0 MB a bundle may be; not read' }
    ])
  })

  it('neutralises a planted incident marker wherever the bundle text reaches the issue', async () => {
    const root = await withFixtures('planted-marker.json')
    const read = await readBundles(['*.json'], root, [REPO])
    const [bundle] = read.bundles as [FindingBundle]
    const planted = '<!-- contract-drift-triage:key=acme/contracts:branch-main -->'

    // A finding message is shown as a code span: no HTML comment can open in it.
    const message = bundle.runs[0]?.findings[0]?.message as string
    expect(message).toContain(planted)
    expect(code(message)).not.toContain('<!--')
    expect(code(message)).toContain('<\u200b!-- contract-drift-triage:key=')
    // Intent and the change source are prose in the evidence: rebuilt or escaped.
    expect(bundle.context.intent).toEqual([
      'label `behavior-change`',
      code(
        '<!-- contract-drift-triage:key=acme/contracts:branch-main --> [click](https://evil.example)'
      )
    ])
    expect(bundle.context.changeSource).not.toContain('<!--')

    // The key is computed from the validated scope, never read from the bundle.
    const [scope] = mergeBundles(read.bundles, '')
    expect(scope?.key).toBe('acme/contracts:pr-140')
    const record = triage({
      runs: scope?.evidence.runs ?? [],
      context: scope?.evidence.context as ChangeContext,
      config,
      codeowners: undefined,
      key: scope?.key as string,
      scope: 'PR #140',
      detectedBy: 'CI',
      detectedAt: new Date('2025-06-03T09:20:00Z'),
      incidentId: 'DRIFT-20250603-a1b2c3',
      workspace: '/w'
    })
    const body = renderRecord(record)
    expect(body.match(/<!-- contract-drift-triage:key=/g) ?? []).toHaveLength(0)
  })

  it('rejects another schema version and says which one this action reads', async () => {
    const root = await withFixtures('version-2.json')
    const read = await readBundles(['*.json'], root, [REPO])
    expect(read.bundles).toEqual([])
    expect(read.rejected[0]?.reason).toBe(
      'bundle version 2; this action reads version 1. Use the same release of contract-drift-triage to collect and to publish.'
    )
  })

  it('rejects fields beyond their bounds, with where and why', async () => {
    const good = JSON.parse(
      await readFile(join(FIXTURES, 'pr-140-fixture-coverage.json'), 'utf8')
    ) as FindingBundle
    const cases: [string, (b: FindingBundle) => unknown, RegExp][] = [
      ['scope', b => (b.facts.scope = { kind: 'pr', number: 0 }), /facts\.scope\.number/],
      [
        'branch',
        b => {
          b.facts = { ...b.facts, scope: { kind: 'branch', name: 'main..evil' } }
          delete b.facts.pullRequest
        },
        /facts\.scope\.name: expected a git branch name/
      ],
      ['mismatch', b => (b.facts.scope = { kind: 'pr', number: 141 }), /facts\.pullRequest/],
      [
        'message',
        b => ((b.runs[0]?.findings[0] as { message: string }).message = 'x'.repeat(2001)),
        /runs\.0\.findings\.0\.message/
      ],
      [
        'runs',
        b => (b.runs = Array.from({ length: 201 }, () => b.runs[0] as ValidatorRun)),
        /runs: /
      ],
      [
        'run URL',
        b => (b.facts.runUrl = 'https://evil.example/acme/contracts/actions/runs/1'),
        /facts\.runUrl/
      ],
      ['not a bundle', b => ((b as { schema: string }).schema = 'other'), /not a contract-drift/]
    ]
    const root = await mkdtemp(join(dir, 'bounds-'))
    for (const [name, mutate] of cases) {
      const bundle = structuredClone(good)
      mutate(bundle)
      await writeFile(join(root, `${name}.json`), JSON.stringify(bundle))
    }
    const read = await readBundles(['*.json'], root, [REPO])
    expect(read.bundles).toEqual([])
    for (const [name, , reason] of cases)
      expect(read.rejected.find(r => r.path === `${name}.json`)?.reason).toMatch(reason)
  })
})

describe('verifyPullRequest', () => {
  /* eslint-disable @typescript-eslint/no-explicit-any -- the emulator is plain JavaScript */
  let gh: any
  let octokit: ReturnType<typeof getOctokit>
  beforeAll(async () => {
    gh = await startEmulator({ timeScale: 0.001 })
    gh.addRepo(REPO, { collaborators: ['impl-owner'] })
    gh.addPullRequest(REPO, {
      number: 140,
      headSha: HEAD,
      baseSha: BASE,
      headRef: 'oci-ingest',
      headRepo: 'fork-owner/contracts'
    })
    gh.setBranch(REPO, 'main', HEAD)
    octokit = getOctokit(gh.token, { baseUrl: gh.url })
  })
  afterAll(async () => {
    expect(gh.violations).toEqual([])
    await gh.close()
  })

  it("accepts a pull request whose head is the triggering run's", async () => {
    expect(await verifyPullRequest(octokit, REPO, facts, HEAD)).toBeUndefined()
  })

  it('refuses a pull request whose head moved on, or a bundle from another commit', async () => {
    const other = 'c0ffee0000000000000000000000000000000001'
    const moved = { ...facts, headSha: other }
    expect(await verifyPullRequest(octokit, REPO, moved, other)).toBe(
      "pull request #140's head is 9f2c4e1, not the triggering run's head c0ffee0 (a newer push publishes its own bundle)"
    )
    expect(await verifyPullRequest(octokit, REPO, facts, other)).toMatch(
      /^the bundle was made at 9f2c4e1, not at the triggering run's head c0ffee0/
    )
  })

  it('refuses an unknown pull request', async () => {
    const unknown: EventFacts = { ...facts, scope: { kind: 'pr', number: 999 } }
    expect(await verifyPullRequest(octokit, REPO, unknown, HEAD)).toBe(
      'pull request #999 does not exist in acme/contracts'
    )
    expect(await verifyPullRequest(octokit, REPO, facts, '')).toMatch(/head SHA is unknown/)
  })

  it("refuses a fork's claim on a branch of this repository", async () => {
    const branch: EventFacts = {
      name: 'push',
      repository: REPO,
      scope: { kind: 'branch', name: 'main' },
      headSha: HEAD
    }
    expect(await verifyPullRequest(octokit, REPO, branch, HEAD, { fromFork: true })).toBe(
      "a fork's run cannot publish for the branch main of acme/contracts"
    )
    expect(await verifyPullRequest(octokit, REPO, branch, HEAD)).toBeUndefined()
  })
  const OTHER = 'c0ffee0000000000000000000000000000000001'
  const branch: EventFacts = {
    name: 'push',
    repository: REPO,
    scope: { kind: 'branch', name: 'main' },
    headSha: HEAD
  }
  // Another repository's bundle (bundle-repositories): its claimed commit against its head now.
  it.each([
    ['its pull request’s head', facts, undefined],
    [
      'not its pull request’s head',
      { ...facts, headSha: OTHER },
      'the bundle was made at c0ffee0, but pull request #140 of acme/contracts is at 9f2c4e1 (a newer push publishes its own bundle)'
    ],
    [
      'an unknown pull request',
      { ...facts, scope: { kind: 'pr', number: 999 } },
      'pull request #999 does not exist in acme/contracts'
    ],
    ['its branch’s tip', branch, undefined],
    [
      'not its branch’s tip',
      { ...branch, headSha: OTHER },
      'the bundle was made at c0ffee0, but the branch main of acme/contracts is at 9f2c4e1 (a newer push publishes its own bundle)'
    ],
    [
      'an unknown branch',
      { ...branch, scope: { kind: 'branch', name: 'gone' } },
      'the branch gone does not exist in acme/contracts'
    ]
  ] as [string, EventFacts, string | undefined][])('verifyHead: %s', async (_, claimed, reason) => {
    expect(await verifyHead(octokit, claimed)).toBe(reason)
  })
})
