import { code, codeBlock, inlineText, plainText } from './markdown.js'
import { renderRemediation } from './remediation.js'
import type { Section, SectionId } from './incident/body.js'
import { ROLE_NAMES } from './route.js'
import type {
  Bucket,
  Finding,
  IncidentRecord,
  Level,
  Lifecycle,
  OwnerRole,
  Routing,
  ValidatorRun
} from './types.js'

export const BUCKET_NAMES: Record<Bucket, string> = {
  'schema-drift': 'Schema drift',
  'fixture-stale': 'Fixture stale',
  'runtime-regression': 'Runtime regression'
}
export const LEVEL_NAMES: Record<Level, string> = { high: 'High', medium: 'Medium', low: 'Low' }

const OUTCOME_WORDS: Record<ValidatorRun['outcome'], string> = {
  passed: 'passed',
  failed: 'failed',
  crashed: 'crashed',
  missing: 'missing (command or script not found, or not executable)',
  broken: 'broken (the shell or interpreter could not start it)',
  'timed-out': 'timed out',
  unreadable: 'unreadable (a structured document that cannot be parsed)'
}

/** How much of the findings and logs a rendering shows; the record JSON always holds everything kept. */
export interface RenderLimits {
  findingsPerValidator: number
  excerptChars: number
}
const FULL: RenderLimits = { findingsPerValidator: Infinity, excerptChars: Infinity }

/** Playbook 3.5, word for word. */
export const CHECKLIST = [
  'Capture failing command/log in the incident record.',
  'Record bucket classification and owner assignment.',
  'Submit remediation PR with: contract delta (if required), fixture delta (if required), updated `notes.md`, validator pass proof.',
  'Re-run triage validators and attach green output.',
  'Close incident with root-cause and prevention note.'
]

// `PR #140` (or `owner/repo#140` filed elsewhere) is ours and should link to the pull request;
// a branch name is someone's text.
const OUR_SCOPE = /^(PR |[\w.-]+\/[\w.-]+)#\d+$/
const scopeMarkdown = (scope: string): string => (OUR_SCOPE.test(scope) ? scope : inlineText(scope))
const scopePlain = (scope: string): string => (OUR_SCOPE.test(scope) ? scope : plainText(scope))

export function bucketTitle(record: IncidentRecord): string {
  return record.classification ? BUCKET_NAMES[record.classification.bucket] : 'Validator error'
}

/** `[contract-drift] <Bucket> (<Severity>) — <scope>` (SPEC §3). */
export function incidentTitle(record: IncidentRecord): string {
  return `[contract-drift] ${bucketTitle(record)} (${LEVEL_NAMES[record.severity ?? 'high']}) — ${scopePlain(record.scope)}`
}

export function ownerNames(owners: readonly string[] | undefined): string {
  if (!owners || owners.length === 0) return 'unassigned (no owner configured or in CODEOWNERS)'
  return owners.map(owner => (owner.startsWith('@') ? owner : `@${owner}`)).join(', ')
}

function roleLine(role: OwnerRole | undefined, routing: Routing): string {
  if (!role) return '—'
  return `${ROLE_NAMES[role]}: ${ownerNames(routing.owners[role])}`
}

function failingChecks(record: IncidentRecord): string {
  const red = record.runs.filter(run => run.outcome !== 'passed')
  const redNow = new Set(red.map(run => run.command))
  const healed = (record.lifecycle?.failingChecks ?? []).filter(command => !redNow.has(command))
  const parts = [
    ...red.map(run => `${code(run.command)} (${exitWords(run)})`),
    ...healed.map(command => `${code(command)} (passes now)`)
  ]
  return parts.length > 0 ? parts.join('; ') : 'none (all validators passed)'
}

const exitStatus = (run: ValidatorRun): string =>
  run.exitCode === null ? 'stopped' : `exit ${run.exitCode}`

