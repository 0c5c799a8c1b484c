import type { getOctokit } from '@actions/github'

export type Octokit = ReturnType<typeof getOctokit>

const MAX_RETRIES = 3

/**
 * An authenticated client with retries and GitHub's rate-limit etiquette. Loaded on first use:
 * a run that never calls the API never pays for octokit.
 */
export async function createOctokit(
  token: string,
  log: (message: string) => void
): Promise<Octokit> {
  const [{ getOctokit: build }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling')
  ])
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      options: { method: string; url: string },
      _octokit: unknown,
      retryCount: number
    ): boolean => {
      log(
        `GitHub ${kind} rate limit on ${options.method} ${options.url}; retrying after ${retryAfter} s`
      )
      return retryCount < MAX_RETRIES
    }
  return build(
    token,
    {
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
      retry: { retries: MAX_RETRIES }
    },
    retry,
    throttling
  )
}
