// `npm run demo` (after scripts/ensure-deps.mjs): run the bundled action (dist/index.js) on every
// example scenario as the Actions runner would, and print each incident record: in full for the
// field's layout (examples/repo), as verdicts and annotations for the other layouts.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import {
  loadScenario,
  prepareScenario,
  runAction,
  releaseReadiness,
  scenarioNames,
  scenarioRepository
} from './scenarios.mjs'

const LAYOUTS = {
  repo: "the field's layout: Markdown contracts, fixture packs under tests/contracts/fixtures/, services/ and packages/, .github/CODEOWNERS, a full configuration",
  petstore:
    'a plain OpenAPI service: api/openapi.yaml, fixture packs under test/fixtures/, src/, a root CODEOWNERS, a configuration that sets only paths and owners'
}
const TOOLS = {
  'ecosystems/buf':
    'buf lint, buf breaking and buf convert on protos under proto/ (preset: protobuf)',
  'ecosystems/spectral':
    'Spectral with a ruleset on api/openapi.yaml and the examples it references (preset: openapi)',
  'ecosystems/graphql':
    "GraphQL Inspector's diff against main and validate of the client's operations (preset: graphql)",
  'ecosystems/jsonschema': 'ajv-cli on data files under fixtures/ (preset: jsonschema)',
  'ecosystems/pact':
    'a pact replayed against a tiny provider, printed as the Pact verifier prints (preset: pact; the verifier itself cannot install here)'
}
const wanted = process.argv.slice(2)
// `ecosystems` stands for every scenario of the contract tools' repositories (examples/ecosystems/).
const names =
  wanted.length > 0
    ? wanted.flatMap(name => (name === 'ecosystems' ? scenarioNames('ecosystems') : [name]))
    : scenarioNames()
const bold = text => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text)
let mismatches = 0

// The field's layout first, each layout's scenarios together.
const byLayout = new Map([['repo', []]])
for (const name of names) {
  const repo = scenarioRepository(name)
  byLayout.set(repo, [...(byLayout.get(repo) ?? []), name])
}
const ordered = [...byLayout.values()].flat()
// A few scenarios at a time (each is mostly a child process waiting on python3), printed in order.
const started = new Map()
let next = 0
const start = () => {
  if (next >= ordered.length) return
  const name = ordered[next++]
  started.set(
    name,
    Promise.resolve().then(async () => {
      const prepared = prepareScenario(name)
      return { prepared, ran: await runAction(prepared) }
    })
  )
}
for (let i = 0; i < Math.min(4, Math.max(2, availableParallelism())); i++) start()

for (const [repo, layoutNames] of byLayout) {
  if (layoutNames.length === 0) continue
  console.log(
    `\n${bold(`━━━━ examples/${repo}`)} — ${LAYOUTS[repo] ?? TOOLS[repo] ?? 'an example repository'}`
  )
  for (const name of layoutNames) {
    const { description, expect } = loadScenario(name)
    const { prepared, ran } = await started.get(name)
    start()
    const o = ran.outputs
    const matches =
      o.result === expect.result &&
      o.bucket === expect.bucket &&
      o.severity === expect.severity &&
      o.owners === expect.owners.join(',')
    if (!matches) mismatches++
    console.log(`\n${bold(`━━ ${name}`)} — ${description}`)
    console.log(
      `result=${o.result} bucket=${o.bucket || '-'} severity=${o.severity || '-'} confidence=${o.confidence || '-'} owners=${o.owners || '-'} findings=${o.findings} (step exit ${ran.code}) ${matches ? '✓ as the playbook demands' : '✗ NOT as expected'}`
    )
    if (!matches)
      console.log(
        `expected: result=${expect.result} bucket=${expect.bucket || '-'} severity=${expect.severity || '-'} owners=${expect.owners.join(',') || '-'}`
      )
    if (repo === 'repo') {
      const markdown = o['record-path']
        ? readFileSync(o['record-path'].replace(/\.json$/, '.md'), 'utf8')
        : ''
      const record = markdown.split('\n### Findings')[0].split('\n### Log excerpt')[0]
      console.log(record.replace(/\*\*/g, '').trim())
    } else if (ran.record?.classification) {
      const { rule, reason } = ran.record.classification
      console.log(`Why (rule ${rule}): ${reason} ${ran.record.severityReason ?? ''}`.trim())
    }
    for (const line of ran.annotations) console.log(`  annotation: ${line.slice(0, 220)}`)
    rmSync(dirname(prepared.repo), { recursive: true, force: true })
  }
}
console.log(
  `\n${names.length} scenario(s) run with the bundled action; ${mismatches === 0 ? 'every one triaged as the playbook demands.' : `${mismatches} differ from their expectation.`}`
)
if (wanted.length === 0) await incidentLife()
process.exitCode = mismatches === 0 ? 0 : 1

/**
 * mode: issue against the GitHub REST emulator (loopback, checked against GitHub's OpenAPI
 * description): one pull request's incident filed, updated, proved green and closed.
 */