// A red run's exit, after its kind when it is a validator error (failed says nothing more).
function exitWords(run: ValidatorRun): string {
  return run.outcome === 'failed'
    ? exitStatus(run)
    : `${OUTCOME_WORDS[run.outcome]}, ${exitStatus(run)}`
}

// A finding reads the same in every rendering of a run (the summary, the record file, the issue
// body, each smaller size renderWithin tries): 10,000 findings are rendered once, not six times.
const findingLines = new WeakMap<Finding, string>()

function findingLine(finding: Finding): string {
  let line = findingLines.get(finding)
  // Stryker disable next-line ConditionalExpression: rendering again gives the same line (a cache)
  if (line === undefined) {
    line = renderFindingLine(finding)
    findingLines.set(finding, line)
  }
  return line
}

function renderFindingLine(finding: Finding): string {
  const where = finding.targets.length > 0 ? ` → ${finding.targets.map(code).join(', ')}` : ''
  const line = finding.line !== undefined ? ` (line ${finding.line})` : ''
  const tag = finding.tag ? `[${finding.tag}] ` : ''
  return `- ${code(tag + finding.message)}${where}${line}${finding.runtime ? ' · runtime' : ''}`
}

/** Every validator passed: `pass`, or `incomplete` (a remediation lacking deltas, SPEC §3). */
const validatorsGreen = (record: IncidentRecord): boolean =>
  record.result === 'pass' || record.result === 'incomplete'

/** The ten fields of the playbook's incident record template, in its order and wording. */
export function renderFields(record: IncidentRecord): string {
  const bucket = record.classification
    ? BUCKET_NAMES[record.classification.bucket]
    : validatorsGreen(record)
      ? 'none (green)'
      : 'pending (validator error: no findings to classify, needs triage)'
  const proof = record.lifecycle?.validationProof
    ? proofText(record.lifecycle.validationProof)
    : validatorsGreen(record)
      ? greenProof(record)
      : 'pending'
  const setBy = record.lifecycle?.bucketSetBy
  const bucketNote = setBy ? ` (set by ${code(setBy)}, over the classifier)` : ''
  const fields: [string, string][] = [
    ['Incident ID', record.incidentId || 'none (no incident)'],
    ['Detected at', record.detectedAt],
    ['Detected by (CI/local)', record.detectedBy],
    ['Failing command/check', failingChecks(record)],
    ['Bucket (schema drift | fixture stale | runtime regression)', bucket + bucketNote],
    ['Severity', record.severity ? LEVEL_NAMES[record.severity] : 'none (green)'],
    [
      'Owner',
      record.routing ? roleLine(record.routing.primaryRole, record.routing) : 'none (green)'
    ],
    ['Resolution PR', record.lifecycle?.resolutionPr ?? 'pending'],
    ['Validation proof', proof],
    ['Prevention follow-up', record.lifecycle?.preventionFollowUp ?? 'pending']
  ]
  return fields.map(([name, value]) => `- **${name}:** ${value}`).join('\n')
}

function proofText(proof: NonNullable<Lifecycle['validationProof']>): string {
  const lines =
    proof.okLines.length > 0 ? proof.okLines.map(code).join('; ') : 'every validator exited 0'
  return `${lines} — green at ${proof.at}${proof.runUrl ? ` ([run](${proof.runUrl}))` : ''}`
}

function greenProof(record: IncidentRecord): string {
  const ok = record.runs.flatMap(run => run.okLines)
  return ok.length > 0 ? ok.map(code).join('; ') : `${record.runs.length} validator(s) exited 0`
}

