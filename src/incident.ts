import { hasSections, mergeBody, sectionLines, type Section } from './incident/body.js'
import { RENDER_STEPS, type RenderLimits } from './render.js'
import type { Finding, IncidentRecord, Lifecycle, ValidatorRun } from './types.js'

/** The hidden marker that identifies an incident's scope (SPEC §3). */
export const markerFor = (key: string): string =>
  // A branch name may hold `-->` or `<`: escaped, it cannot end the comment or open HTML.
  `<!-- contract-drift-triage:key=${key.replace(/[<>]|-(?=-)/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)} -->`
/** The repository a key's incidents come from (`owner/name`, before the key's first `:`). */
export const keySource = (key: string): string => key.slice(0, key.indexOf(':'))

/** The source repository of the key marker `body` starts with (see markerFor), if any. */
export function sourceIn(body: string | null | undefined): string | undefined {
  const found = /^<!-- contract-drift-triage:key=([^:]*):/.exec(body ?? '')
  // A repository's name may hold `--`, escaped by markerFor; nothing else it escapes.
  return found?.[1]?.replace(/%2D/g, '-')
}
const STATE = /<!-- contract-drift-triage:state=([A-Za-z0-9+/=]+) -->/
const RESULT = /<!-- contract-drift-triage:result=([A-Za-z0-9+/=]+) -->/

/** A validator's latest result as the incident keeps it, with when and where it was seen. */
export interface StoredRun extends ValidatorRun {
  at: string
  runUrl?: string
  /** The job (`job-key`) that stored it; absent when an earlier version did (SPEC §5). */
  job?: string
  /** The head commit it was seen on. */
  head?: string
}

/** What an incident issue carries between runs, hidden in its body. */
export interface IncidentState {
  v: 1
  incidentId: string
  key: string
  createdAt: string
  runs: StoredRun[]
  lifecycle: Lifecycle
  /** The bucket label this action set last: another one means a person relabelled. */
  bucketLabel?: string
  /** Comments the issue had when this state was written; more means results may wait there. */
  seenComments: number
  /** How the issue was last closed by this action, so a red run knows it may reopen it. */
  closedBy?: 'green'
  /** The last red verdict, which the record keeps showing once the incident is green. */
  verdict?: Verdict
  /** `PR #140` or the branch name, for rewriting the record outside a run of that scope. */
  scope?: string
}

export type Verdict = Pick<
  IncidentRecord,
  'result' | 'classification' | 'severity' | 'severityReason' | 'routing' | 'owners'
>

const MAX_STORED_FINDINGS = 50
const MAX_STORED_MESSAGE = 500
const MAX_STORED_EXCERPT = 2000
const MAX_HISTORY = 30
/** Room the hidden state may take in a 65,536-character body, leaving the rest to the record. */
const STATE_BUDGET = 24_000

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64')
function decode<T>(pattern: RegExp, text: string): T | undefined {
  const match = pattern.exec(text)
  if (!match) return undefined
  try {
    return JSON.parse(Buffer.from(match[1] as string, 'base64').toString('utf8')) as T
  } catch {
    return undefined
  }
}

/** The state hidden in an incident body written by this action, if any. */
export function readState(body: string | null | undefined): IncidentState | undefined {
  const state = decode<IncidentState>(STATE, body ?? '')
  return state && state.v === 1 && Array.isArray(state.runs) ? state : undefined
}

/** Validator results posted as a comment (in a race, or by a matrix leg): the append-only log. */
export function readResultComment(body: string | null | undefined): StoredRun[] {
  const runs = decode<StoredRun[]>(RESULT, body ?? '')
  return Array.isArray(runs) ? runs : []
}

/** A validator's result as a person reads it: same outcome and same findings. */
export const sameResult = (a: ValidatorRun, b: ValidatorRun): boolean =>
  findingsFingerprint([a]) === findingsFingerprint([b])

/** A run trimmed to what an issue body can carry. */
export function storeRun(
  run: ValidatorRun,
  at: string,
  runUrl: string | undefined,
  findings = MAX_STORED_FINDINGS,
  excerptChars = MAX_STORED_EXCERPT
): StoredRun {
  const kept: Finding[] = run.findings.slice(0, findings).map(finding => ({
    ...finding,
    message: finding.message.slice(0, MAX_STORED_MESSAGE),
    targets: finding.targets.slice(0, 3)
  }))
  return {
    ...run,
    findings: kept,
    okLines: run.okLines.slice(0, 5),
    excerpt:
      run.excerpt.length > excerptChars
        ? excerptChars > 0
          ? `… ${run.excerpt.slice(-excerptChars)}`
          : ''
        : run.excerpt,
    at,
    ...(runUrl ? { runUrl } : {})
  }
}

/** What a person reads as "the findings": which validator said what. */
export function findingsFingerprint(runs: readonly ValidatorRun[]): string {
  return runs
    .map(
      run =>
        `${run.command}\u0000${run.outcome}\u0000${run.findings
          .map(f => `${f.tag}:${f.message}`)
          .sort()
          .join('\u0001')}`
    )
    .sort()
    .join('\u0002')
}

export function verdictFingerprint(verdict: Verdict | undefined): string {
  const c = verdict?.classification
  return `${verdict?.result ?? ''}|${c?.bucket ?? ''}|${c?.confidence ?? ''}|${verdict?.severity ?? ''}|${verdict?.routing?.primaryRole ?? ''}`
}

