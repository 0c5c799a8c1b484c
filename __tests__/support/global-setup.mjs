// Once for `npm run test:e2e`, before any worker starts (workers inherit process.env).
import { spawnSync } from 'node:child_process'
import { dirname, delimiter } from 'node:path'

/**
 * The example validators start `python3` several times a run. Where `python3` is a version
 * manager's shim (pyenv: a bash script that asks pyenv which interpreter to run), each start costs
 * about half a second of CPU, more than the run itself; the interpreter it resolves to is the one
 * the shim would start, so the runs find it first on PATH. Nothing changes where `python3` is the
 * interpreter already, or is missing (the validator-missing scenario does not need it).
 */
export default function globalSetup() {
  const found = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8'
  })
  const interpreter = found.status === 0 ? found.stdout.trim() : ''
  if (interpreter) process.env.PATH = `${dirname(interpreter)}${delimiter}${process.env.PATH}`
}