function renderFindings(record: IncidentRecord, limits: RenderLimits): string {
  const sections = record.runs
    .filter(run => run.outcome !== 'passed')
    .map(run => {
      const head = `**${code(run.command)}** — ${OUTCOME_WORDS[run.outcome]} (${exitStatus(run)})`
      const crash = run.crash ? [`- crash: ${code(run.crash)}`] : []
      const notes = (run.notes ?? []).slice(0, 5).map(note => `- note: ${code(note)}`)
      const lines = run.findings.slice(0, limits.findingsPerValidator).map(findingLine)
      const hidden = run.findingCount - lines.length
      const more =
        hidden > 0
          ? [
              `- … and ${hidden} more finding(s), not shown here (${run.findings.length} kept in the record JSON, ${run.findingCount} counted)`
            ]
          : []
      const none =
        lines.length === 0 && crash.length === 0 ? ['- no findings: see the log excerpt'] : []
      return [head, ...crash, ...notes, ...lines, ...more, ...none].join('\n')
    })
  const green = record.runs
    .filter(run => run.outcome === 'passed')
    .map(run => `${code(run.command)}`)
  if (green.length > 0) sections.push(`Passed: ${green.join(', ')}`)
  return sections.join('\n\n')
}

/** Head and tail of a long log, cut at line ends, saying what was cut. */
function cutExcerpt(excerpt: string, max: number): string {
  if (excerpt.length <= max) return excerpt
  const half = Math.floor(max / 2)
  const head = excerpt.slice(0, half).replace(/\n[^\n]*$/, '')
  // Stryker disable next-line Regex: the first match of [^\n]*\n starts at 0 with or without ^
  const tail = excerpt.slice(-half).replace(/^[^\n]*\n/, '')
  return `${head}\n… ${excerpt.length - head.length - tail.length} characters cut here; the run's log has everything …\n${tail}`
}

// The summary line of <details> is raw HTML, where a code span is not code: no untrusted text there.
function renderExcerpts(record: IncidentRecord, limits: RenderLimits): string {
  if (limits.excerptChars <= 0) return ''
  return record.runs
    .filter(run => run.outcome !== 'passed' && run.excerpt !== '')
    .map(
      (run, i, all) =>
        `<details><summary>Output ${i + 1} of ${all.length}</summary>\n\n${code(run.command)}\n\n${codeBlock(cutExcerpt(run.excerpt, limits.excerptChars))}\n\n</details>`
    )
    .join('\n')
}

/** The whole incident record as Markdown: fields, routing, root cause, why, findings, log, checklist. */
export function renderRecord(record: IncidentRecord, limits: RenderLimits = FULL): string {
  return renderRecordSections(record, limits)
    .map(section => section.text)
    .join('\n\n')
}

