/**
 * The digest as Markdown, for the job summary and the release-readiness issue. Pure, and the same
 * bytes for the same digest: nothing here reads the clock.
 */
import { code } from '../markdown.js'
import { BUCKET_NAMES, LEVEL_NAMES } from '../render.js'
import { DIGEST_BUCKETS, DIGEST_LEVELS, type Digest } from './compute.js'
import type { DigestBucket, DigestIncident } from './incidents.js'

/** The hidden marker that identifies the release-readiness issue (SPEC §6). */
export const DIGEST_MARKER = '<!-- contract-drift-triage:digest -->'

const DAY = 86_400_000
const HOUR = 3_600_000
// Playbook 3.5's steps, in a word each: where an incident waits.
const STEPS = ['', 'failing log', 'classification', 'remediation PR', 'green proof', 'close notes']
const BUCKET_WORDS: Record<DigestBucket, string> = {
  ...BUCKET_NAMES,
  'needs-triage': 'Validator error'
}

// `PR #140` and `owner/repo#140` are the action's own words and link; a branch name is someone's text.
const OUR_SCOPE = /^(PR |[\w.-]+\/[\w.-]+)#\d+$/
const scope = (text: string): string => (OUR_SCOPE.test(text) ? text : code(text))
const link = (incident: DigestIncident): string => `[#${incident.number}](${incident.url})`
const owner = (name: string): string => (name === '' ? '_unassigned_' : code(name))
const verdictOf = (incident: DigestIncident): string =>
  `${BUCKET_WORDS[incident.bucket]} (${LEVEL_NAMES[incident.severity]})`
const waits = (incident: DigestIncident): string =>
  incident.waitsAt === 0 ? 'done' : `${incident.waitsAt} · ${STEPS[incident.waitsAt]}`

/** Whole days: a digest re-run the same day says the same thing. */
function age(incident: DigestIncident, nowMs: number): string {
  const days = Math.max(0, Math.floor((nowMs - incident.createdAt) / DAY))
  return days === 0 ? 'today' : `${days} d`
}

function duration(ms: number): string {
  if (ms < HOUR) return `${Math.max(1, Math.round(ms / 60_000))} min`
  if (ms < 2 * DAY) return `${Math.round(ms / HOUR)} h`
  return `${(ms / DAY).toFixed(1)} d`
}

// Counts and durations line up on the right; names, scopes and steps read from the left.
const NUMBER = /^(\d[\d.,]*( [a-z]+)?|—)$/
const table = (head: readonly string[], rows: readonly (readonly string[])[]): string[] => [
  `| ${head.join(' | ')} |`,
  `|${head
    .map((_, i) =>
      rows.length > 0 && rows.every(row => NUMBER.test(row[i] ?? '')) ? '---:' : '---'
    )
    .join('|')}|`,
  ...rows.map(row => `| ${row.join(' | ')} |`)
]

function more<T>(items: readonly T[], rows: number): { shown: readonly T[]; rest: string[] } {
  const shown = items.slice(0, rows)
  return {
    shown,
    rest: items.length > shown.length ? [`_… and ${items.length - shown.length} more._`] : []
  }
}

function chart(digest: Digest): string[] {
  const labels = digest.weeks.map(week => `"${week.week.slice(5)}"`)
  const top = Math.max(1, ...digest.weeks.flatMap(week => [week.opened, week.closed]))
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Incidents opened (bars) and closed (line) per week"',
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "Incidents" 0 --> ${top}`,
    `  bar [${digest.weeks.map(week => week.opened).join(', ')}]`,
    `  line [${digest.weeks.map(week => week.closed).join(', ')}]`,
    '```',
    '',
    ...table(
      ['Week of', 'Opened', 'Closed'],
      digest.weeks.map(week => [week.week, String(week.opened), String(week.closed)])
    )
  ]
}

