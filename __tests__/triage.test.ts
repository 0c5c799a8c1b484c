import { it } from '@jest/globals'
import { parseConfig } from '../src/config.js'
import { parseInputs } from '../src/inputs.js'
const tryit = (f: () => unknown) => { try { return JSON.stringify(f()) } catch (e) { return 'ERR: ' + (e as Error).message } }
it('probe', () => {
  const out: string[] = []
  for (const t of ['owners:\n  qa: 5\n', 'paths:\n  fixture: "x"\n', 'pathz: {}\n', 'paths:\n  contract: [a\n', 'release:\n  blocking: [{phases: [], paths: [a]}]\n', 'owners:\n  qa: ["bad user!"]\n', 'paths:\n', 'checks:\n  x: 3\n', 'foo: bar\nfoo: baz\n'])
    out.push(t + ' => ' + tryit(() => parseConfig(t, 'cfg.yml')))
  const base: Record<string,string> = {}
  for (const [k, v] of [['mode','bogus'],['fail-on','x'],['validator-timeout','abc'],['validator-timeout','-1'],['validator-timeout','0'],['incident-repository','foo'],['close-on-green','yes'],['close-on-green','TRUE']])
    out.push(`${k}=${v} => ` + tryit(() => parseInputs(n => n === k ? v : (base[n] ?? ''))))
  out.push(tryit(() => parseInputs(() => '')))
  console.log(out.join('\n'))
})
