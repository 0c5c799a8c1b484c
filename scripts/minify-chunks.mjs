// `ncc build -m` minifies dist/index.js only, and without compressing it; the lazily loaded
// chunks (octokit, XML, bundles…) come out as readable webpack output. Minify them all in place
// with terser as webpack's production build would (compressed: ~40 KB less of index.js, issue
// 18), keeping function and class names in library code as ncc does: libraries may rely on
// Function.name. Chunks that hold only the action's own modules (by ncc's `--stats-out`
// stats.json in the directory, removed afterwards) get their names mangled too: nothing in
// src/ reads a function's or class's name.
//   node scripts/minify-chunks.mjs [dir]   (default dist)
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { minify } from 'terser'

const dir = process.argv[2] ?? 'dist'
const statsFile = join(dir, 'stats.json')
const ours = new Set()
if (existsSync(statsFile)) {
  const own = module =>
    module.name.startsWith('./src/') && (module.modules ?? []).every(inner => own(inner))
  for (const chunk of JSON.parse(readFileSync(statsFile, 'utf8')).chunks ?? [])
    if ((chunk.modules ?? []).every(own)) for (const file of chunk.files ?? []) ours.add(file)
  rmSync(statsFile)
}
for (const name of readdirSync(dir).filter(name => /^(\d+\.)?index\.m?js$/.test(name))) {
  const file = join(dir, name)
  const keep = !ours.has(name)
  const { code } = await minify(readFileSync(file, 'utf8'), {
    module: true,
    // node 20 and later: ES2020 output is shorter (shorthand properties, arrows kept).
    ecma: 2020,
    compress: { keep_classnames: keep, keep_fnames: keep },
    mangle: { keep_classnames: keep, keep_fnames: keep },
    // One non-ASCII character (a `—` in a message, a name in a banner) makes V8 hold and scan the
    // whole file as two-byte text and node decode it the slow way: escaped, every file stays
    // one-byte (issue 18: 2-4 % of a green run's CPU time). The licences are in licenses.txt.
    format: { ascii_only: true, comments: false }
  })
  if (code === undefined) throw new Error(`terser returned nothing for ${file}`)
  writeFileSync(file, code)
}
