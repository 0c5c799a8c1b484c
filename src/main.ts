import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { computeChangeSet, gitIn, repositoryLayout, type ChangeSet, type Git } from './changes.js'
import { readCodeOwners } from './codeowners.js'
import { getErrorMessage, loadConfig, type Config } from './config.js'
import { incidentKey, readEvent, scopeLabel, type EventFacts } from './event.js'
import { createOctokit, type Octokit } from './github/client.js'
import { publishCheckRun } from './github/checks.js'
import { IncidentFiler, type FiledIncident, type Triage } from './github/incidents.js'
import { DEFAULT_CONFIG, parseInputs, type InputName, type Inputs } from './inputs.js'
import { changeContext, findReports, parseOptions, readReport } from './pipeline.js'
import { createRedactor, secretsFromEnv, type Redactor } from './redact.js'
import { publishReport } from './report.js'
import { runValidator } from './run-validators.js'
import { newIncidentId, triage } from './triage.js'
import type { ChangeContext, Result, ValidatorRun } from './types.js'

/** Validator output goes to the log as it streams, but can never issue a workflow command. */
function echoGuarded(): { echo: (chunk: Buffer) => void; start: () => void; stop: () => void } {
  const token = randomBytes(16).toString('hex')
  let budget = 4 * 1024 * 1024
  return {
    start: () => process.stdout.write(`::stop-commands::${token}\n`),
    echo: chunk => {
      if (budget <= 0) return
      budget -= chunk.length
      process.stdout.write(
        budget > 0
          ? chunk
          : '\n[output beyond 4 MiB is not echoed; the record keeps its head and tail]\n'
      )
    },
    stop: () => process.stdout.write(`\n::${token}::\n`)
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

function shouldFail(result: Result, failOn: Inputs['fail-on']): boolean {
  if (failOn === 'never' || result === 'pass') return false
  return failOn === 'drift' || result === 'error'
}

/**
 * SPEC §1 step 5: open or update the scope's incident issue. A token that cannot write (a fork's
 * pull request) or a GitHub that stays unreachable costs the issue, never the rest of the report.
 */
async function fileIncident(
  runs: ValidatorRun[],
  triageRuns: Triage,
  where: {
    key: string
    repository: string
    client: (() => Promise<Octokit>) | undefined
    inputs: Inputs
    runUrl: string | undefined
  }
): Promise<FiledIncident | undefined> {
  if (!where.client) {
    core.warning('No github-token: the incident issue was not filed. The summary holds the record.')
    return undefined
  }
  try {
    const filer = new IncidentFiler({
      octokit: await where.client(),
      repository: where.repository,
      issueAuthor: where.inputs['issue-author'],
      key: where.key,
      closeOnGreen: where.inputs['close-on-green'],
      requireCloseNotes: where.inputs['require-close-notes'],
      now: () => new Date(),
      log: { info: core.info, warning: core.warning },
      ...(where.runUrl ? { runUrl: where.runUrl } : {})
    })
    const filed = await filer.file(runs, triageRuns)
    core.info(`Incident: ${filed.action}${filed.number ? ` #${filed.number}` : ''}`)
    return filed
  } catch (error) {
    const status = (error as { status?: number }).status
    const readOnly = status === 403 && /not accessible by integration/i.test(getErrorMessage(error))
    core.warning(
      readOnly
        ? `The token cannot write issues in ${where.repository} (a fork's pull request gets a read-only token), so no incident was filed; the summary, annotations and outputs hold the record. To file from fork pull requests, run this action with mode: collect there and mode: publish in a workflow_run workflow with issues: write.`
        : `Could not file the incident in ${where.repository}: ${getErrorMessage(error)}. The summary, annotations and outputs hold the record.`
    )
    return undefined
  }
}

/** What every path of a run needs: validated inputs, where it runs, the event, config, API. */
export interface Setup {
  inputs: Inputs
  workspace: string
  root: string
  layout: { root: string; prefix: string }
  redact: Redactor
  facts: EventFacts
  config: Config
  git: Git
  /** The API client, created on first use; undefined without a token. */
  client: (() => Promise<Octokit>) | undefined
}

/** What a triage is made of: validator results and the change they are judged against. */
export interface Evidence {
  facts: EventFacts
  runs: ValidatorRun[]
  context: ChangeContext
}

async function prepare(): Promise<Setup> {
  const inputs = parseInputs(name => core.getInput(name as InputName))
  const workspace = resolve(process.env.GITHUB_WORKSPACE || process.cwd())
  const root = resolve(workspace, inputs['working-directory'] || '.')
  if (!isDirectory(root)) {
    throw new Error(
      `Invalid working-directory '${inputs['working-directory']}': ${root} is not a directory. Check the path, and that actions/checkout ran before this step.`
    )
  }
  const secrets = [...new Set([inputs['github-token'], ...secretsFromEnv(process.env)])]
  // The runner then masks them in the echoed validator output too.
  for (const secret of secrets) if (secret.length >= 6) core.setSecret(secret)
  const { config } = await core.group('Configuration', async () => {
    const loaded = await loadConfig(
      resolve(root, inputs.config || DEFAULT_CONFIG),
      inputs.config !== '' && inputs.config !== DEFAULT_CONFIG
    )
    core.info(`Configuration: ${relative(root, loaded.source) || loaded.source}`)
    return loaded
  })
  const git = gitIn(root)
  let api: Promise<Octokit> | undefined
  return {
    inputs,
    workspace,
    root,
    layout: await repositoryLayout(git, workspace),
    redact: createRedactor(secrets),
    facts: readEvent(process.env),
    config,
    git,
    client: inputs['github-token']
      ? () => (api ??= createOctokit(inputs['github-token'], core.info))
      : undefined
  }
}

/** SPEC §1 step 1: run the validators (or read what they wrote) into findings. */
async function gather(setup: Setup): Promise<ValidatorRun[]> {
  const { inputs, root, facts } = setup
  if (facts.untrusted && !inputs['allow-untrusted-code'] && inputs.validators.length > 0) {
    throw new Error(
      `Refusing to run validators: ${facts.untrusted}, and validators are the pull request's code. ` +
        'Run them in a pull_request workflow without secrets (mode: collect), and file from a trusted workflow (mode: publish); ' +
        'or set allow-untrusted-code: true if you accept the risk.'
    )
  }
  const parse = parseOptions(setup.config, root)
  const runs: ValidatorRun[] = []
  for (const command of inputs.validators) {
    const guard = echoGuarded()
    const run = await core.group(`Validator: ${command}`, async () => {
      guard.start()
      try {
        return await runValidator(command, {
          cwd: root,
          timeoutSeconds: inputs['validator-timeout'],
          parse,
          env: process.env,
          echo: guard.echo
        })
      } finally {
        guard.stop()
      }
    })
    core.info(
      `${command}: ${run.outcome}${run.exitCode !== null ? ` (exit ${run.exitCode})` : ''}, ${run.findingCount} finding(s)`
    )
    runs.push(run)
  }
  const reports = await findReports(inputs.reports, root)
  for (const glob of reports.unmatched) core.warning(`No file matches the reports glob '${glob}'.`)
  for (const report of reports.files) runs.push(await readReport(report, root, parse))
  if (runs.length === 0)
    throw new Error(
      'Nothing to triage: the validators input is empty and no file matched the reports globs. Set validators, or reports to files an earlier step wrote.'
    )
  return runs
}

/** SPEC §4's change set and intent for this event; without it the findings alone decide. */
async function changes(setup: Setup): Promise<ChangeContext> {
  const { facts, inputs } = setup
  let changeSet: ChangeSet
  try {
    changeSet = await computeChangeSet(facts, {
      git: setup.git,
      api: setup.client,
      baseRef: inputs['base-ref'],
      prefix: setup.layout.prefix
    })
  } catch (error) {
    core.warning(
      `Change set unavailable, classifying by the findings alone: ${getErrorMessage(error)}`
    )
    changeSet = { files: [], source: `change set unavailable: ${getErrorMessage(error)}` }
  }
  core.info(`Change set: ${changeSet.files.length} file(s) from ${changeSet.source}`)
  return changeContext(
    changeSet,
    { labels: facts.pullRequest?.labels ?? [], prBody: facts.pullRequest?.body },
    setup.config
  )
}

/** SPEC §1 steps 3–6: classify, grade, route, file the incident, annotate, summarise, output. */
async function conclude(setup: Setup, evidence: Evidence): Promise<Result> {
  const { inputs, root, layout, client } = setup
  const { facts, runs, context } = evidence
  let filed: FiledIncident | undefined
  const record = await core.group('Triage', async () => {
    const detectedAt = new Date()
    const codeowners = await readCodeOwners(layout.root, layout.prefix)
    const key = incidentKey(facts.repository, facts.scope, inputs['incident-key'])
    const triageRuns: Triage = (triaged, bucketOverride) =>
      triage({
        runs: triaged,
        context,
        config: setup.config,
        codeowners,
        key,
        scope: scopeLabel(facts.scope),
        detectedBy: 'CI',
        detectedAt,
        incidentId: newIncidentId(detectedAt),
        workspace: root,
        ...(facts.runUrl ? { runUrl: facts.runUrl } : {}),
        ...(bucketOverride ? { bucketOverride } : {})
      })
    let result = triageRuns(runs)
    if (inputs.mode === 'issue' || inputs.mode === 'publish') {
      filed = await fileIncident(runs, triageRuns, {
        key,
        repository: inputs['incident-repository'] || facts.repository,
        client,
        inputs,
        runUrl: facts.runUrl
      })
      if (filed) result = filed.record
    }
    core.info(
      `Result: ${result.result}; bucket: ${result.classification?.bucket ?? 'none'}; severity: ${result.severity ?? 'none'}`
    )
    return result
  })

  const willFail = shouldFail(record.result, inputs['fail-on'])
  const overflow = await core.group('Report', () =>
    publishReport(record, {
      root,
      repoPrefix: layout.prefix,
      redact: setup.redact,
      env: process.env,
      willFail,
      ...(filed?.number
        ? { incident: { number: filed.number, url: filed.url ?? '', action: filed.action } }
        : {})
    })
  )
  if (overflow.length > 0 && inputs.mode !== 'report' && client && facts.headSha) {
    try {
      const placed = await publishCheckRun(
        await client(),
        facts.repository,
        facts.headSha,
        overflow,
        `${record.result}: ${overflow.length} more finding(s)`
      )
      core.info(`${placed} more annotation(s) in the check run "contract-drift-triage findings".`)
    } catch (error) {
      core.info(
        `No check run for the other ${overflow.length} annotation(s) (grant checks: write for one): ${getErrorMessage(error)}`
      )
    }
  }
  if (willFail) {
    const what = record.classification
      ? `${record.classification.bucket} (${record.severity})`
      : 'validator error'
    core.setFailed(
      `Contract drift gate: ${record.result} — ${what}. See the job summary for the incident record.`
    )
  }
  return record.result
}

/** The action (SPEC §1): one pipeline, entered where the mode and the event say. */
export async function run(): Promise<void> {
  try {
    const setup = await prepare()
    if (setup.inputs.mode === 'collect' || setup.inputs.mode === 'publish') {
      throw new Error(
        `mode '${setup.inputs.mode}' is not available in this version yet. Use mode: report (or issue) in a single job.`
      )
    }
    const runs = await gather(setup)
    const context = await changes(setup)
    await conclude(setup, { facts: setup.facts, runs, context })
  } catch (error) {
    core.setOutput('result', 'error')
    core.setFailed(getErrorMessage(error))
  }
}
