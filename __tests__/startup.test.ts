import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { startupFailure } from '../src/parse/startup.js'

const NODE_CJS = [
  'node:internal/modules/cjs/loader:1210',
  '  throw err;',
  '  ^',
  "Error: Cannot find module './helper.cjs'",
  'Require stack:',
  '- /repo/scripts/check.cjs',
  '    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)',
  '    at Object.<anonymous> (/repo/scripts/check.cjs:1:1) {',
  "  code: 'MODULE_NOT_FOUND',",
  "  requireStack: [ '/repo/scripts/check.cjs' ]",
  '}',
  'Node.js v20.20.2'
]
const NODE_ENTRY = [
  'node:internal/modules/cjs/loader:1210',
  '  throw err;',
  '  ^',
  "Error: Cannot find module '/repo/scripts/nope.js'",
  '    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)',
  '    at node:internal/main/run_main_module:28:49 {',
  "  code: 'MODULE_NOT_FOUND',",
  '  requireStack: []',
  '}',
  'Node.js v20.20.2'
]
const NODE_ESM = [
  'node:internal/modules/esm/resolve:283',
  '    throw new ERR_MODULE_NOT_FOUND(',
  '          ^',
  "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/repo/lib.mjs' imported from /repo/check.mjs",
  '    at finalizeResolution (node:internal/modules/esm/resolve:283:11) {',
  "  code: 'ERR_MODULE_NOT_FOUND',",
  "  url: 'file:///repo/lib.mjs'",
  '}',
  'Node.js v20.20.2'
]

describe('startupFailure: a broken command by its start-up shape (SPEC §2)', () => {
  it.each<[string, string[], number, { outcome: string; reason: string | RegExp } | undefined]>([
    [
      'bash: unexpected token, with the offending line quoted after it',
      ["bash: -c: line 1: syntax error near unexpected token `('", "bash: -c: line 1: `echo ('"],
      2,
      { outcome: 'broken', reason: "bash: -c: line 1: syntax error near unexpected token `('" }
    ],
    [
      'bash: unexpected EOF after earlier output',
      ['[check] OK: first', 'bash: -c: line 1: unexpected EOF while looking for matching `"\''],
      2,
      { outcome: 'broken', reason: /unexpected EOF/ }
    ],
    [
      'dash: Syntax error',
      ['sh: 1: Syntax error: end of file unexpected (expecting ")")'],
      2,
      { outcome: 'broken', reason: /^sh: 1: Syntax error/ }
    ],
    [
      "python3: can't open file",
      [
        "/usr/bin/python3: can't open file '/repo/scripts/nope.py': [Errno 2] No such file or directory"
      ],
      2,
      { outcome: 'missing', reason: /can't open file/ }
    ],
    [
      'exit 127 with the shell saying so',
      ['bash: line 1: validate-contracts: command not found'],
      127,
      { outcome: 'missing', reason: 'bash: line 1: validate-contracts: command not found' }
    ],
    [
      'exit 126 with the shell saying so',
      ['bash: line 1: ./scripts/check.sh: Permission denied'],
      126,
      { outcome: 'missing', reason: /Permission denied/ }
    ],
    [
      'Python compiling the validator: SyntaxError',
      [
        '  File "/repo/scripts/check.py", line 2',
        '    def main(:',
        '             ^',
        'SyntaxError: invalid syntax'
      ],
      1,
      { outcome: 'broken', reason: 'SyntaxError: invalid syntax (/repo/scripts/check.py, line 2)' }
    ],
    [
      'Python compiling the validator: IndentationError, no caret',
      ['  File "check.py", line 3', '    y=2', 'IndentationError: unexpected indent'],
      1,
      { outcome: 'broken', reason: /^IndentationError: unexpected indent/ }
    ],
    [
      'Node: a module the validator requires',
      NODE_CJS,
      1,
      { outcome: 'broken', reason: "node: Cannot find module './helper.cjs'" }
    ],
    [
      'Node: the validator script itself',
      NODE_ENTRY,
      1,
      { outcome: 'missing', reason: "node: Cannot find module '/repo/scripts/nope.js'" }
    ],
    [
      'Node ESM: a module the validator imports',
      NODE_ESM,
      1,
      { outcome: 'broken', reason: /imported from/ }
    ],
    // What stays a finding or an ordinary failure.
    [
      "tsc's TS2307 (exit 2)",
      [
        "src/a.ts(1,20): error TS2307: Cannot find module './money' or its corresponding type declarations."
      ],
      2,
      undefined
    ],
    [
      "a tool's JSON SyntaxError about a checked file",
      ['test/fixtures/a.json: SyntaxError: Unexpected token } in JSON at position 12'],
      1,
      undefined
    ],
    [
      'an argparse usage error (exit 2)',
      ['usage: check.py [-h]', 'check.py: error: unrecognized arguments: --strict'],
      2,
      undefined
    ],
    [
      'a SyntaxError line with no compile location',
      ['SyntaxError: Unexpected token } in JSON at position 12'],
      1,
      undefined
    ],
    [
      'a SyntaxError inside a traceback (judged with the traceback)',
      [
        'Traceback (most recent call last):',
        '  File "check.py", line 9, in main',
        '    ast.parse(text)',
        '  File "<unknown>", line 1',
        '    def (',
        'SyntaxError: invalid syntax'
      ],
      1,
      undefined
    ],
    [
      'the shell complaint with another exit code',
      ["bash: -c: line 1: syntax error near unexpected token `('"],
      1,
      undefined
    ],
    [
      'Cannot find module without the code line',
      ["Error: Cannot find module 'x'", 'Node.js v20.20.2'],
      1,
      undefined
    ],
    [
      "can't open file after exit 1",
      ["python3: can't open file 'x.py': [Errno 2] No such file or directory"],
      1,
      undefined
    ],
    ['nothing printed', [], 2, undefined]
  ])('%s', (_case, tail, exitCode, expected) => {
    const found = startupFailure(tail, exitCode)
    if (expected === undefined) return expect(found).toBeUndefined()
    expect(found?.outcome).toBe(expected.outcome)
    if (typeof expected.reason === 'string') expect(found?.reason).toBe(expected.reason)
    else expect(found?.reason).toMatch(expected.reason)
  })

  it('never throws, and a stream that ends in a finding is never a broken command', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(
        "bash: -c: line 1: syntax error near unexpected token `('",
        '  File "x.py", line 2',
        'SyntaxError: invalid syntax',
        "Error: Cannot find module 'x'",
        "  code: 'MODULE_NOT_FOUND',",
        'Node.js v20.0.0'
      )
    )
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 40 }),
        fc.constantFrom(0, 1, 2, 100, 126, 127, null),
        fc.constantFrom(
          "[fixture-coverage] ERROR: MCP pack 'a' version '1' missing required file: notes.md",
          "src/a.ts(3,1): error TS2307: Cannot find module 'x'."
        ),
        (tail, exit, finding) => {
          startupFailure(tail, exit)
          expect(startupFailure([...tail, finding], exit)).toBeUndefined()
        }
      ),
      { numRuns: 300 }
    )
  })
})