/** The record by section, as the incident body keeps each between markers (SPEC §5). */
export function renderRecordSections(
  record: IncidentRecord,
  limits: RenderLimits = FULL
): Section[] {
  const sections: Section[] = []
  const add = (id: SectionId, ...parts: string[]): void => {
    sections.push({ id, text: parts.join('\n\n') })
  }
  add(
    'record',
    '### Incident record',
    renderFields(record),
    ...(record.remediation ?? []).map(renderRemediation)
  )
  if (validatorsGreen(record) && !record.lifecycle) {
    add('findings', '### Findings', renderFindings(record, limits) || 'none')
    return sections
  }
  const routing = record.routing
  if (routing) {
    const parts = [
      '### Routing',
      '| Primary owner | Secondary owner | Required action |\n|---|---|---|\n' +
        `| ${roleLine(routing.primaryRole, routing)} | ${roleLine(routing.secondaryRole, routing)} | ${routing.requiredAction} |`
    ]
    const extra = (Object.keys(routing.owners) as OwnerRole[]).filter(
      role => role !== routing.primaryRole && role !== routing.secondaryRole
    )
    if (extra.length > 0)
      parts.push(
        `Also routed to ${extra.map(role => roleLine(role, routing)).join('; ')} (a validator error).`
      )
    for (const warning of routing.warnings ?? []) parts.push(`> [!WARNING]\n> ${warning}`)
    add('routing', ...parts)
  }
  add('root-cause', '### Root cause', record.lifecycle?.rootCause ?? 'pending')
  const c = record.classification
  add(
    'classification',
    '### Classification',
    c
      ? `**${BUCKET_NAMES[c.bucket]}**, confidence **${c.confidence}** (${c.rule === 0 ? 'set by a person' : `SPEC §4 rule ${c.rule}`}). ${c.reason}\n\n` +
          c.evidence.map(line => `- ${line}`).join('\n')
      : 'No bucket: a validator could not run to completion and no other validator reported a finding, so nothing is guessed.',
    `**Severity ${LEVEL_NAMES[record.severity ?? 'high']}:** ${record.severityReason ?? ''}`
  )
  add('findings', '### Findings', renderFindings(record, limits))
  const excerpts = renderExcerpts(record, limits)
  if (excerpts) add('log', '### Log excerpt', excerpts)
  else if (limits.excerptChars <= 0)
    add(
      'log',
      '### Log excerpt',
      "Not shown here to stay within GitHub's size limit: see the run's log and the record JSON."
    )
  const ticked = record.lifecycle?.checklist ?? [
    true,
    record.classification !== undefined,
    false,
    false,
    false
  ]
  add(
    'checklist',
    '### Resolution checklist',
    CHECKLIST.map((step, i) => `- [${ticked[i] ? 'x' : ' '}] ${i + 1}. ${step}`).join('\n')
  )
  const run = record.runUrl ? ` ([run](${record.runUrl}))` : ''
  const history = record.lifecycle?.history
  add(
    'history',
    '### History',
    history && history.length > 0
      ? history
          .map(
            entry =>
              `- ${entry.at} — ${entry.what}${entry.runUrl ? ` ([run](${entry.runUrl}))` : ''}`
          )
          .join('\n')
      : `- ${record.detectedAt} — detected by ${record.detectedBy}${run} in ${scopeMarkdown(record.scope)}: ${bucketTitle(record)} (${LEVEL_NAMES[record.severity ?? 'high']}), result \`${record.result}\`.`
  )
  return sections
}

/**
 * The job summary: the verdict in the first lines, then the whole record (`recordAt`: the record
 * as renderRecord renders it, from a caller that renders it for the record file too).
 */
export function renderSummary(
  record: IncidentRecord,
  limits: RenderLimits = FULL,
  recordAt: (limits: RenderLimits) => string = at => renderRecord(record, at)
): string {
  const findings = record.runs.reduce((n, run) => n + run.findingCount, 0)
  if (validatorsGreen(record)) {
    return [
      record.result === 'pass'
        ? `## ✅ Contract drift gate green — ${scopeMarkdown(record.scope)}`
        : `## 🟠 Contract drift gate: remediation incomplete — ${scopeMarkdown(record.scope)}`,
      record.result === 'pass'
        ? `${record.runs.length} validator(s) passed.`
        : `${record.runs.length} validator(s) passed, but this remediation pull request lacks deltas its incident needs (❌ below).`,
      ...(record.remediation ?? []).map(renderRemediation),
      renderFindings(record, limits)
    ].join('\n\n')
  }
  const routing = record.routing
  const c = record.classification
  const rows: [string, string][] = [
    ['Result', `\`${record.result}\``],
    [
      'Bucket',
      c
        ? `${BUCKET_NAMES[c.bucket]} — confidence ${c.confidence}`
        : 'Validator error (needs triage)'
    ],
    ['Severity', LEVEL_NAMES[record.severity ?? 'high']],
    ['Owner', routing ? roleLine(routing.primaryRole, routing) : '—'],
    ['Then', routing ? roleLine(routing.secondaryRole, routing) : '—'],
    ['Required action', routing?.requiredAction ?? '—'],
    ['Findings', String(findings)]
  ]
  return [
    `## 🔴 Contract drift: ${bucketTitle(record)} (${LEVEL_NAMES[record.severity ?? 'high']}) — ${scopeMarkdown(record.scope)}`,
    '| | |\n|---|---|\n' + rows.map(([k, v]) => `| **${k}** | ${v} |`).join('\n'),
    `**Why:** ${c ? c.reason : 'A validator crashed, was missing or broken, timed out, or wrote output that could not be read, and no finding was reported to classify.'}`,
    recordAt(limits)
  ].join('\n\n')
}

