import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { relative, resolve } from 'node:path'
import type { FindingBundle } from './bundle.js'
import type { ChangeSet } from './changes.js'
import { gitIn, repositoryLayout, trackedFiles, type Git } from './git.js'
import { defaultConfig, loadConfig, type Config } from './config.js'
import { failRun, getErrorMessage } from './fail.js'
import { incidentKey, readEvent, scopeLabel, type EventFacts } from './event.js'
import type { Octokit } from './github/client.js'
import type { FiledIncident, IncidentFiler, Triage } from './github/incidents.js'
import {
  DEFAULT_CONFIG,
  parseInputs,
  workingDirectoryIn,
  type InputName,
  type Inputs
} from './inputs.js'
import {
  changeContext,
  findReports,
  notesLookup,
  parseOptions,
  readReport,
  remediationLayout
} from './pipeline.js'
import type { TrustedConfig } from './trusted-config.js'
import { createRedactor, secretsFromEnv, type Redactor } from './redact.js'
import { code } from './markdown.js'
import { publishReport, verdict } from './report.js'
import { incidentReferences, type RemediationCheck } from './remediation.js'
import { startValidator, type StartedValidator } from './run-validators.js'
import { defaultJobKey } from './incident/results.js'
import { newIncidentId, overallResult, triage } from './triage.js'
import type { CodeOwners } from './codeowners.js'
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

function shouldFail(result: Result, failOn: Inputs['fail-on']): boolean {
  if (failOn === 'never' || result === 'pass') return false
  return failOn === 'drift' || result === 'error'
}

/** `PR #140` links right only in its own repository; filed elsewhere it is `owner/repo#140`. */
function scopeIn(facts: EventFacts, incidentRepository: string): string {
  const elsewhere =
    incidentRepository !== '' && incidentRepository.toLowerCase() !== facts.repository.toLowerCase()
  return elsewhere && facts.scope.kind === 'pr'
    ? `${facts.repository}#${facts.scope.number}`
    : scopeLabel(facts.scope)
}

/** The one place that knows how this run files incidents. */
async function filerFor(
  setup: Setup,
  key: string,
  head = setup.facts.headSha
): Promise<IncidentFiler | undefined> {
  if (!setup.client) return undefined
  const { inputs, facts } = setup
  // Issue-filing code loads only in the modes that file: a report run never compiles it. One
  // chunk with mode digest's code, which reads the same incident records: apart, each chunk
  // would carry its own copy of incident.ts (issue 18's size target).
  const [{ IncidentFiler }, { timeScale }] = await Promise.all([
    import(/* webpackChunkName: "incidents" */ './github/incidents.js'),
    import('./github/client.js')
  ])
  return new IncidentFiler({
    octokit: await setup.client(),
    timeScale: timeScale(process.env),
    repository: inputs['incident-repository'] || facts.repository,
    issueAuthor: inputs['issue-author'],
    key,
    job: inputs['job-key'] || defaultJobKey(process.env),
    head,
    closeOnGreen: inputs['close-on-green'],
    requireCloseNotes: inputs['require-close-notes'],
    now: () => new Date(),
    log: { info: core.info, warning: core.warning },
    redact: setup.redact,
    ...(facts.runUrl ? { runUrl: facts.runUrl } : {})
  })
}

/** What a failed GitHub write means for the user, and what to do about it. */
function writeFailure(error: unknown, repository: string): string {
  const status = (error as { status?: number }).status
  const readOnly = status === 403 && /not accessible by integration/i.test(getErrorMessage(error))
  return readOnly
    ? `The token cannot write issues in ${repository} (a fork's pull request gets a read-only token), so the incident issue was not filed or updated; the summary, annotations and outputs hold the record. To file from fork pull requests, run this action with mode: collect there and mode: publish in a workflow_run workflow with issues: write.`
    : `Could not file or update the incident issue in ${repository}: ${getErrorMessage(error)}. The summary, annotations and outputs hold the record.`
}

