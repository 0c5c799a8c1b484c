/**
 * Schemas use zod's light build (zod/mini: a third of the classic API's start-up cost), which
 * does not load its English messages by itself. Import this module before building a schema.
 */
import { config } from 'zod/mini'
import en from 'zod/v4/locales/en.js'

config(en())
