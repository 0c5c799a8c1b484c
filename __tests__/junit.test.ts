import { beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  loadXmlParser,
  OutputCollector,
  parseOutput,
  parseOutputAsync,
  type ParseOptions
} from '../src/parse/index.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'parse')
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8')

const repoFiles = [
  'packages/billing/src/contract/billing.contract.test.ts',
  'packages/billing/src/contract/feature-catalog.test.ts',
  'services/mcp/__tests__/billing.contract.test.ts',
  'tests/contracts/test_billing.py',
  'tests/contracts/test_module_outputs.py'
]
const options: ParseOptions = {
  workspace: '/home/runner/work/platform/platform',
  checks: {},
  runtimeTags: [],
  repoFiles: () => repoFiles
}
const summary = (output: string, exitCode: number | null = 1) =>
  parseOutput('npm test', output, exitCode, options).findings.map(f => [
    f.message,
    f.targets,
    f.line,
    f.runtime
  ])

describe('JUnit XML', () => {
  it('loads the XML parser only when XML appears, and waits for it', async () => {
    const run = await parseOutputAsync('npx vitest run', fixture('vitest-junit.xml'), 1, options)
    expect(run.format).toBe('junit')
    expect(run.findingCount).toBe(2)
  })

  describe('with the parser loaded', () => {
    beforeAll(async () => {
      await loadXmlParser()
    })

    it('vitest: failures and errors, package-relative paths placed on the repository file', () => {
      expect(summary(fixture('vitest-junit.xml'))).toEqual([
        [
          "billing.aws.ingest > returns the aws adapter id: expected 'gcp-billing' to be 'aws-billing' // Object.is equality",
          ['packages/billing/src/contract/billing.contract.test.ts'],
          27,
          true
        ],
        [
          "feature catalog > resolves every module id: Cannot find module '../catalog/economics-module.json'",
          ['packages/billing/src/contract/feature-catalog.test.ts'],
          9,
          true
        ]
      ])
    })

    it('jest-junit: no file attribute, so the file and line come from the stack, not node_modules', () => {
      expect(summary(fixture('jest-junit.xml'))).toEqual([
        [
          'mcp billing contract matches response.expected.json for billing.aws.ingest: Error: expect(received).toEqual(expected) // deep equality',
          ['services/mcp/__tests__/billing.contract.test.ts'],
          41,
          true
        ]
      ])
    })

    it('pytest: the dotted classname names the module file, the traceback names the line', () => {
      expect(summary(fixture('pytest-junit.xml'))).toEqual([
        [
          "test_row_matches_canonical_tool[1]: AssertionError: assert 'gcp-billing' == 'aws-billing'",
          ['tests/contracts/test_billing.py'],
          48,
          true
        ],
        [
          `test_optional_fallback_outputs: failed on setup with "FileNotFoundError: [Errno 2] No such file or directory: 'tests/contracts/fixtures/modules.optional-fallback/1.0/output.expected.healthy.json'"`,
          ['tests/contracts/test_module_outputs.py'],
          12,
          true
        ]
      ])
    })

    it('pytest xunit1: the file attribute and its 0-based line', () => {
      const xml =
        '<testsuite name="pytest"><testcase classname="tests.contracts.test_billing" name="test_x" file="tests/contracts/test_billing.py" line="40"><failure message="assert 1 == 2" /></testcase></testsuite>'
      expect(summary(xml)).toEqual([
        ['test_x: assert 1 == 2', ['tests/contracts/test_billing.py'], 41, true]
      ])
    })

    it('without the repository file list, guesses the module file from the classname', () => {
      const xml =
        '<testsuite name="pytest"><testcase classname="tests.contracts.test_billing.TestRows" name="test_x"><error message="boom" /></testcase></testsuite>'
      const run = parseOutput('pytest', xml, 1, { ...options, repoFiles: undefined })
      expect(run.findings[0]?.targets).toEqual(['tests/contracts/test_billing.py'])
    })

    it('a green report passes, with a summary line as validation proof', () => {
      const xml =
        '<?xml version="1.0"?><testsuites><testsuite name="a" tests="2"><testcase name="one"/><testcase name="two"><skipped/></testcase></testsuite></testsuites>'
      const run = parseOutput('npm test', xml, 0, options)
      expect(run).toMatchObject({ outcome: 'passed', findingCount: 0 })
      expect(run.okLines).toEqual(['JUnit: 2 tests, no failures or errors, 1 skipped'])
    })

    it('truncated XML keeps the findings before the cut and says it ended early', () => {
      const xml = fixture('vitest-junit.xml')
      const run = parseOutput(
        'npm test',
        xml.slice(0, xml.indexOf('<testsuite name="src/contract/feature')),
        1,
        options
      )
      expect(run.findingCount).toBe(1)
      expect(run.notes?.[0]).toMatch(/ends before the XML is complete \(truncated\?\)/)
      // An error for this output, not drift; the findings before the cut are still classified.
      expect(run.outcome).toBe('unreadable')
    })

    it('XML that is not JUnit is unreadable, a validator error that says why', () => {
      const run = parseOutput(
        'lint',
        '<?xml version="1.0"?><checkstyle><file/></checkstyle>',
        1,
        options
      )
      expect(run.notes).toEqual([
        'JUnit XML: the root element <checkstyle> is not JUnit (<testsuites> or <testsuite>)'
      ])
      expect(run).toMatchObject({ outcome: 'unreadable', findings: [], crash: run.notes![0] })
    })

    it('never expands entity declarations: billion laughs stops with a note, at once', () => {
      const lols = Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`
      ).join('')
      const xml = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${lols}]><testsuite name="x"><testcase name="t"><failure message="&lol9;">&lol9;</failure></testcase></testsuite>`
      const started = Date.now()
      const run = parseOutput('npm test', xml, 1, options)
      expect(Date.now() - started).toBeLessThan(1000)
      expect(run.notes?.join('\n')).toMatch(/DOCTYPE is ignored/)
      expect(run.notes?.join('\n')).toMatch(/not well-formed/)
      expect(JSON.stringify(run)).not.toMatch(/lollol/)
    })

    it('never reads external entities from the filesystem', () => {
      const xml =
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuite name="x"><testcase name="t"><failure message="&xxe;">&xxe;</failure></testcase></testsuite>'
      const run = parseOutput('npm test', xml, 1, options)
      expect(JSON.stringify(run)).not.toMatch(/root:/)
      expect(run.notes?.join('\n')).toMatch(/DOCTYPE is ignored/)
    })

    it('stops at absurd nesting instead of growing without bound', () => {
      const run = parseOutput('x', `<testsuites>${'<a>'.repeat(100_000)}`, 1, options)
      expect(run.notes?.[0]).toMatch(/nested deeper than 256 elements/)
    })

    it('streams a large report in small chunks with bounded memory and the same findings', () => {
      const one =
        '<testcase classname="src/contract/billing.contract.test.ts" name="row"><failure message="drift">x</failure></testcase>\n'
      const collector = new OutputCollector('npm test', { ...options, maxFindings: 10 })
      const encoder = new TextEncoder()
      collector.write(encoder.encode('<testsuites><testsuite name="big">\n'))
      const block = encoder.encode(one.repeat(1000))
      for (let i = 0; i < 50; i++) collector.write(block)
      collector.write(encoder.encode('</testsuite></testsuites>\n'))
      const run = collector.finish(1, 0)
      expect(run.findingCount).toBe(50_000)
      expect(run.findings).toHaveLength(10)
      expect(run.findings[0]?.targets).toEqual([
        'packages/billing/src/contract/billing.contract.test.ts'
      ])
    })
  })
})
