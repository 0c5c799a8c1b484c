/** `contract-drift-triage`: the same triage on a local checkout, before pushing (Detected by: local). */
import { realpathSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { ChangeSet } from './changes.js'
import { gitIn, repositoryLayout, trackedFiles } from './git.js'
import { loadConfig } from './config.js'
import { getErrorMessage } from './fail.js'
import { incidentKey } from './event.js'
import { DEFAULT_CONFIG, DEFAULT_VALIDATORS } from './inputs.js'
import { changeContext, findReports, notesLookup, parseOptions, readReport } from './pipeline.js'
import { createRedactor, secretsFromEnv } from './redact.js'
import { renderPlain } from './render.js'
import { runValidator } from './run-validators.js'
import { newIncidentId, triage } from './triage.js'
import type { ValidatorRun } from './types.js'

const USAGE = `Usage: contract-drift-triage [options]

Runs the contract validators in this checkout, classifies a failure by the playbook and prints
the incident record (Detected by (CI/local): local).

Options:
  --validator <command>   a validator command, run with bash -c (repeatable;
                          default: ${DEFAULT_VALIDATORS.join(' ; ')})
  --report <glob>         a file of output already captured (repeatable)
  --base <ref>            compare the working tree with this branch or commit
                          (default: origin/HEAD, main or master)
  --config <file>         configuration file (default: ${DEFAULT_CONFIG})
  --timeout <seconds>     stop a validator after this long (default: 600)
  --fail-on <when>        drift (default), error or never: when to exit 1
  --json                  print the whole record as JSON
  -C, --cwd <dir>         the repository to triage (default: the current directory)
  -h, --help              show this help

Exit codes: 0 pass (or below --fail-on), 1 drift/error, 2 bad usage or configuration.`

/** What a run prints on stdout, and the exit code once it is printed. */
interface Outcome {
  code: number
  output: string
}

async function main(argv: string[]): Promise<Outcome> {
  const { values } = parseArgs({
    args: argv,
    options: {
      validator: { type: 'string', multiple: true },
      report: { type: 'string', multiple: true },
      base: { type: 'string' },
      config: { type: 'string' },
      timeout: { type: 'string', default: '600' },
      'fail-on': { type: 'string', default: 'drift' },
      json: { type: 'boolean', default: false },
      cwd: { type: 'string', short: 'C' },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true
  })
  if (values.help) return { code: 0, output: `${USAGE}\n` }
  const failOn = values['fail-on']
  if (!['drift', 'error', 'never'].includes(failOn))
    throw new UsageError(`Invalid --fail-on '${failOn}'. Expected one of: drift, error, never.`)
  const timeout = Number(values.timeout)
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new UsageError(
      `Invalid --timeout '${values.timeout}'. Expected a positive number of seconds.`
    )

  let root: string
  try {
    root = realpathSync(resolve(values.cwd ?? '.'))
  } catch {
    throw new UsageError(`Invalid --cwd '${values.cwd}': no such directory.`)
  }
  // The change set first: a wrong --base should not wait for every validator to finish.
  const git = gitIn(root)
  const layout = await repositoryLayout(git, root)
  // A path typed on the command line is the shell's, from the current directory; the default
  // file is the repository's, at its root, as in the action (SPEC §3).
  const { config } = await loadConfig(
    values.config !== undefined ? resolve(values.config) : join(layout.root, DEFAULT_CONFIG),
    values.config !== undefined
  ).catch(error => {
    throw new UsageError(getErrorMessage(error))
  })
  let changes: ChangeSet
  try {
    // The action's chunks of these, shared: one copy in dist/ (issue 18).
    const { localChangeSet } = await import('./changes.js')
    changes = await localChangeSet(git, values.base)
  } catch (error) {
    throw new UsageError(getErrorMessage(error))
  }

  const parse = parseOptions(config, root)
  const runs: ValidatorRun[] = []
  const validators = values.validator ?? (values.report ? [] : DEFAULT_VALIDATORS)
  for (const command of validators) {
    process.stderr.write(`running ${command}\n`)
    runs.push(
      await runValidator(command, { cwd: root, timeoutSeconds: timeout, parse, env: process.env })
    )
  }
  const reports = await findReports(values.report ?? [], root)
  for (const glob of reports.unmatched) process.stderr.write(`no file matches --report '${glob}'\n`)
  for (const report of reports.files) runs.push(await readReport(report, root, parse))
  if (runs.length === 0)
    throw new UsageError('Nothing to triage: no validator given and no report matched.')

  const branch = (await git(['rev-parse', '--abbrev-ref', 'HEAD'])).stdout.trim() || 'HEAD'
  const remote = (await git(['remote', 'get-url', 'origin'])).stdout.trim()
  const repository =
    /[:/]([^/:]+\/[^/]+?)(?:\.git)?$/.exec(remote)?.[1] ?? `local/${basename(root)}`
  const detectedAt = new Date()
  const record = triage({
    runs,
    context: changeContext(changes, { labels: [] }, config),
    config,
    codeowners: await import('./codeowners.js').then(({ readCodeOwners }) =>
      readCodeOwners(layout.root, layout.prefix)
    ),
    key: incidentKey(repository, { kind: 'branch', name: branch }, ''),
    scope: branch,
    detectedBy: 'local',
    detectedAt,
    incidentId: newIncidentId(detectedAt),
    workspace: root,
    trackedFiles: await trackedFiles(git),
    hasNotes: notesLookup(root, changes.files)
  })
  for (const warning of record.routing?.warnings ?? [])
    process.stderr.write(`warning: ${warning}\n`)
  const redact = createRedactor(secretsFromEnv(process.env))
  const red =
    record.result !== 'pass' &&
    (failOn === 'drift' || (failOn === 'error' && record.result === 'error'))
  return {
    code: red ? 1 : 0,
    output: `${redact(values.json ? JSON.stringify(record, null, 2) : renderPlain(record))}\n`
  }
}

class UsageError extends Error {}

/**
 * Writes and resolves once the text has reached the OS. A pipe to a slow reader (`| less`,
 * `| jq`) takes 64 KiB at a time, and exiting before it drains would cut the rest off.
 */
function print(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise(resolve => {
    if (stream.destroyed) return resolve()
    stream.write(text, () => resolve())
  })
}

/** Runs the command line and exits: 0 pass, 1 drift or error, 2 bad usage or configuration. */
export async function runCli(argv: string[]): Promise<void> {
  // A reader that stops early (`| head`) wants no more: stop quietly, not with a stack trace.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error
      process.exit(process.exitCode ?? 0)
    })
  let code: number
  try {
    const outcome = await main(argv)
    code = process.exitCode = outcome.code
    await print(process.stdout, outcome.output)
  } catch (error) {
    code = process.exitCode =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
        ? 2
        : 1
    await print(process.stderr, `contract-drift-triage: ${getErrorMessage(error)}\n`)
  }
  // The progress lines on stderr too; then a validator's stray grandchild cannot keep us waiting.
  await Promise.all([print(process.stdout, ''), print(process.stderr, '')])
  process.exit(code)
}
