// Small helpers shared by the bench sections: summaries, timing, formatting.
import { spawnSync } from 'node:child_process'

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Median, min and max of a series (one figure of the table). */
export function summarize(all) {
  const values = all.filter(Number.isFinite)
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 }
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length
  }
}

/** Wall time of a child process, in milliseconds, from spawn to exit. */
export function timedSpawnSync(command, args, options) {
  const start = process.hrtime.bigint()
  const child = spawnSync(command, args, { stdio: 'ignore', ...options })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (child.error) throw child.error
  return { ms, status: child.status, signal: child.signal }
}

export const mb = bytes => bytes / 1024 / 1024

/** A number with a fixed count of decimals and thin thousands separators. */
export function fmt(value, decimals = 0) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—'
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals
  })
}
