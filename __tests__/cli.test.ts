/** The command line (bin/contract-drift-triage.js, running the bundle dist/index.js) on a local checkout of an example scenario. */
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { prepareScenario } from '../scripts/scenarios.mjs'
import { FAILING } from './support/emulated.js'

const roots: string[] = []
afterAll(() => roots.forEach(root => rmSync(root, { recursive: true, force: true })))

/**
 * The command line on a scenario's checkout, running the example validators that fail there (the
 * same findings and classification as all six, for fewer python3 starts): this suite is about the
 * command line; e2e.test.ts runs every validator on every scenario. A green scenario runs the
 * fixture-coverage one, whose OK line is the proof.
 */
function cli(scenario: string, ...args: string[]) {
  const { repo } = prepareScenario(scenario)
  roots.push(dirname(repo))
  const validators = (FAILING[scenario] ?? 'python3 scripts/validate-fixture-coverage.py').split(
    '\n'
  )
  const result = spawnSync(
    process.execPath,
    [
      'bin/contract-drift-triage.js',
      '-C',
      repo,
      ...validators.flatMap((v: string) => ['--validator', v]),
      ...args
    ],
    {
      encoding: 'utf8'
    }
  )
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('contract-drift-triage (command line)', () => {
  it('prints the incident record as detected locally and exits 1 on drift', () => {
    const ran = cli('runtime-regression', '--base', 'main')
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain('Detected by (CI/local): local')
    expect(ran.stdout).toContain(
      'Bucket (schema drift | fixture stale | runtime regression): Runtime regression'
    )
    expect(ran.stdout).toContain('Owner: Implementation owner: @impl-owner')
  })

  it('exits 0 on a green checkout and prints the proof', () => {
    const ran = cli('green', '--base', 'main')
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(/Validation proof: \[fixture-coverage\] OK:/)
  })

  it('prints the whole record as JSON with --json', () => {
    const ran = cli('schema-drift-high', '--base', 'main', '--json', '--fail-on', 'never')
    expect(ran.code).toBe(0)
    const record = JSON.parse(ran.stdout)
    expect(record.classification.bucket).toBe('schema-drift')
    expect(record.detectedBy).toBe('local')
  })

  it('exits 2 naming a directory that does not exist', () => {
    const result = spawnSync(
      process.execPath,
      ['bin/contract-drift-triage.js', '-C', '/no/such/dir'],
      {
        encoding: 'utf8'
      }
    )
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("Invalid --cwd '/no/such/dir': no such directory.")
  })

  it('exits 2 with a clear message on bad usage', () => {
    const ran = cli('green', '--fail-on', 'sometimes')
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain(
      "Invalid --fail-on 'sometimes'. Expected one of: drift, error, never."
    )
  })
})
