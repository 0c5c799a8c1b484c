// `ncc build -m` minifies dist/index.js only: the lazily loaded chunks (octokit, XML, bundles…)
// come out as readable webpack output. Minify them the same way (terser, ESM), in place.
//   node scripts/minify-chunks.mjs [dir]   (default dist)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { minify } from 'terser'

const dir = process.argv[2] ?? 'dist'
for (const name of readdirSync(dir).filter(name => /^\d+\.index\.js$/.test(name))) {
  const file = join(dir, name)
  const { code } = await minify(readFileSync(file, 'utf8'), {
    module: true,
    compress: true,
    mangle: true,
    format: { comments: false }
  })
  if (code === undefined) throw new Error(`terser returned nothing for ${file}`)
  writeFileSync(file, code)
}
