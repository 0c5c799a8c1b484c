import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { CodeOwners, readCodeOwners, routingCodeOwners } from '../src/codeowners.js'
import { gitIn } from '../src/git.js'
import { gitAt } from './support/emulated.js'

// GitHub's documented CODEOWNERS semantics (docs.github.com, "About code owners").
describe('CodeOwners patterns', () => {
  it.each<[string, string, string, string[]]>([
    ['* owns everything', '* @global', 'README.md', ['global']],
    ['* owns nested files', '* @global', 'deeply/nested/file.txt', ['global']],
    ['* owns dotfiles', '* @global', '.github/workflows/ci.yml', ['global']],
    ['*.js owns js files at the root', '*.js @js-owner', 'index.js', ['js-owner']],
    ['*.js owns js files anywhere', '*.js @js-owner', 'src/app/index.js', ['js-owner']],
    ['*.js does not own ts files', '*.js @js-owner', 'src/app/index.ts', []],
    ['/docs/ owns files in root docs', '/docs/ @doctocat', 'docs/getting-started.md', ['doctocat']],
    [
      '/docs/ owns subdirectories of root docs',
      '/docs/ @doctocat',
      'docs/build-app/troubleshooting.md',
      ['doctocat']
    ],
    ['/docs/ does not own a nested docs directory', '/docs/ @doctocat', 'src/docs/readme.md', []],
    ['apps/ owns an apps directory anywhere', 'apps/ @octocat', 'services/apps/x.js', ['octocat']],
    ['apps/ owns root apps', 'apps/ @octocat', 'apps/web/index.js', ['octocat']],
    ['apps/ does not own a file named apps-like', 'apps/ @octocat', 'myapps/x.js', []],
    ['docs/* owns direct children', 'docs/* @docs-team', 'docs/getting-started.md', ['docs-team']],
    [
      'docs/* does not own nested files',
      'docs/* @docs-team',
      'docs/build-app/troubleshooting.md',
      []
    ],
    ['docs/* is anchored at the root', 'docs/* @docs-team', 'src/docs/getting-started.md', []],
    ['a slash in the middle anchors the pattern', 'build/logs @o', 'x/build/logs/a.log', []],
    ['a slash in the middle: root match', 'build/logs @o', 'build/logs/a.log', ['o']],
    [
      '/build/logs/ owns the directory and below',
      '/build/logs/ @doctocat',
      'build/logs/deep/a.log',
      ['doctocat']
    ],
    [
      '**/logs owns a logs directory anywhere',
      '**/logs @octocat',
      'deeply/nested/logs/a.log',
      ['octocat']
    ],
    ['**/logs owns /build/logs', '**/logs @octocat', 'build/logs/a.log', ['octocat']],
    ['**/logs owns root logs', '**/logs @octocat', 'logs/a.log', ['octocat']],
    ['a bare name matches a file anywhere', 'Makefile @build', 'tools/Makefile', ['build']],
    ['a bare name matches a directory anywhere', 'fixtures @fx', 'tests/fixtures/a.json', ['fx']],
    ['teams keep @org/team', '*.txt @octo-org/octocats', 'notes/a.txt', ['@octo-org/octocats']],
    ['email owners are ignored', '*.go docs@example.com', 'main.go', []],
    ['email owners beside a login', '*.go docs@example.com @gopher', 'main.go', ['gopher']],
    ['an unmatched path has no owner', 'docs/ @doctocat', 'src/index.ts', []]
  ])('%s', (_name, text, path, owners) => {
    expect(new CodeOwners(text).ownersOf(path)).toEqual(owners)
  })
})

describe('CodeOwners order, comments, empty owners', () => {
  it('the last matching pattern wins', () => {
    const owners = new CodeOwners('*       @global\n*.js    @js-owner\n')
    expect(owners.ownersOf('src/a.js')).toEqual(['js-owner'])
    expect(owners.ownersOf('src/a.ts')).toEqual(['global'])
    const reversed = new CodeOwners('*.js    @js-owner\n*       @global\n')
    expect(reversed.ownersOf('src/a.js')).toEqual(['global'])
  })

  it('a later pattern with no owners makes the path unowned', () => {
    const owners = new CodeOwners('/apps/ @octocat\n/apps/github\n')
    expect(owners.ownersOf('apps/web/index.js')).toEqual(['octocat'])
    expect(owners.ownersOf('apps/github/index.js')).toEqual([])
  })

  it('ignores comments, blank lines and trailing comments', () => {
    const text = [
      '# This is a comment.',
      '',
      '   ',
      '*.md @md-owner # the markdown people',
      '  # indented comment @nobody',
      'docs/ @docs-owner @second',
      ''
    ].join('\n')
    const owners = new CodeOwners(text)
    expect(owners.ownersOf('README.md')).toEqual(['md-owner'])
    expect(owners.ownersOf('docs/a.txt')).toEqual(['docs-owner', 'second'])
  })

  it('reads CRLF files', () => {
    expect(new CodeOwners('* @global\r\n*.js @js\r\n').ownersOf('a.js')).toEqual(['js'])
  })

  it('resolves a directory (trailing /) as its notes.md', () => {
    const owners = new CodeOwners(
      '* @global\ntests/contracts/fixtures/ @fixture-owner\ntests/contracts/fixtures/mcp/ @mcp-owner\n*.json @json-owner\n'
    )
    expect(owners.ownersOf('tests/contracts/fixtures/mcp/billing.oci.ingest/')).toEqual([
      'mcp-owner'
    ])
    expect(owners.ownersOf('tests/contracts/fixtures/modules.optional-fallback/1.0/')).toEqual([
      'fixture-owner'
    ])
    // A file of a pack is owned as itself.
    expect(
      owners.ownersOf('tests/contracts/fixtures/mcp/billing.oci.ingest/1.0/response.expected.json')
    ).toEqual(['json-owner'])
    expect(new CodeOwners('*.md @notes\n').ownersOf('tests/contracts/fixtures/mcp/x/1.0/')).toEqual(
      ['notes']
    )
  })
})

