import type { Octokit as Core } from '@octokit/core'
import type { PaginateInterface } from '@octokit/plugin-paginate-rest'

/**
 * The client: `request` and `paginate` by route string (`'GET /repos/{owner}/{repo}/issues'`),
 * typed by route. No `rest.*` methods: their route tables were most of the bundle.
 */
export type Octokit = Core & { paginate: PaginateInterface }

const MAX_RETRIES = 3
/** Waits GitHub asks for beyond this are not worth holding a runner for: give up and degrade. */
const MAX_WAIT_SECONDS = 60

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
 * (`retry-after`, `x-ratelimit-reset`, paced writes) within a bounded wait. Loaded on first use:
 * a run that never calls the API never pays for octokit.
 */
export async function createOctokit(
  token: string,
  log: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env
): Promise<Octokit> {
  const [{ Octokit: Base }, { paginateRest }, { retry }, { throttling }] = await Promise.all([
    import('@octokit/core'),
    import('@octokit/plugin-paginate-rest'),
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
      const retrying = retryCount < MAX_RETRIES && retryAfter <= MAX_WAIT_SECONDS
      log(
        `GitHub ${kind} rate limit on ${options.method} ${options.url}: ${retrying ? `retrying after ${retryAfter} s` : `giving up (asked to wait ${retryAfter} s)`}`
      )
      return retrying
    }
  const scale = timeScale(env)
  const pacing = scale === 1 ? {} : await scaledPacing(scale)
  // What @actions/github's getOctokit set up: the runner's API URL (GHES), its proxy, its user agent.
  const baseUrl = env.GITHUB_API_URL || 'https://api.github.com'
  const fetch = await proxyFetch(baseUrl)
  const Client = Base.plugin(paginateRest, retry, throttling)
  return new Client({
    auth: token,
    baseUrl,
    userAgent: userAgent(env),
    ...(fetch ? { request: { fetch } } : {}),
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      retryAfterBaseValue: 1000 * scale,
      ...pacing
    },
    retry: { retries: MAX_RETRIES, retryAfterBaseValue: 1000 * scale }
  })
}

/**
 * Names this action to GitHub (octokit appends its own), with the runner's orchestration ID
 * as `@actions/github` and `@actions/http-client` add it, so GitHub can tie calls to the job.
 */
function userAgent(env: NodeJS.ProcessEnv): string {
  const id = env.ACTIONS_ORCHESTRATION_ID?.trim()
  return id
    ? `contract-drift-triage actions_orchestration_id/${id.replace(/[^a-z0-9_.-]/gi, '_')}`
    : 'contract-drift-triage'
}

/**
 * A fetch through the proxy that `https_proxy`/`HTTPS_PROXY` (`http_proxy` for an http: API)
 * names, unless `no_proxy` or a loopback address exempts the API: `@actions/http-client`'s
 * rules and agent, as `@actions/github` used them (so they read `process.env`, like every
 * `@actions` HTTP call). Undefined without a proxy: octokit then uses Node's own fetch.
 */
async function proxyFetch(
  baseUrl: string
): Promise<((url: string, init?: object) => Promise<Response>) | undefined> {
  // Already loaded by @actions/core (OIDC): asking costs nothing; the agent exists only for a proxy.
  const { HttpClient } = await import('@actions/http-client')
  const dispatcher = new HttpClient().getAgentDispatcher(baseUrl)
  if (!dispatcher) return undefined
  // undici's own fetch, not Node's: a dispatcher only works with the undici that made it.
  const { fetch } = await import('undici')
  return (url, init) => fetch(url, { ...init, dispatcher }) as unknown as Promise<Response>
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