async function incidentLife() {
  const { startEmulator } = await import('../emulator/index.mjs')
  const gh = await startEmulator({ timeScale: 0.001 })
  gh.addRepo('acme/contracts', {
    // qa-automation: the petstore example's QA owner, for the release-readiness incidents below
    collaborators: ['impl-owner', 'qa-lead', 'mcp-owner', 'fixture-owner', 'qa-automation']
  })
  console.log(
    `\n${bold('━━ The life of an incident')} — mode: issue, pull request #140, against the GitHub emulator at ${gh.url}`
  )
  const steps = [
    ['schema-drift-high', {}, 'A red run files the incident'],
    ['schema-drift-high', {}, 'The same red run again changes nothing'],
    [
      'runtime-regression',
      {},
      'The classification changes: the record is updated, one comment says what changed'
    ],
    ['green', {}, 'The validators pass: validation proof attached, checklist step 4 ticked'],
    ['green', { 'require-close-notes': 'true' }, 'The same green run again changes nothing']
  ]
  for (const [scenario, inputs, what] of steps) {
    const prepared = prepareScenario(scenario)
    const event = JSON.parse(readFileSync(prepared.env.GITHUB_EVENT_PATH, 'utf8'))
    event.number = event.pull_request.number = 140
    writeFileSync(prepared.env.GITHUB_EVENT_PATH, JSON.stringify(event))
    Object.assign(prepared.env, {
      GITHUB_API_URL: gh.url,
      CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001',
      INPUT_MODE: 'issue',
      'INPUT_GITHUB-TOKEN': gh.token,
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
    })
    gh.resetRequests()
    const ran = await runAction(prepared)
    rmSync(dirname(prepared.repo), { recursive: true, force: true })
    const requests = gh.requests.map(r => `${r.method} ${r.route}`)
    console.log(
      `\n${bold(`▶ ${what}`)} (${scenario}): result=${ran.outputs.result}, issue #${ran.outputs['issue-number'] || '-'}, ${requests.length} request(s): ${requests.join(', ')}`
    )
  }
  // A person closes the incident without notes, then with them (playbook 3.5, step 5).
  gh.addToken('ghs_demo_person_alice_000000000000000000', {
    login: 'alice',
    type: 'User',
    permission: 'write'
  })
  const alice = (method, body) =>
    fetch(`${gh.url}/repos/acme/contracts/issues/1`, {
      method,
      headers: {
        authorization: 'token ghs_demo_person_alice_000000000000000000',
        'content-type': 'application/json'
      },
      body: JSON.stringify(body)
    })
  const closedBy = async what => {
    const prepared = prepareScenario('green')
    writeFileSync(
      prepared.env.GITHUB_EVENT_PATH,
      JSON.stringify({
        action: 'closed',
        issue: { number: 1 },
        sender: { login: 'alice' },
        repository: { full_name: 'acme/contracts' }
      })
    )
    Object.assign(prepared.env, {
      GITHUB_EVENT_NAME: 'issues',
      GITHUB_API_URL: gh.url,
      CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001',
      INPUT_MODE: 'issue',
      INPUT_VALIDATORS: '',
      'INPUT_REQUIRE-CLOSE-NOTES': 'true',
      'INPUT_GITHUB-TOKEN': gh.token
    })
    await runAction(prepared)
    rmSync(dirname(prepared.repo), { recursive: true, force: true })
    const now = gh.issues('acme/contracts')[0]
    console.log(
      `\n${bold(`▶ ${what}`)} (issues: closed, require-close-notes): the incident is ${now.state}`
    )
  }
  await alice('PATCH', { state: 'closed' })
  await closedBy('Alice closes it without a root cause or prevention note')
  const filled = gh
    .issues('acme/contracts')[0]
    .body.replace(
      '### Root cause\n\npending',
      '### Root cause\n\nThe adapter table mapped aws to gcp-billing.'
    )
    .replace(
      '**Prevention follow-up:** pending',
      '**Prevention follow-up:** a parity test for every adapter mapping'
    )
  await alice('PATCH', { body: filled, state: 'closed' })
  await closedBy('Alice writes both into the record and closes it again')

  const [issue] = gh.issues('acme/contracts')
  console.log(`\n${bold('The issue as GitHub shows it')}\n`)
  console.log(
    `# ${issue.title}  [${issue.state}${issue.state_reason ? `: ${issue.state_reason}` : ''}]`
  )
  console.log(
    `labels: ${issue.labels.map(l => l.name).join(', ')}   assignees: ${issue.assignees.map(a => a.login).join(', ') || '-'}\n`
  )
  console.log(issue.body.replace(/<!-- contract-drift-triage:[^>]*-->\n?/g, '').trim())
  for (const comment of gh.comments('acme/contracts', issue.number)) {
    console.log(
      `\n--- comment by ${comment.user.login} ---\n${comment.body.replace(/<!-- contract-drift-triage:[^>]*-->/g, '').trim()}`
    )
  }

  // Release readiness over every incident (SPEC §6): three more incidents, then the digest.
  const readiness = await releaseReadiness(gh)
  console.log(
    `\n${bold('━━ Release readiness')} — mode: digest after ${readiness.filed.length} more incidents (a nightly Medium on main, a blind gate on main in the petstore layout, an error on PR #150): ready=${readiness.digest.outputs.ready}, blocking=#${readiness.digest.outputs['blocking-incidents'] || '-'}, step exit code ${readiness.digest.code}\n`
  )
  if (readiness.issue) {
    console.log(`# ${readiness.issue.title}  (${readiness.issue.html_url})\n`)
    console.log(readiness.issue.body.replace(/<!-- contract-drift-triage:[^>]*-->\n?/g, '').trim())
  } else {
    console.log(readiness.digest.stdout.slice(-2000))
    process.exitCode = 1
  }
  if (gh.violations.length > 0) {
    console.log(`\nEmulator saw requests GitHub would reject:\n${gh.violations.join('\n')}`)
    process.exitCode = 1
  }
  await gh.close()
}
