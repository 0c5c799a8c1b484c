import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  DEFAULT_VALIDATORS,
  parseInputs,
  validatorCommands,
  workingDirectoryIn,
  type InputName
} from '../src/inputs.js'

const parse = (given: Partial<Record<InputName, string>> = {}) =>
  parseInputs(name => given[name] ?? '')

describe('parseInputs', () => {
  it('applies the SPEC defaults when every input is empty', () => {
    expect(parse()).toMatchObject({
      validators: [],
      reports: [],
      bundles: [],
      mode: 'issue',
      'fail-on': 'drift',
      'incident-repository': '',
      'incident-key': '',
      'issue-author': 'github-actions[bot]',
      'validator-timeout': 600,
      'close-on-green': false,
      'require-close-notes': false,
      'allow-untrusted-code': false,
      'digest-window': 30,
      'digest-issue': false
    })
    expect(DEFAULT_VALIDATORS).toEqual([
      'python3 scripts/validate-fixture-coverage.py',
      'python3 scripts/validate-legacy-alias-parity.py'
    ])
  })

  it('splits validators on newlines, ignoring blank lines and # comments', () => {
    const inputs = parse({
      validators:
        '\n# the playbook checks\npython3 scripts/a.py\r\n\n   \n  python3 scripts/b.py --strict  \n  # python3 scripts/c.py\n'
    })
    expect(inputs.validators).toEqual(['python3 scripts/a.py', 'python3 scripts/b.py --strict'])
  })

  it.each([
    [
      'an indented continuation',
      'python3 scripts/a.py \\\n    --strict',
      ['python3 scripts/a.py --strict']
    ],
    [
      'CRLF line ends',
      'buf breaking \\\r\n  --against main\r\nnpx jest',
      ['buf breaking --against main', 'npx jest']
    ],
    ['several continuations', 'a \\\n b \\\n c\nd', ['a b c', 'd']],
    ['a backslash inside a word joins the word', 'echo foo\\\nbar', ['echo foobar']],
    ['an escaped backslash ends the line', 'echo a \\\\\necho b', ['echo a \\\\', 'echo b']],
    ['a continuation into a blank line ends there', 'echo a \\\n\necho b', ['echo a', 'echo b']],
    ['a trailing backslash on the last line', 'echo a \\', ['echo a']],
    ['a comment line after a continuation belongs to the command', 'echo a \\\n# b', ['echo a # b']]
  ])(
    'continues a validator line ending in \\, as a run: block does: %s',
    (_case, input, commands) => {
      expect(validatorCommands(input)).toEqual(commands)
    }
  )

  it('reads any command split over continued lines as the command on one line', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_./=-]{1,12}$/)
    fc.assert(
      fc.property(
        fc.array(token, { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        (tokens, breaks, eol) => {
          const text = tokens
            .map((word, i) =>
              i > 0 && breaks[i] ? ` \\${eol}    ${word}` : i > 0 ? ` ${word}` : word
            )
            .join('')
          expect(validatorCommands(text)).toEqual([tokens.join(' ')])
        }
      )
    )
  })

  it('runs no validator when the input is set to blank (a reports-only run)', () => {
    expect(parse({ validators: '  \n  ' }).validators).toEqual([])
  })

  it("gets the playbook's two commands as its default from action.yml", () => {
    const action = parseYaml(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
      inputs: Record<string, { default?: string }>
    }
    expect(parse({ validators: action.inputs.validators?.default }).validators).toEqual(
      DEFAULT_VALIDATORS
    )
  })

  it('splits reports and bundles the same way', () => {
    const inputs = parse({
      reports: 'out/*.xml\n\n# skip\nout/*.txt',
      bundles: 'bundles/**/*.json\n'
    })
    expect(inputs.reports).toEqual(['out/*.xml', 'out/*.txt'])
    expect(inputs.bundles).toEqual(['bundles/**/*.json'])
  })

  it.each(['issue', 'report', 'collect', 'publish'])('accepts mode %s', mode => {
    expect(parse({ mode }).mode).toBe(mode)
  })

  it.each(['drift', 'error', 'never'])('accepts fail-on %s', failOn => {
    expect(parse({ 'fail-on': failOn })['fail-on']).toBe(failOn)
  })

  it('rejects an unknown mode listing the valid values', () => {
    expect(() => parse({ mode: 'dry-run' })).toThrow(
      "Invalid mode 'dry-run'. Expected one of: issue, report, collect, publish, digest."
    )
  })

  it('rejects an unknown fail-on listing the valid values', () => {
    expect(() => parse({ 'fail-on': 'always' })).toThrow(
      "Invalid fail-on 'always'. Expected one of: drift, error, never."
    )
  })

  it.each([
    ['30', 30],
    [' 120 ', 120],
    ['1.5', 1.5]
  ])('accepts validator-timeout %j', (value, seconds) => {
    expect(parse({ 'validator-timeout': value })['validator-timeout']).toBe(seconds)
  })

  it.each(['0', '-5', 'ten', '10s', 'Infinity', '3000000'])(
    'rejects validator-timeout %j, quoting what was given',
    value => {
      expect(() => parse({ 'validator-timeout': value })).toThrow(
        `Invalid validator-timeout '${value}'. Expected a positive number of seconds, at most 2147483.`
      )
    }
  )

  it.each(['acme/contracts', 'my-org/repo.name', ' acme/x '])(
    'accepts incident-repository %j',
    value => {
      expect(parse({ 'incident-repository': value })['incident-repository']).toBe(value.trim())
    }
  )

  it.each(['acme', 'acme/contracts/extra', 'https://github.com/acme/contracts', 'acme/'])(
    'rejects incident-repository %j asking for owner/repo',
    value => {
      expect(() => parse({ 'incident-repository': value })).toThrow(
        /Invalid incident-repository.*\{owner\}\/\{repo\}/
      )
    }
  )

  it.each([
    ['', []],
    ['acme/contracts', ['acme/contracts']],
    ['acme/contracts, acme/petstore', ['acme/contracts', 'acme/petstore']],
    ['acme/contracts\n  acme/petstore\n\nacme/contracts\n', ['acme/contracts', 'acme/petstore']]
  ])('reads bundle-repositories %j one a line or comma-separated', (value, expected) => {
    expect(parse({ 'bundle-repositories': value })['bundle-repositories']).toEqual(expected)
  })

  it.each([
    ['acme', "'acme'"],
    ['acme/contracts, https://github.com/acme/petstore', "'https://github.com/acme/petstore'"],
    ['acme/x/y\nacme/', "'acme/x/y', 'acme/'"]
  ])('rejects bundle-repositories %j, naming each bad entry', (value, named) => {
    expect(() => parse({ 'bundle-repositories': value })).toThrow(
      `Invalid bundle-repositories ${named}. Expected {owner}/{repo}, one a line or comma-separated.`
    )
  })

  it.each([
    ['true', true],
    ['false', false],
    ['True', true],
    ['FALSE', false]
  ])('accepts boolean %j', (value, expected) => {
    const inputs = parse({
      'close-on-green': value,
      'require-close-notes': value,
      'allow-untrusted-code': value
    })
    expect(inputs['close-on-green']).toBe(expected)
    expect(inputs['require-close-notes']).toBe(expected)
    expect(inputs['allow-untrusted-code']).toBe(expected)
  })

  it.each(['yes', '1', 'on', 'no'])('rejects boolean %j', value => {
    expect(() => parse({ 'close-on-green': value })).toThrow(
      `Invalid close-on-green '${value}'. Expected true or false.`
    )
    expect(() => parse({ 'allow-untrusted-code': value })).toThrow(/Invalid allow-untrusted-code/)
  })

  it('accepts mode digest with its window and issue switch', () => {
    expect(parse({ mode: 'digest', 'digest-window': '7', 'digest-issue': 'true' })).toMatchObject({
      mode: 'digest',
      'digest-window': 7,
      'digest-issue': true
    })
  })

  it.each(['0', '-3', '1.5', 'a week', '367'])(
    'rejects digest-window %j, naming the range',
    value => {
      expect(() => parse({ 'digest-window': value })).toThrow(
        `Invalid digest-window '${value}'. Expected a whole number of days from 1 to 366.`
      )
    }
  )

  it('reports every invalid input at once', () => {
    expect(() => parse({ mode: 'x', 'fail-on': 'y' })).toThrow(/Invalid mode[\s\S]*Invalid fail-on/)
  })

  it('rejects an incident-key that cannot be part of the key', () => {
    expect(parse({ 'incident-key': 'packages/billing' })['incident-key']).toBe('packages/billing')
    expect(() => parse({ 'incident-key': 'a key with spaces' })).toThrow(/incident-key/)
  })

  it('takes a job-key as one line (a matrix as JSON spans lines), at most 500 characters', () => {
    expect(parse()['job-key']).toBe('')
    expect(parse({ 'job-key': 'contracts-{\n  "node": 20,\n  "os": "linux"\n}' })['job-key']).toBe(
      'contracts-{ "node": 20, "os": "linux" }'
    )
    expect(() => parse({ 'job-key': 'x'.repeat(501) })).toThrow(/Invalid job-key/)
  })

  it('keeps an explicit issue-author', () => {
    expect(parse({ 'issue-author': 'triage-bot[bot]' })['issue-author']).toBe('triage-bot[bot]')
  })
})

