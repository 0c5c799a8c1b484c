/** Markdown for untrusted text: what a log or a pull request says is shown, never acted on. */

/** The longest run of backticks in the text (a loop: a spread over a huge log would overflow the stack). */
function longestBacktickRun(text: string): number {
  let longest = 0
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length)
  return longest
}

// Untrusted text cannot open an HTML comment, so it cannot forge the incident key marker.
const neutralHtml = (text: string): string => text.replace(/<(?=[!?/A-Za-z])/g, '<\u200b')

/** Untrusted text as an inline code span: no mention, reference, link or HTML in it is live. */
export function code(text: string): string {
  // Trimmed first: a trailing line break is no line break to show.
  const line = neutralHtml(text)
    .trim()
    .replace(/\s*[\r\n]+\s*/g, ' ⏎ ')
  if (line === '') return '(empty)'
  const longest = longestBacktickRun(line)
  const ticks = '`'.repeat(longest + 1)
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : ''
  return `${ticks}${pad}${line}${pad}${ticks}`
}

/** Untrusted multi-line text as a fenced block that no backtick run inside can close. */
export function codeBlock(text: string): string {
  const body = neutralHtml(text)
  const longest = Math.max(2, longestBacktickRun(body))
  const fence = '`'.repeat(longest + 1)
  return `${fence}text\n${body}\n${fence}`
}
