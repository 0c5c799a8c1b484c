// Generates schema/config.schema.json — the JSON Schema editors use to complete and check
// `.github/contract-drift-triage.yml` — from the zod schema the action validates it with
// (src/config-file.ts `configSchema`), so the two cannot disagree.
//   npm run schema            write schema/config.schema.json
//   npm run schema -- --check fail when the committed file differs from a fresh generation
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as prettier from 'prettier'
import { z } from 'zod'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const target = join(root, 'schema', 'config.schema.json')
const check = process.argv.includes('--check')

/** The committed JSON text the current sources generate. */
export async function generate() {
  const dir = mkdtempSync(join(tmpdir(), 'cdt-config-schema-'))
  try {
    // src/ is TypeScript: bundle the module as it ships (zod stays one shared registry, so
    // `.describe()` texts survive the bundle) and import the result.
    execFileSync('npx', ['ncc', 'build', 'src/config-file.ts', '-o', dir, '-q'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit']
    })
    const { configSchema } = await import(pathToFileURL(join(dir, 'index.js')).href)
    const generated = z.toJSONSchema(configSchema(), { io: 'input', target: 'draft-2020-12' })
    const schema = {
      $schema: generated.$schema,
      $id: 'https://raw.githubusercontent.com/acme/contract-drift-triage/v1/schema/config.schema.json',
      title: 'contract-drift-triage configuration',
      description:
        'The configuration file of the contract-drift-triage action (.github/contract-drift-triage.yml). Generated from src/config-file.ts by `npm run schema`; do not edit by hand.',
      ...Object.fromEntries(Object.entries(generated).filter(([key]) => key !== '$schema'))
    }
    return prettier.format(JSON.stringify(schema), { parser: 'json', printWidth: 100 })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await generate()
  if (check) {
    let committed = ''
    try {
      committed = readFileSync(target, 'utf8')
    } catch {
      // compared below as empty
    }
    if (committed !== text) {
      console.error(
        'schema/config.schema.json does not match the zod schema in src/config-file.ts: run `npm run schema` and commit the result.'
      )
      process.exit(1)
    }
    console.log('schema/config.schema.json matches src/config-file.ts')
  } else {
    writeFileSync(target, text)
    console.log(`wrote ${target}`)
  }
}
