import { z } from 'zod'

/** The playbook's trigger commands (playbook 3.1), the `validators` default. */
export const DEFAULT_VALIDATORS = [
  'python3 scripts/validate-fixture-coverage.py',
  'python3 scripts/validate-legacy-alias-parity.py'
]
export const DEFAULT_CONFIG = '.github/contract-drift-triage.yml'
// Node's timers hold at most 2^31 - 1 ms; a longer one fires at once.
const MAX_TIMEOUT = 2_147_483

const lines = (value: string): string[] =>
  value
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('#'))

const choice = <T extends string>(name: string, values: readonly [T, ...T[]]) =>
  z.enum(values, {
    error: issue =>
      `Invalid ${name} '${String(issue.input)}'. Expected one of: ${values.join(', ')}.`
  })

const flag = (name: string) =>
  z
    .string()
    .transform(value => value.trim().toLowerCase())
    .pipe(
      z.enum(['true', 'false'], {
        error: issue => `Invalid ${name} '${String(issue.input)}'. Expected true or false.`
      })
    )
    .transform(value => value === 'true')

const inputSchema = z.object({
  // Empty means none (a reports-only run): action.yml supplies the playbook commands as the default.
  validators: z.string().transform(lines),
  reports: z.string().transform(lines),
  config: z.string().transform(value => value.trim()),
  'github-token': z.string(),
  mode: z
    .string()
    .transform(value => value.trim() || 'issue')
    .pipe(choice('mode', ['issue', 'report', 'collect', 'publish'])),
  bundles: z.string().transform(lines),
  'fail-on': z
    .string()
    .transform(value => value.trim() || 'drift')
    .pipe(choice('fail-on', ['drift', 'error', 'never'])),
  'base-ref': z.string().transform(value => value.trim()),
  'working-directory': z.string().transform(value => value.trim()),
  'incident-repository': z
    .string()
    .transform(value => value.trim())
    .refine(value => value === '' || /^[\w.-]+\/[\w.-]+$/.test(value), {
      error: issue =>
        `Invalid incident-repository '${String(issue.input)}'. Expected format {owner}/{repo}.`
    }),
  'incident-key': z
    .string()
    .transform(value => value.trim())
    .refine(value => /^[\w./@+-]{0,100}$/.test(value), {
      error:
        'Invalid incident-key: use at most 100 letters, digits and . / @ + - _ (it becomes part of the incident key).'
    }),
  'issue-author': z.string().transform(value => value.trim() || 'github-actions[bot]'),
  'validator-timeout': z
    .string()
    .refine(
      value =>
        value.trim() === '' ||
        (Number.isFinite(Number(value)) && Number(value) > 0 && Number(value) <= MAX_TIMEOUT),
      {
        error: issue =>
          `Invalid validator-timeout '${String(issue.input)}'. Expected a positive number of seconds, at most ${MAX_TIMEOUT}.`
      }
    )
    .transform(value => (value.trim() === '' ? 600 : Number(value))),
  'close-on-green': flag('close-on-green'),
  'require-close-notes': flag('require-close-notes'),
  'allow-untrusted-code': flag('allow-untrusted-code')
})

export type InputName = keyof z.input<typeof inputSchema>
export const INPUT_NAMES = Object.keys(inputSchema.shape) as InputName[]
export type Inputs = z.output<typeof inputSchema>

const FLAG_DEFAULTS: Partial<Record<InputName, string>> = {
  'close-on-green': 'false',
  'require-close-notes': 'false',
  'allow-untrusted-code': 'false'
}

/** Validates raw inputs (as `core.getInput` returns them, '' when unset) into typed settings. */
export function parseInputs(read: (name: InputName) => string): Inputs {
  const raw = Object.fromEntries(
    INPUT_NAMES.map(name => [name, read(name) || FLAG_DEFAULTS[name] || ''])
  )
  const parsed = inputSchema.safeParse(raw)
  if (!parsed.success) throw new Error(parsed.error.issues.map(issue => issue.message).join('\n'))
  return parsed.data
}
