// Runs the bundled action against the example scenarios the way the Actions runner does:
// a git checkout, an event payload, INPUT_* variables with action.yml's defaults, and the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. Shared by `npm run demo` and the end-to-end tests.
import { execFileSync, spawn } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { commitTrees, filesUnder, readTree } from './git-trees.mjs'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const EXAMPLES = join(ROOT, 'examples')
export const REPOSITORY = 'acme/contracts'

/**
 * The sets of scenarios, each a folder of `<name>/scenario.json`: the two layouts' (what
 * `npm run demo` runs by default) and the contract tools' (`npm run demo -- ecosystems`), whose
 * example repositories are examples/ecosystems/<tool>/. Names are unique across sets.
 */
export const SCENARIO_SETS = {
  examples: join(EXAMPLES, 'scenarios'),
  ecosystems: join(EXAMPLES, 'ecosystems', 'scenarios')
}

export function scenarioNames(set = 'examples') {
  const dir = SCENARIO_SETS[set]
  return readdirSync(dir)
    .filter(name => existsSync(join(dir, name, 'scenario.json')))
    .sort()
}

/** The folder holding a scenario's scenario.json, changes/ and delete.txt. */
export function scenarioDir(name) {
  const dirs = Object.values(SCENARIO_SETS).map(dir => join(dir, name))
  return dirs.find(dir => existsSync(join(dir, 'scenario.json'))) ?? dirs[0]
}

export function loadScenario(name) {
  return JSON.parse(readFileSync(join(scenarioDir(name), 'scenario.json'), 'utf8'))
}

/**
 * The example repository a scenario starts from: its `repo` field names a directory of
 * examples/ (default `repo`, the field's layout), or a tool's under examples/ecosystems/.
 */
export function scenarioRepository(name, scenario = loadScenario(name)) {
  const repo = scenario.repo ?? 'repo'
  if (
    typeof repo !== 'string' ||
    !/^(?:ecosystems\/)?\w[\w.-]*$/.test(repo) ||
    !existsSync(join(EXAMPLES, repo))
  ) {
    const file = relative(ROOT, join(scenarioDir(name), 'scenario.json'))
    throw new Error(
      `${file}: "repo" must name a directory of examples/ such as "repo", "petstore" or "ecosystems/buf", got ${JSON.stringify(repo)}.`
    )
  }
  return repo
}

/** The validator commands a repository's scenarios run unless they set `inputs.validators`. */
export function defaultValidators(repo) {
  // examples/validators.txt predates the second layout, and the README and tests name it.
  return readFileSync(
    join(EXAMPLES, repo === 'repo' ? 'validators.txt' : `${repo}.validators.txt`),
    'utf8'
  )
}

let defaults

/** action.yml's input defaults, as the runner passes them (with a placeholder token). */
export function actionDefaults() {
  // Parsed once: every checkout of a suite asks (about 15 ms of YAML each).
  defaults ??= Object.fromEntries(
    Object.entries(parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')).inputs).map(
      ([name, input]) => [name, String(input.default ?? '').replace('${{ github.token }}', '')]
    )
  )
  return { ...defaults }
}

/**
 * The first checkout of each scenario, kept untouched beside it (`pristine-<name>/`, removed
 * with its work root): later checkouts of the scenario copy it, which is cheaper than committing
 * again and gives the same commits.
 */
const pristine = new Map()

/** The files of examples/<dir> that `git add -A` would commit: ignored ones (`__pycache__/`) are not. */
function exampleFiles(dir) {
  try {
    const listed = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', dir],
      { cwd: EXAMPLES, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }
    )
    return listed
      .split('\0')
      .filter(Boolean)
      .map(path => path.slice(dir.length + 1))
  } catch {
    return undefined // not a git checkout (a downloaded archive): every file
  }
}

