// `ncc build -m` minifies dist/index.js only, and without compressing it; the lazily loaded
// chunks (octokit, XML, bundles…) come out as readable webpack output. Minify them all in place
// with terser as webpack's production build would (compressed: ~40 KB less of index.js, issue
// 18), keeping function and class names as ncc does: libraries may rely on Function.name.
//   node scripts/minify-chunks.mjs [dir]   (default dist)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { minify } from 'terser'

const dir = process.argv[2] ?? 'dist'
for (const name of readdirSync(dir).filter(name => /^(\d+\.)?index\.m?js$/.test(name))) {
  const file = join(dir, name)
  const { code } = await minify(readFileSync(file, 'utf8'), {
    module: true,
    compress: { keep_classnames: true, keep_fnames: true },
    mangle: { keep_classnames: true, keep_fnames: true }
  })
  if (code === undefined) throw new Error(`terser returned nothing for ${file}`)
  writeFileSync(file, code)
}
