import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { INPUT_NAMES } from '../src/inputs.js'

const text = readFileSync(new URL('../action.yml', import.meta.url), 'utf8')
const action = parse(text) as {
  runs: Record<string, unknown>
  inputs: Record<string, { description?: string }>
  outputs: Record<string, { description?: string }>
  branding?: unknown
}
// SPEC §3's public interface: these names are a contract with users' workflows.
const SPEC_INPUTS = [
  'validators',
  'reports',
  'config',
  'github-token',
  'mode',
  'bundles',
  'bundle-repositories',
  'fail-on',
  'base-ref',
  'working-directory',
  'incident-repository',
  'incident-key',
  'job-key',
  'issue-author',
  'validator-timeout',
  'close-on-green',
  'require-close-notes',
  'allow-untrusted-code',
  'digest-window',
  'digest-issue'
]

describe('action.yml', () => {
  it('runs the bundle on node24 and never a shell step, so no ${{ }} reaches a shell', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(text).not.toMatch(/^\s*(run|shell|steps):/m)
    expect(action.branding).toBeDefined()
  })

  it('declares every SPEC input, each described, and the code reads each one', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...SPEC_INPUTS].sort())
    expect([...INPUT_NAMES].sort()).toEqual(Object.keys(action.inputs).sort())
    for (const input of Object.values(action.inputs))
      expect(input.description?.length).toBeGreaterThan(10)
  })

  it('declares every SPEC step output', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(
      [
        'bucket',
        'bundle-path',
        'confidence',
        'findings',
        'incident-id',
        'issue-number',
        'issue-url',
        'owners',
        'record-path',
        'result',
        'severity',
        'ready',
        'open-incidents',
        'blocking-incidents',
        'digest-url'
      ].sort()
    )
    for (const output of Object.values(action.outputs))
      expect(output.description?.length).toBeGreaterThan(5)
  })
})
