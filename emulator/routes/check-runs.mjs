// @ts-check
/** Check runs. Stored as rendered, plus their annotations (which the API lists separately). */
import { Answer, iso, nodeId, notFound, omit, repoApi, renderUser } from '../lib.mjs'

/** @typedef {import('../index.mjs').Emulator} Emulator */

/** The GitHub Actions app that owns check runs created with GITHUB_TOKEN. @param {Emulator} emu */
const integration = emu => ({
  id: 15368,
  slug: 'github-actions',
  node_id: 'MDM6QXBwMTUzNjg=',
  owner: renderUser(emu, 'github'),
  name: 'GitHub Actions',
  description: 'Automate your workflow from idea to production',
  external_url: 'https://help.github.com/en/actions',
  html_url: `${emu.serverUrl}/apps/github-actions`,
  created_at: '2018-07-30T09:30:17Z',
  updated_at: '2024-04-10T20:33:16Z',
  permissions: { checks: 'write', issues: 'write', metadata: 'read', pull_requests: 'write' },
  events: ['check_run', 'issues', 'pull_request']
})

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'post /repos/{owner}/{repo}/check-runs'(ctx, emu) {
    const b = ctx.body
    const id = emu._nextId++
    const now = iso(emu.clock.now())
    const status = b.conclusion ? 'completed' : (b.status ?? 'queued')
    const run = {
      id,
      head_sha: b.head_sha,
      node_id: nodeId('CheckRun', id),
      external_id: b.external_id ?? '',
      url: `${repoApi(emu, ctx.repo)}/check-runs/${id}`,
      html_url: `${emu.serverUrl}/${ctx.repo.fullName}/runs/${id}`,
      details_url: b.details_url ?? `${emu.serverUrl}/${ctx.repo.fullName}/runs/${id}`,
      status,
      conclusion: b.conclusion ?? null,
      started_at: b.started_at ?? now,
      completed_at: status === 'completed' ? (b.completed_at ?? now) : null,
      output: {
        title: b.output?.title ?? null,
        summary: b.output?.summary ?? null,
        text: b.output?.text ?? null,
        annotations_count: (b.output?.annotations ?? []).length,
        annotations_url: `${repoApi(emu, ctx.repo)}/check-runs/${id}/annotations`
      },
      name: b.name,
      check_suite: { id: id + 1 },
      app: integration(emu),
      pull_requests: [],
      annotations: [...(b.output?.annotations ?? [])]
    }
    ctx.repo.checkRuns.set(id, run)
    return new Answer(201, omit(run, ['annotations']))
  },

  'patch /repos/{owner}/{repo}/check-runs/{check_run_id}'(ctx, emu) {
    const run = ctx.repo.checkRuns.get(ctx.path.check_run_id)
    if (!run) return notFound(ctx.docs)
    const b = ctx.body
    for (const k of ['name', 'details_url', 'external_id', 'started_at'])
      if (b[k] !== undefined) run[k] = b[k]
    if (b.status) run.status = b.status
    if (b.conclusion) {
      run.conclusion = b.conclusion
      run.status = 'completed'
      run.completed_at = b.completed_at ?? iso(emu.clock.now())
    }
    if (b.output) {
      for (const k of ['title', 'summary', 'text'])
        if (b.output[k] !== undefined) run.output[k] = b.output[k]
      run.annotations.push(...(b.output.annotations ?? []))
      run.output.annotations_count = run.annotations.length
    }
    return new Answer(200, omit(run, ['annotations']))
  }
}