export function verdictOf(record: IncidentRecord): Verdict {
  return {
    result: record.result,
    ...(record.classification ? { classification: record.classification } : {}),
    ...(record.severity ? { severity: record.severity } : {}),
    ...(record.severityReason ? { severityReason: record.severityReason } : {}),
    ...(record.routing ? { routing: record.routing } : {}),
    owners: record.owners
  }
}

// An earlier version's body: the Root cause section runs to the next section this action writes,
// whatever a person put in it.
const ROOT_CAUSE =
  /### Root cause\n\n([\s\S]*?)\n\n### (?:Classification|Findings|Log excerpt|Resolution checklist|History)\n/
// A person may delete the space after the colon with the value.
const FIELD = (name: string): RegExp => new RegExp(`^- \\*\\*${name}:\\*\\* ?(.*)$`, 'm')

// A person's indentation is theirs (an indented code block first): only the blank lines around go.
const unpadded = (text: string | undefined): string | undefined =>
  text?.trim() === '' ? '' : text?.replace(/^(?:[ \t]*\n)+|(?:\n[ \t]*)+$/g, '')

/**
 * What a person wrote into the record (root cause, prevention follow-up, resolution PR): read
 * from the body on every write, so a person's value wins over the action's `pending`.
 */
export function readNotes(
  body: string | null | undefined
): Pick<Lifecycle, 'rootCause' | 'preventionFollowUp' | 'resolutionPr'> {
  // GitHub stores an edit made in the browser with CRLF line endings.
  const text = (body ?? '').replace(/\r\n?/g, '\n')
  const sectioned = hasSections(text)
  const record = sectioned ? (sectionLines(text, 'record') ?? []).join('\n') : text
  const rootCause = unpadded(
    sectioned
      ? (sectionLines(text, 'root-cause') ?? [])
          .filter((line, i) => !(i === 0 && line === '### Root cause'))
          .join('\n')
      : ROOT_CAUSE.exec(text)?.[1]
  )
  const prevention = FIELD('Prevention follow-up').exec(record)?.[1]?.trim()
  const resolution = FIELD('Resolution PR').exec(record)?.[1]?.trim()
  const filled = (value: string | undefined): value is string =>
    value !== undefined && value !== '' && value !== 'pending'
  return {
    ...(filled(rootCause) ? { rootCause } : {}),
    ...(filled(prevention) ? { preventionFollowUp: prevention } : {}),
    ...(filled(resolution) ? { resolutionPr: resolution } : {})
  }
}

/** Appends to the record's history, keeping its most recent entries. */
export function withHistory(
  lifecycle: Lifecycle,
  what: string,
  at: string,
  runUrl?: string
): Lifecycle {
  const history = [...lifecycle.history, { at, what, ...(runUrl ? { runUrl } : {}) }]
  return { ...lifecycle, history: history.slice(-MAX_HISTORY) }
}

export function newLifecycle(): Lifecycle {
  return { checklist: [false, false, false, false, false], history: [], failingChecks: [] }
}

/**
 * The issue body: the key marker, the record's sections merged into the body as it is now (people's
 * text kept, SPEC §5), and the state, within GitHub's limit.
 */
export function renderIssueBody(
  state: IncidentState,
  previous: string | null | undefined,
  renderSections: (limits: RenderLimits) => Section[]
): string {
  const marker = markerFor(state.key)
  let trimmed = state
  let hidden = `<!-- contract-drift-triage:state=${encode(trimmed)} -->`
  // The state must fit beside a readable record: keep fewer findings and shorter logs per
  // validator, then a shorter history, until it does.
  for (const [findings, excerpt, history] of [
    [20, 1000, MAX_HISTORY],
    [5, 200, MAX_HISTORY],
    [0, 0, 10]
  ] as const) {
    if (hidden.length <= STATE_BUDGET) break
    trimmed = {
      ...trimmed,
      runs: trimmed.runs.map(run => storeRun(run, run.at, run.runUrl, findings, excerpt)),
      lifecycle: { ...trimmed.lifecycle, history: trimmed.lifecycle.history.slice(-history) }
    }
    hidden = `<!-- contract-drift-triage:state=${encode(trimmed)} -->`
  }
  const merge = (sections: Section[]): string =>
    mergeBody(previous, { marker, sections, state: hidden })
  let body = ''
  for (const limits of RENDER_STEPS) {
    body = merge(renderSections(limits))
    if (body.length <= ISSUE_BODY_LIMIT) return body
  }
  // Hundreds of validators (or pages a person wrote) could still not fit: the record keeps its
  // fields and the root cause only (a person's words, SPEC §5), people's text stays whole.
  return merge(
    renderSections({ findingsPerValidator: 0, excerptChars: 0 }).filter(
      s => s.id === 'record' || s.id === 'root-cause'
    )
  )
}

/** A comment carrying validator results for the body to absorb on the next write. */
export function renderResultComment(text: string, runs: readonly StoredRun[]): string {
  let hidden = encode(runs)
  for (const [findings, excerpt] of [
    [20, 500],
    [0, 0]
  ] as const) {
    if (hidden.length + text.length < ISSUE_BODY_LIMIT - 100) break
    hidden = encode(runs.map(run => storeRun(run, run.at, run.runUrl, findings, excerpt)))
  }
  return `${text}\n\n<!-- contract-drift-triage:result=${hidden} -->`
}

/** GitHub refuses issue and comment bodies over 65,536 characters. */
export const ISSUE_BODY_LIMIT = 65_536
