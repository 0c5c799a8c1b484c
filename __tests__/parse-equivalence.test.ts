import { beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadJsonFindings, OutputCollector, type ParseOptions } from '../src/parse/index.js'
import * as before from './support/parse-before/index.js'

// The contract tools' parsers were made faster (issue 15: ≥ 200 MB/s) without changing a single
// answer: the parser as it was before, kept in support/parse-before, must read every output,
// fixture or random, exactly as today's does — findings kept, their order, counts, notes,
// outcome and excerpt — however the output is chunked and wherever the cap of findings kept
// falls (past it, a finding is only counted, and counting must not cut corners).

beforeAll(async () => {
  await loadJsonFindings()
  await before.loadJsonFindings()
})

const tools = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'tools')

interface Output {
  command: string
  stdout: Uint8Array
  stderr?: Uint8Array
  exitCode: number | null
}

/**
 * Both parsers on the same output, cut at the same places, with at most `cap` findings kept;
 * stdout's pieces then stderr's, or (`interleaved`) one of each in turn.
 */
function both(
  output: Output,
  cap: number,
  cuts: readonly number[] = [],
  layout: Layout = LAYOUTS[0] as Layout,
  interleaved = false
) {
  const options: ParseOptions = {
    workspace: layout.workspace,
    checks: {},
    runtimeTags: [],
    maxFindings: cap,
    excerptChars: 400,
    repoFiles: () => layout.files,
    readFile: path => (layout.files.includes(path) ? `{\n  "tags": [\n    1\n  ]\n}\n` : undefined)
  }
  const run = (Collector: typeof OutputCollector | typeof before.OutputCollector) => {
    const collector = new Collector(output.command, options)
    const pieces = (bytes: Uint8Array) => {
      const at = [0, ...cuts.filter(cut => cut > 0 && cut < bytes.length).sort((a, b) => a - b)]
      return at.map((from, i) => bytes.subarray(from, at[i + 1] ?? bytes.length))
    }
    const out = pieces(output.stdout)
    const err = pieces(output.stderr ?? new Uint8Array())
    if (interleaved)
      for (let i = 0; i < Math.max(out.length, err.length); i++) {
        if (out[i]) collector.write(out[i] as Uint8Array)
        if (err[i]) collector.writeStderr(err[i] as Uint8Array)
      }
    else {
      for (const piece of out) collector.write(piece)
      for (const piece of err) collector.writeStderr(piece)
    }
    return collector.finish(output.exitCode, 0)
  }
  return { now: run(OutputCollector), was: run(before.OutputCollector) }
}

interface Layout {
  workspace: string
  files: string[]
}

// Two layouts: the tools' folders at the root, and a monorepo package beside the field's fixtures.
const LAYOUTS: Layout[] = [
  {
    workspace: '/home/runner/work/pets/pets',
    files: ['proto/acme/v1/pet.proto', 'api/openapi.yaml', 'fixtures/pet.json', 'schema.graphql']
  },
  {
    workspace: '/home/runner/work/platform/platform',
    files: [
      'services/pets/api/openapi.yaml',
      'tests/contracts/fixtures/mcp/billing.aws.ingest/1.0/response.expected.json'
    ]
  }
]

const COMMANDS = [
  'spectral lint api/openapi.yaml -f sarif',
  'buf breaking --against .git#branch=main',
  'buf breaking --against .git#branch=main --error-format=json',
  'spectral lint api/openapi.yaml -f json',
  'check-jsonschema --schemafile schema/pet.schema.json -o json fixtures/*.json',
  "ajv validate -s schema/pet.schema.json -d 'fixtures/*.json' --errors=json",
  'graphql-inspector diff git:origin/main:schema.graphql schema.graphql',
  'pact_verifier_cli --file pacts/pet-web-pet-api.json --port 8080',
  'redocly lint api/openapi.yaml --format json',
  'python3 scripts/validate-fixture-coverage.py'
]

