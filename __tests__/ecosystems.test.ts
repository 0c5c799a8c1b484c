/**
 * The contract tools teams run, for real: each scenario of examples/ecosystems/ checks out its
 * tool's example repository (base, then the scenario's change), runs the tool from the
 * devDependencies (buf, Spectral, GraphQL Inspector, ajv) through the bundled action
 * (dist/index.js) and asserts issue 15's must-holds. Each scenario runs once, a few at a time;
 * the tests read the results.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { readFileSync, rmSync } from 'node:fs'
import { delimiter, dirname } from 'node:path'
import {
  loadScenario,
  prepareScenario,
  runAction,
  scenarioNames,
  scenarioRepository
  // @ts-expect-error -- plain JavaScript shared with `npm run demo`
} from '../scripts/scenarios.mjs'
import { gitAt } from './support/emulated.js'

interface Expect {
  result: string
  bucket: string
  severity: string
  confidence: string
  primaryRole: string
  owners: string[]
  annotations: string[]
}
interface Ran {
  code: number
  outputs: Record<string, string>
  annotations: string[]
  record?: { routing?: { primaryRole: string }; runs: { command: string; outcome: string }[] }
}
interface Prepared {
  repo: string
  env: Record<string, string>
  base: string
  head: string
}
interface Done {
  prepared: Prepared
  ran: Ran
}

const names: string[] = scenarioNames('ecosystems')
const workRoots: string[] = []
afterAll(() => {
  for (const root of workRoots) rmSync(root, { recursive: true, force: true })
})

// The tools are node (and buf) processes that mostly wait on each other's start-up: three at a
// time keep two cores busy without starving the other bundle suites.
const queue: (() => void)[] = []
let running = 0
function limited<T>(job: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const start = (): void => {
      running++
      job()
        .then(resolve, reject)
        .finally(() => {
          running--
          queue.shift()?.()
        })
    }
    if (running < 3) start()
    else queue.push(start)
  })
}
function run(name: string, edit?: (prepared: Prepared) => void): Promise<Done> {
  return limited(async () => {
    const prepared: Prepared = prepareScenario(name)
    workRoots.push(dirname(prepared.repo))
    edit?.(prepared)
    return { prepared, ran: (await runAction(prepared)) as Ran }
  })
}
const runs = new Map(names.map(name => [name, run(name)]))

const where = (line: string): string => {
  const at = /file=([^,:]+)(?:,line=(\d+))?/.exec(line)
  return at ? `${at[1]}${at[2] ? `:${at[2]}` : ''}` : ''
}
/** The lines of `file` that the scenario's head commit added or changed. */
function changedLines({ repo, base, head }: Prepared, file: string): number[] {
  const diff = gitAt(repo, 'diff', '-U0', base, head, '--', file)
  return [...diff.matchAll(/^@@ -\S+ \+(\d+)(?:,(\d+))? @@/gm)].flatMap(([, start, count]) =>
    Array.from({ length: Number(count ?? 1) }, (_, i) => Number(start) + i)
  )
}
// The Pact verifier downloads its binaries from GitHub, which this machine cannot reach.
const title = (name: string): string =>
  name.startsWith('pact')
    ? `${name} (Pact verifier not installable here: scripts/replay_pact.py replays the pact and prints the verifier's console output)`
    : name

