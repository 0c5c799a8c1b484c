import type { Config } from './config.js'
import { code } from './markdown.js'
import { related, type NotesLookup, type PackLayout } from './packs.js'
import { classify as classOf } from './paths.js'
import type { ChangeContext, Classification, Finding, Level, PathClass } from './types.js'

/** What the findings point at, by class, with the paths for the evidence. */
export interface FindingSignals {
  byClass: Record<PathClass, string[]>
  runtime: Finding[]
  /** Findings whose text names no file. */
  nowhere: Finding[]
}

export function findingSignals(
  findings: readonly Finding[],
  paths: Config['paths']
): FindingSignals {
  const byClass: Record<PathClass, string[]> = {
    fixture: [],
    contract: [],
    implementation: [],
    docs: [],
    other: []
  }
  const signals: FindingSignals = { byClass, runtime: [], nowhere: [] }
  for (const finding of findings) {
    if (finding.runtime) signals.runtime.push(finding)
    if (finding.targets.length === 0) signals.nowhere.push(finding)
    for (const target of finding.targets) {
      const list = byClass[classOf(target, paths)]
      if (!list.includes(target)) list.push(target)
    }
  }
  return signals
}

const list = (paths: readonly string[], max = 5): string =>
  paths.slice(0, max).map(code).join(', ') +
  (paths.length > max ? ` and ${paths.length - max} more` : '')

/**
 * The playbook's bucket for a red run (SPEC §4): the first rule that holds, with a confidence and
 * the evidence a person can check. `findings` must not be empty. `hasNotes` says where the
 * fixture packs' `notes.md` files are; without it each file's own directory is its pack.
 */
export function classifyFailure(
  findings: readonly Finding[],
  context: ChangeContext,
  config: Config,
  // Stryker disable next-line ArrowFunction,BooleanLiteral: packOf stops at the file's own directory either way
  hasNotes: NotesLookup = () => false
): Classification {
  const packs: PackLayout = { fixture: config.paths.fixture, hasNotes }
  const changedOf = (cls: PathClass): string[] =>
    context.changed.filter(f => f.class === cls).map(f => f.path)
  const changed = {
    contract: changedOf('contract'),
    fixture: changedOf('fixture'),
    implementation: changedOf('implementation'),
    docs: changedOf('docs')
  }
  const signals = findingSignals(findings, config.paths)
  const on = signals.byClass
  const intent = context.intent.length > 0
  const evidence: string[] = []
  evidence.push(
    context.changed.length === 0
      ? `No changed files (${context.changeSource}).`
      : `Change set: ${context.changed.length} file(s) from ${context.changeSource}.`
  )
  for (const [cls, files] of Object.entries(changed)) {
    if (files.length > 0) evidence.push(`Changed ${cls} files: ${list(files)}.`)
  }
  evidence.push(
    intent
      ? `Intent signalled: ${context.intent.join('; ')}.`
      : 'No intent signal (label or trailer).'
  )
  for (const [cls, files] of Object.entries(on)) {
    if (files.length > 0) evidence.push(`Findings point at ${cls} paths: ${list(files)}.`)
  }
  if (signals.runtime.length > 0) evidence.push(`${signals.runtime.length} runtime finding(s).`)
  if (signals.nowhere.length > 0)
    evidence.push(`${signals.nowhere.length} finding(s) name no file.`)

  const conflict =
    changed.contract.length > 0 && changed.implementation.length > 0 && !intent
      ? 'contract and implementation both changed without an intent signal'
      : changed.fixture.length > 0 && changed.implementation.length > 0
        ? 'fixtures and implementation both changed'
        : undefined
  const result = (
    bucket: Classification['bucket'],
    rule: number,
    why: string,
    // Unset: rules 5 and 6 read the findings alone, so nothing is there to corroborate.
    corroborated?: boolean
  ): Classification => {
    let confidence: Level = corroborated === true ? 'high' : 'medium'
    let reason = why
    if (conflict) {
      confidence = 'low'
      reason += ` Confidence is low: ${conflict}, so the signals pull apart.`
    } else if (corroborated === false) {
      reason += ' Confidence is medium: the findings do not point at the files this rule expects.'
    }
    return { bucket, confidence, rule, reason, evidence }
  }

  if (changed.contract.length > 0) {
    return result(
      'schema-drift',
      1,
      'A contract file changed in this change set: the contract moved and the fixture baseline did not follow.',
      on.contract.length > 0 || on.fixture.length > 0
    )
  }
  if (changed.implementation.length > 0 && intent) {
    return result(
      'fixture-stale',
      2,
      'Implementation changed on purpose (intent signalled) and the expected fixtures were not refreshed.',
      on.fixture.length > 0 || signals.runtime.length > 0
    )
  }
  if (changed.implementation.length === 0) {
    const intoChanged = findings.some(f =>
      f.targets.some(t => changed.fixture.some(file => related(file, t, packs)))
    )
    if (intoChanged) {
      return result(
        'fixture-stale',
        3,
        'Only fixtures changed and the findings point into the changed fixtures: the fixture edit itself is incomplete.',
        true
      )
    }
  }
  if (changed.implementation.length > 0) {
    return result(
      'runtime-regression',
      4,
      'Implementation changed without an intent signal while contract and fixtures stayed as they were: the code now disagrees with them.',
      // A changed fixture beside the implementation is a conflict (low) whatever the findings say.
      on.implementation.length > 0 || on.fixture.length > 0 || signals.runtime.length > 0
    )
  }
  const onlyDocs = context.changed.every(f => f.class === 'docs' || f.class === 'other')
  if (
    onlyDocs &&
    findings.some(f => f.targets.some(t => changed.docs.some(file => related(file, t, packs))))
  ) {
    return result(
      'schema-drift',
      5,
      'Only documentation changed and the findings point at it: a documentation-only mismatch.'
    )
  }
  // Rule 6: nothing in the change set explains the failure; the findings decide. A runtime
  // finding names what the code was checked against (a pact, an expected fixture), and that
  // is as it was in this scope: it blames the code, so only the other findings point.
  const scope =
    context.changed.length === 0
      ? 'Nothing changed in this scope'
      : 'The change set does not explain the failure'
  const pointing = findingSignals(
    findings.filter(f => !f.runtime),
    config.paths
  ).byClass
  if (pointing.contract.length > 0)
    return result('schema-drift', 6, `${scope}; the findings point at contracts.`)
  if (pointing.fixture.length > 0)
    return result('fixture-stale', 6, `${scope}; the findings point at fixtures.`)
  if (signals.runtime.length > 0 || pointing.implementation.length > 0) {
    return result(
      'runtime-regression',
      6,
      `${scope}; the findings come from runtime checks of the implementation.`
    )
  }
  if (pointing.docs.length > 0)
    return result('schema-drift', 6, `${scope}; the findings point at documentation.`)
  return {
    bucket: 'runtime-regression',
    confidence: 'low',
    rule: 6,
    reason: `${scope} and the findings point at no contract, fixture or implementation file, so contract and fixtures are taken as they were: runtime regression, with low confidence. Check the evidence and relabel the incident if this is wrong.`,
    evidence
  }
}
