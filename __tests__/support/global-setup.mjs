// Once for `npm run test:e2e`, before any worker starts (workers inherit process.env).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, statfsSync } from 'node:fs'
import { dirname, delimiter } from 'node:path'

/**
 * The example validators start `python3` several times a run. Where `python3` is a version
 * manager's shim (pyenv: a bash script that asks pyenv which interpreter to run), each start costs
 * about half a second of CPU, more than the run itself; the interpreter it resolves to is the one
 * the shim would start, so the runs find it first on PATH. Nothing changes where `python3` is the
 * interpreter already, or is missing (the validator-missing scenario does not need it).
 */
function realPython() {
  const found = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8'
  })
  const interpreter = found.status === 0 ? found.stdout.trim() : ''
  if (interpreter) process.env.PATH = `${dirname(interpreter)}${delimiter}${process.env.PATH}`
}

/**
 * The suites write and remove a checkout, a runner folder and the validators' files for each of
 * some 300 bundle runs. On a disk mounted with `discard` removing one checkout took 20–140 ms of
 * waiting, copying one 13–28 ms; in memory both take 2–6 ms (test:e2e: 148 s instead of 162–172 s
 * on 2 cores). So where the machine has a tmpfs at /dev/shm that may run programs (the suites run
 * scripts of the checkout: `./check.sh`) and has 1 GB free, the temporary folder is a folder of
 * it. A TMPDIR set by whoever runs the tests is kept.
 */
function scratchInMemory() {
  if (process.env.TMPDIR || process.platform !== 'linux') return
  let mounts = ''
  try {
    mounts = readFileSync('/proc/mounts', 'utf8')
  } catch {
    return
  }
  const shm = mounts
    .split('\n')
    .map(line => line.split(' '))
    .find(([, at, type]) => at === '/dev/shm' && type === 'tmpfs')
  if (!shm || shm[3].split(',').includes('noexec')) return
  // A container's /dev/shm is often 64 MB: the suites use 20 MB at a time, and a full tmpfs
  // would fail them with ENOSPC.
  const free = statfsSync('/dev/shm')
  if (free.bavail * free.bsize < 1024 ** 3) return
  const scratch = `/dev/shm/contract-drift-triage-tests-${process.getuid?.() ?? 0}`
  try {
    mkdirSync(scratch, { recursive: true, mode: 0o700 })
  } catch {
    return
  }
  process.env.TMPDIR = scratch
}

export default function globalSetup() {
  realPython()
  scratchInMemory()
}
