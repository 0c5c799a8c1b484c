import type { LineParser, RawFinding } from './types.js'

// `path:line[:col]:[ level:] message` (buf, protoc, Spectral `-f text`, tsc `--pretty`) and
// tsc's `path(line,col): error TS…`. The path has an extension and no blanks, so timestamps,
// `host:port` and prose do not pass for one.
const COMPILER_LINE =
  /^((?:[A-Za-z]:)?[^\s:()"'<>|*?]*\.[A-Za-z][A-Za-z0-9]{0,9})(?::(\d+)(?::(\d+))?(?![\d/])|\((\d+)(?:,(\d+))?\)):?\s*(?:-\s+)?(?:(error|fatal|warning|warn|info|information|note|hint)\b:?\s*)?(\S.*)$/
const PROBE_BYTES = 512

/**
 * Compiler-style lines. One with `error` is a finding; one without a level (buf prints none) is
 * a finding only when the run fails, so a green run's warnings of that shape never turn it red.
 */
export function compilerParser(emit: (finding: RawFinding) => void): LineParser {
  return {
    line(text) {
      const match = COMPILER_LINE.exec(text)
      if (!match) return false
      const [, path, line, , parenLine, , level, message] = match as unknown as string[]
      if (level && level !== 'error' && level !== 'fatal') return true
      const at = Number(line ?? parenLine)
      emit({
        tag: '',
        message: message as string,
        files: [path as string],
        ...(at > 0 ? { line: at } : {}),
        ...(level ? {} : { provisional: true })
      })
      return true
    },
    end() {},
    wants: mayBeCompilerLine
  }
}

/** A cheap look at a line's bytes: `.` then `:<digit>` or `(<digit>` near its start. */
export function mayBeCompilerLine(buf: Buffer, start: number, end: number): boolean {
  const first = buf[start]
  if (first === undefined || first <= 0x20) return false
  let dot = false
  const stop = Math.min(end - 1, start + PROBE_BYTES)
  for (let i = start; i < stop; i++) {
    const byte = buf[i] as number
    if (byte === 0x2e) dot = true
    else if (byte === 0x20) return false
    else if (dot && (byte === 0x3a || byte === 0x28)) {
      const next = buf[i + 1] as number
      return next >= 0x30 && next <= 0x39
    }
  }
  return false
}
