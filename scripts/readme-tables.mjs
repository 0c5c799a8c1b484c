// Generates the README's inputs and outputs tables from action.yml, between the marker comments
// `<!-- inputs:start -->`…`<!-- inputs:end -->` and `<!-- outputs:start -->`…`<!-- outputs:end -->`.
//   npm run readme-tables            rewrite README.md
//   npm run readme-tables -- --check fail when README.md's tables differ from action.yml
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
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

/** The two tables, as Markdown, from action.yml's text. */
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
export function withTables(readme, actionYml) {
  let text = readme
  for (const [name, table] of Object.entries(tables(actionYml))) {
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
  const updated = withTables(readme, readFileSync(join(root, 'action.yml'), 'utf8'))
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error(
        "README.md's inputs/outputs tables differ from action.yml: run `npm run readme-tables` and commit README.md."
      )
      process.exit(1)
    }
    console.log("README.md's inputs and outputs tables match action.yml")
  } else if (updated !== readme) {
    writeFileSync(readmePath, updated)
    console.log('README.md tables updated from action.yml')
  } else {
    console.log('README.md tables already match action.yml')
  }
}
