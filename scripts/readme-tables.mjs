// Generates the README's inputs and outputs tables from action.yml, and its presets table from the
// presets in src/config.ts, between the marker comments `<!-- inputs:start -->`…`<!-- inputs:end -->`,
// `<!-- outputs:start -->`…`<!-- outputs:end -->` and `<!-- presets:start -->`…`<!-- presets:end -->`.
//   npm run readme-tables            rewrite README.md
//   npm run readme-tables -- --check fail when README.md's tables differ from their sources
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'
import { parse } from 'yaml'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

const cell = text =>
  String(text)
    .trim()
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
// Outside code spans GitHub would take `<YYYYMMDD>` for an HTML tag and drop it.
const prose = text => cell(text).replace(/</g, '&lt;').replace(/>/g, '&gt;')
const code = text => {
  const fence = /`/.test(text) ? '`` ' : '`'
  return `${fence}${text}${fence === '`` ' ? ' ``' : '`'}`
}
const defaultCell = value => {
  const lines = String(value ?? '')
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean)
  return lines.length === 0 ? '' : lines.map(line => code(cell(line))).join('<br>')
}

const globs = list => (list.length === 0 ? 'none' : list.map(glob => code(glob)).join(', '))
const CLASSES = ['contract', 'fixture', 'implementation', 'docs', 'mcp', 'expected']

/** The presets table, as Markdown, from src/config.ts's `PRESETS` (in `PRESET_NAMES` order). */
export function presetsTable(presets, names) {
  return [
    `| preset | for | ${CLASSES.join(' | ')} | checks | runtime |`,
    `|---|---|${CLASSES.map(() => '---|').join('')}---|---|`,
    ...names.map(name => {
      const { about, paths, checks, runtime } = presets[name]
      const tags = Object.entries(checks).map(([tag, list]) => `${code(tag)}: ${globs(list)}`)
      const classes = CLASSES.map(key => globs(paths[key])).join(' | ')
      return `| \`${name}\` | ${prose(about)} | ${classes} | ${tags.join('<br>') || 'none'} | ${globs(runtime)} |`
    })
  ].join('\n')
}

/**
 * Imports a TypeScript module of src/ by transpiling it and the relative modules it imports
 * into a scratch folder of the checkout, where its packages resolve (a bundle takes a minute).
 */
async function importSource(entry) {
  const scratch = join(root, 'tmp')
  mkdirSync(scratch, { recursive: true })
  const out = mkdtempSync(join(scratch, 'readme-tables-'))
  try {
    const pending = [resolve(root, entry)]
    const seen = new Set()
    while (pending.length > 0) {
      const file = pending.pop()
      if (seen.has(file)) continue
      seen.add(file)
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }
      })
      const target = join(out, relative(root, file)).replace(/\.ts$/, '.js')
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, outputText)
      for (const [, spec] of outputText.matchAll(/(?:from|import)\s*'(\.{1,2}\/[^']+)\.js'/g))
        pending.push(resolve(dirname(file), `${spec}.ts`))
    }
    return await import(pathToFileURL(join(out, entry.replace(/\.ts$/, '.js'))).href)
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

/** The presets table, from the sources. */
export async function presetsFromSource() {
  const { PRESETS, PRESET_NAMES } = await importSource('src/config.ts')
  return presetsTable(PRESETS, PRESET_NAMES)
}

/** The inputs and outputs tables, as Markdown, from action.yml's text. */
export function tables(actionYml) {
  const action = parse(actionYml)
  const inputs = [
    '| input | default | description |',
    '|---|---|---|',
    ...Object.entries(action.inputs ?? {}).map(
      ([name, input]) =>
        `| \`${name}\` | ${defaultCell(input.default)} | ${prose(input.description ?? '')}${input.required ? ' **Required.**' : ''} |`
    )
  ].join('\n')
  const outputs = [
    '| output | description |',
    '|---|---|',
    ...Object.entries(action.outputs ?? {}).map(
      ([name, output]) => `| \`${name}\` | ${prose(output.description ?? '')} |`
    )
  ].join('\n')
  return { inputs, outputs }
}

/** README text with the tables between the markers replaced; throws when a marker is missing. */
export function withTables(readme, actionYml, presets) {
  let text = readme
  for (const [name, table] of Object.entries({ ...tables(actionYml), presets })) {
    const start = `<!-- ${name}:start -->`
    const end = `<!-- ${name}:end -->`
    const from = text.indexOf(start)
    const to = text.indexOf(end)
    if (from < 0 || to < from)
      throw new Error(`README.md lacks the ${start} … ${end} markers around the ${name} table.`)
    text = `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`
  }
  return text
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmePath = join(root, 'README.md')
  const readme = readFileSync(readmePath, 'utf8')
  const updated = withTables(
    readme,
    readFileSync(join(root, 'action.yml'), 'utf8'),
    await presetsFromSource()
  )
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error(
        "README.md's inputs/outputs tables differ from action.yml, or its presets table from src/config.ts: run `npm run readme-tables` and commit README.md."
      )
      process.exit(1)
    }
    console.log("README.md's inputs, outputs and presets tables match their sources")
  } else if (updated !== readme) {
    writeFileSync(readmePath, updated)
    console.log('README.md tables updated from action.yml and src/config.ts')
  } else {
    console.log('README.md tables already match action.yml and src/config.ts')
  }
}
