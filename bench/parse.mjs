// Parser throughput on a 1 GB synthetic validator log, side by side with `grep -c ERROR`.
// Prints MB/s and peak RSS against the targets (issue 4: ≥ 200 MB/s, ≤ 150 MB); asserts nothing.
// Usage: node bench/parse.mjs [size in MB, default 1024]
//        node bench/parse.mjs --tools [size in MB, default 256] [--only NAME]: each contract tool's
//          format (issue 15); --only runs the formats whose name contains NAME (`json`, `ajv`)
//        node bench/parse.mjs --instructions [size in MB, default 16] [--only NAME]: instructions
//          per MiB of each format and the field log, counted by callgrind on node 24: on a shared
//          machine wall-clock MB/s move with the load, an instruction count does not (±1 %)
// `npm run bench` (bench/run.mjs) reuses bundleParser, writeLog, runParse and runGrep.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  closeSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** `node bench/parse.mjs --tools [MB]`: each contract tool's format at that size (issue 15). */
function mainTools(sizeMB, only) {
  const dir = mkdtempSync(join(tmpdir(), 'cdt-bench-tools-'))
  try {
    process.stderr.write('bundling src/parse/index.ts with ncc…\n')
    const bundle = bundleParser(join(dir, 'bundle'))
    console.log(
      `\nparse bench, contract tools' formats, ${sizeMB} MB each (bench/parse.mjs --tools)`
    )
    for (const name of Object.keys(TOOL_FORMATS).filter(name => name.includes(only))) {
      const log = join(dir, 'tool.log')
      writeToolLog(name, log, sizeMB * 1024 * 1024)
      const mb = statSync(log).size / 1024 / 1024
      const parse = runParse(bundle, log, name)
      const rate = mb / parse.seconds
      // CPU time too: on a loaded machine the wall clock measures the other processes.
      const cpuRate = mb / parse.cpuSeconds
      console.log(
        `  ${name.padEnd(24)} ${`${rate.toFixed(0)} MB/s`.padStart(10)}  ${rate >= 200 ? 'met' : 'MISSED'} (≥ 200)  ${`${cpuRate.toFixed(0)} MB/s of CPU`.padStart(17)}  peak RSS ${parse.peakRssMB.toFixed(0)} MB  ${parse.outcome}, ${parse.kept}/${parse.counted} findings, read as ${parse.format}`
      )
      rmSync(log)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

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
  // The length is kept as it grows: joining the block on every line made writing it quadratic.
  for (let i = 0, length = 0; length < 4 * 1024 * 1024; i++, length += lines.at(-1).length + 1) {
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

/**
 * The contract tools' formats (issue 15), each as a synthetic output of `size` bytes: how it
 * is written, which stream it arrives on, and the command that printed it.
 */
export const TOOL_FORMATS = {
  sarif: {
    command: 'spectral lint api/openapi.yaml -f sarif',
    head: '{\n  "version": "2.1.0",\n  "runs": [\n    {\n      "tool": { "driver": { "name": "spectral" } },\n      "results": [\n',
    item: i =>
      `        { "level": "${i % 10 ? 'warning' : 'error'}", "ruleId": "operation-tags", "message": { "text": "Operation must have non-empty \\"tags\\" array." }, "locations": [ { "physicalLocation": { "artifactLocation": { "uri": "api/openapi.yaml" }, "region": { "startLine": ${i}, "startColumn": 9 } } } ] },\n`,
    tail: '        { "level": "note", "message": { "text": "end" } }\n      ]\n    }\n  ]\n}\n'
  },
  'compiler (buf text)': {
    command: 'buf breaking --against .git#branch=main',
    item: i =>
      i % 3
        ? `proto/acme/v${i % 7}/pet.proto:${i}:3:Field "2" with name "name" on message "Pet" changed type from "string" to "int64".\n`
        : `2025-11-27T09:12:30Z building image ${i} of the module set, nothing to report here\n`
  },
  'buf json': {
    command: 'buf breaking --against .git#branch=main --error-format=json',
    item: i =>
      `{"path":"proto/acme/v1/pet.proto","start_line":${i},"start_column":3,"end_line":${i},"end_column":8,"type":"FIELD_SAME_TYPE","message":"Field \\"2\\" with name \\"name\\" on message \\"Pet\\" changed type from \\"string\\" to \\"int64\\"."}\n`
  },
  'spectral json': {
    command: 'spectral lint api/openapi.yaml -f json',
    head: '[\n',
    item: i =>
      `\t{\n\t\t"code": "operation-tags",\n\t\t"path": ["paths", "/pets", "get"],\n\t\t"message": "Operation must have non-empty \\"tags\\" array.",\n\t\t"severity": ${i % 10 ? 1 : 0},\n\t\t"range": { "start": { "line": ${i}, "character": 8 }, "end": { "line": ${i + 9}, "character": 50 } },\n\t\t"source": "/home/runner/work/pets/pets/api/openapi.yaml"\n\t},\n`,
    tail: '\t{ "code": "x", "message": "end", "severity": 3, "range": { "start": { "line": 0 } } }\n]\n'
  },
  'check-jsonschema json': {
    command: 'check-jsonschema --schemafile schema/pet.schema.json -o json fixtures/*.json',
    head: '{\n  "status": "fail",\n  "successes": [],\n  "errors": [\n',
    item: i =>
      `    {\n      "filename": "fixtures/pet-${i}.json",\n      "path": "$.tags[${i % 5}]",\n      "message": "${i} is not of type 'string'",\n      "has_sub_errors": false\n    },\n`,
    tail: '    { "filename": "fixtures/last.json", "path": "$", "message": "end" }\n  ],\n  "parse_errors": []\n}\n'
  },
  'ajv (stderr)': {
    command: "ajv validate -s schema/pet.schema.json -d 'fixtures/*.json' --errors=json",
    stderr: true,
    item: i =>
      i % 4
        ? `  {\n    "instancePath": "/tags/${i % 5}",\n    "schemaPath": "#/properties/tags/items/type",\n    "keyword": "type",\n    "params": { "type": "string" },\n    "message": "must be string"\n  },\n`
        : `]\nfixtures/pet-${i}.json valid\nfixtures/pet-${i}.json invalid\n[\n`,
    head: 'fixtures/pet-0.json invalid\n[\n',
    tail: ']\n'
  },
  'graphql-inspector diff': {
    command: 'graphql-inspector diff git:origin/main:schema.graphql schema.graphql',
    item: i =>
      i % 2
        ? `[log] \u2716  Field Query.pets${i} changed type from [Pet!]! to [Pet]\n`
        : `[log] \u2714  Field Query.added${i} was added to object type Query\n`
  },
  'pact verifier': {
    command: 'pact_verifier_cli --file pacts/pet-web-pet-api.json --port 8080',
    head: 'Verifying a pact between pet-web and pet-api\n  [Using File pacts/pet-web-pet-api.json]\n',
    item: i =>
      i % 50
        ? `  Given there are pets\n    a request for the pets ${i} (0s loading, 14ms verification)\n      returns a response which\n        has status code 200 (OK)\n        has a matching body (OK)\n`
        : `\nFailures:\n\n${i}) Verifying a pact between pet-web and pet-api Given there are pets - a request for the pets ${i}\n    ${i}.1) has a matching body\n           $[0].name -> Expected 'Rex' (String) but received 7 (Integer)\n\nThere were 1 pact failures\n\n`
  }
}

/** A synthetic output of one of TOOL_FORMATS, `size` bytes give or take a block. */
export function writeToolLog(name, path, size) {
  const format = TOOL_FORMATS[name]
  const items = []
  let length = 0
  for (let i = 1; length < 4 * 1024 * 1024; i++) {
    const item = format.item(i)
    items.push(item)
    length += item.length
  }
  const block = Buffer.from(items.join(''))
  const fd = openSync(path, 'w')
  if (format.head) writeSync(fd, format.head)
  for (let written = 0; written < size; written += block.length) writeSync(fd, block)
  if (format.tail) writeSync(fd, format.tail)
  closeSync(fd)
}

/**
 * Parses the log in a fresh process, so its peak RSS is the parser's alone. `tool` names one of
 * TOOL_FORMATS: its command, and the stream it arrives on.
 */
export function runParse(bundle, log, tool) {
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', parseScript(bundle, log, tool)],
    {
      encoding: 'utf8'
    }
  )
  return JSON.parse(out.trim().split('\n').at(-1))
}

/** The script that parses `log` as `tool`'s output (TOOL_FORMATS) and prints what it found. */
function parseScript(bundle, log, tool) {
  const format = tool ? TOOL_FORMATS[tool] : undefined
  return `
    import { createReadStream } from 'node:fs'
    const { OutputCollector } = await import(${JSON.stringify(bundle)})
    const collector = new OutputCollector(${JSON.stringify(format?.command ?? 'bench')}, { workspace: '/work/repo', checks: {}, runtimeTags: [], maxFindings: 1000 })
    const start = process.hrtime.bigint()
    const cpu = process.cpuUsage()
    for await (const chunk of createReadStream(${JSON.stringify(log)}, { highWaterMark: 1024 * 1024 })) collector.${format?.stderr ? 'writeStderr' : 'write'}(chunk)
    const run = collector.finish(1, 0)
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    const used = process.cpuUsage(cpu)
    const cpuSeconds = (used.user + used.system) / 1e6
    console.log(JSON.stringify({ seconds, cpuSeconds, kept: run.findings.length, counted: run.findingCount, outcome: run.outcome, format: run.format, peakRssMB: process.resourceUsage().maxRSS / 1024 }))
  `
}

/**
 * `--instructions`: each format's parse counted by callgrind on node 24 (`--single-threaded`, so
 * V8's compiler threads count too and the total repeats), at `sizeMB` and at one block less; the
 * difference over that block is the cost of a MiB, without node's start and the JIT's warm-up.
 */
async function mainInstructions(sizeMB, only) {
  const { node24 } = await import('./runtime.mjs')
  const bin = node24(message => process.stderr.write(`${message}\n`))
  const dir = mkdtempSync(join(tmpdir(), 'cdt-bench-instructions-'))
  try {
    process.stderr.write('bundling src/parse/index.ts with ncc…\n')
    const bundle = bundleParser(join(dir, 'bundle'))
    const count = (log, tool) => {
      const script = join(dir, 'parse.mjs')
      writeFileSync(script, parseScript(bundle, log, tool))
      const ran = spawnSync(
        'valgrind',
        [
          '--tool=callgrind',
          `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
          bin,
          '--single-threaded',
          script
        ],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
      )
      const collected = /Collected : (\d+)/.exec(ran.stderr ?? '')
      if (!collected)
        throw new Error(
          `valgrind did not count ${tool ?? 'the field log'}: ${ran.error ?? ran.stderr}`
        )
      return {
        instructions: Number(collected[1]),
        run: JSON.parse(ran.stdout.trim().split('\n').at(-1))
      }
    }
    console.log(
      `\nparse bench, instructions per MiB (callgrind, node ${bin.includes('.node24') ? '24' : process.versions.node}, ${sizeMB} MB)`
    )
    const cases = [...Object.keys(TOOL_FORMATS), 'field log'].filter(name => name.includes(only))
    for (const name of cases) {
      const tool = name === 'field log' ? undefined : name
      const log = join(dir, 'tool.log')
      const write = size => (tool ? writeToolLog(tool, log, size) : writeLog(log, size))
      write(sizeMB * 1024 * 1024)
      const bytes = statSync(log).size
      const big = count(log, tool)
      write((sizeMB - 4) * 1024 * 1024)
      const small = count(log, tool)
      const mib = (bytes - statSync(log).size) / 1024 / 1024
      const perMiB = (big.instructions - small.instructions) / mib / 1e6
      console.log(
        `  ${name.padEnd(24)} ${`${perMiB.toFixed(1)}M`.padStart(8)} instructions per MiB  (${(big.instructions / 1e6).toFixed(0)}M for ${(bytes / 1024 / 1024).toFixed(0)} MiB; ${big.run.outcome}, ${big.run.kept}/${big.run.counted} findings, read as ${big.run.format})`
      )
      rmSync(log)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// Last, so the tables above exist when it runs.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [mode, ...rest] = process.argv.slice(2)
  const onlyAt = rest.indexOf('--only')
  const only = onlyAt >= 0 ? rest.splice(onlyAt, 2)[1] : ''
  if (mode === '--tools') mainTools(Number(rest[0] ?? 256), only)
  else if (mode === '--instructions') await mainInstructions(Number(rest[0] ?? 16), only)
  else main(Number(mode ?? 1024))
}
