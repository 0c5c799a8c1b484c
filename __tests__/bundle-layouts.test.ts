/**
 * Issue 13 off the happy path, through the bundle (dist/index.js, and the command line that runs
 * it), in two repository layouts: a `release` typo is a configuration error, QA is routed by the
 * gate's scripts and never by the change, the command line never loses what it prints, and the
 * README's problem-matcher example does what the README says.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { runAction } from '../scripts/scenarios.mjs'
import type { Finding } from '../src/types.js'
import { cleanUpLayouts, LAYOUTS, type Layout, type Prepared } from './support/layouts.js'

const ROOT = resolve(import.meta.dirname, '..')
const CONFIG = '.github/contract-drift-triage.yml'

interface Ran {
  code: number
  stdout: string
  outputs: Record<string, string>
  summary: string
  record?: {
    severity?: string
    routing?: { owners: Record<string, string[]>; warnings?: string[] }
  }
}
const run = (prepared: Prepared): Promise<Ran> => runAction(prepared)

afterAll(cleanUpLayouts)

/** The layout's config with its `release` section replaced (or added). */
const withRelease =
  (release: string) =>
  (config: string): string =>
    `${config.replace(/^release:\n(?:[ #].*\n)*/m, '')}${release}`

describe('a release typo is a configuration error, never a silent Medium (issue 13, point 7)', () => {
  // Each layout's contract is release-blocking in phase P06 (spelled as the row says).
  const blocking = (layout: Layout, phases: string): string =>
    `  blocking:\n    - { phases: [${phases}], paths: ["${layout.contract}"] }\n`

  it.each(LAYOUTS.flatMap(layout => [[layout.name, layout] as const]))(
    '%s: the active phase matches its blocking entry whatever its case',
    async (_name, layout) => {
      for (const [phase, phases] of [
        ['p06', 'P06, P07'],
        ['P06', 'p06']
      ] as const) {
        const ran = await run(
          layout.prepare({
            base: {
              [CONFIG]: withRelease(
                `release:\n  active-phase: ${phase}\n${blocking(layout, phases)}`
              )
            }
          })
        )
        expect([phase, phases, ran.outputs.result, ran.outputs.severity]).toEqual([
          phase,
          phases,
          'drift',
          'high'
        ])
      }
    }
  )

  it.each(
    LAYOUTS.flatMap(
      layout =>
        [
          [
            layout.name,
            'an active phase no entry names',
            layout,
            `release:\n  active-phase: P08\n${blocking(layout, 'P06, P07')}`,
            "release.active-phase: 'P08' is named by no release.blocking entry (phases: P06, P07)"
          ],
          [
            layout.name,
            'blocking without an active phase',
            layout,
            `release:\n${blocking(layout, 'P06, P07')}`,
            'release.active-phase: required when release.blocking is set: name the phase in force, one of P06, P07'
          ]
        ] as const
    )
  )('%s: %s fails the step naming the key', async (_name, _case, layout, release, message) => {
    const ran = await run(layout.prepare({ base: { [CONFIG]: withRelease(release) } }))
    expect(ran.outputs.result).toBe('error')
    expect(ran.outputs.severity).toBeUndefined()
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain('::error::')
    expect(ran.stdout).toContain(message)
  })
})

