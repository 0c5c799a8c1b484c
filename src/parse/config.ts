import type { OutputFormat } from './types.js'

/**
 * Config `formats`: how to read a validator's output, by its command (exactly as in the
 * `validators` input) or by a `reports` file glob. Unlisted outputs are sniffed (`auto`).
 * schema/config.schema.json validates it; its enum is OUTPUT_FORMATS (a test holds them equal).
 */
export type Formats = Record<string, OutputFormat>
