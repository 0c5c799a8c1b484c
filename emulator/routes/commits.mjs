// @ts-check
/** Commits (git database) and comparisons of two commits. */
import { Answer, iso, list, nodeId, notFound, repoApi, sha1 } from '../lib.mjs'
import { renderFile } from './pulls.mjs'

/** @typedef {import('../index.mjs').Emulator} Emulator */
/** @typedef {import('../index.mjs').Repo} Repo */

/** A commit as compare lists it; an unknown sha gets a made-up message. @param {Emulator} emu @param {Repo} repo @param {string} sha */
export function renderCommit(emu, repo, sha) {
  const c = repo.commits.get(sha) ?? {
    sha,
    message: `commit ${sha.slice(0, 7)}`,
    parents: [],
    author: 'Octo Cat',
    at: emu.clock.now()
  }
  const api = repoApi(emu, repo)
  const person = {
    name: c.author,
    email: `${c.author.toLowerCase().replace(/\W+/g, '.')}@example.com`,
    date: iso(c.at)
  }
  return {
    url: `${api}/commits/${sha}`,
    sha,
    node_id: nodeId('Commit', sha),
    html_url: `${emu.serverUrl}/${repo.fullName}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    commit: {
      url: `${api}/git/commits/${sha}`,
      author: person,
      committer: person,
      message: c.message,
      comment_count: 0,
      tree: { sha: sha1(`tree-${sha}`), url: `${api}/git/trees/${sha1(`tree-${sha}`)}` },
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null
      }
    },
    author: null,
    committer: null,
    parents: c.parents.map(p => ({
      sha: p,
      url: `${api}/commits/${p}`,
      html_url: `${emu.serverUrl}/${repo.fullName}/commit/${p}`
    }))
  }
}

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'get /repos/{owner}/{repo}/git/commits/{commit_sha}'(ctx, emu) {
    const c = ctx.repo.commits.get(ctx.path.commit_sha)
    if (!c) return notFound(ctx.docs)
    const r = renderCommit(emu, ctx.repo, c.sha)
    return new Answer(200, {
      sha: c.sha,
      node_id: r.node_id,
      url: r.commit.url,
      html_url: r.html_url,
      author: r.commit.author,
      committer: r.commit.committer,
      message: c.message,
      tree: r.commit.tree,
      parents: r.parents,
      verification: r.commit.verification
    })
  },

  'get /repos/{owner}/{repo}/compare/{basehead}'(ctx, emu) {
    const basehead = String(ctx.path.basehead)
    const parts = basehead.split(/\.{2,3}/)
    if (parts.length !== 2) return notFound(ctx.docs)
    const [base, head] = /** @type {[string, string]} */ (parts)
    let cmp = ctx.repo.comparisons.get(`${base}...${head}`)
    if (!cmp) {
      const pr = [...ctx.repo.issues.values()].find(
        i =>
          i.pull &&
          (i.pull.baseSha === base || i.pull.baseRef === base) &&
          (i.pull.headSha === head || i.pull.headRef === head)
      )
      if (pr?.pull) cmp = { files: pr.pull.files, commits: [pr.pull.headSha], status: 'ahead' }
    }
    if (!cmp) return notFound(ctx.docs)
    const { files, status, commits } = cmp
    const html = `${emu.serverUrl}/${ctx.repo.fullName}/compare/${basehead}`
    // the commits are paged (up to 250 a page); the files are not (at most 300)
    return list(emu, ctx, commits, s => renderCommit(emu, ctx.repo, s), {
      max: 250,
      envelope: page => ({
        url: `${repoApi(emu, ctx.repo)}/compare/${basehead}`,
        html_url: html,
        permalink_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        base_commit: renderCommit(emu, ctx.repo, base),
        merge_base_commit: renderCommit(emu, ctx.repo, base),
        status,
        ahead_by: commits.length,
        behind_by: 0,
        total_commits: commits.length,
        commits: page,
        files: files.slice(0, 300).map(f => renderFile(emu, ctx.repo, head, f))
      })
    })
  }
}