describe('QA from CODEOWNERS: the gate’s scripts, else the catch-all rule, never the change (issue 13, point 8)', () => {
  // Both layouts route QA through CODEOWNERS; the example's scripts/ get their own owner.
  const qaFromCodeowners: Record<string, Record<string, (old: string) => string>> = {
    [LAYOUTS[0]!.name]: {
      [CONFIG]: config => config.replace('qa: ["qa-lead"]', 'qa: codeowners'),
      '.github/CODEOWNERS': owners => owners.replace(/^scripts\/ .*$/m, 'scripts/ @gate-keeper')
    },
    [LAYOUTS[1]!.name]: {}
  }
  const catchAllRemoved = (layout: Layout): Record<string, (old: string) => string> => ({
    ...qaFromCodeowners[layout.name],
    [layout === LAYOUTS[0] ? '.github/CODEOWNERS' : 'CODEOWNERS']: owners =>
      (layout === LAYOUTS[0]
        ? owners.replace(/^scripts\/ .*$/m, 'scripts/ @gate-keeper')
        : owners
      ).replace(/^\* .*\n/m, '')
  })
  const EXPECTED: Record<string, { script: string[]; catchAll: string[]; contract: string[] }> = {
    [LAYOUTS[0]!.name]: {
      script: ['gate-keeper'],
      catchAll: ['qa-lead'],
      contract: ['@acme/contract-owners']
    },
    [LAYOUTS[1]!.name]: {
      script: ['@acme/tooling'],
      catchAll: ['@acme/qa'],
      contract: ['@acme/api-team']
    }
  }

  it.each(
    LAYOUTS.flatMap(layout => {
      const want = EXPECTED[layout.name]!
      const base = qaFromCodeowners[layout.name]!
      return [
        [layout.name, 'the validators’ scripts', layout, { base }, want.script],
        [
          layout.name,
          'an inline command: the catch-all rule',
          layout,
          { base, validators: layout.inline },
          want.catchAll
        ],
        [
          layout.name,
          'a script git does not know: the catch-all rule',
          layout,
          {
            base,
            validators: 'bash scripts/local-check.sh',
            untracked: {
              'scripts/local-check.sh': `echo "[contract-check] ERROR: ${layout.contract} changed"; exit 1\n`
            }
          },
          want.catchAll
        ]
      ] as const
    })
  )('%s: %s', async (_name, _case, layout, options, qa) => {
    const ran = await run(layout.prepare(options))
    expect(ran.outputs.bucket).toBe('schema-drift')
    expect(ran.record?.routing?.owners).toEqual({
      contract: EXPECTED[layout.name]!.contract,
      qa
    })
    expect(ran.outputs.owners).toBe([...EXPECTED[layout.name]!.contract, ...qa].join(','))
    expect(ran.stdout).not.toMatch(/QA owner unassigned/)
  })

  it.each(LAYOUTS.map(layout => [layout.name, layout] as const))(
    '%s: a pull request that rewrites CODEOWNERS cannot route its own incident (read at its base)',
    async (_name, layout) => {
      const file = layout === LAYOUTS[0] ? '.github/CODEOWNERS' : 'CODEOWNERS'
      const ran = await run(
        layout.prepare({
          base: qaFromCodeowners[layout.name]!,
          head: { [file]: '* @org/attacker\n' }
        })
      )
      expect(ran.record?.routing?.owners).toEqual({
        contract: EXPECTED[layout.name]!.contract,
        qa: EXPECTED[layout.name]!.script
      })
      expect(ran.outputs.owners).not.toContain('attacker')
    }
  )

  it.each(LAYOUTS.map(layout => [layout.name, layout] as const))(
    '%s: no script and no catch-all rule: unassigned, with a warning in the log and the summary',
    async (_name, layout) => {
      const ran = await run(
        layout.prepare({ base: catchAllRemoved(layout), validators: layout.inline })
      )
      expect(ran.record?.routing?.owners.qa).toEqual([])
      expect(ran.outputs.owners).toBe(EXPECTED[layout.name]!.contract.join(','))
      expect(ran.stdout).toMatch(/^::warning::QA owner unassigned: owners\.qa is codeowners/m)
      expect(ran.summary).toContain('QA owner unassigned')
    }
  )

  it.each(LAYOUTS.map(layout => [layout.name, layout] as const))(
    '%s: publish trusts no script a bundle names: the catch-all rule',
    async (_name, layout) => {
      const base = qaFromCodeowners[layout.name]!
      const collected = await run(layout.prepare({ base, inputs: { mode: 'collect' } }))
      const bundle = collected.outputs['bundle-path']
      expect(bundle).toBeTruthy()
      const ran = await run(
        layout.prepare({ base, validators: '', inputs: { mode: 'publish', bundles: bundle! } })
      )
      expect(ran.outputs.bucket).toBe('schema-drift')
      expect(ran.record?.routing?.owners.qa).toEqual(EXPECTED[layout.name]!.catchAll)
    }
  )
})

