import type { Octokit as Core } from '@octokit/core'
import type { paginateRest } from '@octokit/plugin-paginate-rest'
import { DO_NOT_RETRY, limitHandlers } from './throttle.js'

/** What the action calls: `request` and `paginate` (no endpoint methods: their table is ~82 KB). */
export type Octokit = Core & ReturnType<typeof paginateRest>

/** Retries of a server error (5xx). */
const MAX_RETRIES = 3

/**
 * Scales every wait of the retry and throttling plugins and of the incident's write-and-verify
 * rounds (1 = GitHub's own pacing). Only the tests set it (`CONTRACT_DRIFT_TRIAGE_TIME_SCALE`),
 * against the emulator, so rate-limit waits, write pacing and the waits between concurrent
 * writers take milliseconds instead of seconds.
 */
export function timeScale(env: NodeJS.ProcessEnv = process.env): number {
  const scale = Number(env.CONTRACT_DRIFT_TRIAGE_TIME_SCALE ?? 1)
  return Number.isFinite(scale) && scale > 0 && scale <= 1 ? scale : 1
}

/**
 * An authenticated client that retries server errors and follows GitHub's rate-limit guidance
 * within one budget of waiting per run (limitOptions). Loaded on first use:
 * a run that never calls the API never pays for octokit.
 */
export async function createOctokit(
  token: string,
  log: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env
): Promise<Octokit> {
  const [{ Octokit: Client }, { paginateRest }, { retry }, { throttling }] = await Promise.all([
    import('@octokit/core'),
    import('@octokit/plugin-paginate-rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling')
  ])
  const Built = Client.plugin(paginateRest, retry, throttling)
  return new Built({ ...(await runnerDefaults(token, env)), ...(await limitOptions(log, env)) })
}

/**
 * What `@actions/github`'s `getOctokit` adds to octokit, without its endpoint methods (importing
 * any of `@actions/github` bundles their table): the API of GitHub Enterprise (`GITHUB_API_URL`),
 * the runner's proxy (`https_proxy`, `no_proxy`, see ./fetch.ts) and the run's orchestration id
 * in the user agent.
 */
async function runnerDefaults(
  token: string,
  env: NodeJS.ProcessEnv
): Promise<{ auth: string; baseUrl: string; userAgent?: string; request: object }> {
  const { nodeFetch } = await import('./fetch.js')
  const orchestration = env.ACTIONS_ORCHESTRATION_ID?.trim().replace(/[^a-z0-9_.-]/gi, '_')
  return {
    auth: `token ${token}`,
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
    ...(orchestration ? { userAgent: `actions_orchestration_id/${orchestration}` } : {}),
    // the proxy as the toolkit reads it: from the process's environment
    request: { fetch: nodeFetch(process.env) }
  }
}

/**
 * The throttling and retry plugins' options, apart from how the client is built: GitHub's
 * rate-limit guidance (`retry-after`, `x-ratelimit-reset`, paced writes) honoured within one
 * budget of waiting per run (./throttle.ts), server errors retried.
 */
export async function limitOptions(
  log: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env
): Promise<Record<string, unknown>> {
  const scale = timeScale(env)
  const pacing = scale === 1 ? {} : await scaledPacing(scale)
  return {
    throttle: {
      ...limitHandlers(log, scale),
      retryAfterBaseValue: 1000 * scale,
      ...pacing
    },
    retry: { retries: MAX_RETRIES, retryAfterBaseValue: 1000 * scale, doNotRetry: DO_NOT_RETRY }
  }
}

/** The throttling plugin's request groups with their spacing scaled (its defaults, times `scale`). */
async function scaledPacing(scale: number): Promise<Record<string, unknown>> {
  // The light build, as the plugin itself uses (no clustering code); its types are the full one's.
  const { default: Bottleneck } = (await import(
    // @ts-expect-error -- bottleneck ships types for its main entry only
    'bottleneck/light.js'
  )) as typeof import('bottleneck')
  const group = (name: string, maxConcurrent: number, minTime: number): unknown =>
    new Bottleneck.Group({
      id: `contract-drift-triage-${name}`,
      maxConcurrent,
      minTime: minTime * scale
    })
  return {
    global: group('global', 10, 0),
    auth: group('auth', 1, 0),
    search: group('search', 1, 2000),
    write: group('write', 1, 1000),
    notifications: group('notifications', 1, 3000)
  }
}
