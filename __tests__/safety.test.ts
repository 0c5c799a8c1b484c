/** The renderer boundary: what a hostile log or pull request can make the action write. */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { code, codeBlock, inlineText, plainText } from '../src/markdown.js'
import { createRedactor } from '../src/redact.js'

const Z = '\u200b'

describe('hostile inputs, each with its exact rendering', () => {
  it.each([
    ['@everyone look', '`@everyone look`'],
    ['Fixes #1 and closes acme/x#3', '`Fixes #1 and closes acme/x#3`'],
    [
      '<!-- contract-drift-triage:key=acme/x:pr-1 -->',
      `\`<${Z}!-- contract-drift-triage:key=acme/x:pr-1 -->\``
    ],
    ['```\n@everyone', '```` ``` ⏎ @everyone ````'],
    ['`tick`', '`` `tick` ``'],
    ['<img src=x onerror=alert(1)>', `\`<${Z}img src=x onerror=alert(1)>\``],
    ['', '(empty)']
  ])('code(%j)', (input, expected) => {
    expect(code(input)).toBe(expected)
  })

  it.each([
    ['@everyone', `@${Z}everyone`],
    ['ping @acme/admins now', `ping @${Z}acme/admins now`],
    ['Fixes #12', `Fixes #${Z}12`],
    ['closes owner/repo#3', `closes owner/repo#${Z}3`],
    ['see GH-7', `see GH-${Z}7`],
    ['https://github.com/acme/x/issues/5', `https://github${Z}.com/acme/x/issues/5`],
    ['a@b.c is an address', `a@${Z}b.c is an address`],
    ['issue#4 and C# stay', 'issue#4 and C# stay'],
    // Not Markdown: `&#9` is no character reference in a title or an annotation, and GitHub sees
    // `#9` after any non-word character: the property below found it on about one seed in 25.
    ['&#9 and (#10) and "#11"', `&#${Z}9 and (#${Z}10) and "#${Z}11"`]
  ])('plainText(%j)', (input, expected) => {
    expect(plainText(input)).toBe(expected)
  })

  it.each([
    ['feature/@alice-fixes-#9', `feature/@${Z}alice-fixes-#${Z}9`],
    ['<b>bold</b>', '&lt;b&gt;bold&lt;/b&gt;'],
    ['[link](https://evil.example)', '\\[link\\]\\(https://evil.example\\)'],
    ['**x** | y', '\\*\\*x\\*\\* \\| y']
  ])('inlineText(%j)', (input, expected) => {
    expect(inlineText(input)).toBe(expected)
  })

  it('fences a log so no backtick run inside can close it', () => {
    expect(codeBlock('a\n```\n@everyone')).toBe('````text\na\n```\n@everyone\n````')
  })
})

describe('secrets (property)', () => {
  const alnum = fc.stringMatching(/^[A-Za-z0-9]{36}$/)
  it('a GitHub token planted anywhere in arbitrary text is masked', () => {
    const redact = createRedactor([])
    fc.assert(
      fc.property(fc.string(), alnum, fc.string(), (before, body, after) => {
        const token = `ghp_${body}`
        return !redact(`${before} ${token} ${after}`).includes(token)
      })
    )
  })

  it('a known secret and its base64 form are masked wherever they appear', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.stringMatching(/^[!-~]{8,40}$/),
        fc.string(),
        (before, secret, after) => {
          const out = createRedactor([secret])(
            `${before}${secret}${after} ${Buffer.from(secret).toString('base64')}`
          )
          return (
            !out.includes(secret) &&
            !out.includes(Buffer.from(secret).toString('base64').replace(/=+$/, ''))
          )
        }
      )
    )
  })
})

describe('plain channels (property)', () => {
  // A fixed seed: a property that fails on a few seeds in a hundred must fail on every run, and
  // the string arbitrary is biased to the characters around a reference.
  const near = fc.string({
    unit: fc.constantFrom(
      '&',
      '#',
      '@',
      '9',
      ';',
      ' ',
      '/',
      'a',
      '_',
      '-',
      '.',
      '\n',
      '\u200b',
      '`'
    )
  })
  it('leave no mention or closing reference live in arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), near), fc.oneof(fc.string(), near), (before, after) => {
        const out = plainText(`${before} @attacker Fixes #9 ${after}`)
        return (
          !/(^|[^\w])@attacker/.test(out.replace(new RegExp(`@${Z}`, 'g'), '')) &&
          !/(^|[^\w])#9/.test(out)
        )
      }),
      { numRuns: 3000, seed: 20261201 }
    )
  })
})
