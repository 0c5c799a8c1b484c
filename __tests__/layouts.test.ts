/**
 * Issue 13, points 1 and 11, through the bundle in two repository layouts: the example's
 * (`tests/contracts/fixtures/<pack>/<version>/notes.md`) and a plain one (`api/openapi.yaml`,
 * `test/fixtures/` with one `notes.md`, `src/`, a config that sets only `paths` and `owners`).
 * Fixture packs, rule 3, the remediation check and annotations follow `paths`, and the summary,
 * the record file and the outputs of a run always tell the same result.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { cpSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO, useGitHub } from './support/emulated.js'
import { apply, checkout, cleanUpLayouts } from './support/layouts.js'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { EXAMPLES, runAction } from '../scripts/scenarios.mjs'

/* eslint-disable @typescript-eslint/no-explicit-any -- the emulator and harness are plain JavaScript */
const gh = useGitHub()

interface Layout {
  name: string
  /** Writes the base revision into `repo`. */
  base: (repo: string) => void
  contract: string
  implementation: string
  /** A fixture file of the pack the incident is about, and that pack's notes.md. */
  fixture: string
  notes: string
  /** Another fixture of the same pack, in another file (or folder). */
  sibling: string
  /** The validator's complaint about `fixture`. */
  complaint: string
  /** A complaint naming `notes` as missing. */
  notesMissing: string
}

const PLAIN_CONFIG = `# Only paths and owners: everything else is the playbook's default.
paths:
  contract: [api/**]
  fixture: [test/fixtures/**]
  implementation: [src/**]
  mcp: [test/fixtures/mcp/**]
owners:
  contract: ["@acme/api-team"]
  fixture-module: [fixture-owner]
  fixture-mcp: [mcp-owner]
  implementation: [impl-owner]
  qa: [qa-lead]
`

const write = apply

const PACK = 'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0'
const layouts: Layout[] = [
  {
    name: 'the example layout',
    base: repo => cpSync(join(EXAMPLES, 'repo'), repo, { recursive: true }),
    contract: 'docs/contracts/billing-ingest-contract.md',
    implementation: 'services/mcp/src/billing_ingest.py',
    fixture: `${PACK}/response.expected.json`,
    notes: `${PACK}/notes.md`,
    sibling: `${PACK}/request.valid.json`,
    complaint: `MCP pack 'billing.aws.ingest' version '1.0' response.expected.json lacks contract field 'currency'`,
    notesMissing: `MCP pack 'billing.aws.ingest' version '1.0' missing required file: notes.md`
  },
  {
    name: 'a plain repository',
    base: repo =>
      write(repo, {
        '.github/contract-drift-triage.yml': PLAIN_CONFIG,
        'README.md': '# Invoices\n',
        'api/openapi.yaml': 'openapi: 3.1.0\ninfo: { title: invoices, version: 1.0.0 }\n',
        'src/invoice.ts': 'export const total = (n: number): number => n\n',
        'test/fixtures/notes.md': '# Fixtures\n\nOne pack for every example invoice.\n',
        'test/fixtures/invoice/paid.json': '{"total": 10}\n',
        'test/fixtures/refunds/full.json': '{"total": -10}\n'
      }),
    contract: 'api/openapi.yaml',
    implementation: 'src/invoice.ts',
    fixture: 'test/fixtures/invoice/paid.json',
    notes: 'test/fixtures/notes.md',
    sibling: 'test/fixtures/refunds/full.json',
    complaint: `test/fixtures/invoice/paid.json lacks contract field 'currency'`,
    notesMissing: 'test/fixtures/notes.md is missing: every fixture pack keeps one'
  }
]

interface Change {
  pr: number
  body?: string
  files?: Record<string, string>
  deleted?: string[]
  validators: string
  inputs?: Record<string, string>
}

interface Ran {
  code: number
  outputs: Record<string, string>
  summary: string
  annotations: string[]
  record: any
}

afterAll(cleanUpLayouts)

