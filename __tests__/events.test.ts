/**
 * The bundle (`node dist/index.js`) on the events and inputs off the happy path (issue 13, points
 * 5, 6 and 9), in two layouts: the example's, and a package (`api/`, `test/fixtures/`, `src/`)
 * whose configuration sits at the repository root.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { prepareScenario, runAction } from '../scripts/scenarios.mjs'
import { cleanUp, FAILING, REPO, runBundle, useGitHub } from './support/emulated.js'
import {
  asMergeGroup,
  asNewBranchPush,
  plainLayout,
  PLAIN_CONFIG,
  type Prepared
} from './support/events.js'

interface Record {
  key: string
  scope: string
  context: { changeSource: string; changed: { path: string; class: string }[] }
}
interface Ran {
  code: number
  stdout: string
  outputs: { [name: string]: string }
  summary: string
  record?: Record
}

const roots: string[] = []
afterAll(() => cleanUp())

/** A report-mode run of the bundle on a layout, changed by `edit` first. */
async function run(
  layout: Layout,
  edit: (prepared: Prepared) => void = () => {},
  inputs: { [name: string]: string } = {}
): Promise<Ran> {
  const prepared = prepareScenario(layout.scenario)
  roots.push(dirname(prepared.repo))
  prepared.branch = `scenario/${layout.scenario}`
  layout.build(prepared)
  edit(prepared)
  for (const [name, value] of Object.entries(inputs))
    prepared.env[`INPUT_${name.toUpperCase()}`] = value
  return runAction(prepared)
}
afterAll(async () => {
  const { rmSync } = await import('node:fs')
  for (const root of roots) rmSync(root, { recursive: true, force: true })
})

interface Layout {
  name: string
  scenario: string
  build: (prepared: Prepared) => void
  pr: number
  /** The contract file the head changes, as the change set names it. */
  contract: string
  bucket: string
  owners: string
}
const example: Layout = {
  name: 'the example (tests/contracts/fixtures)',
  scenario: 'schema-drift-high',
  // The one example validator that finds the drift (the others pass): this suite is about events.
  build: prepared => {
    prepared.env.INPUT_VALIDATORS = FAILING['schema-drift-high']
  },
  pr: 140,
  contract: 'docs/contracts/billing-ingest-contract.md',
  bucket: 'schema-drift',
  owners: '@acme/contract-owners,qa-lead'
}
const plain: Layout = {
  name: 'a package (api/, test/fixtures/, src/; config at the root)',
  scenario: 'green',
  build: prepared => plainLayout(prepared),
  pr: 77,
  contract: 'api/openapi.yaml',
  bucket: 'schema-drift',
  owners: '@acme/api-team,qa-dev'
}
const layouts = [example, plain].map(layout => [layout.name, layout] as const)

describe('merge_group: a merge queue run belongs to the pull request it tests', () => {
  it.each(layouts)('%s', async (_, layout) => {
    let groupHead = ''
    const ran = await run(layout, prepared => {
      groupHead = asMergeGroup(prepared, layout.pr)
    })
    expect({
      result: ran.outputs.result,
      bucket: ran.outputs.bucket,
      owners: ran.outputs.owners,
      key: ran.record?.key,
      scope: ran.record?.scope
    }).toEqual({
      result: 'drift',
      bucket: layout.bucket,
      owners: layout.owners,
      key: `${REPO}:pr-${layout.pr}`,
      scope: `PR #${layout.pr}`
    })
    expect(ran.record?.context.changed.map(file => file.path)).toEqual([layout.contract])
    expect(ran.record?.context.changeSource).toContain(`...${groupHead.slice(0, 7)}`)
    expect(ran.summary).toContain(`PR #${layout.pr}`)
    expect(ran.summary).not.toContain('gh-readonly-queue')
  })
})

describe('a push that creates a branch is compared with its merge base with the default branch', () => {
  it.each(layouts)('%s', async (_, layout) => {
    const ran = await run(layout, prepared => asNewBranchPush(prepared))
    expect({
      result: ran.outputs.result,
      bucket: ran.outputs.bucket,
      key: ran.record?.key
    }).toEqual({
      result: 'drift',
      bucket: layout.bucket,
      key: `${REPO}:branch-${layout === example ? 'scenario/schema-drift-high' : 'feature/currency'}`
    })
    expect(ran.record?.context.changed.map(file => file.path)).toEqual([layout.contract])
    expect(ran.record?.context.changeSource).toMatch(/merge base with main/)
  })

  it.each(layouts)(
    '%s: a default branch that cannot be fetched is a warning, not a crash',
    async (_, layout) => {
      const ran = await run(layout, prepared => asNewBranchPush(prepared, 'trunk'))
      expect(ran.outputs.result).toBe('drift')
      expect(ran.record?.context.changed).toEqual([])
      expect(ran.record?.context.changeSource).toMatch(/merge base with trunk/)
      expect(ran.stdout).toMatch(/^::warning::Change set unavailable.*trunk/m)
    }
  )
})

