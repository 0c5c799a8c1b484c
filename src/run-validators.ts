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

/** A validator started before its output can be parsed (the config is still loading). */
export interface StartedValidator {
  /** Parses the output (what arrived so far, then the rest as it streams) and waits for the end. */
  collect: (parse: ParseOptions, echo?: (chunk: Buffer) => void) => Promise<ValidatorRun>
  /** Stops it, for a run that fails before it reads the output. */
  stop: () => void
  /** Settles when it has exited and its output has arrived (what `collect` waits for before parsing the rest). */
  ended: Promise<void>
}

/**
 * Runs one validator command through the shell, parsing its output as it streams. The command
 * runs in its own process group, stopped at the timeout and again when the shell exits, so
 * nothing it started outlives it (a process that starts its own session escapes this).
 */
export function runValidator(command: string, options: RunOptions): Promise<ValidatorRun> {
  return startValidator(command, options).collect(options.parse, options.echo)
}

/**
 * Starts a validator now and parses its output later: the config cannot change how a validator
 * runs, only how its output is read, so the first one starts while the config loads (issue 18).
 * Output waits in arrival order until `collect`.
 */
export function startValidator(
  command: string,
  options: Omit<RunOptions, 'parse' | 'echo'>
): StartedValidator {
  const started = Date.now()
  const held: [stream: 'out' | 'err', chunk: Buffer][] = []
  let sink: ((stream: 'out' | 'err', chunk: Buffer) => void) | undefined
  const take = (stream: 'out' | 'err') => (chunk: Buffer) =>
    sink ? sink(stream, chunk) : held.push([stream, chunk])
  let timedOut = false
  let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null }
  let ended: () => void = () => undefined
  let done = false
  // Its own run time, however long its output then waits to be parsed.
  let durationMs = 0
  const end = (): void => {
    if (done) return
    done = true
    durationMs = Date.now() - started
    clearTimeout(timer)
    ended()
  }
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
  // Two streams, read apart: a warning on stderr must not break a document on stdout.
  child.stdout.on('data', take('out'))
  child.stderr.on('data', take('err'))
  child.on('error', error => {
    take('err')(Buffer.from(`${error.message}\n`))
    exit = { code: 127, signal: null }
    end()
  })
  child.on('exit', (code, signal) => {
    exit = { code, signal }
    // Whatever the validator left running in its group goes with it.
    stopGroup('SIGTERM')
    // A process that left the group may hold the pipes open forever; stop waiting for them.
    setTimeout(() => {
      child.stdout.destroy()
      child.stderr.destroy()
      end()
    }, CLOSE_GRACE_MS).unref()
  })
  child.on('close', end)
  const finished = new Promise<void>(resolve => {
    ended = resolve
  })
  return {
    ended: finished,
    stop: () => {
      if (done) return
      clearTimeout(timer)
      stopGroup('SIGTERM')
    },
    collect: async (parse, echo) => {
      const collector = new OutputCollector(command, parse)
      // The echo to the log stays interleaved, as the runner would show it.
      sink = (stream, chunk) => {
        if (stream === 'out') collector.write(chunk)
        else collector.writeStderr(chunk)
        echo?.(chunk)
      }
      for (const [stream, chunk] of held.splice(0)) sink(stream, chunk)
      await finished
      const signal = !timedOut && exit.signal ? exit.signal : undefined
      return collector.finishWhenReady(timedOut ? null : exit.code, durationMs, signal)
    }
  }
}
