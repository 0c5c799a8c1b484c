/**
 * The README's cheap-to-check claims: tables that match action.yml, every config key documented,
 * example workflows that use only inputs and outputs the action has, pinned actions, scripts
 * that exist, links that resolve, and the JSON Schemas the README points editors at.
 */
import { describe, expect, it } from '@jest/globals'
import Ajv2020Module from 'ajv/dist/2020.js'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import { z } from 'zod'
import { configSchema, parseConfig } from '../src/config-file.js'
import { parseOutput } from '../src/parse/index.js'

const ROOT = resolve(import.meta.dirname, '..')
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')
const readme = read('README.md')
const action = parse(read('action.yml')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}
const INPUTS = Object.keys(action.inputs)
const OUTPUTS = Object.keys(action.outputs)

/* eslint-disable @typescript-eslint/no-explicit-any -- ajv is CommonJS; workflows are plain YAML */
const Ajv2020 = ((Ajv2020Module as any).default ?? Ajv2020Module) as typeof Ajv2020Module.default
const ajv = new Ajv2020({ allErrors: true, strict: false })
const configJsonSchema = JSON.parse(read('schema/config.schema.json'))
const validateConfig = ajv.compile(configJsonSchema)

/** The README section under a `## ` heading, up to the next one. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`)
  expect(start).toBeGreaterThanOrEqual(0)
  const end = readme.indexOf('\n## ', start + 1)
  return readme.slice(start, end < 0 ? undefined : end)
}

/** The fenced code blocks of a Markdown text, with their info strings. */
function codeBlocks(markdown: string): { lang: string; code: string }[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(match => ({
    lang: match[1] as string,
    code: match[2] as string
  }))
}

/** First column of a Markdown table's rows, code spans unwrapped. */
function tableKeys(markdown: string, header: string): string[] {
  const start = markdown.indexOf(header)
  expect(start).toBeGreaterThanOrEqual(0)
  const rows = markdown.slice(start).split('\n').slice(2)
  const keys: string[] = []
  for (const row of rows) {
    if (!row.startsWith('|')) break
    const cell = row.split('|')[1]?.trim() ?? ''
    keys.push(cell.replace(/^`|`$/g, ''))
  }
  return keys
}

/** Every key path of the config's JSON Schema (objects' properties, recursively). */
function configKeys(schema: any, prefix = ''): string[] {
  const keys: string[] = []
  for (const [name, sub] of Object.entries<any>(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name
    keys.push(path)
    // `checks`, `formats` and `problem-matchers` are maps or GitHub's own format: documented whole.
    if (sub.type === 'object' && sub.properties && !['problem-matchers'].includes(name))
      keys.push(...configKeys(sub, path))
  }
  return keys
}

const workflowFiles = [
  ...readdirSync(join(ROOT, '.github', 'workflows')).map(f => `.github/workflows/${f}`),
  ...readdirSync(join(ROOT, 'examples', 'workflows')).map(f => `examples/workflows/${f}`)
].filter(file => /\.ya?ml$/.test(file))

function steps(file: string): any[] {
  const workflow = parse(read(file))
  return Object.values<any>(workflow.jobs).flatMap(job => job.steps ?? [])
}
const isThisAction = (uses: string): boolean =>
  uses === './' || uses.startsWith('acme/contract-drift-triage@')

describe('README inputs and outputs tables', () => {
  it('are what scripts/readme-tables.mjs generates from action.yml', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/readme-tables.mjs', '--check'], {
        cwd: ROOT,
        stdio: 'pipe'
      })
    ).not.toThrow()
  })

  it('list every input and output of action.yml, in its order', () => {
    expect(tableKeys(readme, '| input | default | description |')).toEqual(INPUTS)
    expect(tableKeys(readme, '| output | description |')).toEqual(OUTPUTS)
  })
})