function files(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

describe('the faster parsers read the captured tool outputs as before', () => {
  const captured = files(tools).filter(path => /\.(txt|json|jsonl|sarif|stdout|stderr)$/.test(path))
  it.each(captured.map(path => [path.slice(tools.length + 1)]))('%s', name => {
    const bytes = readFileSync(join(tools, name))
    for (const command of COMMANDS)
      for (const cap of [0, 1, 2, 1000])
        for (const stream of ['stdout', 'stderr'] as const) {
          const output =
            stream === 'stdout'
              ? { command, stdout: bytes, exitCode: 1 }
              : { command, stdout: new Uint8Array(), stderr: bytes, exitCode: 1 }
          const { now, was } = both(output, cap, [1, 7, 100, 333])
          expect(now).toEqual(was)
        }
  })
})

// Pieces of the tools' outputs, whole and broken, from which random outputs are made.
// Values JSON.parse takes, and a few it refuses (a document holding one is broken).
const VALID = [
  '"error"',
  '"warning"',
  '"note"',
  '""',
  '"err\\u006fr"',
  '"x\\"y"',
  '"é"',
  '0',
  '-0',
  '0.0',
  '1e-400',
  '1',
  '-1',
  '"0"',
  'true',
  'false',
  'null',
  '[]',
  '{}',
  '{"start":{"line":3}}',
  '[1,2]',
  '"\\u00e9"',
  '"\\\\"'
]
const INVALID = ['01', '-', '1.', '"\\x"', 'tru', '"a\tb"', '"a\\u12"', '+1', "'a'"]
const KEYS = [
  'level',
  'message',
  'filename',
  'severity',
  'code',
  'range',
  'start_line',
  'type',
  'ruleId',
  'path',
  'kind',
  'source',
  'le\\u0076el',
  'tag',
  'file',
  'line',
  '__proto__',
  'runtime'
]
const scalar = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...VALID) },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID) }
)
const member = fc.tuple(fc.constantFrom(...KEYS), scalar)
const randomObject = fc
  .array(member, { maxLength: 6 })
  .map(members => `{${members.map(([key, value]) => `"${key}": ${value}`).join(', ')}}`)

// Each tool's problem object, its deciding members present or not, right or wrong, in any order
// and sometimes twice, with a stray member of any kind.
const SHAPES: Record<string, Record<string, string[]>> = {
  sarif: {
    level: ['"error"', '"warning"', '"note"', '"err\\u006fr"', '""', '1', 'null'],
    kind: ['"fail"', '"pass"', '""'],
    ruleId: ['"operation-tags"'],
    message: ['{"text": "Operation must have tags"}', '{"markdown": "m"}', '"m"'],
    locations: [
      '[{"physicalLocation": {"artifactLocation": {"uri": "api/openapi.yaml"}, "region": {"startLine": 3}}}]'
    ]
  },
  checkJsonschema: {
    filename: ['"fixtures/pet.json"', '""', '1', '"\\u0066ixtures/pet.json"'],
    path: ['"$.tags[0]"', '"$"'],
    message: ['"1 is not of type \'string\'"', '""', 'null', '"\\n"']
  },
  spectral: {
    code: ['"operation-tags"', 'null'],
    range: ['{"start": {"line": 2, "character": 8}}', '{}', '0'],
    message: ['"Operation must have tags"', '""', '7'],
    severity: ['0', '1', '-1', '-0', '0.0', '0e5', '1e-400', '"0"', 'null', '2'],
    source: ['"/home/runner/work/pets/pets/api/openapi.yaml"', '"api/openapi.yaml"']
  },
  buf: {
    path: ['"proto/acme/v1/pet.proto"'],
    start_line: ['3', '0', '"3"'],
    type: ['"FIELD_SAME_TYPE"', '""'],
    message: ['"Field \\"2\\" changed type."', '""', 'false']
  },
  redocly: {
    ruleId: ['"operation-2xx-response"'],
    severity: ['"error"', '"warn"', '"err\\u006fr"', '0'],
    message: ['"Operation must have a 2xx response."', '""'],
    location: ['[{"source": {"ref": "api/openapi.yaml"}, "pointer": "#/paths/~1pets/get"}]']
  },
  ours: {
    tag: ['"fixture-coverage"'],
    message: ['"pack missing"', '""'],
    file: ['"fixtures/pet.json"'],
    line: ['3', '"x"'],
    severity: ['"error"', '"warning"', '"bogus"']
  }
}
const shaped = (shape: Record<string, string[]>) =>
  fc
    .tuple(
      fc.tuple(
        ...Object.entries(shape).map(([key, values]) =>
          fc
            .option(
              fc.oneof(
                { weight: 8, arbitrary: fc.constantFrom(...values) },
                { weight: 1, arbitrary: scalar }
              ),
              { freq: 6 }
            )
            .map(value => (value === null ? [] : [[key, value] as const]))
        )
      ),
      fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, fc.array(member, { maxLength: 2 }))
    )
    .chain(([own, extra]) =>
      fc.shuffledSubarray([...own.flat(), ...extra], {
        minLength: own.flat().length + extra.length
      })
    )
    .map(members => `{${members.map(([key, value]) => `"${key}": ${value}`).join(', ')}}`)