/** Commits the example repository as base and the scenario's changes on top as head, in `repo`. */
function commitScenario(name, scenario, repo) {
  const example = scenarioRepository(name, scenario)
  cpSync(join(EXAMPLES, example), repo, { recursive: true })
  const listed = exampleFiles(example)
  const base = readTree(repo, listed)
  const changes = join(scenarioDir(name), 'changes')
  const changed = existsSync(changes) ? filesUnder(changes) : []
  if (existsSync(changes)) cpSync(changes, repo, { recursive: true })
  const deletions = join(scenarioDir(name), 'delete.txt')
  if (existsSync(deletions)) {
    for (const path of readFileSync(deletions, 'utf8').split('\n').filter(Boolean))
      rmSync(join(repo, path), { force: true, recursive: true })
  }
  const head = readTree(repo, listed && [...new Set([...listed, ...changed])])
  const branch = scenario.event === 'pull_request' ? `scenario/${name}` : 'main'
  const [baseSha, headSha] = commitTrees(
    repo,
    [
      { branch: 'main', message: 'Base revision of the example repository', tree: base },
      { branch, message: scenario.commitMessage ?? `Scenario ${name}`, tree: head }
    ],
    { name: 'Example Dev', email: 'dev@example.com', date: '2026-11-02T09:00:00Z' }
  )
  return { base: baseSha, head: headSha }
}

/**
 * A checkout of the scenario's example repository (examples/repo unless it names another) at
 * base, the scenario's changes committed on top as head.
 */
export function prepareScenario(name, workRoot = mkdtempSync(join(tmpdir(), `cdt-${name}-`))) {
  const scenario = loadScenario(name)
  const example = scenarioRepository(name, scenario)
  const repo = join(workRoot, 'repo')
  rmSync(repo, { recursive: true, force: true })
  let kept = pristine.get(name)
  if (kept && existsSync(kept.repo)) {
    cpSync(kept.repo, repo, { recursive: true })
  } else {
    kept = { ...commitScenario(name, scenario, repo), repo: join(workRoot, `pristine-${name}`) }
    cpSync(repo, kept.repo, { recursive: true })
    pristine.set(name, kept)
  }
  const { base, head } = kept

  const fullRepo = { full_name: REPOSITORY }
  const payload =
    scenario.event === 'pull_request'
      ? {
          action: 'synchronize',
          number: scenario.pr.number,
          pull_request: {
            number: scenario.pr.number,
            title: scenario.pr.title ?? name,
            body: scenario.pr.body ?? '',
            labels: (scenario.pr.labels ?? []).map(label => ({ name: label })),
            base: { sha: base, ref: 'main', repo: fullRepo },
            head: { sha: head, ref: `scenario/${name}`, repo: fullRepo }
          },
          repository: fullRepo
        }
      : scenario.event === 'push'
        ? {
            before: base,
            after: head,
            ref: 'refs/heads/main',
            head_commit: { id: head, message: scenario.commitMessage ?? '' },
            repository: fullRepo
          }
        : { schedule: '0 6 * * *', repository: fullRepo }
  const runner = join(workRoot, 'runner')
  mkdirSync(runner, { recursive: true })
  const eventPath = join(runner, 'event.json')
  writeFileSync(eventPath, JSON.stringify(payload, null, 2))
  const inputs = {
    ...actionDefaults(),
    validators: defaultValidators(example),
    mode: 'report',
    ...(scenario.inputs ?? {})
  }
  const outputFile = join(runner, 'output.txt')
  const summaryFile = join(runner, 'summary.md')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env = {
    // The contract tools of the devDependencies, as a workflow that ran `npm ci` has them.
    PATH: [join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: repo,
    GITHUB_EVENT_NAME: scenario.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_REF_NAME: scenario.event === 'pull_request' ? `${scenario.pr.number}/merge` : 'main',
    GITHUB_SHA: head,
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    // Nothing here may reach the network: an API call would fail at once on this closed port.
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runner,
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
    )
  }
  return { name, scenario, repo, runner, env, outputFile, summaryFile, base, head }
}

