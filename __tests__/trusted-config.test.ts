import { describe, expect, it, jest } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../src/config.js'
import type { Octokit } from '../src/github/client.js'
import {
  apiSource,
  checkoutSource,
  fileText,
  readTrustedConfig,
  remoteRepository,
  trustedSource,
  workspaceCheckout,
  type FileSource
} from '../src/trusted-config.js'
import { gitIn } from '../src/git.js'
import { gitAt } from './support/emulated.js'

const REPO = 'acme/contracts'
const CONFIG = '.github/contract-drift-triage.yml'
const PETSTORE_CONFIG = [
  'paths:',
  '  contract: [api/**]',
  '  fixture: [test/fixtures/**]',
  'owners:',
  '  contract: ["@petstore/api-guild"]',
  ''
].join('\n')

const denied = Object.assign(new Error('Resource not accessible by integration'), { status: 403 })

/** A source holding `files`; a path mapped to an Error fails to read with it. */
function source(files: Record<string, string | Error>): FileSource & { asked: string[] } {
  const asked: string[] = []
  return {
    where: 'acme/contracts@main via the API',
    remedy: 'grant `contents: read`',
    asked,
    read: async path => {
      asked.push(path)
      const file = files[path]
      if (file instanceof Error) throw file
      return file
    }
  }
}

describe('readTrustedConfig', () => {
  it.each<{
    name: string
    files: Record<string, string | Error>
    contract: string[] | 'codeowners'
    /** Owners of api/openapi.yaml by the CODEOWNERS used; undefined: none used. */
    apiOwners: string[] | undefined
    summary: RegExp
    warnings: RegExp[]
    asked: string[]
  }>([
    {
      name: 'the configuration and .github/CODEOWNERS',
      files: { [CONFIG]: PETSTORE_CONFIG, '.github/CODEOWNERS': '/api/ @api-lead\n' },
      contract: ['@petstore/api-guild'],
      apiOwners: ['api-lead'],
      summary:
        /`\.github\/contract-drift-triage\.yml` and `\.github\/CODEOWNERS` read from acme\/contracts@main via the API\.$/,
      warnings: [],
      asked: [CONFIG, '.github/CODEOWNERS']
    },
    {
      name: 'CODEOWNERS in GitHub’s order: the root one before docs/',
      files: { CODEOWNERS: '* @root-owner\n', 'docs/CODEOWNERS': '* @docs-owner\n' },
      contract: 'codeowners',
      apiOwners: ['root-owner'],
      summary: /`CODEOWNERS` read from .*; no configuration file, so the playbook defaults\.$/,
      warnings: [],
      asked: [CONFIG, '.github/CODEOWNERS', 'CODEOWNERS']
    },
    {
      name: 'a configuration without CODEOWNERS',
      files: { [CONFIG]: PETSTORE_CONFIG },
      contract: ['@petstore/api-guild'],
      apiOwners: undefined,
      summary: /`\.github\/contract-drift-triage\.yml` read from .*; no CODEOWNERS\.$/,
      warnings: [],
      asked: [CONFIG, '.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS']
    },
    {
      name: 'neither: the playbook defaults, with a warning that says how to fix it',
      files: {},
      contract: 'codeowners',
      apiOwners: undefined,
      summary: /playbook defaults \(none read from acme\/contracts@main via the API\)/,
      warnings: [
        /^No configuration \(`\.github\/contract-drift-triage\.yml`\) and no CODEOWNERS in acme\/contracts@main via the API: .*playbook defaults and no owners\. .*grant `contents: read`/
      ],
      asked: [CONFIG, '.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS']
    },
    {
      name: 'a configuration that cannot be read: named, and CODEOWNERS still read',
      files: { [CONFIG]: denied, '.github/CODEOWNERS': '/api/ @api-lead\n' },
      contract: 'codeowners',
      apiOwners: ['api-lead'],
      summary: /`\.github\/CODEOWNERS` read from/,
      warnings: [
        /^Could not read `\.github\/contract-drift-triage\.yml` from acme\/contracts@main via the API \(403: Resource not accessible by integration\): .*grant `contents: read`/
      ],
      asked: [CONFIG, '.github/CODEOWNERS']
    },
    {
      name: 'a CODEOWNERS that cannot be read stops the search: a later one is not GitHub’s',
      files: { [CONFIG]: PETSTORE_CONFIG, '.github/CODEOWNERS': denied, CODEOWNERS: '* @x\n' },
      contract: ['@petstore/api-guild'],
      apiOwners: undefined,
      summary: /no CODEOWNERS\.$/,
      warnings: [/^Could not read `\.github\/CODEOWNERS`/],
      asked: [CONFIG, '.github/CODEOWNERS']
    }
  ])('$name', async ({ files, contract, apiOwners, summary, warnings, asked }) => {
    const from = source(files)
    const read = await readTrustedConfig(REPO, from, { configPath: CONFIG })
    expect(read.config.owners.contract).toEqual(contract)
    expect(read.codeowners?.ownersOf('api/openapi.yaml')).toEqual(apiOwners)
    expect(read.summary).toMatch(summary)
    expect(read.warnings).toHaveLength(warnings.length)
    warnings.forEach((warning, i) => expect(read.warnings[i]).toMatch(warning))
    expect(from.asked).toEqual(asked)
  })

  it('with nothing to read from, says so and how to fix it', async () => {
    const read = await readTrustedConfig(REPO, undefined, { configPath: CONFIG })
    expect(read.codeowners).toBeUndefined()
    expect(read.config.owners.contract).toBe('codeowners')
    expect(read.warnings).toEqual([
      expect.stringMatching(
        /^Neither a checkout of acme\/contracts nor a token .*playbook defaults .*actions\/checkout.*`contents: read`/
      )
    ])
  })

  it('refuses an invalid configuration, naming where it was read', async () => {
    await expect(
      readTrustedConfig(REPO, source({ [CONFIG]: 'paths: { contract: 3 }\n' }), {
        configPath: CONFIG
      })
    ).rejects.toThrow(
      new RegExp(
        `${CONFIG.replace(/\./g, '\\.')} in acme/contracts@main via the API is not a valid`
      )
    )
  })

  it('refuses a config input that names a file the default branch does not have', async () => {
    const read = readTrustedConfig(REPO, source({}), {
      configPath: 'ci/triage.yml',
      explicit: true
    })
    await expect(read).rejects.toThrow(ConfigError)
    await expect(read).rejects.toThrow(/names ci\/triage\.yml, which acme\/contracts@main/)
  })
})

