import { execFile } from 'node:child_process'

/** Runs git in the repository and returns its result; never throws on a non-zero exit. */
export type Git = (args: string[]) => Promise<{ code: number; stdout: string }>

export function gitIn(cwd: string): Git {
  return args =>
    new Promise((resolve, reject) => {
      // A pull request can touch tens of thousands of files: the name list may run to megabytes.
      execFile('git', args, { cwd, maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => {
        if (error && typeof error.code !== 'number')
          reject(new Error(`Cannot run git ${args.join(' ')}: ${error.message}`))
        else resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout })
      })
    })
}

/** Where the checkout's root is, and where the working directory sits in it. */
export async function repositoryLayout(
  git: Git,
  fallbackRoot: string
): Promise<{ root: string; prefix: string }> {
  const layout = await git(['rev-parse', '--show-toplevel', '--show-prefix'])
  if (layout.code !== 0) return { root: fallbackRoot, prefix: '' }
  const [root = '', prefix = ''] = layout.stdout.split('\n')
  return { root, prefix: prefix.replace(/\/$/, '') }
}