describe('README configuration reference', () => {
  const reference = section('Configuration')

  it('documents every key of the zod schema, formats and problem-matchers included', () => {
    const keys = configKeys(z.toJSONSchema(configSchema(), { io: 'input' }))
    expect(keys).toEqual(expect.arrayContaining(['formats', 'problem-matchers', 'owners.qa']))
    const documented = tableKeys(reference, '| key | default | meaning |')
    expect(documented.sort()).toEqual([...keys].sort())
  })

  it('shows an example configuration the action accepts and the JSON Schema agrees with', () => {
    const example = codeBlocks(reference).find(block => block.code.startsWith('paths:'))
    expect(example).toBeDefined()
    const config = parseConfig(example?.code ?? '', 'README example')
    expect(config.formats).toBeDefined()
    expect(config['problem-matchers']?.problemMatcher).toHaveLength(1)
    expect(validateConfig(parse(example?.code ?? ''))).toBe(true)
  })

  it("points editors at the published schema, and the example repository's config uses it", () => {
    expect(reference).toContain(
      '# yaml-language-server: $schema=https://raw.githubusercontent.com/acme/contract-drift-triage/v1/schema/config.schema.json'
    )
    expect(configJsonSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    const file = 'examples/repo/.github/contract-drift-triage.yml'
    const text = read(file)
    const first = text.split('\n')[0] ?? ''
    const target = /^# yaml-language-server: \$schema=(.+)$/.exec(first)?.[1]
    expect(target).toBe('../../../schema/config.schema.json')
    expect(existsSync(resolve(ROOT, 'examples/repo/.github', target ?? ''))).toBe(true)
    expect(validateConfig(parse(text))).toBe(true)
    expect(validateConfig({ paths: { contracts: [] } })).toBe(false)
  })

  it('names the JSON findings schema, which exists', () => {
    expect(readme).toContain('schema/findings.schema.json')
    expect(JSON.parse(read('schema/findings.schema.json')).$defs.finding).toBeDefined()
  })
})

describe('README configuration snippets', () => {
  // Every YAML block is a workflow (or part of one) or a configuration file: none goes untested.
  const yamlBlocks = codeBlocks(readme)
    .filter(block => block.lang === 'yaml')
    .map(block => ({ ...block, data: parse(block.code) as any }))
  const isWorkflow = (data: any): boolean =>
    data !== null && typeof data === 'object' && 'jobs' in data
  const configs = yamlBlocks.filter(block => !isWorkflow(block.data))

  it('are found: the schema line and the complete example at least', () => {
    expect(configs.length).toBeGreaterThanOrEqual(2)
    expect(yamlBlocks.length).toBeGreaterThan(configs.length)
  })

  it.each(configs.map(block => [block.code.split('\n')[0]?.slice(0, 60), block] as const))(
    'the configuration starting %j loads through the config loader and the JSON Schema',
    (_first, block) => {
      expect(() => parseConfig(block.code, 'README snippet')).not.toThrow()
      expect(validateConfig(block.data ?? {})).toBe(true)
    }
  )

  it.each(
    yamlBlocks
      .filter(block => isWorkflow(block.data))
      .map(block => [block.code.split('\n')[0]?.slice(0, 60), block] as const)
  )('the workflow starting %j passes this action only inputs it has', (_first, block) => {
    const ours = Object.values<any>(block.data.jobs)
      .flatMap(job => job.steps ?? [])
      .filter(step => step.uses && isThisAction(step.uses))
    expect(ours.length).toBeGreaterThan(0)
    for (const step of ours)
      expect(INPUTS).toEqual(expect.arrayContaining(Object.keys(step.with ?? {})))
  })

  it('the problem-matcher example line gives the file, line and message the README says', () => {
    const example = configs.find(block => block.code.startsWith('paths:'))
    const config = parseConfig(example?.code ?? '', 'README example')
    const line = section('What the parsers read')
      .split('\n')
      .find(text => text.includes('problem matcher above'))
    expect(line).toBeDefined()
    const [printed = '', said = ''] = (line ?? '').split('←').map(part => part.trim())
    const claim =
      /the (\S+) problem matcher above: file `([^`]+)`, line (\d+), message `([^`]+)`/.exec(said)
    expect(claim).not.toBeNull()
    const [, owner, file, lineNumber, message] = claim ?? []
    const run = parseOutput('npx openapi-diff', `${printed}\n`, 1, {
      workspace: ROOT,
      checks: {},
      runtimeTags: [],
      ...(config['problem-matchers'] ? { problemMatchers: config['problem-matchers'] } : {})
    })
    expect(run.findings.map(f => [f.tag, f.targets, f.line, f.message])).toEqual([
      [owner, [file], Number(lineNumber), message]
    ])
  })
})

describe('example workflows', () => {
  it('are shown in the README exactly as committed', () => {
    const blocks = codeBlocks(readme).map(block => block.code)
    for (const file of readdirSync(join(ROOT, 'examples', 'workflows')))
      expect(blocks).toContain(read(`examples/workflows/${file}`))
  })

  const usingTheAction = workflowFiles.filter(file =>
    steps(file).some(step => step.uses && isThisAction(step.uses))
  )

  it('every user example and the self-test run the action', () => {
    expect(usingTheAction).toEqual(
      expect.arrayContaining([
        '.github/workflows/self-test.yml',
        ...readdirSync(join(ROOT, 'examples', 'workflows')).map(f => `examples/workflows/${f}`)
      ])
    )
  })

  it.each(usingTheAction)(
    '%s passes only inputs the action has, and reads only its outputs',
    file => {
      const ours = steps(file).filter(step => step.uses && isThisAction(step.uses))
      for (const step of ours) {
        expect(INPUTS).toEqual(expect.arrayContaining(Object.keys(step.with ?? {})))
        if (step.with?.mode)
          expect(['issue', 'report', 'collect', 'publish', 'digest']).toContain(step.with.mode)
        if (!step.id) continue
        const reads = read(file).matchAll(
          new RegExp(`steps\\.${step.id}\\.outputs\\.([\\w-]+)`, 'g')
        )
        for (const match of reads) expect(OUTPUTS).toContain(match[1])
      }
    }
  )

  it.each(workflowFiles)(
    '%s pins every other action by full commit SHA with a version comment',
    file => {
      const text = read(file)
      const uses = [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)]
      for (const [, ref, rest] of uses) {
        if (isThisAction(ref as string)) continue
        expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/)
        expect(rest).toMatch(/^\s+# v\d+\.\d+\.\d+$/)
      }
    }
  )

  it.each(workflowFiles)('%s declares least-privilege permissions at the top', file => {
    const workflow = parse(read(file))
    expect(workflow.permissions).toBeDefined()
    expect(workflow.permissions).not.toBe('write-all')
    for (const [scope, level] of Object.entries<string>(workflow.permissions))
      if (level === 'write') expect(['issues', 'checks']).toContain(scope)
  })

  it('the gate asks for the permissions the README lists', () => {
    const gate = parse(read('examples/workflows/contract-drift.yml'))
    expect(gate.permissions).toEqual({
      contents: 'read',
      issues: 'write',
      'pull-requests': 'read'
    })
    expect(Object.keys(gate.on).sort()).toEqual(['merge_group', 'pull_request', 'push', 'schedule'])
    const permissions = section('Permissions')
    for (const line of [
      '`issues: write`',
      '`contents: read`',
      '`pull-requests: read`',
      '`checks: write`'
    ])
      expect(permissions).toContain(line)
  })

  it('the fork-safe pair: collect is read-only, publish runs on workflow_run and checks out only the base', () => {
    const collect = parse(read('examples/workflows/contract-drift-collect.yml'))
    expect(Object.keys(collect.on)).toEqual(['pull_request'])
    expect(Object.values(collect.permissions)).toEqual(['read'])
    const publish = parse(read('examples/workflows/contract-drift-publish.yml'))
    expect(Object.keys(publish.on)).toEqual(['workflow_run'])
    expect(publish.on.workflow_run.workflows).toEqual([collect.name])
    // The default branch (no ref: the pull request's head would route its own incident),
    // without the token left behind in .git/config for later steps.
    const checkouts = steps('examples/workflows/contract-drift-publish.yml').filter(step =>
      step.uses?.startsWith('actions/checkout@')
    )
    expect(checkouts.map(step => step.with)).toEqual([{ 'persist-credentials': false }])
    expect(publish.permissions.contents).toBe('read')
    expect(
      steps('examples/workflows/contract-drift-collect.yml').find(
        s => s.uses && isThisAction(s.uses)
      )?.with.mode
    ).toBe('collect')
  })
})

