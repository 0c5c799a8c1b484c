/**
 * The entry point of the action (action.yml `main`) and of the command line, which marks itself
 * (bin/contract-drift-triage.js): one bundle serves both, the CLI's code loaded only for it.
 */
import { run } from './main.js'

if (Reflect.get(globalThis, Symbol.for('contract-drift-triage.cli')) === true) {
  const { runCli } = await import('./cli.js')
  await runCli(process.argv.slice(2))
} else {
  await run()
}