/**
 * At least how many characters (so bytes, a UTF-16 unit being a UTF-8 byte or more) the finding
 * lines take in a rendering at `limits`: a line shown is `- ` and a code span of its tag and
 * message, which keeps every character of them but white space (code() inserts, trims and folds
 * white space only) between at least one backtick each side.
 */
export function findingLinesAtLeast(record: IncidentRecord, limits: RenderLimits): number {
  const visible = (text: string): number => text.replace(/\s/g, '').length
  let total = 0
  for (const run of record.runs) {
    if (run.outcome === 'passed') continue
    const shown = Math.min(run.findings.length, limits.findingsPerValidator)
    for (let i = 0; i < shown; i++) {
      const { tag, message } = run.findings[i]!
      total += 4 + (tag ? visible(tag) + 2 : 0) + visible(message)
    }
  }
  return total
}

/** Ever smaller renderings, tried in order until one fits a channel. */
export const RENDER_STEPS: readonly RenderLimits[] = [
  { findingsPerValidator: Infinity, excerptChars: 16_000 },
  { findingsPerValidator: 200, excerptChars: 4_000 },
  { findingsPerValidator: 50, excerptChars: 1_000 },
  { findingsPerValidator: 10, excerptChars: 0 },
  { findingsPerValidator: 0, excerptChars: 0 }
]

/**
 * Renders within a channel's size budget (`measure`: bytes for the summary, characters for an
 * issue body) by showing fewer findings and shorter logs, never by cutting the Markdown: the
 * record fields, routing and classification always stay whole. `atLeast`: a lower bound of what
 * `measure` gives for a rendering, so that one known to be too big is not made.
 */
export function renderWithin(
  budget: number,
  render: (limits: RenderLimits) => string,
  measure: (text: string) => number = text => Buffer.byteLength(text),
  atLeast: (limits: RenderLimits) => number = () => 0
): string {
  // Stryker disable next-line StringLiteral: RENDER_STEPS is never empty, so text is always rendered
  let text = ''
  for (const limits of RENDER_STEPS) {
    // A rendering known to be too big is not made: 10,000 findings took ~25 MB more at peak.
    if (atLeast(limits) > budget && limits !== RENDER_STEPS.at(-1)) continue
    text = render(limits)
    if (measure(text) <= budget) return text
  }
  // Only a pathological command list gets here; cut it rather than lose the whole channel.
  while (text !== '' && measure(text) > budget) text = text.slice(0, Math.floor(text.length * 0.9))
  return text
}

/** The record as the playbook's plain-text template, for a terminal (the CLI). */
export function renderPlain(record: IncidentRecord): string {
  const fields = renderFields(record)
    .replace(/^- \*\*(.+?):\*\* /gm, '$1: ')
    // A code span as code() writes it: a run of backticks no shorter or longer closes it.
    .replace(/(?<!`)(`+)( ?)(.+?)\2\1(?!`)/g, '$3')
  const lines = [fields]
  if (record.classification)
    lines.push(
      '',
      `Why: ${record.classification.reason}`,
      ...record.classification.evidence.map(e => `  - ${e.replace(/`/g, '')}`)
    )
  if (record.routing)
    lines.push(
      '',
      `Required action: ${record.routing.requiredAction.replace(/`/g, '')}`,
      `Owners: ${ownerNames(record.owners)}`
    )
  for (const run of record.runs.filter(r => r.outcome !== 'passed')) {
    lines.push('', `${run.command}: ${OUTCOME_WORDS[run.outcome]} (${exitStatus(run)})`)
    if (run.crash) lines.push(`  crash: ${run.crash}`)
    for (const f of run.findings)
      lines.push(
        `  - ${f.tag ? `[${f.tag}] ` : ''}${f.message}${f.targets.length ? ` -> ${f.targets.join(', ')}` : ''}`
      )
  }
  return lines.join('\n')
}
