import { namesPhase, type Config } from './config.js'
import { matchesAny } from './paths.js'
import type { Classification, Level } from './types.js'

export interface SeverityGrade {
  severity: Level
  reason: string
}

/**
 * Playbook 3.4 made precise (SPEC §4). `affected` are the contract, fixture and implementation
 * files of the change set and the paths the findings point at.
 */
export function gradeSeverity(
  classification: Classification | undefined,
  affected: readonly string[],
  release: Config['release']
): SeverityGrade {
  if (!classification) {
    return {
      severity: 'high',
      reason: 'A validator error with no findings: a blind gate blocks release readiness.'
    }
  }
  if (classification.rule === 5) {
    return {
      severity: 'low',
      reason: 'Documentation-only mismatch with no runtime contract impact.'
    }
  }
  if (affected.length === 0) {
    return {
      severity: 'high',
      reason: 'No affected path is known, so the drift is treated as release-blocking.'
    }
  }
  if (!release) {
    return {
      severity: 'high',
      reason: 'No `release` configuration: contract-touching work is treated as release-blocking.'
    }
  }
  const phase = release['active-phase']
  const active = release.blocking.filter(entry => phase !== undefined && namesPhase(entry, phase))
  const blocking = affected.filter(path => {
    if (matchesAny(path, release.optional)) return false
    if (release.blocking.length === 0) return true
    return active.some(entry => matchesAny(path, entry.paths))
  })
  if (blocking.length === 0) {
    return {
      severity: 'medium',
      reason: `Every affected path is an optional pack or outside the release-blocking paths of phase ${phase ?? '(none active)'}.`
    }
  }
  const shown = blocking
    .slice(0, 3)
    .map(path => `\`${path}\``)
    .join(', ')
  const why =
    release.blocking.length === 0 ? 'not optional' : `release-blocking in active phase ${phase}`
  return {
    severity: 'high',
    reason: `Affected paths are ${why}: ${shown}${blocking.length > 3 ? ', …' : ''}.`
  }
}