const elementOf = (shape: Record<string, string[]>) =>
  fc.oneof(
    { weight: 30, arbitrary: shaped(shape) },
    { weight: 1, arbitrary: randomObject },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '7',
        '"x"',
        '{',
        '}',
        '{"a":[}',
        '{"a": 1,}',
        '{"a" 1}',
        '{"a":1}}'
      )
    }
  )
const separator = fc.constantFrom(',\n', ', ', ',', '\n', ',\n\n', ' , ', ',\n\t')
const elements = (shape: Record<string, string[]>) =>
  fc
    .array(fc.tuple(elementOf(shape), separator), { maxLength: 12 })
    .map(list =>
      list.map(([value, sep], i) => (i === list.length - 1 ? value : value + sep)).join('')
    )
const jsonDocument = fc.oneof(
  elements(SHAPES.sarif as Record<string, string[]>).map(
    body =>
      `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [\n${body}\n]}]}\n`
  ),
  elements(SHAPES.spectral as Record<string, string[]>).map(body => `[\n${body}\n]\n`),
  elements(SHAPES.checkJsonschema as Record<string, string[]>).map(
    body => `{"status": "fail", "errors": [${body}], "parse_errors": [${body}]}\n`
  ),
  elements(SHAPES.redocly as Record<string, string[]>).map(
    body => `{"totals": {"errors": 1}, "problems": [\n${body}\n]}\n`
  ),
  elements(SHAPES.ours as Record<string, string[]>).map(body => `{"findings": [${body}]}\n`),
  fc
    .array(elementOf(SHAPES.buf as Record<string, string[]>), { minLength: 1, maxLength: 10 })
    .map(lines => `${lines.join('\n')}\n`)
)
const TEXT_LINES = [
  'proto/acme/v1/pet.proto:12:3:Field "2" with name "name" on message "Pet" changed type.',
  'api/openapi.yaml:4:9 error operation-tags Operation must have tags',
  'src/pet.ts(3,7): error TS2322: Type is not assignable.',
  'src/pet.ts:3:7 - warning TS6133: unused',
  'fixtures/pet.json invalid',
  'fixtures/pet-ok.json valid',
  // Cleaning removes the bell: ajv's verdict, though its bytes do not end in `invalid`.
  '[x]/pet.json invalid\u0007',
  '[',
  '  {',
  '    "instancePath": "/tags/0",',
  '    "message": "must be string"',
  '    "message": "doit \u00eatre une cha\u00eene"',
  '  },\u001b[0m',
  '  },',
  '  }',
  ']',
  '[{"instancePath":"/name","message":"must be string"}]',
  'fixtures/pet.json data/tags/0 must be string',
  '[log] \u2716  Field Query.pets changed type from [Pet!]! to [Pet]',
  // U+2028 ends what a regex's `.` matches, and an escape sequence can swallow it.
  '[log] \u2716  Field Query.pets changed\u2028',
  'proto/acme/v1/pet.proto:12:3:Field\u2029 "2"',
  'proto/acme/v1/pet.proto:12:3:\u001b]0;\u2028',
  '\u2716  Argument limit: Int added to field Query.pets',
  '[log] \u2714  Field Query.added was added to object type Query',
  'No changes detected',
  'Verifying a pact between pet-web and pet-api',
  '  [Using File pacts/pet-web-pet-api.json]',
  'Failures:',
  '1) Verifying a pact between pet-web and pet-api Given there are pets - a request for pets',
  '    1.1) has a matching body',
  '           $[0].name -> Expected a String',
  "[fixture-coverage] ERROR: MCP pack 'billing.aws.ingest' version '1.0' missing required file: x",
  '[docs-links] ERROR: Broken local markdown links detected:',
  '- docs/a.md:1 -> ./b.md',
  '[legacy-alias-parity] OK: 3 rows match',
  'Traceback (most recent call last):',
  '  File "scripts/x.py", line 3, in <module>',
  'ValueError: boom',
  '::error file=api/openapi.yaml,line=3::bad',
  '\u001b[31merror\u001b[0m: something',
  '2025-11-27T09:12:30Z building image 3 of the module set',
  '',
  '   '
]
const textOutput = fc
  .array(fc.constantFrom(...TEXT_LINES), { maxLength: 40 })
  .chain(lines =>
    fc.constantFrom('\n', '\r\n').map(end => lines.join(end) + (lines.length ? end : ''))
  )

