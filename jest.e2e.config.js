/** `npm run test:e2e`: the suites that run the bundle (see jest.config.js). */
import unit, { BUNDLE_SUITES } from './jest.config.js'

export default {
  ...unit,
  testMatch: BUNDLE_SUITES.map(name => `**/__tests__/${name}.test.ts`),
  testPathIgnorePatterns: ['/node_modules/']
}
