/**
 * Which stored validator results count for a scope (SPEC §5): results are kept per job and, within
 * a job, per validator command. Pure.
 */
import { code } from '../markdown.js'
import type { StoredRun } from '../incident.js'

/** The results a run counts, and what it did with the ones other jobs stored before. */
export interface CountedResults {
  /** This run's results and those of other jobs still counted. */
  runs: StoredRun[]
  /** Other jobs' results for the same head commit: they add up with this run's. */
  kept: StoredRun[]
  /** Results no longer counted: other jobs' for an older head commit, or an earlier version's. */
  dropped: StoredRun[]
}

const slot = (run: StoredRun): string => `${run.job ?? ''}\u0000${run.command}`

/** The latest result per job and validator (by command) across the sources, later wins. */
export function latestResults(...sources: readonly (readonly StoredRun[])[]): StoredRun[] {
  const latest = new Map<string, StoredRun>()
  for (const runs of sources) {
    for (const run of runs) {
      const known = latest.get(slot(run))
      if (!known || known.at <= run.at) latest.set(slot(run), run)
    }
  }
  return [...latest.values()]
}

/**
 * This run (`mine`, of job `job` on commit `head`) replaces every result its own job stored
 * before, so a validator taken out of the job's `validators` drops out; other jobs' results for
 * the same head commit add up (matrix legs, concurrent workflows); those for another head commit
 * are dropped, since those jobs run again on the new commit.
 */
export function countResults(
  stored: readonly StoredRun[],
  mine: readonly StoredRun[],
  job: string,
  head: string
): CountedResults {
  const kept: StoredRun[] = []
  const dropped: StoredRun[] = []
  for (const run of latestResults(stored)) {
    if (run.job === job) continue
    // A result without a job key was stored by a version that kept one result per validator for
    // the whole scope: which job it came from is unknown, and keeping it is what kept a removed
    // validator red for ever. It is dropped once, said in the summary; its job adds it back on
    // its next run.
    if (run.job === undefined || (run.head ?? '') !== head) dropped.push(run)
    else kept.push(run)
  }
  return { runs: [...kept, ...mine], kept, dropped }
}

/** Sentences for the summary and the log: the results of other jobs this run counts or dropped. */
export function explainResults(counted: Pick<CountedResults, 'kept' | 'dropped'>): string[] {
  const describe = (run: StoredRun): string =>
    `${code(run.command)} (${run.outcome === 'passed' ? 'passed' : `${run.outcome}, ${run.findingCount} finding(s)`})`
  const byJob = (runs: readonly StoredRun[]): Map<string | undefined, StoredRun[]> => {
    const jobs = new Map<string | undefined, StoredRun[]>()
    for (const run of runs) jobs.set(run.job, [...(jobs.get(run.job) ?? []), run])
    return jobs
  }
  const lines: string[] = []
  for (const [job, runs] of byJob(counted.kept))
    lines.push(
      `Still counted, from job ${code(job ?? '')} on this head commit: ${runs.map(describe).join(', ')}.`
    )
  for (const [job, runs] of byJob(counted.dropped))
    lines.push(
      job === undefined
        ? `Dropped, stored by an earlier version of this action without a job: ${runs.map(describe).join(', ')}.`
        : `Dropped, from job ${code(job)} on an older head commit (${code((runs[0]?.head ?? '').slice(0, 7) || 'unknown')}): ${runs.map(describe).join(', ')}.`
    )
  return lines
}

/**
 * The `job-key` default: workflow file, job, step and event, from the runner's environment. A
 * matrix leg needs the input set, since matrix values are not in the environment.
 */
export function defaultJobKey(env: Readonly<Record<string, string | undefined>>): string {
  // `owner/repo/.github/workflows/ci.yml@refs/pull/7/merge`: the ref changes with the scope's
  // head, the workflow file does not.
  const workflow = (env.GITHUB_WORKFLOW_REF ?? '')
    .replace(/@.*$/, '')
    .replace(/^[^/]+\/[^/]+\//, '')
  return [
    workflow || env.GITHUB_WORKFLOW || '',
    env.GITHUB_JOB ?? '',
    env.GITHUB_ACTION ?? '',
    env.GITHUB_EVENT_NAME ?? ''
  ].join(':')
}