const utf8 = (text: string) => new TextEncoder().encode(text)
const cuts = fc.array(fc.nat({ max: 4000 }), { maxLength: 6 })

// Past the cap ajv's error list is counted from its lines' bytes (skim): each line that is not
// plain ASCII, or that another line rule could read, must still be read as text, as before.
describe("ajv's error list past the cap reads as before", () => {
  const AJV = "ajv validate -s schema/pet.schema.json -d 'fixtures/*.json' --errors=json"
  it.each([
    ['an ANSI reset after a closing brace', '  },\u001b[0m'],
    ['a colour before a closing brace', '\u001b[2m  },'],
    ['a message that is not ASCII', '    "message": "doit \u00eatre une cha\u00eene"'],
    ['a tab', '\t"keyword": "type",'],
    ['a blank line', '   '],
    ['a field line', '[fixture-coverage] ERROR: pack missing'],
    ['a field header', '[docs-links] ERROR: Broken links:'],
    ['No changes detected', 'No changes detected'],
    ['a traceback', 'Traceback (most recent call last):'],
    ['a closing bracket and a valid file', ']\nfixtures/b.json valid']
  ])('%s', (_case, odd) => {
    const element = ['  {', '    "instancePath": "/tags/0",', '    "message": "must be string"']
    const list = [0, 1, 2, 3].flatMap(i => [...element, ...(i === 1 ? [odd] : []), '  },'])
    const stderr = [
      'fixtures/a.json invalid',
      '[',
      ...list,
      ']',
      'fixtures/c.json invalid',
      '[',
      ...list,
      ']',
      ''
    ]
    for (const cap of [0, 1, 5]) {
      const { now, was } = both(
        { command: AJV, stdout: new Uint8Array(), stderr: utf8(stderr.join('\n')), exitCode: 1 },
        cap
      )
      expect(now).toEqual(was)
    }
  })
})

