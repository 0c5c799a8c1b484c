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

// Node compiling the script the command runs: every frame is Node's own.
const NODE_COMPILE = [
  '/repo/tools/syn.js:1',
  'function (',
  '^^^^^^^^',
  'SyntaxError: Function statements require a function name',
  '    at wrapSafe (node:internal/modules/cjs/loader:1464:18)',
  '    at Module._compile (node:internal/modules/cjs/loader:1495:20)',
  '    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)',
  '    at Module.load (node:internal/modules/cjs/loader:1266:32)',
  '    at Module._load (node:internal/modules/cjs/loader:1091:12)',
  '    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)',
  '    at node:internal/main/run_main_module:28:49',
  'Node.js v20.20.2'
]
const NODE_COMPILE_ESM = [
  'file:///repo/tools/syn.mjs:1',
  'function (',
  '^^^^^^^^',
  'SyntaxError: Function statements require a function name',
  '    at compileSourceTextModule (node:internal/modules/esm/utils:346:16)',
  '    at ModuleLoader.moduleStrategy (node:internal/modules/esm/translators:146:18)',
  '    at #translate (node:internal/modules/esm/loader:497:12)',
  '    at ModuleLoader.loadAndTranslate (node:internal/modules/esm/loader:544:27)',
  '    at async ModuleJob._link (node:internal/modules/esm/module_job:148:19)',
  'Node.js v20.20.2'
]
// The validator's own JSON.parse of a fixture, uncaught: its logic ran, about a checked file.
const NODE_RUNTIME_JSON = [
  '<anonymous_script>:1',
  '{"a": }',
  '      ^',
  'SyntaxError: Unexpected token \'}\', "{"a": }',
  '" is not valid JSON',
  '    at JSON.parse (<anonymous>)',
  '    at Object.<anonymous> (/repo/tools/check.js:2:16)',
  '    at Module._compile (node:internal/modules/cjs/loader:1521:14)',
  '    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)',
  '    at Module.load (node:internal/modules/cjs/loader:1266:32)',
  '    at Module._load (node:internal/modules/cjs/loader:1091:12)',
  '    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)',
  '    at node:internal/main/run_main_module:28:49',
  'Node.js v20.20.2'
]
// `require('../fixtures/a.json')` of a broken fixture: Node names the checked file.
const NODE_REQUIRE_JSON = [
  'node:internal/modules/cjs/loader:1644',
  '    throw err;',
  '    ^',
  'SyntaxError: /repo/test/fixtures/a.json: Unexpected token \'}\', "{"a": }',
  '" is not valid JSON',
  '    at parse (<anonymous>)',
  '    at Module._extensions..json (node:internal/modules/cjs/loader:1641:39)',
  '    at Module.load (node:internal/modules/cjs/loader:1266:32)',
  '    at Module._load (node:internal/modules/cjs/loader:1091:12)',
  '    at Module.require (node:internal/modules/cjs/loader:1289:19)',
  '    at require (node:internal/modules/helpers:182:18)',
  '    at Object.<anonymous> (/repo/tools/check.js:1:1)',
  'Node.js v20.20.2'
]
const BASH_USAGE = [
  'Usage:\tbash [GNU long option] [option] ...',
  '\tbash [GNU long option] [option] script-file ...',
  'GNU long options:',
  '\t--debug',
  '\t--version',
  'Shell options:',
  '\t-ilrsD or -c command or -O shopt_option\t\t(invocation only)',
  '\t-abefhkmnptuvxBCEHPT or -o option'
]
const PYTHON_USAGE = [
  'usage: /usr/bin/python3 [option] ... [-c cmd | -m mod | file | -] [arg] ...',
  "Try `python -h' for more information."
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
    [
      'Node compiling the script the command runs (CommonJS)',
      NODE_COMPILE,
      1,
      {
        outcome: 'broken',
        reason: 'SyntaxError: Function statements require a function name (/repo/tools/syn.js:1)'
      }
    ],
    [
      'Node compiling the script the command runs (ES module)',
      NODE_COMPILE_ESM,
      1,
      { outcome: 'broken', reason: /^SyntaxError: .* \(file:\/\/\/repo\/tools\/syn\.mjs:1\)$/ }
    ],
    [
      "Node compiling `node -e`'s code",
      [
        '[eval]:1',
        'function (',
        '^^^^^^^^',
        'SyntaxError: Function statements require a function name',
        '    at makeContextifyScript (node:internal/vm:185:14)',
        '    at node:internal/process/execution:107:22',
        '    at [eval]-wrapper:6:24',
        '    at runScript (node:internal/process/execution:101:62)',
        '    at evalScript (node:internal/process/execution:133:3)',
        '    at node:internal/main/eval_string:51:3',
        'Node.js v20.20.2'
      ],
      1,
      { outcome: 'broken', reason: /\(\[eval\]:1\)$/ }
    ],
    [
      'Node compiling a script in a folder with a space, its source line blank',
      [
        '/home/me/my repo/tools/syn.js:2',
        '^',
        'SyntaxError: Unexpected end of input',
        '    at wrapSafe (node:internal/modules/cjs/loader:1464:18)',
        '    at node:internal/main/run_main_module:28:49',
        'Node.js v20.20.2'
      ],
      1,
      { outcome: 'broken', reason: /\(\/home\/me\/my repo\/tools\/syn\.js:2\)$/ }
    ],
    [
      'bash refusing an option, then its usage',
      ['bash: --bogus-opt: invalid option', ...BASH_USAGE],
      2,
      { outcome: 'broken', reason: 'bash: --bogus-opt: invalid option' }
    ],
    [
      'bash -c without a command',
      ['bash: -c: option requires an argument'],
      2,
      { outcome: 'broken', reason: 'bash: -c: option requires an argument' }
    ],
    [
      'dash refusing an option',
      ['sh: 0: Illegal option -Z'],
      2,
      { outcome: 'broken', reason: 'sh: 0: Illegal option -Z' }
    ],
    [
      'node refusing an option (exit 9)',
      ['node: bad option: --bogus-flag'],
      9,
      { outcome: 'broken', reason: 'node: bad option: --bogus-flag' }
    ],
    [
      'node refusing NODE_OPTIONS (exit 9)',
      ['node: --bogus is not allowed in NODE_OPTIONS'],
      9,
      { outcome: 'broken', reason: 'node: --bogus is not allowed in NODE_OPTIONS' }
    ],
    [
      'python3 refusing an option, then its usage',
      ['Unknown option: -Z', ...PYTHON_USAGE],
      2,
      { outcome: 'broken', reason: 'python: Unknown option: -Z' }
    ],
    [
      'python3 -m with no such module',
      ['/usr/bin/python3: No module named no_such_module_zz'],
      1,
      { outcome: 'missing', reason: '/usr/bin/python3: No module named no_such_module_zz' }
    ],
    [
      'python3 -m with no such parent package',
      [
        "/usr/bin/python3: Error while finding module specification for 'nosuch.x' (ModuleNotFoundError: No module named 'nosuch')"
      ],
      1,
      { outcome: 'missing', reason: /Error while finding module specification/ }
    ],
    [
      'python3 given a directory without __main__',
      ["/usr/bin/python3: can't find '__main__' module in '/repo/tools'"],
      1,
      { outcome: 'broken', reason: /can't find '__main__' module/ }
    ],
    [
      'python3 -m given a package without __main__',
      [
        "/usr/bin/python3: No module named tools.__main__; 'tools' is a package and cannot be directly executed"
      ],
      1,
      { outcome: 'broken', reason: /is a package and cannot be directly executed/ }
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
    [
      "the validator's own uncaught JSON.parse of a fixture (a frame of its own)",
      NODE_RUNTIME_JSON,
      1,
      undefined
    ],
    ["Node's require of a broken JSON fixture", NODE_REQUIRE_JSON, 1, undefined],
    [
      'a SyntaxError the validator throws itself at module level',
      [
        '/repo/tools/check.js:3',
        '  throw new SyntaxError("fixture a.json: bad token")',
        '  ^',
        'SyntaxError: fixture a.json: bad token',
        '    at Object.<anonymous> (/repo/tools/check.js:3:9)',
        '    at Module._compile (node:internal/modules/cjs/loader:1521:14)',
        'Node.js v20.20.2'
      ],
      1,
      undefined
    ],
    ['a Node compile shape with another exit code', NODE_COMPILE, 2, undefined],
    ['node: bad option with another exit code', ['node: bad option: --x'], 1, undefined],
    [
      "a line that says bash's words after the usage ended",
      ['bash: --bogus-opt: invalid option', ...BASH_USAGE, '[check] done'],
      2,
      undefined
    ],
    ['Unknown option without the python usage', ['Unknown option: -Z'], 2, undefined],
    [
      'a validator quoting a module error in its own words',
      ['[check] ERROR: No module named yaml'],
      1,
      undefined
    ],
    [
      'No module named, from python, with exit 2',
      ['/usr/bin/python3: No module named x'],
      2,
      undefined
    ],
    [
      // Left to the line rules (and pinned in parse.test.ts): the validator's own CLI said it.
      'an argparse usage error (exit 2)',
      ['usage: check.py [-h]', 'check.py: error: unrecognized arguments: --strict'],
      2,
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
