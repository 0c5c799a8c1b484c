// Parser throughput on a 1 GB synthetic validator log, side by side with `grep -c ERROR`.
// Prints MB/s and peak RSS against the targets (issue 4: ≥ 200 MB/s, ≤ 150 MB); asserts nothing.
// Usage: node bench/parse.mjs [size in MB, default 1024]
// `npm run bench` (bench/run.mjs) reuses bundleParser, writeLog, runParse and runGrep.
import { execFileSync, spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

if (process.argv[1] === fileURLToPath(import.meta.url)) main(Number(process.argv[2] ?? 1024))

function main(sizeMB) {
  const dir = mkdtempSync(join(tmpdir(), 'cdt-bench-parse-'))
  try {
    process.stderr.write('bundling src/parse/index.ts with ncc…\n')
    const bundle = bundleParser(join(dir, 'bundle'))

    process.stderr.write(`writing a ${sizeMB} MB synthetic log…\n`)
    const log = join(dir, 'validator.log')
    writeLog(log, sizeMB * 1024 * 1024)
    const bytes = statSync(log).size

    const parse = runParse(bundle, log)
    const grep = runGrep(log)

    const mb = bytes / 1024 / 1024
    const parseRate = mb / parse.seconds
    const grepRate = mb / grep.seconds
    const rows = [
      ['log size', `${mb.toFixed(0)} MB`, ''],
      [
        'parse throughput',
        `${parseRate.toFixed(0)} MB/s`,
        `target ≥ 200 MB/s: ${parseRate >= 200 ? 'met' : 'MISSED'}`
      ],
      [
        'parse peak RSS',
        `${parse.peakRssMB.toFixed(0)} MB`,
        `target ≤ 150 MB: ${parse.peakRssMB <= 150 ? 'met' : 'MISSED'}`
      ],
      ['findings (kept / counted)', `${parse.kept} / ${parse.counted}`, ''],
      ['grep -c ERROR', `${grepRate.toFixed(0)} MB/s`, `${grep.count} lines`],
      ['parse / grep', `${(parseRate / grepRate).toFixed(2)}×`, 'of grep’s throughput']
    ]
    console.log('\nparse bench (bench/parse.mjs)')
    for (const [name, value, note] of rows)
      console.log(`  ${name.padEnd(26)} ${value.padStart(14)}  ${note}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The parser as it ships: src/parse/index.ts bundled by ncc, not transpiled on the fly. */
export function bundleParser(outDir) {
  execFileSync('npx', ['ncc', 'build', 'src/parse/index.ts', '-o', outDir, '-q'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit']
  })
  return join(outDir, 'index.js')
}

/** `grep -c ERROR` on the same file: the floor any line scanner is measured against. */
export function runGrep(log) {
  const start = process.hrtime.bigint()
  const grep = spawnSync('grep', ['-c', 'ERROR', log], { encoding: 'utf8' })
  return {
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    count: Number(grep.stdout.trim())
  }
}

/** Field lines, noise, a traceback-free mix of long lines: what a chatty gate prints. */
export function writeLog(path, size) {
  const lines = []
  for (let i = 0; lines.join('\n').length < 4 * 1024 * 1024; i++) {
    if (i % 50 === 0)
      lines.push(
        `[fixture-coverage] ERROR: MCP pack 'billing.t${i}.ingest' version '1.0' missing required file: response.expected.json`
      )
    else if (i % 50 === 1)
      lines.push(`[legacy-alias-parity] OK: ${i} rows match their canonical tools`)
    else if (i % 997 === 0) lines.push(`DEBUG payload ${'x'.repeat(200_000)}`)
    else if (i % 3 === 0)
      lines.push(`  PASS tests/contracts/test_billing.py::test_row_${i} (0.00${i % 10}s)`)
    else
      lines.push(
        `2025-11-27T09:12:${String(i % 60).padStart(2, '0')}Z checking pack ${i} of 20000 in tests/contracts/fixtures/mcp/billing.aws.ingest/1.0`
      )
  }
  const block = Buffer.from(`${lines.join('\n')}\n`)
  const fd = openSync(path, 'w')
  for (let written = 0; written < size; written += block.length) writeSync(fd, block)
  closeSync(fd)
}

/** Parses the log in a fresh process, so its peak RSS is the parser's alone. */
export function runParse(bundle, log) {
  const script = `
    import { createReadStream } from 'node:fs'
    const { OutputCollector } = await import(${JSON.stringify(bundle)})
    const collector = new OutputCollector('bench', { workspace: '/work/repo', checks: {}, runtimeTags: [], maxFindings: 1000 })
    const start = process.hrtime.bigint()
    for await (const chunk of createReadStream(${JSON.stringify(log)}, { highWaterMark: 1024 * 1024 })) collector.write(chunk)
    const run = collector.finish(1, 0)
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    console.log(JSON.stringify({ seconds, kept: run.findings.length, counted: run.findingCount, peakRssMB: process.resourceUsage().maxRSS / 1024 }))
  `
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8'
  })
  return JSON.parse(out.trim().split('\n').at(-1))
}
