// @ts-check
/** A repository itself (its default branch, say). */
import { Answer, renderRepository } from '../lib.mjs'

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'get /repos/{owner}/{repo}'(ctx, emu) {
    // full-repository: the repository as every other route renders it, plus what only this one says.
    return new Answer(200, {
      ...renderRepository(emu, ctx.repo),
      has_discussions: false,
      network_count: 0,
      subscribers_count: 0
    })
  }
}
