// `ncc build -m` minifies dist/index.js only, and without compressing it; the lazily loaded
// chunks (octokit, XML, bundles…) come out as readable webpack output. Minify them all in place
// with terser as webpack's production build would (compressed: ~40 KB less of index.js, issue
// 18), keeping function and class names in library code as ncc does: libraries may rely on
// Function.name. Chunks that hold only the action's own modules (by ncc's `--stats-out`
// stats.json in the directory, removed afterwards) get their names mangled too: nothing in
// src/ reads a function's or class's name. Then each lazy chunk's module factories are
// parenthesised, so V8 compiles them as the chunk loads (`compileEagerly`).
//   node scripts/minify-chunks.mjs [dir]   (default dist)
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
// terser's own parser (a dependency of terser): terser's API returns code, not its syntax tree.
import { parse } from 'acorn'
import { minify } from 'terser'

/** A lazy chunk as ncc writes it in ESM mode: `export const modules = { <id>: <factory>, … }`. */
export const isLazyChunk = name => /^\d+\.index\.m?js$/.test(name)

/**
 * V8 compiles a function lazily: it pre-parses the body when the file loads and parses it again
 * in full on the first call, unless the function is parenthesised (its "PIFE" heuristic: such a
 * function is expected to run at once). A lazy chunk is imported only when one of its modules is
 * about to run, and with it nearly every factory it holds, so its factories are worth compiling
 * at once: each body is read once instead of twice (issue 18: a green report run on node 24
 * executes 6-7 % fewer instructions). Only the factories' own bodies: the functions inside them
 * stay lazy, since a run calls few of them. The entry file is left as ncc writes it, as any
 * action's is: it holds `@actions/core` and the input check.
 */
export function compileEagerly(code, file = 'chunk') {
  const program = parse(code, { ecmaVersion: 'latest', sourceType: 'module' })
  const modules = program.body
    .flatMap(node => (node.type === 'ExportNamedDeclaration' ? [node.declaration] : [node]))
    .filter(node => node?.type === 'VariableDeclaration')
    .flatMap(node => node.declarations)
    .find(node => node.id.name === 'modules' && node.init?.type === 'ObjectExpression')
  if (!modules)
    throw new Error(
      `${file}: no \`export const modules = {…}\` found; has ncc's chunk format changed? Update compileEagerly in scripts/minify-chunks.mjs.`
    )
  const factories = modules.init.properties.map(property => property.value)
  let out = ''
  let at = 0
  for (const factory of factories) {
    if (!/FunctionExpression$/.test(factory.type)) continue
    out += `${code.slice(at, factory.start)}(${code.slice(factory.start, factory.end)})`
    at = factory.end
  }
  return out + code.slice(at)
}

async function minifyDir(dir) {
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
    writeFileSync(file, isLazyChunk(name) ? compileEagerly(code, file) : code)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  await minifyDir(process.argv[2] ?? 'dist')