describe('the contents API', () => {
  const file = (text: string): object => ({
    type: 'file',
    encoding: 'base64',
    content: Buffer.from(text)
      .toString('base64')
      .replace(/(.{60})/g, '$1\n'),
    name: 'CODEOWNERS',
    path: 'CODEOWNERS'
  })

  it.each<[string, unknown, string | undefined]>([
    [
      'a file, base64 in lines as GitHub sends it',
      file('* @qa-lead\n'.repeat(10)),
      '* @qa-lead\n'.repeat(10)
    ],
    ['a directory', [{ type: 'file', name: 'x' }], undefined],
    ['a symbolic link', { type: 'symlink', target: 'x' }, undefined],
    ['a submodule', { type: 'submodule' }, undefined]
  ])('reads %s', (_, data, text) => {
    expect(fileText(data, 'CODEOWNERS')).toBe(text)
  })

  it('says so when a file is beyond what the API returns', () => {
    expect(() => fileText({ type: 'file', encoding: 'none', content: '' }, 'CODEOWNERS')).toThrow(
      /CODEOWNERS is larger than the contents API returns/
    )
  })

  function octokitAnswering(answer: (path: string) => unknown): {
    octokit: Octokit
    request: { mock: { calls: unknown[][] } }
  } {
    const request = jest.fn(async (_route: string, params: { path: string }) => {
      const data = answer(params.path)
      if (data instanceof Error) throw data
      return { data }
    })
    return { octokit: { request } as unknown as Octokit, request }
  }

  it('asks for one file a request, at the ref when given; 404 is absence', async () => {
    const notFound = Object.assign(new Error('Not Found'), { status: 404 })
    const { octokit, request } = octokitAnswering(path =>
      path === 'CODEOWNERS' ? file('* @qa\n') : notFound
    )
    const api = apiSource(octokit, REPO, 'trunk')
    expect(api.where).toBe('acme/contracts@trunk via the API')
    await expect(api.read('CODEOWNERS')).resolves.toBe('* @qa\n')
    await expect(api.read('docs/CODEOWNERS')).resolves.toBeUndefined()
    expect(request.mock.calls).toEqual([
      [
        'GET /repos/{owner}/{repo}/contents/{path}',
        { owner: 'acme', repo: 'contracts', path: 'CODEOWNERS', ref: 'trunk' }
      ],
      [
        'GET /repos/{owner}/{repo}/contents/{path}',
        { owner: 'acme', repo: 'contracts', path: 'docs/CODEOWNERS', ref: 'trunk' }
      ]
    ])
  })

  it('without a ref reads the default branch, and passes other failures on', async () => {
    const { octokit, request } = octokitAnswering(() => denied)
    const api = apiSource(octokit, 'other/service')
    expect(api.where).toBe('other/service@its default branch via the API')
    await expect(api.read('CODEOWNERS')).rejects.toThrow(denied)
    expect(request.mock.calls[0]?.[1]).toEqual({
      owner: 'other',
      repo: 'service',
      path: 'CODEOWNERS'
    })
  })
})

