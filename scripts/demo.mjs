// `npm run demo` (after scripts/ensure-deps.mjs): run the bundled action (dist/index.js) on every
// example scenario as the Actions runner would, and print each incident record.
import { readFileSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { loadScenario, prepareScenario, runAction, scenarioNames } from './scenarios.mjs'

const wanted = process.argv.slice(2)
const names = wanted.length > 0 ? wanted : scenarioNames()
const bold = text => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text)
let mismatches = 0

for (const name of names) {
  const { description, expect } = loadScenario(name)
  const prepared = prepareScenario(name)
  const ran = await runAction(prepared)
  const o = ran.outputs
  const matches =
    o.result === expect.result &&
    o.bucket === expect.bucket &&
    o.severity === expect.severity &&
    o.owners === expect.owners.join(',')
  if (!matches) mismatches++
  console.log(`\n${bold(`━━ ${name}`)} — ${description}`)
  console.log(
    `result=${o.result} bucket=${o.bucket || '-'} severity=${o.severity || '-'} confidence=${o.confidence || '-'} owners=${o.owners || '-'} findings=${o.findings} (step exit ${ran.code}) ${matches ? '✓ as the playbook demands' : '✗ NOT as expected'}`
  )
  const markdown = o['record-path']
    ? readFileSync(o['record-path'].replace(/\.json$/, '.md'), 'utf8')
    : ''
  const record = markdown.split('\n### Findings')[0].split('\n### Log excerpt')[0]
  console.log(record.replace(/\*\*/g, '').trim())
  for (const line of ran.annotations) console.log(`  annotation: ${line.slice(0, 220)}`)
  rmSync(dirname(prepared.repo), { recursive: true, force: true })
}
console.log(
  `\n${names.length} scenario(s) run with the bundled action; ${mismatches === 0 ? 'every one triaged as the playbook demands.' : `${mismatches} differ from their expectation.`}`
)
process.exitCode = mismatches === 0 ? 0 : 1