// Past the cap ajv reads the verdicts and the `[` between two lists from their bytes too
// (skimGreedyLines): a line that only looks like one, or that a line rule tried before ajv's
// reads, must still be read as text, wherever it falls between two lists.
describe("ajv's verdicts between its lists past the cap read as before", () => {
  const AJV = "ajv validate -s schema/pet.schema.json -d 'fixtures/*.json' --errors=json"
  const element = [
    '  {',
    '    "instancePath": "/tags/0",',
    '    "schemaPath": "#/properties/tags/items/type",',
    '    "message": "must be string"',
    '  },'
  ]
  const invalid = (name: string, errors: number) => [
    `fixtures/${name}.json invalid`,
    '[',
    ...Array.from({ length: errors }, () => element).flat(),
    ']'
  ]
  // Enough lists to be past the excerpt's head (400 characters) and the cap before the odd line.
  const before = ['a', 'b', 'c'].flatMap(name => invalid(name, 2))
  const ODD = [
    ['a bell after a verdict', 'fixtures/x.json invalid\u0007'],
    ['a blank after a verdict', 'fixtures/x.json valid '],
    ['a blank before a verdict', ' fixtures/x.json invalid'],
    ['two blanks in a verdict', 'fixtures/x.json  invalid'],
    ['a name with neither / nor .', 'pet invalid'],
    ['a name that is / alone', '/ valid'],
    ['a name that is . alone', '. invalid'],
    ['a verdict alone', 'valid'],
    ['another word', 'fixtures/x.json Valid'],
    ['a word after the verdict', 'fixtures/x.json invalid now'],
    ['a name in brackets', '[x]/pet.json invalid'],
    ['a workflow command', '::error::fixtures/x.json invalid'],
    ['a workflow warning', '::warning::fixtures/x.json invalid'],
    ['a name that is not ASCII', 'fixtures/p\u00e9t.json invalid'],
    ['a tab in a verdict', 'fixtures/x.json\tinvalid'],
    ['a carriage return', 'fixtures/x.json invalid\r'],
    ['errors on one line', '[{"instancePath":"/name","message":"must be string"}]'],
    ['an error as text', 'fixtures/x.json data/tags/0 must be string'],
    ['a blank line', ''],
    ['a line of blanks', '   '],
    ['an opening bracket', '['],
    ['an opening bracket and a blank', '[ '],
    ['a closing bracket', ']'],
    ['an empty list', '[]'],
    ['a field line', '[fixture-coverage] ERROR: pack missing'],
    ['a field header and its item', '[docs-links] ERROR: Broken links:\n- docs/a.md:1 -> ./b.md'],
    ['a compiler line', 'proto/acme/v1/pet.proto:12:3:Field "2" changed type.'],
    ['No changes detected', 'No changes detected'],
    ['a traceback', 'Traceback (most recent call last):'],
    ['a valid verdict', 'fixtures/x.json valid'],
    ['an invalid verdict without its errors', 'fixtures/x.json invalid'],
    ['a path with both', './fixtures/v1.2/x.json invalid']
  ]
  // Where the odd line goes: after a list, after `valid`, between `invalid` and its `[`, last.
  const outputs = (odd: string) => [
    [...before, odd, 'fixtures/d.json valid', ...invalid('e', 1)],
    [...before, 'fixtures/d.json valid', odd, ...invalid('e', 1)],
    [...before, 'fixtures/e.json invalid', odd, '[', ...element, ']', ...invalid('f', 1)],
    [...before, 'fixtures/e.json invalid', odd, 'fixtures/f.json invalid', ...invalid('g', 1)],
    [...before, ...invalid('e', 1), odd]
  ]
  it.each(ODD)('%s', (_case, odd) => {
    for (const lines of outputs(odd))
      for (const layout of LAYOUTS)
        for (const cap of [0, 7]) {
          const bytes = utf8(`${lines.join('\n')}\n`)
          const stdout = both({ command: AJV, stdout: bytes, exitCode: 1 }, cap, [], layout)
          expect(stdout.now).toEqual(stdout.was)
          const stderr = both(
            { command: AJV, stdout: new Uint8Array(), stderr: bytes, exitCode: 1 },
            cap,
            [1, 333, 700, bytes.length - 40],
            layout
          )
          expect(stderr.now).toEqual(stderr.was)
        }
  })

  it('random runs of files, valid, invalid with or without errors, and odd lines', () => {
    const file = fc.oneof(
      fc.nat({ max: 3 }).map(errors => invalid('x', errors)),
      fc.constant(['fixtures/x.json valid']),
      fc.constant(['fixtures/x.json invalid']),
      { weight: 1, arbitrary: fc.constantFrom(...ODD.map(([, odd]) => [odd as string])) }
    )
    fc.assert(
      fc.property(
        fc.array(file, { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n', '\n', '\n'),
        fc.nat({ max: 8 }),
        cuts,
        fc.boolean(),
        fc.constantFrom(0, 1),
        (files, end, cap, at, onStderr, layout) => {
          const lines = [...before, ...files.flat()]
          const bytes = utf8(lines.join(end) + end)
          const output = onStderr
            ? { command: AJV, stdout: new Uint8Array(), stderr: bytes, exitCode: 1 }
            : { command: AJV, stdout: bytes, exitCode: 1 }
          const { now, was } = both(output, cap, at, LAYOUTS[layout])
          expect(now).toEqual(was)
        }
      ),
      { numRuns: 200 }
    )
  })
})

// Past the excerpt's head a JSON document's lines are read at once (only a traceback's first
// line is read on its own): every line that may start one must still be read.
describe("a JSON document's lines past the excerpt's head read as before", () => {
  const SPECTRAL = 'spectral lint api/openapi.yaml -f json'
  const problem = (i: number) =>
    `\t{\n\t\t"code": "operation-tags",\n\t\t"message": "Operation ${i} has no tags.",\n\t\t"severity": ${i % 3 ? 1 : 0},\n\t\t"range": { "start": { "line": ${i} } }\n\t}`
  const document = `[\n${Array.from({ length: 40 }, (_, i) => problem(i)).join(',\n')}\n]\n`
  const traceback =
    'Traceback (most recent call last):\n  File "/usr/bin/spectral", line 8, in <module>\nValueError: boom\n'
  it.each([
    ['a traceback after it', `${document}${traceback}`],
    ['a traceback after a control byte', `${document}\u0001${traceback}`],
    ['a line starting with T that is not one', `${document}True\n${traceback}`],
    ['a traceback after blanks', `${document}  \t${traceback}`],
    ['CRLF line ends', `${document}${traceback}`.replace(/\n/g, '\r\n')],
    ['a lone carriage return', `${document.replace('\n]', '\r]')}${traceback}`],
    ['no line end at its end', document.trimEnd()]
  ])('%s', (_case, stdout) => {
    const bytes = utf8(stdout)
    for (const layout of LAYOUTS)
      for (const cap of [0, 1, 1000])
        for (const cuts of [[], [1, 200, 333], [bytes.length - 60]]) {
          const { now, was } = both(
            { command: SPECTRAL, stdout: bytes, exitCode: 1 },
            cap,
            cuts,
            layout
          )
          expect(now).toEqual(was)
        }
  })

  // stderr's lines read at once between two pieces of stdout's document: each stream's run
  // keeps its own last lines (ajv's run records its line feeds, the document's does not).
  it("with ajv's error lists on stderr between its pieces", () => {
    const element = '  {\n    "instancePath": "/tags/0",\n    "message": "must be string"\n  },\n'
    const stderr = utf8(
      ['a', 'b', 'c', 'd']
        .map(name => `fixtures/${name}.json invalid\n[\n${element.repeat(6)}]\n`)
        .join('')
    )
    const stdout = utf8(document)
    for (const layout of LAYOUTS)
      for (const cap of [0, 1000]) {
        const { now, was } = both(
          { command: SPECTRAL, stdout, stderr, exitCode: 1 },
          cap,
          [300, 900, 1500, 2100],
          layout,
          true
        )
        expect(now).toEqual(was)
      }
  })

  it('a traceback after the document is a crash, not drift', () => {
    for (const layout of LAYOUTS) {
      const { now } = both(
        { command: SPECTRAL, stdout: utf8(`${document}${traceback}`), exitCode: 1 },
        1000,
        [],
        layout
      )
      expect(now).toMatchObject({ outcome: 'crashed', crash: 'ValueError: boom' })
    }
  })
})

// Past the excerpt's head a text output's lines are read in a loop over their chunk
// (LineRules.readLines) instead of one by one through the excerpt: what each line says, the
// excerpt's kept tail lines and the count of lines omitted must be as before, whatever ends the
// lines (LF, CRLF, a lone CR), wherever the chunks are cut, and in either layout.
describe("text lines past the excerpt's head read as before", () => {
  const INSPECTOR = 'graphql-inspector diff git:origin/main:schema.graphql schema.graphql'
  const change = (i: number) =>
    i % 2
      ? `[log] \u2716  Field Query.pets${i} changed type from [Pet!]! to [Pet]`
      : `[log] \u2714  Field Query.added${i} was added to object type Query`
  const changes = Array.from({ length: 30 }, (_, i) => change(i))
  const traceback = [
    'Traceback (most recent call last):',
    '  File "/usr/bin/graphql-inspector", line 8, in <module>',
    'ValueError: boom'
  ]
  it.each([
    ['changes only', changes],
    ['a traceback among them', [...changes, ...traceback, ...changes]],
    [
      'a field header and its items',
      [...changes, '[docs-links] ERROR: Broken:', '- a.md:1', ...changes]
    ],
    ['No changes detected', [...changes, '[success] No changes detected']],
    [
      'a change with an escape sequence',
      [...changes, `\u001b[31m${change(3)}\u001b[0m`, ...changes]
    ],
    ['a change holding U+2028', [...changes, `${change(5)}\u2028`, ...changes]],
    ['a long line', [...changes, `DEBUG ${'x'.repeat(70_000)}`, ...changes]]
  ])('%s', (_case, lines) => {
    // Each line ended alike, or by LF but every seventh by a lone CR.
    const ends = ['\n', '\r\n', '\r'].map(end => lines.map(() => end))
    ends.push(lines.map((_, i) => (i % 7 === 6 ? '\r' : '\n')))
    for (const end of ends)
      for (const layout of LAYOUTS)
        for (const cap of [0, 3, 1000]) {
          const bytes = utf8(lines.map((line, i) => line + end[i]).join(''))
          for (const cuts of [[], [1, 500, 1200, bytes.length - 30]]) {
            const { now, was } = both(
              { command: INSPECTOR, stdout: bytes, exitCode: 1 },
              cap,
              cuts,
              layout
            )
            expect(now).toEqual(was)
          }
        }
  })

  it("every tool's lines, each ended by LF, CRLF or a lone CR, on stdout or stderr", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom(...TEXT_LINES), fc.constantFrom('\n', '\n', '\n', '\r\n', '\r')),
          { minLength: 10, maxLength: 60 }
        ),
        fc.constantFrom(...COMMANDS),
        fc.nat({ max: 4 }),
        cuts,
        fc.boolean(),
        fc.constantFrom(0, 1),
        fc.constantFrom(0, 1, 100),
        (lines, command, cap, at, onStderr, layout, exitCode) => {
          const bytes = utf8(lines.map(([line, end]) => line + end).join(''))
          const output = onStderr
            ? { command, stdout: new Uint8Array(), stderr: bytes, exitCode }
            : { command, stdout: bytes, exitCode }
          const { now, was } = both(output, cap, at, LAYOUTS[layout])
          expect(now).toEqual(was)
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe('the faster parsers read random outputs as before', () => {
  it('JSON documents of every tool shape, whole, cut off or broken, at any cap and chunking', () => {
    fc.assert(
      fc.property(
        jsonDocument,
        fc.constantFrom(...COMMANDS),
        fc.nat({ max: 4 }),
        cuts,
        fc.nat({ max: 200 }),
        fc.boolean(),
        fc.constantFrom(0, 1),
        (document, command, cap, at, cutOff, truncate, layout) => {
          const bytes = utf8(document)
          const stdout = truncate ? bytes.subarray(0, Math.max(0, bytes.length - cutOff)) : bytes
          const { now, was } = both({ command, stdout, exitCode: 1 }, cap, at, LAYOUTS[layout])
          expect(now).toEqual(was)
        }
      ),
      { numRuns: 400 }
    )
  })

  it('text outputs of every tool, on stdout or stderr, at any cap, exit code and chunking', () => {
    fc.assert(
      fc.property(
        textOutput,
        textOutput,
        fc.constantFrom(...COMMANDS),
        fc.nat({ max: 4 }),
        cuts,
        fc.constantFrom(0, 1, 2, 100),
        (stdout, stderr, command, cap, at, exitCode) => {
          const { now, was } = both(
            { command, stdout: utf8(stdout), stderr: utf8(stderr), exitCode },
            cap,
            at
          )
          expect(now).toEqual(was)
        }
      ),
      { numRuns: 400 }
    )
  })

  it('bytes that are not UTF-8 read the same', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        jsonDocument,
        fc.constantFrom(...COMMANDS),
        fc.nat({ max: 3 }),
        cuts,
        (noise, document, command, cap, at) => {
          const json = utf8(document)
          const stdout = new Uint8Array([
            ...json.subarray(0, json.length >> 1),
            ...noise,
            ...json.subarray(json.length >> 1)
          ])
          const { now, was } = both({ command, stdout, stderr: noise, exitCode: 1 }, cap, at)
          expect(now).toEqual(was)
        }
      ),
      { numRuns: 300 }
    )
  })
})
