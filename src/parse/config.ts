import { z } from 'zod'
import { OUTPUT_FORMATS } from './types.js'

/**
 * Config `formats`: how to read a validator's output, by its command (exactly as in the
 * `validators` input) or by a `reports` file glob. Unlisted outputs are sniffed (`auto`).
 */
export const formatsSchema = z
  .record(
    z.string().min(1),
    z.enum(OUTPUT_FORMATS, { error: `expected one of: ${OUTPUT_FORMATS.join(', ')}` })
  )
  .describe('parser per validator command or report glob')

export type Formats = z.infer<typeof formatsSchema>
