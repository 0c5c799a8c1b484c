import { afterAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultConfig } from '../src/config.js'
import { parseOptions } from '../src/pipeline.js'
import { runValidator, startValidator, validatorEnv } from '../src/run-validators.js'

const dir = mkdtempSync(join(tmpdir(), 'cdt-run-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const options = (timeoutSeconds = 30, env: NodeJS.ProcessEnv = process.env) => ({
  cwd: dir,
  timeoutSeconds,
  parse: parseOptions(defaultConfig(), dir),
  env
})

/** Running, not a zombie left for a container's init that never reaps. */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return process.platform !== 'linux'
  }
}

describe('runValidator', () => {
  it('runs the command through bash in the working directory and parses what it prints', async () => {
    const run = await runValidator(
      `pwd; echo "[fixture-coverage] ERROR: Missing required MCP fixture packs: ['billing.oci.ingest']"; exit 1`,
      options()
    )
    expect(run.outcome).toBe('failed')
    expect(run.exitCode).toBe(1)
    expect(run.excerpt.split('\n')[0]).toBe(dir)
    expect(run.findings.map(f => f.targets)).toEqual([
      ['tests/contracts/fixtures/mcp/billing.oci.ingest/']
    ])
  })

  it('stops a hung validator and everything it started at the timeout', async () => {
    const pidFile = join(dir, 'grandchild.pid')
    const started = Date.now()
    const run = await runValidator(`sleep 60 & echo $! > ${pidFile}; wait`, options(1))
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(run.outcome).toBe('timed-out')
    expect(run.exitCode).toBeNull()
    const grandchild = Number(readFileSync(pidFile, 'utf8'))
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(alive(grandchild)).toBe(false)
  })

  it('calls a command the shell cannot find missing', async () => {
    const run = await runValidator('no-such-validator-command --check', options())
    expect(run.outcome).toBe('missing')
    expect(run.exitCode).toBe(127)
    expect(run.excerpt).toContain('no-such-validator-command')
  })

  it('calls a Python script that does not exist missing, not drift', async () => {
    const run = await runValidator('python3 scripts/no-such-file.py', options())
    expect(run.outcome).toBe('missing')
    expect(run.exitCode).toBe(2)
  })

  it.each([
    ['a syntax error in the command', 'echo "[d] OK: fine"; if then (', 'broken', /syntax error/],
    ['an unterminated quote', 'echo "unterminated', 'broken', /unexpected EOF/],
    ['a command that starts with -', '--strict', 'missing', /--strict: command not found/]
  ])(
    'calls %s a broken command the shell names, not drift',
    async (_case, command, outcome, crash) => {
      const run = await runValidator(command, options())
      expect(run).toMatchObject({ outcome, findings: [] })
      expect(run.crash).toMatch(crash)
    }
  )

  it('reads stderr apart from stdout: a warning before JUnit leaves the document whole', async () => {
    const run = await runValidator(
      `echo "(node:1) ExperimentalWarning: x" >&2; sleep 0.1; printf '<testsuites><testsuite name="s"><testcase name="t"><failure message="boom"/></testcase></testsuite></testsuites>\n'; exit 1`,
      options()
    )
    expect(run).toMatchObject({ outcome: 'failed', format: 'junit', findingCount: 1 })
    expect(run.findings[0]?.message).toBe('t: boom')
    // The log excerpt keeps both streams, in the order they arrived.
    expect(run.excerpt.split('\n')[0]).toBe('(node:1) ExperimentalWarning: x')
  })

  it('keeps the token and the runner command files away from the validator', async () => {
    const env = {
      ...process.env,
      'INPUT_GITHUB-TOKEN': 'ghs_secret',
      GITHUB_OUTPUT: '/tmp/out',
      ACTIONS_RUNTIME_TOKEN: 'rt',
      CUSTOM: 'kept'
    }
    const run = await runValidator('env', options(30, env))
    expect(run.excerpt).toContain('CUSTOM=kept')
    expect(run.excerpt).not.toContain('ghs_secret')
    expect(run.excerpt).not.toContain('GITHUB_OUTPUT')
    expect(run.excerpt).not.toContain('ACTIONS_RUNTIME_TOKEN')
    expect(Object.keys(validatorEnv(env))).toContain('PATH')
  })

  it('keeps memory bounded on a large output: head and tail kept, the middle counted', async () => {
    const run = await runValidator(
      `python3 -c "import sys
for i in range(200000): print('line', i)
print('[fixture-coverage] ERROR: MCP pack \\'a\\' version \\'1\\' missing required file: notes.md')
sys.exit(1)"`,
      options()
    )
    expect(run.outputBytes).toBeGreaterThan(2_000_000)
    expect(run.excerpt.length).toBeLessThan(40_000)
    expect(run.excerpt).toMatch(/… \d+ lines omitted …/)
    expect(run.excerpt).toContain('line 0')
    expect(run.findings).toHaveLength(1)
  })
})

