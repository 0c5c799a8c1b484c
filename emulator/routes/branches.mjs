// @ts-check
/** Branches: the commit at a branch's tip, as `setBranch` put it. */
import { Answer, notFound, repoApi } from '../lib.mjs'
import { renderCommit } from './commits.mjs'

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'get /repos/{owner}/{repo}/branches/{branch}'(ctx, emu) {
    const name = String(ctx.path.branch)
    const sha = ctx.repo.branches.get(name)
    if (!sha) return notFound(ctx.docs, 'Branch not found')
    const api = repoApi(emu, ctx.repo)
    return new Answer(200, {
      name,
      commit: renderCommit(emu, ctx.repo, sha),
      _links: {
        self: `${api}/branches/${name}`,
        html: `${emu.serverUrl}/${ctx.repo.fullName}/tree/${name}`
      },
      protected: false,
      protection: {
        enabled: false,
        required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] }
      },
      protection_url: `${api}/branches/${name}/protection`
    })
  }
}