describe('the command line never loses what it prints (issue 13, point 10)', () => {
  // About 1.3 MB of JSON (and 1 MB of text): 1,000 findings kept of 3,000 long ones.
  const BIG = `python3 -c "
for i in range(3000): print('[big] ERROR: ' + 'x' * 1000 + ' ' + str(i))
raise SystemExit(1)"`
  const cliArgs = (repo: string, ...args: string[]): string[] => [
    join(ROOT, 'bin/contract-drift-triage.js'),
    '-C',
    repo,
    '--base',
    'main',
    '--validator',
    BIG,
    ...args
  ]

  /** The command line with its stdout read by a reader that starts late and reads slowly. */
  function slowlyRead(
    args: string[]
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      const chunks: Buffer[] = []
      let stderr = ''
      child.stdout.pause()
      child.stdout.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        child.stdout.pause()
        setTimeout(() => child.stdout.resume(), 2)
      })
      child.stderr.on('data', chunk => (stderr += chunk))
      setTimeout(() => child.stdout.resume(), 1500)
      child.on('error', fail)
      child.on('close', code =>
        done({ code, stdout: Buffer.concat(chunks).toString('utf8'), stderr })
      )
    })
  }

  // Each reader waits 1.5 s before it starts reading: the four runs wait at once.
  it.concurrent.each(
    LAYOUTS.flatMap(layout => [
      [layout.name, '--json', layout, true] as const,
      [layout.name, 'the plain record', layout, false] as const
    ])
  )('%s: %s through a pipe to a slow reader arrives whole', async (_name, _case, layout, json) => {
    const { repo } = layout.prepare()
    const ran = await slowlyRead(cliArgs(repo, ...(json ? ['--json'] : [])))
    expect(ran.code).toBe(1)
    expect(ran.stdout.length).toBeGreaterThan(1_000_000)
    expect(ran.stdout.endsWith('\n')).toBe(true)
    if (json) {
      const record = JSON.parse(ran.stdout)
      expect(record.runs[0].findings).toHaveLength(1000)
      expect(record.runs[0].findingCount).toBe(3000)
    } else {
      expect(ran.stdout.trimEnd()).toMatch(/x 999$/)
    }
  })

  it.each(LAYOUTS.map(layout => [layout.name, layout] as const))(
    '%s: `| head -c 100000 > file` gets its 100,000 bytes, and the command stops quietly',
    (_name, layout) => {
      const { repo } = layout.prepare()
      const out = join(repo, '..', 'head.json')
      const shell = spawnSync(
        'bash',
        [
          '-c',
          `"$0" "$@" 2>"${out}.err" | head -c 100000 > "${out}"; echo "\${PIPESTATUS[0]}"`,
          process.execPath,
          ...cliArgs(repo, '--json')
        ],
        { encoding: 'utf8' }
      )
      expect(readFileSync(out).length).toBe(100_000)
      expect(readFileSync(out, 'utf8')).toMatch(/^\{\n {2}"incidentId": "DRIFT-/)
      expect(readFileSync(`${out}.err`, 'utf8')).not.toMatch(/EPIPE|Error:|at /)
      expect(shell.stdout.trim()).toBe('1')
    }
  )
})

describe('the README’s problem-matcher example, through the command line (issue 13, point 12)', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const config = [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)]
    .map(match => match[1] as string)
    .find(code => code.startsWith('paths:'))
  const [printed = '', said = ''] = (
    readme.split('\n').find(line => line.includes('problem matcher above')) ?? ''
  )
    .split('←')
    .map(part => part.trim())
  const claim =
    /the (\S+) problem matcher above: file `([^`]+)`, line (\d+), message `([^`]+)`/.exec(said)

  it.each(LAYOUTS.map(layout => [layout.name, layout] as const))(
    '%s: the example line gives the file, line and message the README says',
    (_name, layout) => {
      expect(config).toBeDefined()
      expect(claim).not.toBeNull()
      const [, owner, file, line, message] = claim ?? []
      const { repo } = layout.prepare({ base: { [CONFIG]: config ?? '' } })
      const ran = spawnSync(
        process.execPath,
        [
          join(ROOT, 'bin/contract-drift-triage.js'),
          '-C',
          repo,
          '--base',
          'main',
          '--json',
          '--fail-on',
          'never',
          '--validator',
          `printf '%s\\n' '${printed}'; exit 1`
        ],
        { encoding: 'utf8' }
      )
      expect(ran.status).toBe(0)
      const findings = (JSON.parse(ran.stdout) as { runs: { findings: Finding[] }[] }).runs[0]
        ?.findings
      expect(findings?.map(f => [f.tag, f.targets, f.line, f.message])).toEqual([
        [owner, [file], Number(line), message]
      ])
    }
  )
})
