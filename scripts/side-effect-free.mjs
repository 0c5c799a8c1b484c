// `npm run build` runs this first (`prebuild`). @actions/core 3 imports its OIDC client at the top
// of core.js, and with it @actions/http-client and undici: evaluating them was about two thirds of
// a bare core action's start (bench/README.md). This action never asks for an OIDC token, and
// webpack leaves unused modules out only of packages that declare `"sideEffects": false`, which
// core does not. Its modules only define functions and constants when imported, so we say so in
// the installed copy: the bundle then starts without the HTTP client (issue 18).
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const manifest = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '..'),
  'node_modules/@actions/core/package.json'
)
const core = JSON.parse(readFileSync(manifest, 'utf8'))
if (!core.version.startsWith('3.'))
  throw new Error(
    `@actions/core ${core.version} is installed; scripts/side-effect-free.mjs was checked against 3.x. ` +
      'Read its lib/*.js for code that runs on import, then update the version check.'
  )
if (core.sideEffects !== false) {
  // Rename over the file, not write into it: worktrees may share node_modules through hard links.
  writeFileSync(`${manifest}.tmp`, JSON.stringify({ ...core, sideEffects: false }, null, 2) + '\n')
  renameSync(`${manifest}.tmp`, manifest)
}
