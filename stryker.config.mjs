/**
 * `npm run mutate`: StrykerJS over the pure core (issue 14); CONTRIBUTING.md's testing section.
 * Not in CI: the whole core is about 2,100 mutants, hours on 2 shared cores. The bundle suites
 * never run against mutants: they test dist/, which a mutant of src/ never reaches.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // The score says how well each pure module's own suite pins it down: a mutant of src/x.ts
    // runs __tests__/x.test.ts only (the sequencer), and of it only the tests that cover it.
    config: {
      // Less to crawl per run, and ts-jest transpiling without a type-check per mutant (tsc does that).
      roots: ['<rootDir>/src', '<rootDir>/__tests__'],
      transform: {
        '^.+\\.ts$': [
          'ts-jest',
          { useESM: true, tsconfig: 'tsconfig.all.json', isolatedModules: true }
        ]
      },
      testMatch: [
        '**/__tests__/{classify,severity,route,triage,render,markdown,redact,report,safety}.test.ts',
        '**/__tests__/incident/*.test.ts'
      ],
      // Each mutant runs its module's mirror suite only (the script says why).
      testSequencer: '<rootDir>/scripts/mirror-sequencer.mjs'
    },
    enableFindRelatedTests: true
  },
  // ts-jest compiles ESM through node's VM modules.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings'],
  checkers: [],
  mutate: [
    'src/classify.ts',
    'src/severity.ts',
    'src/route.ts',
    'src/triage.ts',
    'src/render.ts',
    'src/markdown.ts',
    'src/redact.ts',
    'src/incident/*.ts'
  ],
  coverageAnalysis: 'perTest',
  // Type errors a mutant introduces are not behaviour; ts-jest must not fail the suite on them.
  disableTypeChecks: 'src/**/*.ts',
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 2,
  timeoutMS: 20000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 90, low: 85, break: 85 }
}