describe('runValidator: processes that end abnormally or linger', () => {
  it.each([
    ['kill -9 $$', 'SIGKILL'],
    ['python3 -c "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"', 'SIGSEGV']
  ])('calls a validator killed by a signal a crash, not drift: %s', async (command, signal) => {
    const run = await runValidator(command, options())
    expect(run.outcome).toBe('crashed')
    expect(run.crash).toContain(`killed by ${signal}`)
    expect(run.findings).toEqual([])
  })

  it('stops what a validator left running when it exits', async () => {
    const pidFile = join(dir, 'lingering.pid')
    const started = Date.now()
    const run = await runValidator(
      `(sleep 40 & echo $! > ${pidFile}); echo "[d] OK: fine"`,
      options()
    )
    expect(run.outcome).toBe('passed')
    expect(Date.now() - started).toBeLessThan(5_000)
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false)
  })
})

/** Waits until a validator has written `file` (what it printed before is then in the pipe). */
const writtenBy = async (file: string): Promise<void> => {
  while (!existsSync(file)) await new Promise(resolve => setTimeout(resolve, 20))
  await new Promise(resolve => setTimeout(resolve, 200))
}

describe('startValidator: the first validator starts while the configuration loads', () => {
  it('keeps what it printed before its output is read, and echoes it then', async () => {
    const marker = join(dir, 'printed')
    const started = startValidator(
      `echo "[fixture-coverage] ERROR: Missing required MCP fixture packs: ['billing.oci.ingest']"; echo "a warning" >&2; touch ${marker}; exit 1`,
      options()
    )
    await writtenBy(marker)
    const echoed: string[] = []
    const run = await started.collect(options().parse, chunk => echoed.push(chunk.toString()))
    expect(run.outcome).toBe('failed')
    expect(run.findings.map(finding => finding.message)).toEqual([
      "Missing required MCP fixture packs: ['billing.oci.ingest']"
    ])
    expect(run.excerpt).toContain('a warning')
    expect(echoed.join('')).toContain('ERROR: Missing required MCP fixture packs')
  })

  it('is stopped, with what it started, when the run fails before reading it', async () => {
    const pidFile = join(dir, 'started.pid')
    const started = startValidator(`(sleep 40 & echo $! > ${pidFile}); sleep 40`, options())
    await writtenBy(pidFile)
    started.stop()
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false)
  })
})

describe('startValidator: the next validator starts when this one has ended', () => {
  it('tells when the validator has ended, before its output is read', async () => {
    const started = startValidator(
      `echo "[fixture-coverage] ERROR: Missing required MCP fixture packs: ['billing.oci.ingest']"; exit 1`,
      options()
    )
    const waited = await Promise.race([
      started.ended.then(() => 'ended'),
      new Promise(resolve => setTimeout(() => resolve('still waiting after 10 s'), 10_000))
    ])
    expect(waited).toBe('ended')
    const run = await started.collect(options().parse)
    expect(run.outcome).toBe('failed')
    expect(run.findings).toHaveLength(1)
  })

  it('counts its own run time, not the time its output waited to be read', async () => {
    const started = startValidator('sleep 0.2', options())
    await started.ended
    await new Promise(resolve => setTimeout(resolve, 1500))
    const run = await started.collect(options().parse)
    expect(run.durationMs).toBeGreaterThanOrEqual(150)
    expect(run.durationMs).toBeLessThan(1500)
  })
})