/** Reads GITHUB_OUTPUT's `name<<delimiter` blocks. */
export function readOutputs(text) {
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const value = []
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i])
    outputs[match[1]] = value.join('\n')
  }
  return outputs
}

/** The workflow commands the runner would act on: none between `::stop-commands::T` and `::T::`. */
export function workflowCommands(stdout) {
  const commands = []
  let stopToken
  for (const line of stdout.split(/\r?\n/)) {
    if (stopToken) {
      if (line === `::${stopToken}::`) stopToken = undefined
      continue
    }
    const stop = /^::stop-commands::(.+)$/.exec(line)
    if (stop) stopToken = stop[1]
    else if (line.startsWith('::')) commands.push(line)
  }
  return commands
}

/** Runs of `runAction` not yet ended, each with the promise of its end. */
const live = new Map()

/**
 * Stops every run `runAction` started that has not ended (a test that timed out leaves its runs
 * going: they would go on filing into the next test's repository) and waits until they have.
 */
export async function stopRuns() {
  const ending = [...live]
  for (const [child] of ending) child.kill('SIGKILL')
  await Promise.all(ending.map(([, closed]) => closed))
}

/** Runs `node dist/index.js` as the runner would and collects what it wrote. */
export function runAction(prepared, entry = join(ROOT, 'dist', 'index.js')) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [entry], {
      cwd: prepared.repo,
      env: prepared.env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const ended = new Promise(done => child.on('close', done).on('error', done))
    live.set(child, ended)
    void ended.then(() => live.delete(child))
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('close', code => {
      const outputs = readOutputs(readFileSync(prepared.outputFile, 'utf8'))
      const record =
        outputs['record-path'] && existsSync(outputs['record-path'])
          ? JSON.parse(readFileSync(outputs['record-path'], 'utf8'))
          : undefined
      resolvePromise({
        code,
        stdout,
        stderr,
        outputs,
        record,
        summary: readFileSync(prepared.summaryFile, 'utf8'),
        annotations: workflowCommands(stdout).filter(line => line.startsWith('::error'))
      })
    })
  })
}

/**
 * Release readiness over the incidents in `gh` (an emulator holding acme/contracts): three more
 * incidents filed by the bundle — a Medium one on main (nightly), a blind gate on main in the
 * petstore layout (its own incident key), an error on a pull request — then `mode: digest` with
 * `digest-issue: true`. Shared by `npm run demo` and `npm run screenshot -- --digest`.
 */
export async function releaseReadiness(gh) {
  const run = async (scenario, inputs, edit) => {
    const prepared = prepareScenario(scenario)
    edit?.(prepared)
    Object.assign(prepared.env, {
      GITHUB_API_URL: gh.url,
      CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001',
      INPUT_MODE: 'issue',
      'INPUT_GITHUB-TOKEN': gh.token,
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
    })
    try {
      return await runAction(prepared)
    } finally {
      rmSync(dirname(prepared.repo), { recursive: true, force: true })
    }
  }
  const atPullRequest = number => prepared => {
    const event = JSON.parse(readFileSync(prepared.env.GITHUB_EVENT_PATH, 'utf8'))
    event.number = event.pull_request.number = number
    writeFileSync(prepared.env.GITHUB_EVENT_PATH, JSON.stringify(event))
  }
  const filed = [
    await run('scheduled-drift', {}),
    await run('petstore-broken-command', { 'incident-key': 'petstore' }),
    await run('validator-crash', {}, atPullRequest(150))
  ]
  const digest = await run('green', { mode: 'digest', 'digest-issue': 'true', 'fail-on': 'drift' })
  const issue = gh
    .issues(REPOSITORY)
    .find(candidate => candidate.html_url === digest.outputs['digest-url'])
  return { filed, digest, issue }
}