/**
 * SPEC §1 step 5: open or update the scope's incident issue. A token that cannot write (a fork's
 * pull request) or a GitHub that stays unreachable costs the issue, never the rest of the report.
 */
async function fileIncident(
  setup: Setup,
  key: string,
  runs: ValidatorRun[],
  triageRuns: Triage,
  head: string
): Promise<FiledIncident | undefined> {
  // The commit the runs validated (a bundle's, under publish), not the publishing workflow's.
  const filer = await filerFor(setup, key, head)
  if (!filer) {
    core.warning('No github-token: the incident issue was not filed. The summary holds the record.')
    return undefined
  }
  try {
    const filed = await filer.file(runs, triageRuns)
    core.info(`Incident: ${filed.action}${filed.number ? ` #${filed.number}` : ''}`)
    for (const line of filed.otherJobs ?? []) core.info(line)
    return filed
  } catch (error) {
    const repository = setup.inputs['incident-repository'] || setup.facts.repository
    // Loaded with the client already: a refusal can only come from it.
    const { limitRefusal } = await import('./github/throttle.js')
    core.warning(limitRefusal(error, repository) ?? writeFailure(error, repository))
    return undefined
  }
}

/** A pull request that references incidents: its deltas checked against their required actions. */
async function checkRemediations(
  setup: Setup,
  evidence: Evidence,
  result: Result
): Promise<RemediationCheck[]> {
  const pr = evidence.facts.pullRequest
  if (!pr) return []
  const filer = await filerFor(setup, '')
  if (!filer) return []
  try {
    return await filer.remediate(
      {
        ...pr,
        reference: scopeIn(
          evidence.facts,
          setup.inputs['incident-repository'] || setup.facts.repository
        ).replace(/^PR /, '')
      },
      evidence.context.changed,
      evidence.runs,
      result,
      setup.inputs.mode !== 'report',
      remediationLayout(setup.config, setup.root, evidence.context.changed)
    )
  } catch (error) {
    core.warning(
      `Could not check the incidents this pull request references: ${getErrorMessage(error)}`
    )
    return []
  }
}

/** `issues: closed` and `pull_request: closed` follow an incident; they run no validators. */
async function followLifecycle(setup: Setup): Promise<boolean> {
  const { facts, inputs } = setup
  const issueClosed = facts.name === 'issues' && facts.action === 'closed' && facts.issue
  const prClosed =
    facts.pullRequest && facts.action === 'closed' && facts.name.startsWith('pull_request')
  if (!issueClosed && !prClosed) return false
  if (inputs.mode === 'report') {
    core.info(
      `mode: report writes nothing, so the ${facts.name} ${facts.action} event leaves the incident as it is.`
    )
    return true
  }
  const key = incidentKey(facts.repository, facts.scope, inputs['incident-key'])
  const filer = await filerFor(setup, key)
  if (!filer)
    throw new Error(
      'A github-token is needed to follow an incident (issues: closed, pull_request: closed).'
    )
  try {
    if (issueClosed && facts.issue) {
      core.info(
        `Incident #${facts.issue.number} closed by ${facts.sender ?? 'someone'}: ${await filer.onClosed(facts.issue.number, facts.sender)}`
      )
    } else if (facts.pullRequest) {
      const baseScope = facts.pullRequest.baseRef || 'main'
      const base = {
        key: incidentKey(
          facts.repository,
          { kind: 'branch', name: baseScope },
          inputs['incident-key']
        ),
        scope: baseScope
      }
      core.info(
        `Pull request #${facts.pullRequest.number} closed: ${await filer.onPullRequestClosed(facts.pullRequest.merged, base)}`
      )
    }
  } catch (error) {
    core.warning(writeFailure(error, inputs['incident-repository'] || facts.repository))
  }
  core.setOutput('result', 'pass')
  return true
}

/** What every path of a run needs: validated inputs, where it runs, the event, config, API. */
export interface Setup {
  inputs: Inputs
  workspace: string
  root: string
  /** The checkout's root and where the working directory sits in it (one git call, on first use). */
  layout: () => Promise<{ root: string; prefix: string }>
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

/** What a run knows before its configuration: inputs, where it runs, the event. */
type Start = Omit<Setup, 'config'>

function start(): Start {
  const inputs = parseInputs(name => core.getInput(name as InputName))
  const workspace = resolve(process.env.GITHUB_WORKSPACE || process.cwd())
  const root = workingDirectoryIn(workspace, inputs['working-directory'])
  const secrets = [...new Set([inputs['github-token'], ...secretsFromEnv(process.env)])]
  // The runner then masks them in the echoed validator output too.
  for (const secret of secrets) if (secret.length >= 6) core.setSecret(secret)
  const git = gitIn(root)
  let layout: Promise<{ root: string; prefix: string }> | undefined
  const facts = readEvent(process.env)
  let api: Promise<Octokit> | undefined
  return {
    inputs,
    workspace,
    root,
    layout: () => (layout ??= repositoryLayout(git, workspace)),
    redact: createRedactor(secrets),
    facts,
    git,
    client: inputs['github-token']
      ? () =>
          (api ??= import('./github/client.js').then(({ createOctokit }) =>
            createOctokit(inputs['github-token'], core.info)
          ))
      : undefined
  }
}

async function prepare(begun: Start): Promise<Setup> {
  const { inputs, workspace, facts } = begun
  // publish triages each bundle with its own repository's default branch (publishSource).
  const { config } =
    inputs.mode === 'publish'
      ? { config: defaultConfig() }
      : await core.group('Configuration', async () => {
          // SPEC §3: the config input is relative to the repository root, wherever validators run.
          const top = inputs['working-directory'] ? (await begun.layout()).root : workspace
          const file = resolve(top, inputs.config || DEFAULT_CONFIG)
          const loaded = await loadConfig(
            file,
            inputs.config !== '' && inputs.config !== DEFAULT_CONFIG
          )
          const named = relative(top, file).startsWith('..') ? file : relative(top, file)
          core.info(
            `Configuration: ${loaded.source === file ? named : `playbook defaults (no ${named})`}`
          )
          return loaded
        })
  if (facts.mergeGroup && !facts.mergeGroup.pullRequest)
    core.warning(
      `The merge group's head ref '${facts.mergeGroup.headRef}' names no pull request (…/pr-<number>-<sha>): its incident is the queue branch's, not the pull request's.`
    )
  return { ...begun, config }
}

/** Validators are the pull request's code: refused where the run holds secrets (SPEC §3). */
function refuseUntrusted({ inputs, facts }: Start): void {
  if (facts.untrusted && !inputs['allow-untrusted-code'] && inputs.validators.length > 0) {
    throw new Error(
      `Refusing to run validators: ${facts.untrusted}, and validators are the pull request's code. ` +
        'Run them in a pull_request workflow without secrets (mode: collect), and file from a trusted workflow (mode: publish); ' +
        'or set allow-untrusted-code: true if you accept the risk.'
    )
  }
}

/** Whether this run runs validators: not a lifecycle event (issue or pull request closed), not publish or digest. */
function runsValidators({ inputs, facts }: Start): boolean {
  const closed =
    facts.action === 'closed' && (facts.name === 'issues' || facts.name.startsWith('pull_request'))
  return inputs.mode !== 'publish' && inputs.mode !== 'digest' && !closed
}

function begin({ inputs, root }: Start, command: string): StartedValidator {
  return startValidator(command, {
    cwd: root,
    timeoutSeconds: inputs['validator-timeout'],
    env: process.env
  })
}

/**
 * Starts `command` as soon as `previous` has ended, while the output of `previous` is still being
 * parsed: still one after another, as a `run:` block runs them (10,000 findings: ~25 ms of parsing
 * a validator, and as long again for the next one's interpreter to start).
 */
function startAfter(
  setup: Setup,
  previous: StartedValidator,
  command: string | undefined
): Promise<StartedValidator> | undefined {
  if (command === undefined) return undefined
  const next = previous.ended.then(() => begin(setup, command))
  // Awaited in its own group: a start that throws fails the run there, as it always did.
  next.catch(() => undefined)
  return next
}

/** SPEC §1 step 1: run the validators (or read what they wrote) into findings. */
async function gather(setup: Setup, first?: StartedValidator): Promise<ValidatorRun[]> {
  const { inputs, root } = setup
  const parse = parseOptions(setup.config, root)
  const runs: ValidatorRun[] = []
  let upcoming: Promise<StartedValidator> | undefined
  for (const [i, command] of inputs.validators.entries()) {
    const guard = echoGuarded()
    const run = await core.group(`Validator: ${command}`, async () => {
      guard.start()
      try {
        const started = (i === 0 && first) || (await upcoming) || begin(setup, command)
        upcoming = startAfter(setup, started, inputs.validators[i + 1])
        return await started.collect(parse, guard.echo)
      } catch (error) {
        // A run that fails here leaves no validator running behind it.
        void upcoming?.then(
          next => next.stop(),
          () => undefined
        )
        throw error
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
    const { computeChangeSet } = await import('./changes.js')
    changeSet = await computeChangeSet(facts, {
      git: setup.git,
      api: setup.client,
      baseRef: inputs['base-ref'],
      prefix: (await setup.layout()).prefix
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
    // A merge group's pull request is read through the API (changes.ts) for its labels and body.
    {
      labels: facts.pullRequest?.labels ?? changeSet.pullRequest?.labels ?? [],
      prBody: facts.pullRequest?.body ?? changeSet.pullRequest?.body
    },
    setup.config
  )
}

/**
 * The change set only decides a red run's bucket, a remediation check and a bundle. A green run
 * in report mode needs none of them, and skips the git work on the gate's most common path. (In
 * issue mode other validators' red results may wait in the incident, so it is always read.)
 */
function needsChangeSet(setup: Setup, runs: readonly ValidatorRun[]): boolean {
  const { inputs, facts } = setup
  if (inputs.mode !== 'report' || runs.some(run => run.outcome !== 'passed')) return true
  const pr = facts.pullRequest
  const refs = pr ? incidentReferences(`${pr.title}\n${pr.body}`) : { ids: [], numbers: [] }
  return refs.ids.length > 0 || refs.numbers.length > 0
}

/** SPEC §1 steps 3–6: classify, grade, route, file the incident, annotate, summarise, output. */
async function conclude(
  setup: Setup,
  evidence: Evidence,
  trusted?: { codeowners: CodeOwners | undefined }
): Promise<Result> {
  const { inputs, root, client } = setup
  const { facts, runs, context } = evidence
  // Only findings need the repository's layout (CODEOWNERS, annotation paths): a green report run
  // skips git. In issue mode the incident may hold other validators' red results to annotate.
  const quiet =
    inputs.mode === 'report' &&
    runs.every(run => run.findingCount === 0 && run.outcome === 'passed')
  const layout = quiet ? { root, prefix: '' } : await setup.layout()
  let filed: FiledIncident | undefined
  const triaged = await core.group('Triage', async () => {
    const detectedAt = new Date()
    const green = runs.every(run => run.outcome === 'passed') && inputs.mode === 'report'
    const codeowners = green
      ? undefined
      : trusted
        ? trusted.codeowners
        : await import('./codeowners.js').then(({ routingCodeOwners }) =>
            routingCodeOwners(
              layout,
              setup.git,
              facts.pullRequest?.baseSha ?? facts.mergeGroup?.baseSha,
              core.warning
            )
          )
    // A bundle's commands are another run's claim (SPEC §4): in publish only the catch-all owns QA.
    const tracked =
      green ||
      inputs.mode === 'publish' ||
      !Object.values(setup.config.owners).includes('codeowners')
        ? undefined
        : await trackedFiles(setup.git)
    const key = incidentKey(facts.repository, facts.scope, inputs['incident-key'])
    // One lookup for every triage of this run (a filer may triage again): each pack checked once.
    const hasNotes = notesLookup(
      root,
      context.changed.map(file => file.path)
    )
    const triageRuns: Triage = (triaged, bucketOverride) =>
      triage({
        runs: triaged,
        context,
        config: setup.config,
        codeowners,
        key,
        scope: scopeIn(facts, inputs['incident-repository'] || setup.facts.repository),
        detectedBy: 'CI',
        detectedAt,
        incidentId: newIncidentId(detectedAt),
        workspace: root,
        ...(tracked ? { trackedFiles: tracked } : {}),
        hasNotes,
        ...(facts.runUrl ? { runUrl: facts.runUrl } : {}),
        ...(bucketOverride ? { bucketOverride } : {})
      })
    let result = triageRuns(runs)
    if (inputs.mode === 'issue' || inputs.mode === 'publish') {
      filed = await fileIncident(setup, key, runs, triageRuns, facts.headSha)
      if (filed) result = filed.record
    }
    core.info(
      `Result: ${result.result}; bucket: ${result.classification?.bucket ?? 'none'}; severity: ${result.severity ?? 'none'}`
    )
    for (const warning of result.routing?.warnings ?? []) core.warning(warning)
    return result
  })

  const remediation = await checkRemediations(setup, evidence, triaged.result)
  // One decision for the summary, the record file and the outputs (SPEC §3).
  const { record, incident } = verdict(
    triaged,
    remediation,
    filed?.number
      ? {
          number: filed.number,
          url: filed.url ?? '',
          action: filed.action,
          otherJobs: filed.otherJobs ?? []
        }
      : undefined
  )
  const result = record.result
  const willFail = shouldFail(result, inputs['fail-on'])
  // Annotations past GitHub's ten a step go to a check run, which report mode never writes.
  const checkRun = inputs.mode !== 'report' && client && facts.headSha ? client : undefined
  const overflow = await core.group('Report', () =>
    publishReport(record, {
      root,
      repoPrefix: layout.prefix,
      redact: setup.redact,
      env: process.env,
      willFail,
      ...(incident ? { incident } : {}),
      overflow: checkRun !== undefined
    })
  )
  if (overflow.length > 0 && checkRun && facts.headSha) {
    try {
      const { publishCheckRun } = await import('./github/checks.js')
      const placed = await publishCheckRun(
        await checkRun(),
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
    const what =
      result === 'incomplete'
        ? 'the remediation lacks deltas its incident needs'
        : record.classification
          ? `${record.classification.bucket} (${record.severity})`
          : 'validator error'
    core.setFailed(`Contract drift gate: ${result} — ${what}. See the job summary.`)
  }
  return result
}

/** mode: collect — what this job saw, as a finding bundle for a later publish (SPEC §3). */
async function collect(setup: Setup, evidence: Evidence): Promise<void> {
  // Bundles are for collect and publish only: their schemas stay off the common start path.
  const { createBundle, writeBundle } = await import('./bundle.js')
  const path = await writeBundle(
    createBundle(evidence, new Date(), setup.redact),
    process.env.RUNNER_TEMP || tmpdir()
  )
  const result = overallResult(evidence.runs)
  const findings = evidence.runs.reduce((n, run) => n + run.findingCount, 0)
  core.setOutput('bundle-path', path)
  core.setOutput('result', result)
  core.setOutput('findings', String(findings))
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addRaw(
        `Finding bundle ${code(path)}: ${evidence.runs.length} validator run(s), ${findings} finding(s), result \`${result}\`. A publish job triages it and files the incident.\n`
      )
      .write()
  }
  // The pull request's check stays red; the workflow's upload step needs `if: always()`.
  if (shouldFail(result, setup.inputs['fail-on'])) {
    core.setFailed(`Contract drift gate: ${result}. The finding bundle is at ${path}.`)
  }
}

/**
 * mode: publish — bundles from matrix legs or a fork's run, one triage and one incident per
 * scope. The bundle says which scope and what the validators printed; for a pull request the
 * change set, labels and body are read again through the API rather than believed.
 */
async function publish(setup: Setup): Promise<void> {
  const { inputs, facts, root } = setup
  const { mergeBundles, readBundles, verifyHead, verifyPullRequest } = await import('./bundle.js')
  const { workspaceCheckout } = await import('./trusted-config.js')
  if (inputs.bundles.length === 0) {
    throw new Error(
      'Invalid bundles: mode publish needs bundles, newline-separated globs of finding bundles (from actions/download-artifact).'
    )
  }
  const accepted = inputs['bundle-repositories'].length
    ? inputs['bundle-repositories']
    : [facts.repository]
  let bundles = await core.group('Bundles', async () => {
    const read = await readBundles(inputs.bundles, root, accepted, {
      ...(process.env.GITHUB_SERVER_URL ? { serverUrl: process.env.GITHUB_SERVER_URL } : {})
    })
    for (const glob of read.unmatched) core.warning(`No file matches the bundles glob '${glob}'.`)
    for (const { path, reason } of read.rejected)
      core.warning(`Finding bundle ${path} skipped: ${reason}`)
    for (const { path, note } of read.notes) core.warning(`Finding bundle ${path}: ${note}`)
    core.info(`${read.bundles.length} finding bundle(s) accepted, ${read.rejected.length} rejected`)
    return read.bundles
  })
  const own = (bundle: FindingBundle): boolean =>
    bundle.facts.repository.toLowerCase() === facts.repository.toLowerCase()
  // This workflow's own bundles come from its own jobs, or a workflow_run vouches for them;
  // another repository's are only what its head is now, through the API.
  if (facts.name === 'workflow_run' || !bundles.every(own)) {
    if (!setup.client) {
      throw new Error(
        'mode publish needs github-token to confirm the commit a bundle claims (under workflow_run, or for bundle-repositories other than this one).'
      )
    }
    const octokit = await setup.client()
    const kept: FindingBundle[] = []
    for (const bundle of bundles) {
      const reason = !own(bundle)
        ? await verifyHead(octokit, bundle.facts)
        : facts.name === 'workflow_run'
          ? await verifyPullRequest(
              octokit,
              facts.repository,
              bundle.facts,
              facts.workflowRunHeadSha ?? '',
              { fromFork: Boolean(facts.untrusted) }
            )
          : undefined
      if (reason)
        core.warning(
          `Finding bundle for ${own(bundle) ? '' : `${bundle.facts.repository} `}${scopeLabel(bundle.facts.scope)} skipped: ${reason}`
        )
      else kept.push(bundle)
    }
    bundles = kept
  }
  if (bundles.length === 0) {
    throw new Error(
      'No finding bundle to publish: every bundle was rejected or none was found. See the warnings above.'
    )
  }
  const results: Result[] = []
  const checkout = await workspaceCheckout(setup.git)
  for (const [repository, own] of byRepository(bundles)) {
    const routing = await publishSource(setup, repository, own, checkout)
    const configured = { ...setup, config: routing.config }
    // Changed files are classified by the repository's own paths, never by the bundle (SPEC §5).
    for (const scope of mergeBundles(own, inputs['incident-key'], { paths: routing.config.paths }))
      results.push(await conclude(configured, await trusted(configured, scope.evidence), routing))
  }
  // Several scopes: the outputs say the worst of them.
  const worst = (['error', 'incomplete', 'drift', 'pass'] as const).find(r => results.includes(r))
  if (results.length > 1 && worst) core.setOutput('result', worst)
}

function byRepository(bundles: readonly FindingBundle[]): Map<string, FindingBundle[]> {
  const groups = new Map<string, FindingBundle[]>()
  for (const bundle of bundles) {
    const repository = bundle.facts.repository
    groups.set(repository, [...(groups.get(repository) ?? []), bundle])
  }
  return groups
}

/**
 * SPEC §5: the configuration and CODEOWNERS of the default branch of the repository the bundles
 * come from, from a checkout of it or through the contents API; the summary says which.
 */
async function publishSource(
  setup: Setup,
  repository: string,
  bundles: readonly FindingBundle[],
  checkout: { head: string; repository?: string } | undefined
): Promise<TrustedConfig> {
  const { inputs, facts } = setup
  const { readTrustedConfig, trustedSource } = await import('./trusted-config.js')
  return core.group(`Configuration of ${repository}`, async () => {
    const layout = checkout ? await setup.layout() : undefined
    const source = trustedSource(
      repository,
      {
        checkout: checkout && layout ? { ...checkout, root: layout.root } : undefined,
        workflowRepository: facts.repository,
        ...(facts.defaultBranch ? { defaultBranch: facts.defaultBranch } : {}),
        // Where the job holds a token a fork's code must not reach (a fork's workflow_run).
        pullRequestHeads: facts.untrusted
          ? bundles.flatMap(bundle =>
              bundle.facts.pullRequest ? [bundle.facts.pullRequest.headSha] : []
            )
          : [],
        octokit: setup.client ? await setup.client() : undefined
      },
      core.warning
    )
    const read = await readTrustedConfig(repository, source, {
      configPath: inputs.config || DEFAULT_CONFIG,
      explicit: inputs.config !== '' && inputs.config !== DEFAULT_CONFIG,
      prefix: layout?.prefix ?? ''
    })
    core.info(read.summary)
    for (const warning of read.warnings) core.warning(warning)
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(`${read.summary}\n\n`).write()
    return read
  })
}

/** A pull request's facts and change set read through the API, not taken from the bundle. */
async function trusted(setup: Setup, evidence: Evidence): Promise<Evidence> {
  const claimed = evidence.facts.pullRequest
  if (!claimed || !setup.client) return evidence
  try {
    const octokit = await setup.client()
    const [owner, repo] = evidence.facts.repository.split('/') as [string, string]
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner,
      repo,
      pull_number: claimed.number
    })
    const facts: EventFacts = {
      ...evidence.facts,
      pullRequest: {
        ...claimed,
        labels: data.labels.map(label => label.name),
        title: data.title,
        body: data.body ?? '',
        baseSha: data.base.sha,
        headSha: data.head.sha,
        baseRef: data.base.ref
      }
    }
    return { ...evidence, facts, context: await changes({ ...setup, facts }) }
  } catch (error) {
    core.warning(
      `Could not read pull request #${claimed.number} through the API; using the bundle's change set: ${getErrorMessage(error)}`
    )
    return evidence
  }
}

/** The action (SPEC §1): one pipeline, entered where the mode and the event say. */
export async function run(): Promise<void> {
  let first: StartedValidator | undefined
  try {
    const begun = start()
    if (runsValidators(begun)) refuseUntrusted(begun)
    // The first validator runs while the configuration loads: the config only says how its
    // output is read (issue 18).
    const command = runsValidators(begun) ? begun.inputs.validators[0] : undefined
    if (command !== undefined) first = begin(begun, command)
    const setup = await prepare(begun)
    // Release readiness reads incidents only: it loads apart, and no event makes it file one.
    if (setup.inputs.mode === 'digest')
      return await import(/* webpackChunkName: "incidents" */ './digest-mode.js').then(
        ({ digest }) => digest(setup)
      )
    if (await followLifecycle(setup)) return
    if (setup.inputs.mode === 'publish') return await publish(setup)
    const runs = await gather(setup, first)
    const context = needsChangeSet(setup, runs)
      ? await changes(setup)
      : { changed: [], changeSource: 'not needed: every validator passed', intent: [] }
    const evidence = { facts: setup.facts, runs, context }
    if (setup.inputs.mode === 'collect') return await collect(setup, evidence)
    await conclude(setup, evidence)
  } catch (error) {
    first?.stop()
    await failRun(error)
  }
}
