/**
 * `npx @github/local-action run . src/main.ts .env.example`, as the README documents it: the
 * TypeScript sources run with @actions/core stubbed, offline, on the example repository.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { prepareScenario } from '../scripts/scenarios.mjs'
import { FAILING } from './support/emulated.js'

const ROOT = resolve(import.meta.dirname, '..')
const roots: string[] = []

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true })
})

interface LocalRun {
  code: number | null
  stdout: string
  outputs: Record<string, string>
}

/** Runs local-action from the action's root with an env file; no network (npm offline, API on a closed port). */
function localAction(envFile: string): Promise<LocalRun> {
  // The runner's and jest's own variables must not leak in: the env file is the whole context.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(INPUT_|GITHUB_|RUNNER_|ACTIONS_|NODE_OPTIONS$|JEST_)/.test(name)
    )
  )
  return new Promise((done, fail) => {
    const child = spawn(
      join(ROOT, 'node_modules', '.bin', 'local-action'),
      ['run', '.', 'src/main.ts', envFile],
      {
        cwd: ROOT,
        env: { ...env, npm_config_offline: 'true', FORCE_COLOR: '0', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let stdout = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stdout += chunk))
    child.on('error', fail)
    child.on('close', code => {
      const outputs: Record<string, string> = {}
      for (const match of stdout.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm))
        outputs[match[1] as string] = match[2] as string
      done({ code, stdout, outputs })
    })
  })
}

/** .env.example with some variables replaced (dotenv: one `NAME=value` per line). */
function envFileFrom(overrides: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cdt-local-action-'))
  roots.push(dir)
  let text = readFileSync(join(ROOT, '.env.example'), 'utf8')
  for (const [name, value] of Object.entries(overrides)) {
    const line = `${name}=${JSON.stringify(value)}`
    const pattern = new RegExp(`^${name.replace(/[-]/g, '\\-')}=.*$`, 'm')
    text = pattern.test(text) ? text.replace(pattern, () => line) : `${text}\n${line}\n`
  }
  const file = join(dir, '.env')
  writeFileSync(file, text)
  return file
}

describe('@github/local-action', () => {
  it('runs .env.example as the README says: report mode on examples/repo, green', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'cdt-local-action-temp-'))
    roots.push(runnerTemp)
    const ran = await localAction(envFileFrom({ RUNNER_TEMP: runnerTemp }))
    expect(ran.stdout).toContain('Action Outputs')
    expect(ran.outputs).toMatchObject({
      result: 'pass',
      bucket: '',
      severity: '',
      findings: '0',
      'issue-number': ''
    })
    expect(ran.stdout).toContain('[fixture-coverage] OK:')
    expect(ran.code).toBe(0)
  })

  it('triages a scenario: a runtime regression in a pull request, routed to its owners', async () => {
    const prepared = prepareScenario('runtime-regression')
    roots.push(dirname(prepared.repo))
    const ran = await localAction(
      envFileFrom({
        GITHUB_WORKSPACE: prepared.repo,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: prepared.env.GITHUB_EVENT_PATH,
        GITHUB_SHA: prepared.head,
        GITHUB_API_URL: 'http://127.0.0.1:9',
        RUNNER_TEMP: prepared.runner,
        // The validators that fail in the scenario: the same findings as all six, fewer python3 starts.
        INPUT_VALIDATORS: FAILING['runtime-regression']!
      })
    )
    expect(ran.outputs).toMatchObject({
      result: 'drift',
      bucket: 'runtime-regression',
      confidence: 'high',
      severity: 'high',
      owners: 'impl-owner,@acme/contract-owners'
    })
    expect(ran.outputs['incident-id']).toMatch(/^DRIFT-\d{8}-[0-9a-f]{6}$/)
    const record = JSON.parse(readFileSync(ran.outputs['record-path'] as string, 'utf8'))
    expect(record.classification.bucket).toBe('runtime-regression')
  })
})
