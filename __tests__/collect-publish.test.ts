/**
 * mode: collect and mode: publish end to end: matrix legs write finding bundles, a later job (or
 * a workflow_run for a fork) publishes one incident per scope, against the GitHub emulator.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REPO, runBundle, useGitHub, type RunOptions } from './support/emulated.js'
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
  }, 60_000)
})

describe('a fork pull request: collect without secrets, publish from workflow_run', () => {
  async function collectFromFork(): Promise<string> {
    const leg = await run('schema-drift-high', { mode: 'collect', 'github-token': '' })
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