describe('dist/index.js on the contract tools of examples/ecosystems/', () => {
  it('has scenarios for two buckets or more in each tool', () => {
    const buckets = new Map<string, Set<string>>()
    for (const name of names) {
      const tool = scenarioRepository(name)
      buckets.set(tool, (buckets.get(tool) ?? new Set()).add(loadScenario(name).expect.bucket))
    }
    expect([...buckets.keys()].sort()).toEqual(
      ['buf', 'graphql', 'jsonschema', 'pact', 'spectral'].map(tool => `ecosystems/${tool}`)
    )
    for (const set of buckets.values()) expect(set.size).toBeGreaterThanOrEqual(2)
  })

  it.each(names.map(name => [title(name), name]))(
    '%s: the bucket, confidence, owners and annotations the playbook demands',
    async (_title, name) => {
      const expected: Expect = loadScenario(name).expect
      const { ran } = await runs.get(name)!
      expect({
        result: ran.outputs.result,
        bucket: ran.outputs.bucket,
        severity: ran.outputs.severity,
        confidence: ran.outputs.confidence,
        owners: ran.outputs.owners?.split(',') ?? [],
        primaryRole: ran.record?.routing?.primaryRole
      }).toEqual({
        result: expected.result,
        bucket: expected.bucket,
        severity: expected.severity,
        confidence: expected.confidence,
        owners: expected.owners,
        primaryRole: expected.primaryRole
      })
      expect(ran.annotations.map(where)).toEqual(expect.arrayContaining(expected.annotations))
      expect(ran.code).toBe(1)
    }
  )

  // Issue 15's must-hold: the breaking change annotated on the contract's changed line.
  it.each(['buf-schema-drift', 'spectral-schema-drift', 'graphql-schema-drift'])(
    '%s: a breaking change with the fixtures untouched is schema drift, high, on a line the change touched',
    async name => {
      const { prepared, ran } = await runs.get(name)!
      expect([ran.outputs.bucket, ran.outputs.confidence]).toEqual(['schema-drift', 'high'])
      const changed = gitAt(prepared.repo, 'diff', '--name-only', prepared.base, prepared.head)
      expect(changed.split('\n').some(file => /fixtures/.test(file))).toBe(false)
      const onContract = ran.annotations
        .map(where)
        .filter(at => changed.split('\n').includes(at.split(':')[0]!))
      expect(onContract.length).toBeGreaterThan(0)
      for (const at of onContract) {
        const [file, line] = at.split(':')
        expect(changedLines(prepared, file!)).toContain(Number(line))
      }
    }
  )

  it('pact: a provider that breaks an unchanged pact is a runtime regression for the implementation owner, on a pull request and on a nightly run with no change set', async () => {
    for (const name of ['pact-runtime-regression', 'pact-runtime-regression-nightly']) {
      const { ran } = await runs.get(name)!
      expect([name, ran.outputs.bucket, ran.record?.routing?.primaryRole]).toEqual([
        name,
        'runtime-regression',
        'implementation'
      ])
    }
  })
})

// What a workflow gets when it names a tool it did not install (no `npm ci`, a typo): the gate
// could not see, so `error` with the command named, never drift. One run holds every tool's
// command, each its own validator.
const MISSING = [
  "buf breaking --against '.git#branch=main'",
  'spectral lint api/openapi.yaml -f json',
  "graphql-inspector diff 'git:main:schema/schema.graphql' schema/schema.graphql",
  "ajv validate -s schemas/pet.schema.json -d 'fixtures/pets/*.json' --errors=json",
  'pact_verifier_cli --file pacts/pet-web-pet-api.json --hostname localhost --port 8080'
]
const missing = run('buf-schema-drift', prepared => {
  prepared.env.PATH = prepared.env
    .PATH!.split(delimiter)
    .filter(dir => !dir.endsWith('node_modules/.bin'))
    .join(delimiter)
  prepared.env.INPUT_VALIDATORS = MISSING.join('\n')
})

describe('dist/index.js when the contract tool is not installed', () => {
  it('is a validator error routed to QA, with no findings and no bucket', async () => {
    const { ran } = await missing
    expect(ran.outputs.result).toBe('error')
    expect(ran.outputs.bucket).toBe('')
    expect(ran.outputs.findings).toBe('0')
    expect(ran.record?.routing?.primaryRole).toBe('qa')
  })

  it.each(MISSING)('`%s` is missing, not drift', async command => {
    const { ran } = await missing
    expect(ran.record?.runs.find(r => r.command === command)?.outcome).toBe('missing')
  })
})

it('the examples README names every scenario', () => {
  const readme = readFileSync('examples/ecosystems/README.md', 'utf8')
  for (const name of names) expect(readme).toContain(`\`${name}\``)
})
