/**
 * scripts/git-trees.mjs: the checkouts of the bundle tests and `npm run demo` are committed with
 * one `git fast-import`. They must be what `git add -A` and `git commit` would have made.
 */
import { afterAll, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
// @ts-expect-error -- plain JavaScript shared with `npm run demo`
import { commitTrees, readTree } from '../scripts/git-trees.mjs'

const roots: string[] = []
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true })
})

it('commits a base and a head tree as add -A and commit would: modes, links, deletions, branches, message, a clean index', () => {
  const repo = mkdtempSync(join(tmpdir(), 'cdt-git-trees-'))
  roots.push(repo)
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim()
  mkdirSync(join(repo, 'scripts'))
  writeFileSync(join(repo, 'scripts/check.sh'), 'exit 0\n')
  chmodSync(join(repo, 'scripts/check.sh'), 0o755)
  writeFileSync(join(repo, 'gone.txt'), 'old\n')
  writeFileSync(join(repo, '"quoted" name.txt'), 'q\n')
  symlinkSync('scripts/check.sh', join(repo, 'check'))
  const base = readTree(repo)
  rmSync(join(repo, 'gone.txt'))
  writeFileSync(join(repo, 'scripts/new.py'), 'print(1)\n')
  const [baseSha, headSha] = commitTrees(
    repo,
    [
      { branch: 'main', message: 'Base', tree: base },
      {
        branch: 'topic',
        message: '\nfeat: x  \n\n\nBehavior-Change: intentional\n\n',
        tree: readTree(repo)
      }
    ],
    { name: 'Dev', email: 'dev@example.com', date: '2026-11-02T09:00:00Z' }
  )

  expect(git('rev-parse', 'main')).toBe(baseSha)
  expect(git('rev-parse', 'HEAD')).toBe(headSha)
  expect(git('symbolic-ref', '--short', 'HEAD')).toBe('topic')
  const entries = git('ls-tree', '-r', '-z', baseSha)
    .split('\0')
    .filter(Boolean)
    .map(entry => `${entry.split(' ')[0]} ${entry.split('\t')[1]}`)
  expect(entries).toEqual([
    '100644 "quoted" name.txt',
    '120000 check',
    '100644 gone.txt',
    '100755 scripts/check.sh'
  ])
  expect(git('diff', '--name-status', `${baseSha}...${headSha}`).split('\n')).toEqual([
    'D\tgone.txt',
    'A\tscripts/new.py'
  ])
  expect(git('status', '--porcelain')).toBe('')
  expect(git('log', '-1', '--format=%B', headSha)).toBe('feat: x\n\nBehavior-Change: intentional')
  expect(git('log', '-1', '--format=%an <%ae> %aI|%cn %cI', headSha)).toBe(
    'Dev <dev@example.com> 2026-11-02T09:00:00+00:00|Dev 2026-11-02T09:00:00+00:00'
  )
  // Only the listed files that exist (what `git add -A` would take), in path order.
  expect(
    readTree(repo, ['scripts/new.py', 'gone.txt', 'check']).map(
      (file: { path: string }) => file.path
    )
  ).toEqual(['check', 'scripts/new.py'])
  // One pack, no loose objects: a tenth of the files to copy per checkout.
  expect(git('count-objects', '-v')).toMatch(/^count: 0$/m)
})
