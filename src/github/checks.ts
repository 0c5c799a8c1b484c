import type { Annotation } from '../report.js'
import type { Octokit } from './client.js'

/** GitHub takes at most 50 annotations per check run request. */
const PER_REQUEST = 50
/** Ten requests' worth: thousands of annotations help nobody and cost a paced write each. */
const MAX_ANNOTATIONS = 500

/**
 * The annotations beyond the ten a step may write, as a check run on the head commit. Needs
 * `checks: write`; without it the findings are still all in the summary and the record.
 */
export async function publishCheckRun(
  octokit: Octokit,
  repository: string,
  headSha: string,
  annotations: readonly Annotation[],
  title: string
): Promise<number> {
  const [owner, repo] = repository.split('/') as [string, string]
  const placed = annotations
    .filter(
      (annotation): annotation is Annotation & { file: string } => annotation.file !== undefined
    )
    .slice(0, MAX_ANNOTATIONS)
    .map(annotation => ({
      path: annotation.file,
      start_line: annotation.startLine ?? 1,
      end_line: annotation.startLine ?? 1,
      annotation_level: 'failure' as const,
      title: annotation.title.slice(0, 255),
      message: annotation.message.slice(0, 4000)
    }))
  const batches = Array.from({ length: Math.ceil(placed.length / PER_REQUEST) }, (_, i) =>
    placed.slice(i * PER_REQUEST, (i + 1) * PER_REQUEST)
  )
  const output = (batch: typeof placed) => ({
    title,
    summary: `${placed.length} of ${annotations.length} finding(s) beyond the ten annotations a step may write. The job summary and the record hold every finding.`,
    annotations: batch
  })
  const { data } = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
    owner,
    repo,
    name: 'contract-drift-triage findings',
    head_sha: headSha,
    status: 'completed',
    conclusion: 'failure',
    output: output(batches[0] ?? [])
  })
  for (const batch of batches.slice(1)) {
    await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner,
      repo,
      check_run_id: data.id,
      output: output(batch)
    })
  }
  return placed.length
}