describe('README quick start and links', () => {
  it('uses only npm scripts package.json has', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts
    const commands = codeBlocks(section('Quick start')).flatMap(block =>
      [...block.code.matchAll(/^npm (run ([\w:-]+)|test)\b/gm)].map(m => m[2] ?? 'test')
    )
    expect(commands).toEqual(['demo', 'test'])
    for (const name of commands) expect(scripts[name]).toBeDefined()
    for (const name of ['schema', 'readme-tables', 'screenshot'])
      expect(scripts[name]).toBeDefined()
  })

  it('links only to files that exist', () => {
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map(match => match[1] as string)
      .filter(link => !/^[a-z]+:/.test(link))
    expect(links.length).toBeGreaterThan(5)
    for (const link of links) expect([link, existsSync(join(ROOT, link))]).toEqual([link, true])
  })

  it('shows the committed incident screenshot', () => {
    expect(readme).toMatch(/!\[[^\]]+\]\(docs\/incident\.png\)/)
    const png = readFileSync(join(ROOT, 'docs', 'incident.png'))
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    )
  })

  it('.env.example sets only inputs the action has', () => {
    const names = [...read('.env.example').matchAll(/^INPUT_([A-Z-]+)=/gm)].map(m =>
      (m[1] as string).toLowerCase()
    )
    expect(names.length).toBeGreaterThan(0)
    expect(INPUTS).toEqual(expect.arrayContaining(names))
  })
})
