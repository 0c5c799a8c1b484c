/** The playbook's words (F2-TASK-046), as the types every stage shares. */
import type { RemediationCheck } from './remediation.js'

export type Bucket = 'schema-drift' | 'fixture-stale' | 'runtime-regression'
export type Level = 'high' | 'medium' | 'low'
export type Result = 'pass' | 'drift' | 'incomplete' | 'error'
export type OwnerRole = 'contract' | 'fixture-module' | 'fixture-mcp' | 'implementation' | 'qa'
export type PathClass = 'fixture' | 'contract' | 'implementation' | 'docs' | 'other'

/** One problem a validator reported. */
export interface Finding {
  /** The validator command (or report file) that produced it. */
  source: string
  /** The field's `[tag]`, or '' when the output had none. */
  tag: string
  message: string
  /** Repository-relative files or directories (fixture packs) the text points at. */
  targets: string[]
  line?: number
  /** From a runtime test runner or a tag the config lists under `runtime`. */
  runtime: boolean
}

/**
 * How a validator ended. Every outcome but `passed` and `failed` is a validator error: the gate
 * could not see, as opposed to `failed`, where it saw drift. `broken`: the shell or interpreter
 * could not start the validator (a syntax error in the command, the script failing to compile
 * or import); `unreadable`: its output or report starts as a structured document that cannot
 * be parsed (SPEC §2).
 */
export type Outcome =
  'passed' | 'failed' | 'crashed' | 'missing' | 'broken' | 'timed-out' | 'unreadable'

/** Every outcome, for schemas that validate a stored run. */
export const OUTCOMES = [
  'passed',
  'failed',
  'crashed',
  'missing',
  'broken',
  'timed-out',
  'unreadable'
] as const satisfies readonly Outcome[]

/** Whether a run is a validator error (the gate could not see) rather than a verdict. */
export const isValidatorError = (outcome: Outcome): boolean =>
  outcome !== 'passed' && outcome !== 'failed'

export interface ValidatorRun {
  command: string
  outcome: Outcome
  /** null when the process was stopped (timeout) or never started. */
  exitCode: number | null
  durationMs: number
  findings: Finding[]
  /** All findings seen, including those not kept past the cap. */
  findingCount: number
  /** `[tag] OK:` lines, the green output a validation proof quotes. */
  okLines: string[]
  /** Head and tail of the output, already stripped of control characters. */
  excerpt: string
  outputBytes: number
  /**
   * Why it is a validator error: the exception line of a Python traceback, the signal, the
   * shell's or interpreter's complaint, or what is wrong with an unreadable report.
   */
  crash?: string
  /** How the output was read: `lines`, `field`, `workflow-commands`, `matchers`, `junit`, `json`. */
  format?: string
  /** Problems reading the output (malformed JSON findings, truncated or hostile XML). */
  notes?: string[]
}

/** A changed file and the class the `paths` globs give it. */
export interface ChangedFile {
  path: string
  class: PathClass
}

export type Scope = { kind: 'pr'; number: number } | { kind: 'branch'; name: string }

/** What the event tells the classifier. */
export interface ChangeContext {
  changed: ChangedFile[]
  /** Where the change set came from, for the evidence ("git diff a...b", "pull request files API"). */
  changeSource: string
  intent: string[]
}

export interface Classification {
  bucket: Bucket
  confidence: Level
  /** 1–6: the SPEC §4 rule that decided. */
  rule: number
  reason: string
  evidence: string[]
}

export interface Routing {
  primaryRole: OwnerRole
  secondaryRole?: OwnerRole
  requiredAction: string
  /** Resolved owners by role: logins without `@`, teams as `@org/team`. */
  owners: Partial<Record<OwnerRole, string[]>>
  /** A role that should have resolved to someone and did not, and what to do (SPEC §4). */
  warnings?: string[]
}

export interface HistoryEntry {
  at: string
  what: string
  runUrl?: string
}

/** Where the incident stands in the playbook's resolution checklist (3.5). */
export interface Lifecycle {
  checklist: [boolean, boolean, boolean, boolean, boolean]
  history: HistoryEntry[]
  /** The green output that proves the fix: OK lines and the run that printed them. */
  validationProof?: { at: string; okLines: string[]; runUrl?: string }
  resolutionPr?: string
  /** A person who set the bucket label, overriding the classifier. */
  bucketSetBy?: string
  /** Every command that has been red during this incident, for the record once it is green. */
  failingChecks: string[]
  /** Written by a person into the issue; kept when the action rewrites it. */
  rootCause?: string
  preventionFollowUp?: string
}

export interface IncidentRecord {
  incidentId: string
  key: string
  scope: string
  detectedAt: string
  detectedBy: 'CI' | 'local'
  result: Result
  classification?: Classification
  severity?: Level
  severityReason?: string
  routing?: Routing
  owners: string[]
  runs: ValidatorRun[]
  context: ChangeContext
  runUrl?: string
  /** Present for an incident issue: the checklist, proof and history it carries between runs. */
  lifecycle?: Lifecycle
  /** The incidents a remediation pull request references, checked against their required actions. */
  remediation?: RemediationCheck[]
}