/** A checkout of the layout at base with the pull request's change as head, run as the runner runs the bundle. */
function run(layout: Layout, change: Change): Promise<Ran> {
  const deleted = Object.fromEntries((change.deleted ?? []).map(path => [path, null]))
  const prepared = checkout({
    name: 'layouts',
    fill: layout.base,
    head: { ...change.files, ...deleted },
    pr: {
      number: change.pr,
      branch: `fix/${change.pr}`,
      title: `Change ${change.pr}`,
      body: change.body
    },
    repository: REPO,
    validators: change.validators,
    inputs: { mode: 'issue', 'github-token': gh.token, ...change.inputs },
    env: { GITHUB_API_URL: gh.url, CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001' }
  })
  return runAction(prepared)
}

/** A validator that reports `error` until the pull request adds `.fixed`. */
const validatorFor = (error: string): string =>
  `if test -f .fixed; then echo "[check] OK: fixed"; else echo "[check] ERROR: ${error}"; exit 1; fi`

/** The summary, the record file and the outputs tell one result, about one incident. */
function expectAgreement(ran: Ran): void {
  expect(ran.record.result).toBe(ran.outputs.result)
  expect(ran.record.incidentId).toBe(ran.outputs['incident-id'])
  const markdown = readFileSync(ran.outputs['record-path']!.replace(/\.json$/, '.md'), 'utf8')
  if (ran.outputs['incident-id']) {
    expect(markdown).toContain(`**Incident ID:** ${ran.outputs['incident-id']}`)
  }
  const headline = /^## (.*)$/m.exec(ran.summary)?.[1] ?? ''
  if (ran.outputs.result === 'pass') expect(headline).toMatch(/^✅ Contract drift gate green/)
  else if (ran.outputs.result === 'incomplete') {
    expect(headline).toMatch(/remediation incomplete/)
    expect(ran.summary).not.toContain('gate green')
  } else expect(headline).toMatch(/^🔴/)
}

describe.each(layouts)('$name', layout => {
  it.each([
    ['this repository', REPO, {}, '#301'],
    [
      'an incident repository (its incident carries a source: label)',
      'acme/incidents',
      { 'incident-repository': 'acme/incidents' },
      `${REPO}#301`
    ]
  ])(
    'a remediation pull request, incidents in %s: incomplete names the missing notes.md of the right pack; complete is recorded; summary, record and outputs agree',
    async (_, incidents, inputs, reference) => {
      if (incidents !== REPO) gh.addRepo(incidents, { collaborators: ['impl-owner', 'qa-lead'] })
      const validators = validatorFor(layout.complaint)
      const red = await run(layout, {
        pr: 300,
        files: { [layout.contract]: 'changed: currency is required\n' },
        validators,
        inputs
      })
      expect(red.outputs.bucket).toBe('schema-drift')
      expectAgreement(red)
      const id = red.outputs['incident-id']!
      const number = red.outputs['issue-number']!
      expect(id).toMatch(/^DRIFT-/)

      const partial = await run(layout, {
        pr: 301,
        body: `Refs ${id}`,
        files: {
          [layout.contract]: 'changed: currency is required\n',
          [layout.fixture]: '{"currency": "EUR"}\n',
          '.fixed': ''
        },
        validators,
        inputs
      })
      expect(partial.outputs.result).toBe('incomplete')
      expect(partial.code).toBe(1)
      expect(
        partial.annotations.filter(line => line.includes(`not updated: ${layout.notes}`))
      ).toHaveLength(1)
      expect(partial.summary).toContain(`Remediation check: ${id} (#${number}) — incomplete`)
      expect(partial.outputs['incident-id']).toBe(id)
      expect(partial.outputs['issue-number']).toBe(number)
      expectAgreement(partial)

      const fixed = await run(layout, {
        pr: 301,
        body: `Refs ${id}`,
        files: {
          [layout.contract]: 'changed: currency is required\n',
          [layout.fixture]: '{"currency": "EUR"}\n',
          [layout.notes]: 'currency is required now.\n',
          '.fixed': ''
        },
        validators,
        inputs
      })
      expect(fixed.outputs.result).toBe('pass')
      expect(fixed.code).toBe(0)
      expect(fixed.summary).toContain(`Remediation check: ${id} (#${number}) — complete`)
      expect(fixed.outputs['incident-id']).toBe(id)
      expect(fixed.outputs['issue-number']).toBe(number)
      expectAgreement(fixed)
      const issue = gh.issues(incidents).find((i: any) => String(i.number) === number)
      expect(issue.body).toContain(`**Resolution PR:** ${reference}`)
      if (incidents !== REPO)
        expect(issue.labels.map((label: any) => label.name)).toContain(`source:${REPO}`)
      expect(issue.body).toContain('- [x] 3. Submit remediation PR')
    }
  )

  it('rule 3: a finding elsewhere in the pack of the changed fixture is the fixture edit itself', async () => {
    const ran = await run(layout, {
      pr: 310,
      files: { [layout.fixture]: '{"total": "ten"}\n' },
      validators: validatorFor(`${layout.sibling} disagrees with its pack`),
      inputs: { mode: 'report' }
    })
    expect(ran.outputs.bucket).toBe('fixture-stale')
    expect(ran.outputs.confidence).toBe('high')
    expect(ran.record.classification.rule).toBe(3)
    expectAgreement(ran)
  })

  it('a deleted notes.md is annotated on its own path', async () => {
    const ran = await run(layout, {
      pr: 320,
      deleted: [layout.notes],
      validators: validatorFor(layout.notesMissing),
      inputs: { mode: 'report' }
    })
    expect(existsSync(ran.outputs['record-path']!)).toBe(true)
    const findings = ran.annotations.filter(line => line.includes('missing'))
    expect(findings).toHaveLength(1)
    expect(/[,:]file=([^,:]+)/.exec(findings[0]!)?.[1]).toBe(layout.notes)
    expectAgreement(ran)
  })

  it('a green pull request names no incident anywhere', async () => {
    const ran = await run(layout, {
      pr: 330,
      files: { 'README.md': 'More words.\n' },
      validators: 'echo "[check] OK: all good"'
    })
    expect(ran.outputs.result).toBe('pass')
    expect(ran.outputs['incident-id']).toBe('')
    expectAgreement(ran)
  })
})
