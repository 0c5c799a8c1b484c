/**
 * The zod schemas of the parse stage: the config's `formats` and `problem-matchers`, and our JSON
 * findings format. Kept apart from the parsers so that reading text output never loads zod: the
 * config file's schema (src/config-file.ts) and the JSON parser load this module when they need it.
 */
import * as z from 'zod/mini'
import '../../../src/zod.js'
import { OUTPUT_FORMATS } from './types.js'

/**
 * Config `formats`: how to read a validator's output, by its command (exactly as in the
 * `validators` input) or by a `reports` file glob. Unlisted outputs are sniffed (`auto`).
 */
const buildFormatsSchema = () =>
  z
    .record(
      z.string().check(z.minLength(1)),
      z.enum(OUTPUT_FORMATS, { error: `expected one of: ${OUTPUT_FORMATS.join(', ')}` })
    )
    .check(z.describe('parser per validator command or report glob'))
let formats: ReturnType<typeof buildFormatsSchema> | undefined

/** Built on first use, not at import. */
export const formatsSchema = (): ReturnType<typeof buildFormatsSchema> =>
  (formats ??= buildFormatsSchema())

export type Formats = z.infer<ReturnType<typeof buildFormatsSchema>>

const isRegExp = (source: string): boolean => {
  try {
    new RegExp(source)
    return true
  } catch {
    return false
  }
}

function buildProblemMatchersSchema() {
  const group = z.optional(z.int().check(z.minimum(0), z.maximum(99)))
  const patternSchema = z.strictObject({
    regexp: z.string().check(z.minLength(1), z.refine(isRegExp, 'not a valid regular expression')),
    file: group,
    fromPath: group,
    line: group,
    column: group,
    severity: group,
    code: group,
    message: group,
    loop: z.optional(z.boolean())
  })
  const matcherSchema = z
    .strictObject({
      owner: z.string().check(z.minLength(1)),
      severity: z.optional(z.enum(['error', 'warning'])),
      pattern: z.array(patternSchema).check(z.minLength(1))
    })
    .check(
      z.superRefine((matcher, ctx) => {
        matcher.pattern.forEach((pattern, i) => {
          const last = i === matcher.pattern.length - 1
          if (pattern.loop && (!last || matcher.pattern.length === 1))
            ctx.addIssue({
              code: 'custom',
              path: ['pattern', i, 'loop'],
              message: 'loop is only allowed on the last pattern of a multi-line matcher'
            })
          if (last && pattern.message === undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['pattern', i, 'message'],
              message: 'the last pattern must name the message group'
            })
        })
      })
    )
  return z
    .strictObject({
      $schema: z.optional(z.string()),
      problemMatcher: z.array(matcherSchema).check(z.minLength(1))
    })
    .check(
      z.describe('GitHub problem-matcher JSON: { problemMatcher: [{ owner, pattern: [...] }] }')
    )
}
let problemMatchers: ReturnType<typeof buildProblemMatchersSchema> | undefined

/**
 * User-defined patterns in GitHub's problem-matcher JSON format
 * (https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md), so teams reuse what
 * they know. Config key `problem-matchers`. Built on first use, not at import.
 */
export const problemMatchersSchema = (): ReturnType<typeof buildProblemMatchersSchema> =>
  (problemMatchers ??= buildProblemMatchersSchema())

export type ProblemMatchers = z.infer<ReturnType<typeof buildProblemMatchersSchema>>

/**
 * One finding of our JSON format (schema/findings.schema.json): a JSON Lines stream of these,
 * a `{ "findings": [...] }` document, or a bare array. Unknown keys are ignored.
 */
const buildFindingSchema = () =>
  z.object({
    tag: z.optional(z.string().check(z.maxLength(100))),
    message: z.string().check(z.minLength(1)),
    file: z.optional(z.string().check(z.minLength(1))),
    line: z.optional(z.int().check(z.minimum(1))),
    runtime: z.optional(z.boolean()),
    severity: z.optional(z.enum(['error', 'warning', 'notice']))
  })
let findingSchema: ReturnType<typeof buildFindingSchema> | undefined
/** Built on the first JSON finding: other formats never pay for it. */
export const jsonFindingSchema = (): ReturnType<typeof buildFindingSchema> =>
  (findingSchema ??= buildFindingSchema())
export type JsonFinding = z.infer<ReturnType<typeof buildFindingSchema>>
