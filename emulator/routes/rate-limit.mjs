// @ts-check
/** The rate-limit status, from the count of requests the emulator answered. */
import { Answer } from '../lib.mjs'

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'get /rate_limit'(_ctx, emu) {
    const now = Math.ceil(emu.clock.now() / 1000)
    const core = {
      limit: emu._core.limit,
      remaining: Math.max(0, emu._core.limit - emu._core.used),
      reset: now + 3600,
      used: emu._core.used
    }
    const search = { limit: 30, remaining: 30, reset: now + 60, used: 0 }
    return new Answer(200, {
      resources: { core, search, graphql: { ...core, used: 0, remaining: 5000 } },
      rate: core
    })
  }
}
