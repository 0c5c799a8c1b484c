import { relative } from 'node:path'
import Sequencer from '@jest/test-sequencer'

/**
 * `npm run mutate` (stryker.config.mjs): a mutant of `src/x.ts` is judged by its mirror suite
 * `__tests__/x.test.ts` alone. Stryker runs jest with `--findRelatedTests <mutated file>`, which
 * loads every suite that imports the file however indirectly (seven for `route.ts`) to run a few
 * of their tests; loading them, not running them, was most of each mutant's time. The score then
 * says how well each module's own suite pins it down. When a mutated file has no mirror
 * suite, every related suite runs.
 */
export default class MirrorSequencer extends Sequencer {
  constructor(options) {
    super(options)
    this.globalConfig = options.globalConfig
  }

  sort(tests) {
    const { findRelatedTests, nonFlagArgs, rootDir } = this.globalConfig
    const mirrors = new Set(
      (findRelatedTests ? nonFlagArgs : [])
        .map(file => relative(rootDir, file).replaceAll('\\', '/'))
        .filter(file => /^src\/.+\.ts$/.test(file))
        .map(file => file.replace(/^src\//, '__tests__/').replace(/\.ts$/, '.test.ts'))
    )
    const mirrored = tests.filter(test =>
      mirrors.has(relative(rootDir, test.path).replaceAll('\\', '/'))
    )
    return super.sort(mirrors.size > 0 && mirrored.length === mirrors.size ? mirrored : tests)
  }
}
