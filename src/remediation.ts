import { code } from './markdown.js'
import { notesOf, packOf, type PackLayout } from './packs.js'
import { matchesAny } from './paths.js'
import type { Bucket, ChangedFile, Result } from './types.js'

/** One delta the playbook asks a remediation pull request for (3.3 required action, 3.5 step 3). */
export interface Requirement {
  what: string
  satisfied: boolean
  detail: string
}

export interface RemediationCheck {
  incidentId: string
  issueNumber: number
  issueUrl?: string
  bucket: Bucket
  requirements: Requirement[]
  complete: boolean
}

/** `Refs DRIFT-…` or `#N` in a pull request's title or body: the incidents it says it remediates. */
export function incidentReferences(text: string): { ids: string[]; numbers: number[] } {
  const ids = [...new Set([...text.matchAll(/\bDRIFT-\d{8}-[0-9a-f]{6}\b/g)].map(m => m[0]))]
  const numbers = [
    ...new Set([...text.matchAll(/(?:^|[\s(])#(\d{1,9})\b/g)].map(m => Number(m[1])))
  ]
  return { ids, numbers }
}

/** Where packs and expected fixtures are: `paths.fixture`, `paths.expected` and the `notes.md` lookup. */
export interface RemediationLayout extends PackLayout {
  expected: readonly string[]
}

const isNotes = (path: string): boolean => path === 'notes.md' || path.endsWith('/notes.md')

/**
 * Checks a pull request's changes against the bucket's required action (SPEC §5): schema drift
 * needs contract and fixture pack together; fixture stale, refreshed expected fixtures; runtime
 * regression, implementation changed with contract and expected fixtures untouched; every
 * bucket, the affected pack's `notes.md` and green validators.
 */
export function checkRemediation(input: {
  incidentId: string
  issueNumber: number
  issueUrl?: string
  bucket: Bucket
  /** Fixture packs (or other paths) the incident's findings point at. */
  affected: readonly string[]
  changed: readonly ChangedFile[]
  result: Result
  layout: RemediationLayout
}): RemediationCheck {
  const { changed, layout } = input
  const of = (cls: ChangedFile['class']): string[] =>
    changed.filter(f => f.class === cls).map(f => f.path)
  const contract = of('contract')
  const fixtures = of('fixture')
  const notes = fixtures.filter(isNotes)
  // `notes.md` has a requirement of its own: it is no fixture delta or refresh by itself.
  const data = fixtures.filter(path => !isNotes(path))
  const expected = data.filter(path => matchesAny(path, layout.expected))
  const implementation = of('implementation')
  const packsOf = (paths: readonly string[]): string[] => [
    ...new Set(
      paths.map(path => packOf(path, layout)).filter((pack): pack is string => pack !== undefined)
    )
  ]
  // The packs the incident names; when it names none, the packs this pull request edits.
  const named = packsOf(input.affected)
  const packs = named.length > 0 ? named : packsOf(data)
  const list = (paths: readonly string[]): string =>
    paths.length > 0 ? paths.slice(0, 5).map(code).join(', ') : 'none'
  const requirements: Requirement[] = []
  const need = (what: string, satisfied: boolean, detail: string): void => {
    requirements.push({ what, satisfied, detail })
  }

  if (input.bucket === 'schema-drift') {
    need('Contract delta', contract.length > 0, `contract files changed: ${list(contract)}`)
    need(
      'Fixture delta in the same pull request',
      data.length > 0,
      `fixture files changed: ${list(data)}`
    )
  } else if (input.bucket === 'fixture-stale') {
    need(
      'Expected fixtures refreshed',
      expected.length > 0,
      `expected fixture files changed: ${list(expected)}`
    )
  } else {
    need(
      'Runtime path fixed',
      implementation.length > 0,
      `implementation files changed: ${list(implementation)}`
    )
    need(
      'Contract baseline preserved',
      contract.length === 0,
      `contract files changed: ${list(contract)}`
    )
    need(
      'Expected fixtures untouched',
      expected.length === 0,
      `expected fixture files changed: ${list(expected)}`
    )
  }
  // A pack without a `notes.md` of its own (a pack directory the incident found missing) is
  // answered by the `notes.md` the remediation creates in it.
  const updated = (pack: string): boolean =>
    notes.includes(notesOf(pack)) ||
    (!layout.hasNotes(pack) && notes.some(path => pack === '' || path.startsWith(`${pack}/`)))
  const missingNotes = packs.filter(pack => !updated(pack))
  need(
    'Updated `notes.md`',
    packs.length > 0 ? missingNotes.length === 0 : notes.length > 0,
    packs.length > 0
      ? missingNotes.length === 0
        ? `updated: ${list(packs.map(notesOf))}`
        : `not updated: ${list(missingNotes.map(notesOf))}`
      : `no fixture pack affected; fixture notes changed: ${list(notes)}`
  )
  need('Validator pass proof', input.result === 'pass', `validators: ${input.result}`)
  return {
    incidentId: input.incidentId,
    issueNumber: input.issueNumber,
    ...(input.issueUrl ? { issueUrl: input.issueUrl } : {}),
    bucket: input.bucket,
    requirements,
    complete: requirements.every(r => r.satisfied)
  }
}

/** The check as a person reads it in the summary. */
export function renderRemediation(check: RemediationCheck): string {
  const head = `### Remediation check: ${check.incidentId} (#${check.issueNumber}) — ${check.complete ? 'complete' : 'incomplete'}`
  return [
    head,
    ...check.requirements.map(r => `- ${r.satisfied ? '✅' : '❌'} ${r.what} — ${r.detail}`)
  ].join('\n')
}
