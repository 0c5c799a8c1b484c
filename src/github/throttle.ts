/**
 * How this action waits for GitHub's rate limits: octokit's throttling plugin asks these handlers
 * whether to wait out a refusal, and they answer within one budget of waiting per run, so a run
 * never holds its runner past what a step is worth; the retry plugin is kept off the refusals.
 */

/**
 * Seconds of GitHub's asked-for waiting one run accepts in all. Five hundred content-creating
 * requests an hour per token means a busy organisation's runs can be asked to wait minutes;
 * beyond this a run reports without the incident and the next run in its scope files it.
 */
export const WAIT_BUDGET_SECONDS = 600
/** Refusals of one request waited out at most; the budget usually ends it sooner. */
const MAX_RETRIES = 8
/**
 * Statuses the retry plugin must leave alone. Its own quick backoff (1, 4, 9 s) would answer a
 * 429 rate-limit refusal early, and GitHub counts every refused attempt against the limit too:
 * the throttling plugin waits those out as GitHub asks.
 */
export const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451]

type LimitHandler = (
  retryAfter: number,
  options: { method: string; url: string },
  octokit: unknown,
  retryCount: number
) => Promise<boolean>

export interface ThrottleHandlers {
  onRateLimit: LimitHandler
  onSecondaryRateLimit: LimitHandler
}

export interface ThrottleClock {
  sleep: (ms: number) => Promise<void>
  random: () => number
}

const realClock: ThrottleClock = {
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  random: Math.random
}

/**
 * The throttling plugin's handlers for one run. `scale` is real seconds per GitHub second (1 on
 * a runner; the tests' emulator runs faster), so the budget is GitHub's seconds either way.
 */
export function limitHandlers(
  log: (message: string) => void,
  scale = 1,
  budgetSeconds = WAIT_BUDGET_SECONDS,
  clock: ThrottleClock = realClock
): ThrottleHandlers {
  // The waits agreed to so far, in GitHub's seconds. Not the time since the run began: that
  // holds the run's own work too, which a scaled clock (the tests') would count a thousandfold.
  let waited = 0
  const left = (): number => budgetSeconds - waited
  const decide = async (
    kind: 'primary' | 'secondary',
    retryAfter: number,
    options: { method: string; url: string },
    retryCount: number
  ): Promise<boolean> => {
    // Runs refused together would come back together: a secondary refusal's wait is spread by
    // up to half of it again, more each time the same request is refused.
    const spread =
      kind === 'secondary' ? clock.random() * retryAfter * Math.min(2, 0.5 * 2 ** retryCount) : 0
    const wait = retryAfter + spread
    const what = `GitHub ${kind} rate limit on ${options.method} ${options.url}`
    if (retryCount >= MAX_RETRIES || wait > left()) {
      log(
        `${what}: giving up (asked to wait ${Math.round(retryAfter)} s; ${Math.max(0, Math.round(left()))} s left of this run's ${budgetSeconds} s budget for GitHub's waits)`
      )
      return false
    }
    waited += wait
    log(`${what}: retrying after ${Math.round(wait)} s`)
    // The plugin waits `retryAfter` itself; the spread is waited here before saying yes.
    if (spread > 0) await clock.sleep(spread * 1000 * scale)
    return true
  }
  return {
    onRateLimit: async (retryAfter, options, _octokit, retryCount) =>
      decide('primary', retryAfter, options, retryCount),
    onSecondaryRateLimit: async (retryAfter, options, _octokit, retryCount) =>
      decide('secondary', retryAfter, options, retryCount)
  }
}

interface LimitedError {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | number | undefined> }
}

/**
 * When a request GitHub refused for a rate limit may be made again, as a warning's sentence, or
 * undefined when the error is not a rate-limit refusal.
 */
export function limitRefusal(
  error: unknown,
  repository: string,
  now: Date = new Date()
): string | undefined {
  const { status, message = '', response } = (error ?? {}) as LimitedError
  if (status !== 403 && status !== 429) return undefined
  const headers = response?.headers ?? {}
  const secondary = /secondary rate limit/i.test(message)
  const primary = !secondary && String(headers['x-ratelimit-remaining']) === '0'
  if (!secondary && !primary) return undefined
  const retryAfter = Number(headers['retry-after'])
  const reset = Number(headers['x-ratelimit-reset'])
  const at = primary
    ? new Date(reset * 1000)
    : new Date(
        now.getTime() + (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 60) * 1000
      )
  const when = Number.isNaN(at.getTime())
    ? 'in an hour'
    : `after ${at.toISOString().slice(11, 16)} UTC`
  return `GitHub's ${primary ? 'rate limit' : 'secondary rate limit'} for this token refused the incident's update in ${repository}, and waiting for it would exceed this run's ${WAIT_BUDGET_SECONDS} s budget for GitHub's waits: the incident was not filed or updated. This run's findings are in the job summary and its outputs; the incident will be updated by the next run in this scope ${when}. Many repositories filing with one token: see "Many repositories, one incident repository" in the README.`
}
