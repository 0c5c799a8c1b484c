import { describe, expect, it } from '@jest/globals'
import { pathMatches } from '../src/paths.js'

describe('pathMatches', () => {
  it('matches a fixture pack directory against a glob of what lies inside it', () => {
    expect(pathMatches('tests/contracts/fixtures/mcp/billing.oci.ingest/', 'tests/contracts/fixtures/mcp/billing.*/**')).toBe(true)
  })
})
