import * as core from '@actions/core'
import { codeBlock } from './markdown.js'

export function getErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * A run that stopped before triage: `result=error`, the step failed, and the summary says why,
 * so the summary and the outputs tell the same result (SPEC §3).
 */
export async function failRun(error: unknown): Promise<void> {
  const message = getErrorMessage(error)
  core.setOutput('result', 'error')
  core.setFailed(message)
  if (process.env.GITHUB_STEP_SUMMARY)
    await core.summary
      .addRaw(
        `### Contract drift gate: error\n\nThe run stopped before triage:\n\n${codeBlock(message)}\n`
      )
      .write()
      .catch(() => undefined)
}
