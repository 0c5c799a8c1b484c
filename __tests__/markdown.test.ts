import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { code, codeBlock, inlineText, plainText } from '../src/markdown.js'

/**
 * The content of `markdown` when it is exactly one CommonMark code span from its first to its last
 * character, else null. The opening run of n backticks closes at the first run of exactly n.
 */
function codeSpanContent(markdown: string): string | null {
  const open = /^`+/.exec(markdown)?.[0]
  if (!open || markdown.length < open.length * 2 + 1) return null
  const rest = markdown.slice(open.length)
  const close = [...rest.matchAll(/`+/g)].find(run => run[0].length === open.length)
  if (!close || close.index + close[0].length !== rest.length) return null
  let content = rest.slice(0, close.index).replace(/\r\n|\r|\n/g, ' ')
  if (content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '')
    content = content.slice(1, -1)
  return content
}

/** Untrusted text biased towards what breaks Markdown: backtick runs, line breaks, comment markers. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '`',
        '``',
        '```',
        '````',
        ' ',
        '\n',
        '\r\n',
        '\r',
        '<!--',
        '-->',
        '<',
        '!',
        '~~~',
        '@team',
        '[x](y)',
        '<b>',
        '|'
      ),
      fc.string({ unit: 'binary', maxLength: 5 })
    ),
    { maxLength: 30 }
  )
  .map(parts => parts.join(''))

describe('code', () => {
  it.each([
    [
      'plain text',
      'python3 scripts/validate-fixture-coverage.py',
      '`python3 scripts/validate-fixture-coverage.py`'
    ],
    ['a backtick inside', 'echo `date`', '`` echo `date` ``'],
    ['a run of three backticks', 'a ```b``` c', '````a ```b``` c````'],
    ['a leading backtick', '`x', '`` `x ``'],
    ['line breaks', 'first line\r\n  second line\n', '`first line ⏎ second line`'],
    ['an @-mention', 'ping @acme/contract-owners', '`ping @acme/contract-owners`'],
    ['a trailing backtick', 'x`', '`` x` ``'],
    ['blank lines between lines', 'first\n\n\n  second', '`first ⏎ second`'],
    ['a comparison, which is no tag', 'a < b and 1<2', '`a < b and 1<2`'],
    ['a processing instruction', '<?xml version="1.0"?>', '`<\u200b?xml version="1.0"?>`'],
    ['a closing tag', 'oops</details>', '`oops<\u200b/details>`']
  ])('renders %s as one code span', (_case, input, expected) => {
    expect(code(input)).toBe(expected)
  })

  it('renders empty or blank text as a visible placeholder', () => {
    expect(code('')).toBe('(empty)')
    expect(code(' \n\t ')).toBe('(empty)')
  })

  it('cannot forge the incident key marker', () => {
    const forged = code('<!-- contract-drift-triage:key=acme/billing:pr-140 -->')
    expect(forged).not.toContain('<!--')
    expect(forged).toContain('contract-drift-triage:key=acme/billing:pr-140')
  })

  it('renders any non-blank text as exactly one code span, on one line, that shows the text', () => {
    fc.assert(
      fc.property(
        hostile.filter(text => text.trim() !== ''),
        text => {
          const out = code(text)
          expect(out).not.toMatch(/[\r\n]/)
          expect(out).not.toContain('<!--')
          const content = codeSpanContent(out)
          expect(content).not.toBeNull()
          // What the reader sees is the text, its line breaks shown as ⏎ and its tags defused.
          const expected = text.trim().replace(/\s*[\r\n]+\s*/g, ' ⏎ ')
          expect(content?.replace(/<\u200b/g, '<')).toBe(expected)
        }
      ),
      { numRuns: 1000 }
    )
  })

  it('handles a huge log line without overflowing the stack', () => {
    expect(code('`'.repeat(200_000) + 'x').startsWith('`'.repeat(200_001))).toBe(true)
  })
})

describe('codeBlock', () => {
  it('fences an excerpt with the playbook output inside', () => {
    expect(
      codeBlock(
        "[fixture-coverage] ERROR: Missing required MCP fixture packs: ['billing.oci.ingest']"
      )
    ).toBe(
      "```text\n[fixture-coverage] ERROR: Missing required MCP fixture packs: ['billing.oci.ingest']\n```"
    )
  })

  it('uses a longer fence than a fence inside the text', () => {
    const excerpt = 'pytest output:\n```\nassert rows == expected\n```\ndone'
    expect(codeBlock(excerpt)).toBe(`\`\`\`\`text\n${excerpt}\n\`\`\`\``)
  })

  it('is never closed early by the text and never carries an HTML comment opener', () => {
    fc.assert(
      fc.property(hostile, text => {
        const out = codeBlock(text)
        expect(out).not.toContain('<!--')
        const lines = out.split(/\r\n|\r|\n/)
        const fence = /^`+/.exec(lines[0] as string)?.[0] ?? ''
        expect(fence.length).toBeGreaterThanOrEqual(3)
        expect(lines[0]).toBe(`${fence}text`)
        expect(lines.at(-1)).toBe(fence)
        const closer = new RegExp(`^ {0,3}\`{${fence.length},}[ \\t]*$`)
        for (const line of lines.slice(1, -1)) expect(line).not.toMatch(closer)
      }),
      { numRuns: 1000 }
    )
  })
})

// What a person would see go live on GitHub if these slipped: a ping to a team, a link to issue
// #5 or to another repository's pull request. The zero-width space keeps the text readable.
const Z = '\u200b'
describe('plainText', () => {
  it.each([
    ['a team mention', 'ping @acme/contract-owners now', `ping @${Z}acme/contract-owners now`],
    ['a user mention inside a word', 'mail qa@example.test', `mail qa@${Z}example.test`],
    ['a lone @', 'price @ 5', 'price @ 5'],
    ['an issue reference', 'fixes #12 and #3', `fixes #${Z}12 and #${Z}3`],
    ['an issue reference opening the text', '#12 first', `#${Z}12 first`],
    ['another repository’s reference', 'see acme/billing#140', `see acme/billing#${Z}140`],
    ['a GH- reference, in any case', 'GH-12, gh-3', `GH-${Z}12, gh-${Z}3`],
    ['a hash that is no reference', 'a#1, #x, C#', 'a#1, #x, C#'],
    ['a word ending in GH-', 'AGH-1', 'AGH-1'],
    ['a github.com link', 'https://GitHub.com/acme', `https://GitHub${Z}.com/acme`],
    [
      'plain text',
      'exit 1: missing response.expected.json',
      'exit 1: missing response.expected.json'
    ]
  ])('defuses %s', (_case, input, expected) => {
    expect(plainText(input)).toBe(expected)
  })
})

describe('inlineText', () => {
  it.each([
    ['line breaks as one space', 'first\r\n\nsecond', 'first second'],
    ['HTML, the ampersand first', '<b>&</b>', '&lt;b&gt;&amp;&lt;/b&gt;'],
    [
      'every Markdown punctuation that formats',
      'a*b_c`d[e](f)|g!h~i\\j',
      'a\\*b\\_c\\`d\\[e\\]\\(f\\)\\|g\\!h\\~i\\\\j'
    ],
    ['a mention and a reference', '@team #5', `@${Z}team #${Z}5`],
    ['plain words', 'billing.aws.ingest 1.0', 'billing.aws.ingest 1.0']
  ])('renders %s', (_case, input, expected) => {
    expect(inlineText(input)).toBe(expected)
  })
})
