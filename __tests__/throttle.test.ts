/**
 * Waiting for GitHub's rate limits (src/github/throttle.ts, src/github/client.ts): the handlers
 * octokit's throttling plugin asks, one budget of waiting per run, and what the warning says when
 * a run gives up. The client is tested against the emulator with GitHub's limits on.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { limitHandlers, limitRefusal, WAIT_BUDGET_SECONDS } from '../src/github/throttle.js'
// @ts-expect-error -- plain JavaScript
import { startEmulator } from '../emulator/index.mjs'

function fakeClock(random = 0.5): {
  clock: { sleep: (ms: number) => Promise<void>; random: () => number }
  slept: number[]
} {
  const slept: number[] = []
  return {
    clock: {
      sleep: async ms => {
        slept.push(ms)
      },
      random: () => random
    },
    slept
  }
}
const request = { method: 'POST', url: '/repos/{owner}/{repo}/issues' }

describe('limitHandlers', () => {
  it.each([
    // kind, asked to wait (s), refusals of this request so far, GitHub seconds already waited, waits?
    ['primary', 30, 0, 0, true],
    ['primary', 3_600, 0, 0, false], // the hour's reset is beyond the budget: report now
    ['secondary', 60, 0, 0, true],
    ['secondary', 60, 0, WAIT_BUDGET_SECONDS - 30, false], // the budget is spent by earlier waits
    ['secondary', 1, 8, 0, false] // refused eight times: stop
  ] as const)(
    '%s limit, asked to wait %i s after %i refusals, %i s waited before: waits=%s',
    async (kind, after, count, spent, waits) => {
      const { clock } = fakeClock(0)
      const logged: string[] = []
      const handlers = limitHandlers(m => logged.push(m), 1, WAIT_BUDGET_SECONDS, clock)
      if (spent > 0) await handlers.onRateLimit(spent, request, undefined, 0)
      logged.length = 0
      const handler = kind === 'primary' ? handlers.onRateLimit : handlers.onSecondaryRateLimit
      expect(await handler(after, request, undefined, count)).toBe(waits)
      expect(logged).toEqual([
        expect.stringMatching(
          waits
            ? new RegExp(`^GitHub ${kind} rate limit on POST .*: retrying after ${after} s$`)
            : new RegExp(
                `^GitHub ${kind} rate limit on POST .*: giving up \\(asked to wait ${after} s; \\d+ s left of this run's ${WAIT_BUDGET_SECONDS} s budget`
              )
        )
      ])
    }
  )

  it("counts only the waits against the budget, not the run's own time on a scaled clock", async () => {
    // At the tests' scale a run's own second of work is 1,000 GitHub seconds: that is not waiting.
    const { clock } = fakeClock(0)
    const handlers = limitHandlers(() => {}, 0.001, WAIT_BUDGET_SECONDS, clock)
    await new Promise(resolve => setTimeout(resolve, 700))
    expect(await handlers.onRateLimit(2, request, undefined, 0)).toBe(true)
  })

  it('spreads the runs a secondary limit refused together: up to half the wait again, more on each refusal, on the scaled clock', async () => {
    const { clock, slept } = fakeClock(1)
    const handlers = limitHandlers(() => {}, 0.01, WAIT_BUDGET_SECONDS, clock)
    await handlers.onSecondaryRateLimit(60, request, undefined, 0)
    await handlers.onSecondaryRateLimit(60, request, undefined, 1)
    await handlers.onSecondaryRateLimit(60, request, undefined, 3)
    // 30, 60 then at most 120 GitHub seconds, at 10 real ms each.
    expect(slept).toEqual([300, 600, 1200])
    // The primary limit's reset is a fixed instant: no spread.
    await handlers.onRateLimit(60, request, undefined, 0)
    expect(slept).toHaveLength(3)
  })
})

describe('limitRefusal', () => {
  const now = new Date('2026-12-01T09:00:00Z')
  const refusal = (status: number, message: string, headers: Record<string, string>) => ({
    status,
    message,
    response: { headers }
  })
  it.each([
    [
      'primary, reset at 09:47',
      refusal(403, 'API rate limit exceeded for installation ID 1.', {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Date.parse('2026-12-01T09:47:00Z') / 1000)
      }),
      /^GitHub's rate limit for this token refused .* in acme\/incidents.*the incident will be updated by the next run in this scope after 09:47 UTC\./
    ],
    [
      'secondary with retry-after 300',
      refusal(429, 'You have exceeded a secondary rate limit. Please wait', {
        'retry-after': '300'
      }),
      /^GitHub's secondary rate limit .*This run's findings are in the job summary and its outputs; .* after 09:05 UTC\./
    ],
    [
      'secondary without retry-after (a minute at least)',
      refusal(403, 'You have exceeded a secondary rate limit.', {}),
      /after 09:01 UTC\./
    ]
  ])('%s', (_name, error, expected) => {
    expect(limitRefusal(error, 'acme/incidents', now)).toMatch(expected)
  })

  it.each([
    ['a read-only token', refusal(403, 'Resource not accessible by integration', {})],
    ['a server error', refusal(502, 'Server Error', {})],
    ['not a request error', new Error('boom')]
  ])('is not a rate limit: %s', (_name, error) => {
    expect(limitRefusal(error, 'acme/incidents', now)).toBeUndefined()
  })
})

describe('the client against GitHub limits (emulator)', () => {
  interface Emu {
    url: string
    token: string
    timeScale: number
    requests: Array<{ method: string; status: number }>
    limits: { refused: Record<string, number> } | null
    addRepo(name: string, init?: object): unknown
    close(): Promise<void>
  }
  const emulators: Emu[] = []
  afterAll(async () => {
    for (const e of emulators) await e.close()
  })
  let createOctokit: typeof import('../src/github/client.js').createOctokit
  beforeAll(async () => {
    ;({ createOctokit } = await import('../src/github/client.js'))
  })
  async function limited(
    limits: object,
    timeScale: number
  ): Promise<{ emu: Emu; logged: string[]; octokit: Awaited<ReturnType<typeof createOctokit>> }> {
    const emu = (await startEmulator({ timeScale, limits })) as Emu
    emulators.push(emu)
    emu.addRepo('acme/incidents')
    const logged: string[] = []
    const octokit = await createOctokit(emu.token, m => logged.push(m), {
      CONTRACT_DRIFT_TRIAGE_TIME_SCALE: String(timeScale)
    })
    return { emu, logged, octokit }
  }
  const create = (
    octokit: Awaited<ReturnType<typeof createOctokit>>,
    url: string,
    title: string
  ): Promise<unknown> =>
    octokit.request('POST /repos/{owner}/{repo}/issues', {
      baseUrl: url,
      owner: 'acme',
      repo: 'incidents',
      title
    })

  it('a 429 secondary refusal is waited out as GitHub asks, never retried early by the retry plugin', async () => {
    const { emu, octokit, logged } = await limited(
      { primary: false, secondary: { perMinute: 1, status: 429, retryAfter: true } },
      0.05
    )
    await create(octokit, emu.url, 'first')
    await create(octokit, emu.url, 'second')
    // One refusal, then the write after the minute GitHub asked for; an early retry would be
    // refused again and count against the limit.
    expect(emu.requests.map(r => `${r.method} ${r.status}`)).toEqual([
      'POST 201',
      'POST 429',
      'POST 201'
    ])
    expect(logged).toEqual([
      expect.stringMatching(/^GitHub secondary rate limit on POST .*: retrying after \d+ s$/)
    ])
  })

  it("gives up at once when the primary limit's reset is beyond the run's budget, saying when the incident will be updated", async () => {
    const { emu, octokit, logged } = await limited(
      { primary: { perHour: 1 }, secondary: false },
      0.001
    )
    await create(octokit, emu.url, 'first')
    const error = await create(octokit, emu.url, 'second').catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 403 })
    expect(emu.requests.map(r => r.status)).toEqual([201, 403])
    expect(logged).toEqual([
      expect.stringMatching(
        /^GitHub primary rate limit on POST .*: giving up \(asked to wait \d+ s; /
      )
    ])
    expect(limitRefusal(error, 'acme/incidents')).toMatch(
      /the incident will be updated by the next run in this scope after \d\d:\d\d UTC\./
    )
  })
})