describe('working-directory must lie inside the workspace', () => {
  const cases: [string, (prepared: Prepared) => string, RegExp][] = [
    ['an absolute path outside', () => '/etc', /inside the workspace/],
    ['a parent directory', () => '../', /inside the workspace/],
    [
      'a symlink escaping it',
      prepared => {
        symlinkSync(dirname(prepared.repo), join(prepared.repo, 'escape'))
        return 'escape'
      },
      /inside the workspace/
    ],
    ['a missing directory', () => 'no/such/package', /is not a directory/]
  ]
  const rows = layouts.flatMap(([name, layout]) =>
    cases.map(([what, value, message]) => [`${name}: ${what}`, layout, value, message] as const)
  )
  it.each(rows)('%s is an input error', async (_, layout, value, message) => {
    let given = ''
    const ran = await run(layout, prepared => {
      given = value(prepared)
      prepared.env['INPUT_WORKING-DIRECTORY'] = given
      prepared.env.INPUT_VALIDATORS = 'true'
    })
    expect(ran.outputs.result).toBe('error')
    expect(ran.code).toBe(1)
    const error = ran.stdout.split('\n').find(line => line.startsWith('::error::')) ?? ''
    expect(error).toContain(`Invalid working-directory '${given}'`)
    expect(error).toMatch(message)
    // The summary tells the same result as the outputs.
    expect(ran.summary).toContain('Contract drift gate: error')
    expect(ran.summary).toContain(`Invalid working-directory '${given}'`)
  })
})

describe('the config input is relative to the repository root, not working-directory', () => {
  it('the package layout reads the root configuration: its paths and owners decide', async () => {
    const ran = await run(plain)
    expect(ran.stdout).toContain('Configuration: .github/contract-drift-triage.yml\n')
    expect({
      result: ran.outputs.result,
      bucket: ran.outputs.bucket,
      owners: ran.outputs.owners
    }).toEqual({ result: 'drift', bucket: 'schema-drift', owners: '@acme/api-team,qa-dev' })
    expect(ran.record?.context.changed).toEqual([{ path: 'api/openapi.yaml', class: 'contract' }])
  })

  it('the example layout, run from a subdirectory, reads the root configuration', async () => {
    const ran = await run(example, () => {}, { 'working-directory': 'docs', validators: 'true' })
    expect(ran.outputs.result).toBe('pass')
    expect(ran.stdout).toContain('Configuration: .github/contract-drift-triage.yml\n')
  })

  it('says which file it looked for when there is none', async () => {
    const ran = await run({ ...plain, build: prepared => plainLayout(prepared, { config: false }) })
    expect(ran.stdout).toContain(
      'Configuration: playbook defaults (no .github/contract-drift-triage.yml)\n'
    )
  })

  it('an explicit config input is found from the root too', async () => {
    const ran = await run(
      { ...plain, build: prepared => plainLayout(prepared, { config: false }) },
      prepared => writeFileSync(join(prepared.repo, 'billing-triage.yml'), PLAIN_CONFIG),
      { config: 'billing-triage.yml' }
    )
    expect(ran.stdout).toContain('Configuration: billing-triage.yml\n')
    expect(ran.outputs.owners).toBe('@acme/api-team,qa-dev')
  })
})

describe('merge_group in issue mode', () => {
  const gh = useGitHub()
  const open = (): { number: number; title: string; state: string }[] =>
    gh
      .issues(REPO)
      .filter(
        (issue: { pull_request?: unknown; state: string }) =>
          !issue.pull_request && issue.state === 'open'
      )

  // Three runs of the bundle: more than the default minute on a busy machine.
  it("updates the pull request's incident and closes it when the queue run is green", async () => {
    const validators = 'python3 scripts/validate-fixture-coverage.py'
    const first = await runBundle(gh, 'schema-drift-high', { pr: 140, validators })
    expect(first.outputs.result).toBe('drift')
    expect(open()).toHaveLength(1)
    const [incident] = open()

    const queued = await runBundle(gh, 'schema-drift-high', {
      validators,
      edit: prepared => {
        prepared.branch = 'scenario/schema-drift-high'
        asMergeGroup(prepared, 140)
      }
    })
    expect(queued.outputs.result).toBe('drift')
    expect(queued.outputs['issue-number']).toBe(String(incident!.number))
    expect(open()).toHaveLength(1)
    expect(open()[0]!.title).toBe('[contract-drift] Schema drift (High) — PR #140')

    const green = await runBundle(gh, 'green', {
      validators,
      inputs: { 'close-on-green': 'true' },
      edit: prepared => {
        prepared.branch = 'scenario/green'
        asMergeGroup(prepared, 140)
      }
    })
    expect(green.outputs.result).toBe('pass')
    expect(green.outputs['issue-number']).toBe(String(incident!.number))
    expect(open()).toHaveLength(0)
    expect(
      gh.issues(REPO).filter((issue: { pull_request?: unknown }) => !issue.pull_request)
    ).toHaveLength(1)
  }, 180_000)
})