describe('workingDirectoryIn', () => {
  // A workspace with a package, a file, a symlink inside it and one escaping it; reached through
  // a symlink too, as macOS's /tmp is.
  const real = mkdtempSync(join(tmpdir(), 'cdt-workspace-'))
  mkdirSync(join(real, 'packages/billing'), { recursive: true })
  writeFileSync(join(real, 'README.md'), '# x\n')
  symlinkSync(join(real, 'packages'), join(real, 'pkgs'))
  symlinkSync(dirname(real), join(real, 'escape'))
  const workspace = join(dirname(real), `${basename(real)}-link`)
  symlinkSync(real, workspace)

  it.each([
    ['', workspace],
    ['.', workspace],
    ['packages/billing', join(workspace, 'packages/billing')],
    ['./packages/../packages/billing/', join(workspace, 'packages/billing')],
    ['pkgs/billing', join(workspace, 'pkgs/billing')],
    [join(workspace, 'packages'), join(workspace, 'packages')]
  ])('accepts %j inside the workspace', (value, path) => {
    expect(workingDirectoryIn(workspace, value)).toBe(path)
  })

  it.each([
    ['/etc'],
    ['../'],
    ['..'],
    ['packages/../..'],
    [`../${basename(real)}-link-not`],
    ['escape']
  ])('refuses %j: it must lie inside the workspace', value => {
    expect(() => workingDirectoryIn(workspace, value)).toThrow(
      `Invalid working-directory '${value}': it must lie inside the workspace (${workspace}).`
    )
  })

  it.each([['missing'], ['README.md'], ['escape/no-such-dir']])(
    'refuses %j: not a directory',
    value => {
      expect(() => workingDirectoryIn(workspace, value)).toThrow(
        `Invalid working-directory '${value}': ${join(workspace, value)} is not a directory.`
      )
    }
  )
})
