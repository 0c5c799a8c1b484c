/**
 * ESM TypeScript through ts-jest; the suites under __tests__ mirror src/. `npm test` runs the
 * unit, property and pure-core suites; the suites that run the bundle (dist/, the CLI,
 * local-action) against git checkouts and the GitHub emulator are `npm run test:e2e`
 * (jest.e2e.config.js, SPEC §7). `.ci/run` runs both.
 */
export const BUNDLE_SUITES = [
  'broken-commands',
  'bundle-layouts',
  'cli',
  'collect-publish',
  'digest',
  'e2e',
  'ecosystems',
  'events',
  'issue-mode',
  'layouts',
  'lifecycle',
  'local-action',
  'org'
]

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.all.json', diagnostics: { ignoreCodes: [151002] } }]
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...BUNDLE_SUITES.map(name => `/__tests__/${name}\\.test\\.ts$`)],
  // `npm run mutate` copies the project into .stryker-tmp/: its copies are not this checkout's tests.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  testTimeout: 60000
}
