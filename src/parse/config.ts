import * as z from 'zod/mini'
import '../zod.js'
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
