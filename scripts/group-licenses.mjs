// ncc's licenses.txt repeats each package's license in full: a dozen copies of the same MIT
// permission text (issue 18's size target). Write each distinct license text once, after the
// notices of every package that uses it; a package keeps its name, license id and its own lines
// before the permission text (title, copyright), so every notice stays. Texts that differ only in
// line wrapping count as the same text; anything else in the wording makes its own group.
// ncc leaves out the packages of the entry file (@actions/core, undici…): every package that
// ncc's stats.json (`--stats-out`, in the same directory) names is added from node_modules.
//   node scripts/group-licenses.mjs [file]   (default dist/licenses.txt)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

// Where a license's shared text begins; what comes before it is the package's own notice.
const TEXT_START = /^(Permission is hereby granted|Permission to use, copy)/

const installed = name => existsSync(join('node_modules', name, 'package.json'))

// ncc writes `name\nlicense id\ntext\n\n` per package, sorted by name. Texts contain blank lines
// too, so an entry starts at a line after a blank one that names an installed package later in
// that order than the previous entry's, followed by a license id.
export function parseLicenses(text, isPackage = installed) {
  const lines = text.replace(/\n+$/, '').split('\n')
  const entries = []
  let idLine = -1
  for (const [i, line] of lines.entries()) {
    const header =
      (i === 0 || lines[i - 1] === '') &&
      /^(@[a-z0-9._-]+\/)?[a-z0-9._-]+$/.test(line) &&
      /^[A-Za-z0-9.+-]+( (OR|AND) [A-Za-z0-9.+-]+)*$/.test(lines[i + 1] ?? '') &&
      (entries.length === 0 || line > entries.at(-1).name) &&
      isPackage(line)
    if (header) {
      entries.push({ name: line, license: lines[i + 1], lines: [] })
      idLine = i + 1
    } else if (i !== idLine) entries.at(-1)?.lines.push(line)
  }
  if (entries.length === 0 && text.trim() !== '')
    throw new Error(
      'licenses.txt: no `package name` / `license id` header found; is it ncc output?'
    )
  return entries.map(({ name, license, lines }) => {
    const start = lines.findIndex(line => TEXT_START.test(line))
    const trim = part => part.join('\n').trim()
    return start < 0
      ? { name, license, notice: trim(lines), text: '' }
      : { name, license, notice: trim(lines.slice(0, start)), text: trim(lines.slice(start)) }
  })
}

/**
 * The packages whose code a bundle holds, from the module paths of ncc's stats.json: modules
 * webpack left out (orphans, in no chunk: imported but never used) hold none.
 */
export function bundledPackages(stats) {
  const names = new Set()
  const visit = module => {
    const name = module.name?.match(/.*node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1]
    if (name) names.add(name)
    for (const inner of module.modules ?? []) visit(inner)
  }
  for (const module of stats.modules ?? []) if (!module.orphan) visit(module)
  return [...names].sort()
}

/** A package's entry as ncc writes it: name, license id, the text of its license file. */
export function licenseEntry(name, root = 'node_modules') {
  const dir = join(root, name)
  const { license = 'UNKNOWN' } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const file = readdirSync(dir).find(file => /^(licen[cs]e|copying)(\.|$)/i.test(file))
  if (!file) throw new Error(`${name}: no LICENSE file in ${dir}; add its notice by hand.`)
  return `${name}\n${license}\n${readFileSync(join(dir, file), 'utf8').trim()}\n`
}

export function groupLicenses(text, isPackage = installed, bundled = [], entryOf = licenseEntry) {
  const entries = parseLicenses(text, isPackage)
  const listed = new Set(entries.map(entry => entry.name))
  for (const name of bundled.filter(name => !listed.has(name)))
    entries.push(...parseLicenses(entryOf(name), candidate => candidate === name))
  entries.sort((a, b) => (a.name < b.name ? -1 : 1))
  const groups = new Map()
  for (const entry of entries) {
    // An entry without a recognised permission text stays whole, in a group of its own.
    const key = entry.text === '' ? `\0${entry.name}` : entry.text.replace(/\s+/g, ' ')
    groups.set(key, [...(groups.get(key) ?? []), entry])
  }
  const out = []
  for (const entries of groups.values()) {
    const head = ({ name, license, notice }) => [name, license, notice].filter(Boolean).join('\n')
    if (entries.length === 1)
      out.push([head(entries[0]), entries[0].text].filter(Boolean).join('\n\n'))
    else
      out.push(
        [
          ...entries.map(head),
          `The ${entries.length} packages above are each licensed under this text:`,
          entries[0].text
        ].join('\n\n')
      )
  }
  return out.join('\n\n\n') + '\n'
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2] ?? join('dist', 'licenses.txt')
  const stats = join(dirname(file), 'stats.json')
  const bundled = existsSync(stats) ? bundledPackages(JSON.parse(readFileSync(stats, 'utf8'))) : []
  writeFileSync(file, groupLicenses(readFileSync(file, 'utf8'), installed, bundled))
}
