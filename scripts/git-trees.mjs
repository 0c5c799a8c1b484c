// Commits working trees into a new repository with one `git fast-import`: the checkouts of
// `npm run demo` and the bundle tests. `git init`, `add`, `commit`, `checkout` and `repack` took
// eight or nine processes a checkout, most of a bundle test's git time (issue 14: test:e2e time).
import { execFileSync } from 'node:child_process'
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'

/** The paths of the files under `dir`, relative to it, without `.git/`. */
export function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => !entry.isDirectory())
    .map(entry => join(entry.parentPath ?? entry.path, entry.name).slice(dir.length + 1))
    .filter(path => path !== '.git' && !path.startsWith('.git/'))
}

/**
 * Every file under `dir` as git stores it — path, mode and bytes — in path order, without `.git/`.
 * `only`, when given, lists the paths to read (those git would add, say): others are left out, and
 * so are listed paths that no longer exist.
 */
export function readTree(dir, only = filesUnder(dir)) {
  return [...only].sort().flatMap(path => {
    const file = join(dir, path)
    const stat = lstatSync(file, { throwIfNoEntry: false })
    if (!stat) return []
    if (stat.isSymbolicLink())
      return [{ path, mode: '120000', bytes: Buffer.from(readlinkSync(file)) }]
    if (!stat.isFile()) return []
    return [{ path, mode: stat.mode & 0o100 ? '100755' : '100644', bytes: readFileSync(file) }]
  })
}

/** `git commit -m`'s clean-up of a message: no trailing spaces, no leading, trailing or repeated blank lines. */
function cleanMessage(message) {
  const lines = message.split('\n').map(line => line.trimEnd())
  const kept = lines.filter((line, i) => line !== '' || (i > 0 && lines[i - 1] !== ''))
  return `${kept.join('\n').trim()}\n`
}

/**
 * Makes `repo` (its working tree already at the last commit's files) a repository whose branches
 * hold `commits`, each `{ branch, message, tree }` (a `readTree`) on top of the one before, with
 * HEAD, the index and the working tree at the last. `who` is the author and committer
 * (`{ name, email, date }`, an ISO date): the same trees always give the same commits.
 * Returns the commits' shas.
 */
export function commitTrees(repo, commits, who) {
  const seconds = Math.floor(Date.parse(who.date) / 1000)
  const signature = `${who.name} <${who.email}> ${seconds} +0000`
  const stream = []
  const text = value => stream.push(Buffer.from(value))
  commits.forEach(({ branch, message, tree }, i) => {
    const body = Buffer.from(cleanMessage(message))
    text(`commit refs/heads/${branch}\nmark :${i + 1}\n`)
    text(`author ${signature}\ncommitter ${signature}\ndata ${body.length}\n`)
    stream.push(body)
    text(`${i > 0 ? `from :${i}\n` : ''}deleteall\n`)
    for (const { path, mode, bytes } of tree) {
      // fast-import reads a path to the line's end; one with a newline or a leading quote is quoted.
      const name = /\n|^"/.test(path) ? JSON.stringify(path) : path
      text(`M ${mode} inline ${name}\ndata ${bytes.length}\n`)
      stream.push(bytes)
      text('\n')
    }
  })
  text(`${commits.map((_, i) => `get-mark :${i + 1}\n`).join('')}done\n`)
  const git = (args, input) =>
    execFileSync('git', args, {
      cwd: repo,
      input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe']
    })
  git(['init', '-q', '--template=', '-b', commits[commits.length - 1].branch])
  // One pack, however few the objects: a tenth of the files to copy and remove per checkout.
  const shas = git(
    ['-c', 'fastimport.unpackLimit=0', 'fast-import', '--quiet', '--done', '--cat-blob-fd=1'],
    Buffer.concat(stream)
  )
    .trim()
    .split('\n')
  // The index, as `git add` left it: `git status` is clean and `git ls-files` lists the tree.
  git(['reset', '-q'])
  return shas
}
