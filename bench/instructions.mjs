// `node bench/instructions.mjs [dist-dir]`: the cold-start cases counted in instructions, not
// milliseconds. On a machine shared with other work the wall times of `npm run bench` move with the
// load; valgrind's instruction count of one run does not (±1 % run to run), so a change to the
// start path can be judged before and after on a busy machine and confirmed by the bench later.
// Needs valgrind; runs node 24 (bench/runtime.mjs) under `valgrind --tool=callgrind`, once a case.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { buildFloor, prepareColdStart, DIST } from './startup.mjs'
import { node24 } from './runtime.mjs'

const dist = resolve(process.argv[2] ?? DIST)
const work = mkdtempSync(join(tmpdir(), 'cdt-instructions-'))
try {
  const bin = node24(message => console.error(message))
  const floor = buildFloor(join(work, 'floor'))
  const cases = prepareColdStart(join(work, 'cold'))
  const runs = [
    ['floor', floor, cases['green, config'].prepared],
    ...Object.entries(cases).map(([name, c]) => [name, join(dist, 'index.js'), c.prepared])
  ]
  const counted = {}
  for (const [name, entry, prepared] of runs) {
    writeFileSync(prepared.outputFile, '')
    writeFileSync(prepared.summaryFile, '')
    const ran = spawnSync(
      'valgrind',
      ['--tool=callgrind', `--callgrind-out-file=${join(work, 'callgrind.out')}`, bin, entry],
      { cwd: prepared.repo, env: prepared.env, encoding: 'utf8' }
    )
    const collected = /Collected : (\d+)/.exec(ran.stderr ?? '')
    if (!collected) throw new Error(`valgrind did not count ${name}: ${ran.error ?? ran.stderr}`)
    const output = readFileSync(prepared.outputFile, 'utf8')
    const result = /^result<<(.+)\n(\w+)\n\1$/m.exec(output)?.[2] ?? '(none)'
    counted[name] = Number(collected[1])
    const ratio = name === 'floor' ? '' : ` (${(counted[name] / counted.floor).toFixed(2)} × floor)`
    console.log(
      `${name}: ${(counted[name] / 1e6).toFixed(1)}M instructions${ratio}, result=${result}`
    )
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
