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
    .replace(/\s*[\r\n]\s*/g, ' ⏎ ')
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

// A zero-width space after `@` or `#` keeps the text readable while GitHub no longer sees a
// mention or a reference in it. Any non-word character before `#` counts, `&` too: these channels
// are not HTML, so `&#9` is text, not a character reference.
const ZWSP = '\u200b'
const MENTION = /@(?=[A-Za-z0-9_-])/g
const REFERENCE = /(^|\W)#(?=\d)|([\w.-]+\/[\w.-]+)#(?=\d)/g

/** Untrusted text for channels that are not Markdown (annotation messages, titles): no mention or reference stays live. */
export function plainText(text: string): string {
  return text
    .replace(MENTION, `@${ZWSP}`)
    .replace(REFERENCE, (_, before = '', repo = '') => `${before}${repo}#${ZWSP}`)
    .replace(/\bGH-(?=\d)/gi, match => `${match}${ZWSP}`)
    .replace(/github\.com/gi, match => match.replace('.', `${ZWSP}.`))
}

/** Untrusted text shown as Markdown prose (a heading, a table cell): escaped, and as inert as `plainText`. */
export function inlineText(text: string): string {
  const escaped = text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]()|!~])/g, '\\$1')
  return plainText(escaped)
}