describe('CodeOwners.catchAllOwners', () => {
  it.each([
    ['a `*` rule first, narrower rules after', '* @qa-lead\nscripts/ @gate-keeper\n', ['qa-lead']],
    ['the last of several catch-all rules', '* @old\ndocs/ @docs\n** @acme/new\n', ['@acme/new']],
    ['a catch-all rule with no owner (unowned on purpose)', '* @qa-lead\n*\n', []],
    ['no catch-all rule', 'scripts/ @gate-keeper\n*.md @docs\n', []]
  ])('%s', (_name, text, owners) => {
    expect(new CodeOwners(text).catchAllOwners()).toEqual(owners)
  })
})

describe('readCodeOwners', () => {
  const repo = (files: Record<string, string>): string => {
    const root = mkdtempSync(join(tmpdir(), 'codeowners-'))
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true })
      writeFileSync(join(root, path), text)
    }
    return root
  }

  it('uses .github/CODEOWNERS before CODEOWNERS before docs/CODEOWNERS', async () => {
    const all = repo({
      '.github/CODEOWNERS': '* @github-dir',
      CODEOWNERS: '* @root',
      'docs/CODEOWNERS': '* @docs-dir'
    })
    expect((await readCodeOwners(all))?.ownersOf('a.txt')).toEqual(['github-dir'])
    const rootAndDocs = repo({ CODEOWNERS: '* @root', 'docs/CODEOWNERS': '* @docs-dir' })
    expect((await readCodeOwners(rootAndDocs))?.ownersOf('a.txt')).toEqual(['root'])
    const docsOnly = repo({ 'docs/CODEOWNERS': '* @docs-dir' })
    expect((await readCodeOwners(docsOnly))?.ownersOf('a.txt')).toEqual(['docs-dir'])
  })

  it('returns undefined when there is no CODEOWNERS file', async () => {
    expect(await readCodeOwners(repo({ 'README.md': '# hi' }))).toBeUndefined()
  })
})

describe('routingCodeOwners', () => {
  /** A repository whose base commit has `base` as CODEOWNERS and whose checkout has `head`. */
  const repository = (base: Record<string, string>, head: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'codeowners-git-'))
    const write = (files: Record<string, string>): void => {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(root, path, '..'), { recursive: true })
        writeFileSync(join(root, path), text)
      }
    }
    write({ 'README.md': '# r\n', ...base })
    gitAt(root, 'init', '-q', '-b', 'main')
    gitAt(root, 'add', '-A')
    gitAt(root, 'commit', '-qm', 'base')
    const sha = gitAt(root, 'rev-parse', 'HEAD')
    write(head)
    return { root, sha, layout: { root, prefix: '' }, git: gitIn(root) }
  }

  it.each([
    ['a pull request: the base revision wins over its own edit', 'base', ['base-owner'], 0],
    ['a push or schedule (no base): the checkout', undefined, ['attacker'], 0],
    ['a base the checkout lacks: the checkout, with a warning', 'f'.repeat(40), ['attacker'], 1]
  ] as const)('%s', async (_name, base, owners, warnings) => {
    const repo = repository({ CODEOWNERS: '* @base-owner\n' }, { CODEOWNERS: '* @attacker\n' })
    const warned: string[] = []
    const revision = base === 'base' ? repo.sha : base
    const read = await routingCodeOwners(repo.layout, repo.git, revision, m => warned.push(m))
    expect(read?.ownersOf('api/openapi.yaml')).toEqual(owners)
    expect(warned).toHaveLength(warnings)
  })

  it("follows GitHub's order at the base too, and finds none where the base has none", async () => {
    const repo = repository(
      { 'docs/CODEOWNERS': '* @docs-dir\n', '.github/CODEOWNERS': '* @github-dir\n' },
      { CODEOWNERS: '* @attacker\n' }
    )
    const read = await routingCodeOwners(repo.layout, repo.git, repo.sha, () => {})
    expect(read?.ownersOf('a.txt')).toEqual(['github-dir'])
    const bare = repository({}, { CODEOWNERS: '* @attacker\n' })
    expect(await routingCodeOwners(bare.layout, bare.git, bare.sha, () => {})).toBeUndefined()
  })
})
