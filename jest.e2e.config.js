/** `npm run test:e2e`: the suites that run the bundle (see jest.config.js). */
import unit, { BUNDLE_SUITES } from './jest.config.js'

export default {
  ...unit,
  testMatch: BUNDLE_SUITES.map(name => `**/__tests__/${name}.test.ts`),
  testPathIgnorePatterns: ['/node_modules/'],
  // python3 as the interpreter, not a version manager's shim (see the file)
  globalSetup: './__tests__/support/global-setup.mjs',
  // A bundle suite's worker mostly waits for the `node dist/index.js` it started, so one worker
  // per core keeps the cores busy; jest's default (cores − 1) runs a 2-core machine in band.
  maxWorkers: '100%',
  // A bundle test runs node, git and the validators several times; on a 2-core machine shared
  // with other jobs a step of 1 s can take 20. The limit is there to stop a hang, not to time.
  testTimeout: 180000
}
