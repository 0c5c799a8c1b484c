/**
 * The entry point of the action (action.yml `main`) and of the command line, which marks itself
 * (bin/contract-drift-triage.js): one bundle serves both. The inputs are checked before the
 * pipeline's code is even compiled, so a misconfigured step fails at the cost of a bare action;
 * the pipeline and the CLI load as chunks of their own.
 */
import * as core from '@actions/core'
import { failRun } from './fail.js'
import { parseInputs, type InputName } from './inputs.js'

if (Reflect.get(globalThis, Symbol.for('contract-drift-triage.cli')) === true) {
  const { runCli } = await import('./cli.js')
  await runCli(process.argv.slice(2))
} else {
  let valid = true
  try {
    parseInputs(name => core.getInput(name as InputName))
  } catch (error) {
    valid = false
    await failRun(error)
  }
  if (valid) await import('./main.js').then(({ run }) => run())
}
