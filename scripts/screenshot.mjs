// Renders the incident issue the action files for one example scenario as GitHub would show it,
// and screenshots it with headless Chromium into docs/incident.png (the README's picture); with
// --digest, the release-readiness issue over the demo's incidents into docs/digest.png.
// Run it when the issue format changes and commit the PNG; CI does not (it needs Chromium):
//   apt-get install -y chromium   # Debian's package
//   npm run build && npm run screenshot [-- <scenario> | -- --digest]   (default: runtime-regression)
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import MarkdownIt from 'markdown-it'
import { startEmulator } from '../emulator/index.mjs'
import { prepareScenario, releaseReadiness, REPOSITORY, ROOT, runAction } from './scenarios.mjs'

const require = createRequire(import.meta.url)
const digest = process.argv[2] === '--digest'
const scenario = (!digest && process.argv[2]) || 'runtime-regression'
const output = join(ROOT, 'docs', digest ? 'digest.png' : 'incident.png')
const chromium = process.env.CHROMIUM ?? 'chromium'

/** Files the incident for the scenario against the GitHub emulator; returns the issue. */
async function fileIncident() {
  const gh = await startEmulator({ timeScale: 0.001 })
  const prepared = prepareScenario(scenario)
  try {
    gh.addRepo(REPOSITORY, {
      collaborators: ['impl-owner', 'qa-lead', 'mcp-owner', 'fixture-owner']
    })
    Object.assign(prepared.env, {
      GITHUB_API_URL: gh.url,
      CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001',
      INPUT_MODE: 'issue',
      'INPUT_GITHUB-TOKEN': gh.token
    })
    const ran = await runAction(prepared)
    const issue = gh.issues(REPOSITORY).find(candidate => !candidate.pull_request)
    if (!issue)
      throw new Error(`No incident was filed for ${scenario}:\n${ran.stdout.slice(-2000)}`)
    return issue
  } finally {
    await gh.close()
    rmSync(dirname(prepared.repo), { recursive: true, force: true })
  }
}

/** The release-readiness issue over the demo's incidents (scripts/scenarios.mjs). */
async function fileDigest() {
  const gh = await startEmulator({ timeScale: 0.001 })
  try {
    gh.addRepo(REPOSITORY, {
      collaborators: ['impl-owner', 'qa-lead', 'mcp-owner', 'fixture-owner', 'qa-automation']
    })
    const { digest: ran, issue } = await releaseReadiness(gh)
    if (!issue)
      throw new Error(`No release-readiness issue was written:\n${ran.stdout.slice(-2000)}`)
    return issue
  } finally {
    await gh.close()
  }
}

/** GitHub's issue page, reduced to the title, labels, assignees and the rendered body. */
function page(issue) {
  const md = new MarkdownIt({ html: true, linkify: true })
  // GitHub renders `- [ ]` / `- [x]` list items as checkboxes.
  const body = md
    .render(issue.body)
    .replace(
      /<li>\[([ xX])\] /g,
      (_, mark) =>
        `<li class="task-list-item"><input type="checkbox" disabled${mark === ' ' ? '' : ' checked'}> `
    )
  const escape = text =>
    String(text).replace(
      /[&<>"]/g,
      c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]
    )
  const labels = issue.labels
    .map(label => {
      const color = label.color || 'ededed'
      const dark =
        parseInt(color.slice(0, 2), 16) * 0.299 +
          parseInt(color.slice(2, 4), 16) * 0.587 +
          parseInt(color.slice(4, 6), 16) * 0.114 <
        140
      return `<span class="label" style="background:#${color};color:${dark ? '#fff' : '#1f2328'}">${escape(label.name)}</span>`
    })
    .join(' ')
  const assignees = (issue.assignees ?? []).map(user => `@${escape(user.login)}`).join(', ')
  const css = readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8')
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}
    body { margin: 0; background: #fff; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
    .page { width: 920px; padding: 24px 32px; }
    h1.title { font-size: 26px; font-weight: 400; margin: 0 0 8px; color: #1f2328; }
    h1.title .number { color: #59636e; }
    .meta { font-size: 14px; color: #59636e; margin-bottom: 16px; padding-bottom: 12px; border-bottom: 1px solid #d1d9e0; }
    .state { display: inline-block; background: #1f883d; color: #fff; border-radius: 2em; padding: 4px 12px; font-weight: 500; margin-right: 8px; }
    .label { display: inline-block; border-radius: 2em; padding: 0 8px; font-size: 12px; font-weight: 500; line-height: 20px; margin: 2px 2px 0 0; }
    .comment { border: 1px solid #d1d9e0; border-radius: 6px; }
    .comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; font-size: 14px; color: #59636e; border-radius: 6px 6px 0 0; }
    .markdown-body { padding: 16px; font-size: 14px; }
    .markdown-body details { margin-bottom: 16px; }
    .markdown-body .task-list-item { list-style-type: none; }
    .markdown-body .task-list-item input { margin: 0 0.2em 0.25em -1.4em; vertical-align: middle; }
  </style><script>
    addEventListener('load', () => document.body.setAttribute('data-height', document.documentElement.scrollHeight))
  </script></head><body><div class="page">
    <h1 class="title">${escape(issue.title)} <span class="number">#${issue.number}</span></h1>
    <div class="meta"><span class="state">Open</span> ${labels}${assignees ? ` · assigned to ${assignees}` : ''}</div>
    <div class="comment"><div class="comment-header"><b>github-actions</b> bot opened this issue</div>
    <article class="markdown-body">${body}</article></div>
  </div></body></html>`
}

/** Debian's headless Chromium, offline and with a throwaway profile. */
function chrome(dir, args) {
  return execFileSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      `--user-data-dir=${join(dir, 'profile')}`,
      ...args
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }
  )
}

const issue = await (digest ? fileDigest() : fileIncident())
const dir = mkdtempSync(join(tmpdir(), 'cdt-screenshot-'))
try {
  const html = join(dir, 'incident.html')
  writeFileSync(html, page(issue))
  mkdirSync(dirname(output), { recursive: true })
  const url = `file://${html}`
  // A first pass reads the page's height, so the screenshot ends where the issue does.
  const dom = chrome(dir, ['--window-size=984,800', '--dump-dom', url])
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1] ?? 2200)
  chrome(dir, [`--window-size=984,${height}`, `--screenshot=${output}`, url])
  console.log(`wrote ${output} (${issue.title})`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