/** The digest in Markdown; `rows` caps each list so a thousand incidents still fit an issue. */
export function renderDigest(digest: Digest, rows = Infinity): string {
  const openCount = digest.open.reduce((n, group) => n + group.incidents.length, 0)
  const out: string[] = [
    `## ${digest.ready ? '✅ Ready' : '🔴 Blocked'} — ${digest.title.replace(/^\[contract-drift\] /, '')}`,
    '',
    `As of ${digest.asOf} (UTC): ${openCount} open incident(s), ${digest.blocking.length} blocking the release; window ${digest.windowDays} days.`,
    ''
  ]
  const reasons = more(digest.blocking, rows)
  if (digest.blocking.length === 0)
    out.push(
      '- No open High or validator-error incident on a release branch. Pull-request incidents never block.'
    )
  for (const { incident, why } of reasons.shown)
    out.push(
      `- ${link(incident)} ${code(incident.repository)} ${scope(incident.scope)}: ${
        why === 'error'
          ? `a blind gate (validator error, ${LEVEL_NAMES[incident.severity]})`
          : verdictOf(incident)
      } — waits at step ${waits(incident)}, opened ${age(incident, digest.nowMs).replace(/ d$/, ' days ago')}.`
    )
  out.push(...reasons.rest, '')

  out.push('### Open incidents by bucket and severity', '')
  out.push(
    ...table(
      ['Bucket', ...DIGEST_LEVELS.map(level => LEVEL_NAMES[level]), 'Total'],
      DIGEST_BUCKETS.map(bucket => {
        const counts = DIGEST_LEVELS.map(level => digest.bySeverity[bucket][level])
        return [
          BUCKET_WORDS[bucket],
          ...counts.map(String),
          String(counts.reduce((a, b) => a + b, 0))
        ]
      })
    ),
    ''
  )

  out.push('### Open incidents', '')
  if (digest.open.length === 0) out.push('None.', '')
  for (const group of digest.open) {
    const branches = group.releaseBranches.map(code).join(', ') || '_none_'
    out.push(`#### ${code(group.repository)} (release branches: ${branches})`, '')
    const listed = more(group.incidents, rows)
    out.push(
      ...table(
        ['Incident', 'Scope', 'Bucket (severity)', 'Owner', 'Age', 'Waits at step'],
        listed.shown.map(incident => [
          link(incident),
          scope(incident.scope),
          verdictOf(incident),
          incident.owners.length > 0 ? incident.owners.map(owner).join(', ') : owner(''),
          age(incident, digest.nowMs),
          waits(incident)
        ])
      ),
      ...listed.rest,
      ''
    )
  }

  if (digest.byOwner.length > 0) {
    out.push('### By owner', '')
    const owners = more(digest.byOwner, rows)
    for (const queue of owners.shown) {
      const items = more(queue.incidents, Math.max(5, Math.min(rows, 20)))
      out.push(
        `- ${owner(queue.owner)} (${queue.incidents.length}): ${items.shown
          .map(
            incident =>
              `${link(incident)} step ${incident.waitsAt || 'done'}, ${age(incident, digest.nowMs)}`
          )
          .join(
            '; '
          )}${items.rest.length > 0 ? `; … and ${queue.incidents.length - items.shown.length} more` : ''}`
      )
    }
    out.push(...owners.rest, '')
  }

  out.push(`### Last ${digest.windowDays} days`, '', '**Time to resolve** (opened → closed):', '')
  out.push(
    ...(digest.resolveTimes.length === 0
      ? ['No incident was resolved in the window.']
      : table(
          ['Bucket', 'Resolved', 'Median', '90th percentile'],
          digest.resolveTimes.map(times => [
            BUCKET_WORDS[times.bucket],
            String(times.resolved),
            duration(times.medianMs),
            duration(times.p90Ms)
          ])
        )),
    ''
  )
  const list = (items: readonly DigestIncident[]): string => {
    const shown = more(items, rows)
    return `${items.length}${items.length > 0 ? ` — ${shown.shown.map(link).join(', ')}` : ''}${shown.rest.length > 0 ? ', …' : ''}`
  }
  out.push(`- **Recurrences** (reopened after a green close): ${list(digest.recurrences)}`)
  out.push(`- **Closed without root cause or prevention note:** ${list(digest.closedWithoutNotes)}`)
  if (digest.notPlanned > 0)
    out.push(
      `- ${digest.notPlanned} closed as not planned (duplicates, pull requests closed unmerged) are not counted.`
    )
  out.push('', '**Scopes that drifted most** (incidents opened or reopened):', '')
  out.push(
    ...(digest.topScopes.length === 0
      ? ['None.']
      : table(
          ['Repository', 'Scope', 'Incidents'],
          digest.topScopes.map(top => [code(top.repository), scope(top.scope), String(top.count)])
        )),
    ''
  )
  out.push('**Incidents opened and closed per week:**', '', ...chart(digest), '')
  return out.join('\n')
}

/** The longest rendering that fits `limit` characters (GitHub's issue body limit, say). */
export function renderDigestWithin(digest: Digest, limit: number): string {
  for (const rows of [Infinity, 200, 50, 10, 0]) {
    const text = renderDigest(digest, rows)
    if (text.length <= limit) return text
  }
  const headline = `${renderDigest(digest, 0).split('\n', 1)[0]}\n\n${NO_ROOM}`
  return headline.length <= limit ? headline : ''
}

const NO_ROOM = 'The whole digest does not fit here; the job summary of this run holds it.'

/**
 * The release-readiness issue's body: the marker first, as incidents carry theirs. `kept` is what
 * people wrote below the digest; it is never cut, so when it leaves no room this throws.
 */
export function digestIssueBody(digest: Digest, limit: number, kept = ''): string {
  const end = `\n${DIGEST_END}${kept}`
  const text = renderDigestWithin(digest, limit - DIGEST_MARKER.length - 1 - end.length)
  if (text === '')
    throw new Error(
      `the text people wrote below the digest's end marker takes ${kept.length.toLocaleString('en-US')} of the ${limit.toLocaleString('en-US')} characters an issue body may hold, leaving no room for the digest. Move that text into a comment; nothing was changed`
    )
  return `${DIGEST_MARKER}\n${text}${end}`
}

/** Where the digest ends: what people write below it is theirs, kept when the digest is rewritten. */
export const DIGEST_END = '<!-- /contract-drift-triage:digest -->'

/** The people's part of a digest issue's body: everything after the end marker, byte for byte. */
export function peoplesPart(body: string | null | undefined): string {
  const text = body ?? ''
  const at = text.indexOf(DIGEST_END)
  return at < 0 ? '' : text.slice(at + DIGEST_END.length)
}
