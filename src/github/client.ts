import type { getOctokit } from '@actions/github'
import { DO_NOT_RETRY, limitHandlers } from './throttle.js'

export type Octokit = ReturnType<typeof getOctokit>

/** Retries of a server error (5xx). */
const MAX_RETRIES = 3

/**
 * Scales every wait of the retry and throttling plugins (1 = GitHub's own pacing). Only the
 * tests set it (`CONTRACT_DRIFT_TRIAGE_TIME_SCALE`), against the emulator, so rate-limit waits
 * and write pacing take milliseconds instead of seconds.
 */
function timeScale(env: NodeJS.ProcessEnv): number {
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
  const [{ getOctokit: build }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling')
  ])
  return build(token, await limitOptions(log, env), retry, throttling)
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
