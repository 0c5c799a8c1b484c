import { getExecOutput } from '@actions/exec'

/** Runs git in the repository and returns its result; never throws on a non-zero exit. */
export type Git = (args: string[]) => Promise<{ code: number; stdout: string }>

export function gitIn(cwd: string): Git {
  return async args => {
    const result = await getExecOutput('git', args, { cwd, silent: true, ignoreReturnCode: true })
    return { code: result.exitCode, stdout: result.stdout }
  }
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

/**
 * Files known to git under the working directory, relative to it (`git ls-files`): what a
 * validator command may name as its script. Empty outside a git checkout.
 */
export async function trackedFiles(git: Git): Promise<ReadonlySet<string>> {
  const listed = await git(['ls-files', '-z'])
  return new Set(listed.code === 0 ? listed.stdout.split('\0').filter(Boolean) : [])
}
