import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { OutputCollector, type ParseOptions } from './parse/index.js'
import type { ValidatorRun } from './types.js'

export interface RunOptions {
  cwd: string
  timeoutSeconds: number
  parse: ParseOptions
  env: NodeJS.ProcessEnv
  /** Receives the output as it streams, for the job log. */
  echo?: (chunk: Buffer) => void
}

const KILL_GRACE_MS = 5000
const CLOSE_GRACE_MS = 2000

/**
 * What a validator may see of the action's environment. The token (`INPUT_GITHUB-TOKEN`), the
 * runtime's tokens and the runner's command files stay with the action: a validator is code from
 * the pull request, and must neither read the token nor forge this step's outputs or summary.
 */
export function validatorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const hidden =
    /^(INPUT_|ACTIONS_RUNTIME_|ACTIONS_ID_TOKEN_|ACTIONS_CACHE_|ACTIONS_RESULTS_)|^GITHUB_(OUTPUT|ENV|PATH|STATE|STEP_SUMMARY)$/
  return Object.fromEntries(Object.entries(env).filter(([name]) => !hidden.test(name)))
}

/** `bash -c` as a workflow `run:` step would use it; `sh -c` where there is no bash. */
export function findShell(env: NodeJS.ProcessEnv): string {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, 'bash'), constants.X_OK)
      return join(dir, 'bash')
    } catch {
      // not in this directory
    }
  }
  return 'sh'
}

/**
 * Runs one validator command through the shell, parsing its output as it streams. The command
 * runs in its own process group, stopped at the timeout and again when the shell exits, so
 * nothing it started outlives it (a process that starts its own session escapes this).
 */
export function runValidator(command: string, options: RunOptions): Promise<ValidatorRun> {
  const collector = new OutputCollector(command, options.parse)
  const started = Date.now()
  return new Promise(resolve => {
    let timedOut = false
    let settled = false
    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null }
    // `--`: a command that starts with `-` is a command, never the shell's own options.
    const child = spawn(findShell(options.env), ['-c', '--', command], {
      cwd: options.cwd,
      env: validatorEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32'
    })
    const stopGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined)
          process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal)
      } catch {
        // already gone
      }
    }
    const timer = setTimeout(() => {
      timedOut = true
      stopGroup('SIGTERM')
      setTimeout(() => stopGroup('SIGKILL'), KILL_GRACE_MS).unref()
    }, options.timeoutSeconds * 1000)
    // Two streams, read apart: a warning on stderr must not break a document on stdout. The
    // echo to the log stays interleaved, as the runner would show it.
    child.stdout.on('data', (chunk: Buffer) => {
      collector.write(chunk)
      options.echo?.(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      collector.writeStderr(chunk)
      options.echo?.(chunk)
    })
    const finish = (): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      const signal = !timedOut && exit.signal ? exit.signal : undefined
      void collector
        .finishWhenReady(timedOut ? null : exit.code, Date.now() - started, signal)
        .then(resolve)
    }
    child.on('error', error => {
      collector.writeStderr(Buffer.from(`${error.message}\n`))
      exit = { code: 127, signal: null }
      finish()
    })
    child.on('exit', (code, signal) => {
      exit = { code, signal }
      // Whatever the validator left running in its group goes with it.
      stopGroup('SIGTERM')
      // A process that left the group may hold the pipes open forever; stop waiting for them.
      setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
        finish()
      }, CLOSE_GRACE_MS).unref()
    })
    child.on('close', finish)
  })
}
