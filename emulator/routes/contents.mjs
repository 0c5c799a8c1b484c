// @ts-check
/** Repository contents: the files at a branch's tip, as `addFiles` wrote them. */
import { Answer, notFound, repoApi, sha1 } from '../lib.mjs'

/** @typedef {import('../index.mjs').Emulator} Emulator */
/** @typedef {import('../index.mjs').Repo} Repo */

/** git's blob id of a text. @param {string} text */
const blobSha = text => sha1(`blob ${Buffer.byteLength(text)}\0${text}`)

/**
 * An entry as the contents API renders it; `text` given for a file, undefined for a directory.
 * @param {Emulator} emu @param {Repo} repo @param {string} ref @param {string} path @param {string} [text]
 */
function renderEntry(emu, repo, ref, path, text) {
  const api = repoApi(emu, repo)
  const sha = text === undefined ? sha1(`tree-${ref}-${path}`) : blobSha(text)
  const kind = text === undefined ? 'tree' : 'blob'
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`
  const git = `${api}/git/${kind}s/${sha}`
  const html = `${emu.serverUrl}/${repo.fullName}/${kind}/${ref}/${path}`
  return {
    type: text === undefined ? 'dir' : 'file',
    size: text === undefined ? 0 : Buffer.byteLength(text),
    name: path.split('/').pop() ?? path,
    path,
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url:
      text === undefined
        ? null
        : `https://raw.githubusercontent.com/${repo.fullName}/${ref}/${path}`,
    _links: { self, git, html }
  }
}

/** @type {import('../index.mjs').Routes} */
export const routes = {
  'get /repos/{owner}/{repo}/contents/{path}'(ctx, emu) {
    const ref = String(ctx.query.ref ?? ctx.repo.defaultBranch)
    const tree = ctx.repo.files.get(ref)
    if (!tree && ref !== ctx.repo.defaultBranch)
      return notFound(ctx.docs, `No commit found for the ref ${ref}`)
    const path = String(ctx.path.path).replace(/^\/+|\/+$/g, '')
    const text = tree?.get(path)
    if (text !== undefined)
      return new Answer(200, {
        ...renderEntry(emu, ctx.repo, ref, path, text),
        // GitHub wraps the base64 at 60 characters.
        content: `${Buffer.from(text).toString('base64').replace(/.{60}/g, '$&\n')}\n`,
        encoding: 'base64'
      })
    // A directory: its immediate children, files and subdirectories.
    const children = new Map()
    for (const [file, content] of tree ?? []) {
      if (!file.startsWith(`${path}/`)) continue
      const [name = '', ...deeper] = file.slice(path.length + 1).split('/')
      const child = `${path}/${name}`
      if (!children.has(child)) children.set(child, deeper.length > 0 ? undefined : content)
    }
    if (children.size === 0) return notFound(ctx.docs)
    return new Answer(
      200,
      [...children]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([child, content]) => renderEntry(emu, ctx.repo, ref, child, content))
    )
  }
}
