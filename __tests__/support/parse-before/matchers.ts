import type { ProblemMatchers } from './schemas.js'
import type { LineParser, RawFinding } from './types.js'

export type { ProblemMatchers } from './schemas.js'

type Matcher = ProblemMatchers['problemMatcher'][number]
type Pattern = Matcher['pattern'][number]

type Captured = Partial<
  Record<'file' | 'fromPath' | 'line' | 'severity' | 'code' | 'message', string>
>
const FIELDS = ['file', 'fromPath', 'line', 'severity', 'code', 'message'] as const

interface Compiled {
  matcher: Matcher
  regexps: RegExp[]
  /** Running matches of a multi-line matcher: state[i] holds what patterns 0..i captured. */
  state: (Captured | undefined)[]
}

function capture(pattern: Pattern, match: RegExpExecArray, running?: Captured): Captured {
  const out: Captured = { ...running }
  for (const field of FIELDS) {
    const index = pattern[field]
    const value = index !== undefined ? match[index] : undefined
    if (value !== undefined && value !== '') out[field] = value
  }
  return out
}

// actions/runner IssueMatcher.Match: patterns are tried last to first; a pattern after the first
// only runs on a match running from the pattern before it; the last pattern reports, and with
// `loop` keeps the running match for the next line.
function matchLine(compiled: Compiled, text: string): Captured | undefined {
  const { matcher, regexps, state } = compiled
  const patterns = matcher.pattern
  if (patterns.length === 1) {
    const match = (regexps[0] as RegExp).exec(text)
    return match ? capture(patterns[0] as Pattern, match) : undefined
  }
  for (let i = patterns.length - 1; i >= 0; i--) {
    const running = i > 0 ? state[i - 1] : undefined
    if (i > 0 && !running) continue
    const pattern = patterns[i] as Pattern
    const match = (regexps[i] as RegExp).exec(text)
    if (match) {
      if (i === patterns.length - 1) {
        state.fill(undefined)
        if (pattern.loop) state[i - 1] = running
        return capture(pattern, match, running)
      }
      state[i] = capture(pattern, match, running)
    } else if (i > 0) state[i - 1] = undefined
  }
  return undefined
}

/** Reads lines with the configured problem matchers; only `error` severity makes a finding. */
export function matcherParser(
  config: ProblemMatchers,
  emit: (finding: RawFinding) => void
): LineParser {
  const compiled: Compiled[] = config.problemMatcher.map(matcher => ({
    matcher,
    regexps: matcher.pattern.map(pattern => new RegExp(pattern.regexp)),
    state: matcher.pattern.map(() => undefined)
  }))
  return {
    line(text) {
      let claimed = false
      for (const one of compiled) {
        const found = matchLine(one, text)
        if (!found?.message) continue
        claimed = true
        const severity = (found.severity ?? one.matcher.severity ?? 'error').toLowerCase()
        if (!severity.startsWith('err')) continue
        let file = found.file
        if (file && found.fromPath && !/^([A-Za-z]:)?[\\/]/.test(file)) {
          const base = found.fromPath.replace(/\\/g, '/').replace(/[^/]*$/, '')
          file = `${base}${file}`
        }
        const line = Number(found.line)
        emit({
          tag: one.matcher.owner,
          message: found.code ? `${found.message} (${found.code})` : found.message,
          ...(file ? { files: [file] } : {}),
          ...(Number.isInteger(line) && line > 0 ? { line } : {})
        })
      }
      return claimed
    },
    end() {},
    greedy: () => true
  }
}
