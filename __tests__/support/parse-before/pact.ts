import { commandOption } from '../../../src/parse/command.js'
import type { LineParser, RawFinding } from './types.js'

const BETWEEN = /^\s*Verifying a pact between (.+?) and (.+?)\s*$/
const USING = /^\s*\[Using File (.+)\]\s*$/
const FAILURE = /^\d+\) Verifying a pact between (.+?) and (.+?)(?: Given (.+?))? - (.+)$/
const ITEM = /^\s+\d+\.\d+\) (.+)$/

/**
 * The Pact verifier's console output: each failed check under `Failures:` is a runtime finding
 * (the provider broke the consumer's contract) naming the pact file, from `[Using File …]` or
 * the command's `--file`.
 */
export function pactParser(command: string, emit: (finding: RawFinding) => void): LineParser {
  const fromCommand = commandOption(command, ['--file', '-f'])
  const files = new Map<string, string>()
  let pair: string | undefined
  let failures = false
  let interaction: { pair: string; text: string } | undefined
  let item: { text: string; detail: string[] } | undefined
  const flush = (): void => {
    if (!item || !interaction) return
    const file = files.get(interaction.pair) ?? fromCommand
    const detail = item.detail.length ? `: ${item.detail.join('; ')}` : ''
    emit({
      tag: 'pact',
      message: `${interaction.text}: ${item.text}${detail}`,
      runtime: true,
      ...(file ? { files: [file] } : {})
    })
    item = undefined
  }
  return {
    line(text) {
      if (failures) {
        const failure = FAILURE.exec(text)
        const check = failure ? null : ITEM.exec(text)
        if (failure) {
          flush()
          const state = failure[3] ? ` (given ${failure[3]})` : ''
          interaction = {
            pair: `${failure[1]}\u0000${failure[2]}`,
            text: `pact ${failure[1]} → ${failure[2]}: ${failure[4]}${state}`
          }
        } else if (check && interaction) {
          flush()
          item = { text: (check[1] as string).trim(), detail: [] }
        } else if (item && /^\s+\S/.test(text)) {
          if (item.detail.length < 20) item.detail.push(text.trim())
        } else if (text.trim() !== '') {
          flush()
          failures = false
          interaction = undefined
          return false
        }
        return true
      }
      const between = BETWEEN.exec(text)
      if (between) {
        pair = `${between[1]}\u0000${between[2]}`
        return true
      }
      const using = USING.exec(text)
      if (using && pair) {
        files.set(pair, (using[1] as string).trim())
        return true
      }
      if (text.trim() === 'Failures:') {
        failures = true
        return true
      }
      return false
    },
    end: flush,
    greedy: () => failures,
    wants: (buf, start) => {
      let i = start
      // Tabs too: fixed on purpose in session 23 (a tab before `Verifying` lost the pact file).
      while (buf[i] === 0x20 || buf[i] === 0x09) i++
      // `Verifying…`, `Failures:`
      return (buf[i] === 0x56 && buf[i + 1] === 0x65) || (buf[i] === 0x46 && buf[i + 1] === 0x61)
    }
  }
}