describe('where a repository’s trusted files come from', () => {
  it.each<[string, string]>([
    ['https://github.com/acme/contracts', 'acme/contracts'],
    ['https://github.com/acme/contracts.git', 'acme/contracts'],
    ['git@github.com:acme/contracts.git', 'acme/contracts'],
    ['https://ghe.example.com/acme/my.repo/', 'acme/my.repo']
  ])('origin %s is %s', (url, repository) => {
    expect(remoteRepository(url)).toBe(repository)
  })

  const octokit = {} as Octokit
  const head = 'c'.repeat(40)
  const context = {
    workflowRepository: REPO,
    defaultBranch: 'main',
    pullRequestHeads: [] as string[],
    octokit
  }

  it.each<{
    name: string
    repository: string
    checkout?: { head: string; repository?: string; root: string }
    pullRequestHeads?: string[]
    octokit?: Octokit
    where: string | undefined
    warned?: RegExp
  }>([
    {
      name: 'a checkout of the workflow’s repository (no origin)',
      repository: REPO,
      checkout: { head, root: '/w' },
      where: 'the checkout at ccccccc'
    },
    {
      name: 'a checkout whose origin is the repository',
      repository: 'acme/other',
      checkout: { head, repository: 'Acme/Other', root: '/w' },
      where: 'the checkout at ccccccc'
    },
    {
      name: 'a checkout of another repository: the API, at the default branch',
      repository: 'acme/other',
      checkout: { head, repository: REPO, root: '/w' },
      where: 'acme/other@its default branch via the API'
    },
    {
      name: 'an empty workspace: the API at the event’s default branch',
      repository: REPO,
      where: 'acme/contracts@main via the API'
    },
    {
      name: 'a checkout of the pull request’s head: never trusted',
      repository: REPO,
      checkout: { head, root: '/w' },
      pullRequestHeads: [head],
      where: 'acme/contracts@main via the API',
      warned: /checked out at ccccccc, the head of a pull request a bundle claims/
    },
    {
      name: 'no checkout and no token: nowhere',
      repository: REPO,
      octokit: undefined,
      where: undefined
    }
  ])('$name', ({ repository, checkout, pullRequestHeads, where, warned, ...rest }) => {
    const warnings: string[] = []
    const chosen = trustedSource(
      repository,
      {
        ...context,
        checkout,
        pullRequestHeads: pullRequestHeads ?? [],
        octokit: 'octokit' in rest ? rest.octokit : octokit
      },
      message => warnings.push(message)
    )
    expect(chosen?.where).toBe(where)
    expect(warnings).toEqual(warned ? [expect.stringMatching(warned)] : [])
  })

  it('reads a checkout’s files and its HEAD and origin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdt-trusted-'))
    try {
      expect(await workspaceCheckout(gitIn(dir))).toBeUndefined()
      mkdirSync(join(dir, '.github'))
      writeFileSync(join(dir, '.github', 'CODEOWNERS'), '* @qa\n')
      gitAt(dir, 'init', '-q', '-b', 'main')
      gitAt(dir, 'add', '-A')
      gitAt(dir, 'commit', '-q', '-m', 'base')
      const sha = gitAt(dir, 'rev-parse', 'HEAD')
      expect(await workspaceCheckout(gitIn(dir))).toEqual({ head: sha })
      gitAt(dir, 'remote', 'add', 'origin', 'https://github.com/acme/other')
      expect(await workspaceCheckout(gitIn(dir))).toEqual({ head: sha, repository: 'acme/other' })
      const files = checkoutSource(dir, sha)
      await expect(files.read('.github/CODEOWNERS')).resolves.toBe('* @qa\n')
      await expect(files.read('CODEOWNERS')).resolves.toBeUndefined()
      await expect(files.read('.github/CODEOWNERS/x')).resolves.toBeUndefined()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
