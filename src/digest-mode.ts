/**
 * mode: digest — release readiness over every incident (SPEC §6). Runs no validators: reads the
 * incidents, computes the verdict (src/digest/), writes the summary, the outputs and, when asked,
 * the one release-readiness issue.
 */
import * as core from '@actions/core'
import { computeDigest, sourceRepositories, type Digest } from './digest/compute.js'
import { digestIssueBody, renderDigestWithin } from './digest/render.js'
import { getErrorMessage } from './fail.js'
import { ISSUE_BODY_LIMIT } from './incident.js'
import { SUMMARY_BUDGET } from './report.js'
import type { Setup } from './main.js'

const DAY = 86_400_000

/** The release branches of each source repository: the config's, else its default branch. */
async function releaseBranches(
  setup: Setup,
  repositories: readonly string[]
): Promise<Map<string, readonly string[]>> {
  const configured = setup.config.release?.branches
  const branches = new Map<string, readonly string[]>()
  if (configured) {
    for (const repository of repositories) branches.set(repository, configured)
    return branches
  }
  const { defaultBranch } = await import(/* webpackChunkName: "incidents" */ './github/digest.js')
  const octokit = await (setup.client as NonNullable<Setup['client']>)()
  for (const repository of repositories) {
    try {
      branches.set(repository, [await defaultBranch(octokit, repository)])
    } catch (error) {
      // A gate that cannot tell which branch releases must not call the release ready.
      core.warning(
        `Could not read the default branch of ${repository} (${getErrorMessage(error)}): every branch incident of it counts as on a release branch. Set release.branches in the configuration to name them.`
      )
      branches.set(repository, ['**'])
    }
  }
  return branches
}

/** SPEC §6: the digest of the incident repository, at `now`. */
export async function digest(setup: Setup, now = new Date()): Promise<void> {
  const { inputs, facts } = setup
  const repository = inputs['incident-repository'] || facts.repository
  if (!setup.client)
    throw new Error(
      `mode digest reads the incident issues of ${repository}: set github-token (issues: read; issues: write with digest-issue: true).`
    )
  const octokit = await setup.client()
  const { listIncidents, upsertDigestIssue } = await import(
    /* webpackChunkName: "incidents" */ './github/digest.js'
  )
  let computed: Digest
  try {
    computed = await core.group('Incidents', async () => {
      const issues = await listIncidents(
        octokit,
        repository,
        inputs['issue-author'],
        new Date(now.getTime() - inputs['digest-window'] * DAY)
      )
      core.info(`${issues.length} issue(s) listed in ${repository}`)
      const branches = await releaseBranches(
        setup,
        sourceRepositories(issues, inputs['issue-author'])
      )
      return computeDigest({
        issues,
        issueAuthor: inputs['issue-author'],
        now,
        windowDays: inputs['digest-window'],
        ...(setup.config.release?.['active-phase']
          ? { activePhase: setup.config.release['active-phase'] }
          : {}),
        releaseBranches: source => branches.get(source) ?? setup.config.release?.branches ?? ['**']
      })
    })
  } catch (error) {
    const message = `Could not read the incidents of ${repository}: ${getErrorMessage(error)}. Check incident-repository and that github-token may read its issues.`
    core.setOutput('result', 'error')
    core.setOutput('ready', 'false')
    if (process.env.GITHUB_STEP_SUMMARY)
      await core.summary.addRaw(`### Release readiness: error\n\n${message}\n`, true).write()
    if (inputs['fail-on'] !== 'never') core.setFailed(message)
    else core.warning(message)
    return
  }

  const open = computed.open.reduce((n, group) => n + group.incidents.length, 0)
  const blocking = computed.blocking.map(reason => reason.incident.number)
  core.info(
    `${computed.ready ? 'Ready' : 'Blocked'}: ${open} open incident(s), ${blocking.length} blocking${blocking.length > 0 ? ` (#${blocking.join(', #')})` : ''}.`
  )
  let url = ''
  if (inputs['digest-issue']) {
    try {
      const written = await upsertDigestIssue(octokit, repository, inputs['issue-author'], {
        title: computed.title,
        body: kept => digestIssueBody(computed, ISSUE_BODY_LIMIT, kept)
      })
      url = written.url
      core.info(`Release-readiness issue #${written.number}: ${written.action}`)
    } catch (error) {
      const status = (error as { status?: number }).status
      const advice =
        status === 403 || status === 404 ? " Grant issues: write to the workflow's token;" : ''
      core.warning(
        `Could not write the release-readiness issue in ${repository}: ${getErrorMessage(error)}.${advice} The summary and outputs hold the digest.`
      )
    }
  }
  const result = computed.ready ? 'pass' : 'drift'
  if (process.env.GITHUB_STEP_SUMMARY) {
    const link = url ? `**Release-readiness issue:** ${url}\n\n` : ''
    await core.summary
      .addRaw(link + setup.redact(renderDigestWithin(computed, SUMMARY_BUDGET - link.length)), true)
      .write()
  }
  core.setOutput('result', result)
  core.setOutput('ready', String(computed.ready))
  core.setOutput('open-incidents', String(open))
  core.setOutput('blocking-incidents', blocking.join(','))
  core.setOutput('digest-url', url)
  if (!computed.ready && inputs['fail-on'] === 'drift')
    core.setFailed(
      `Release blocked: ${blocking.length} open incident(s) on a release branch (${blocking.map(n => `#${n}`).join(', ')}). See the job summary${url ? ` or ${url}` : ''}.`
    )
}
