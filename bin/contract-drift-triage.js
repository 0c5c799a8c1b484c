#!/usr/bin/env node
// The command line runs the action's bundle (dist/index.js) in CLI mode: one bundle ships both.
globalThis[Symbol.for('contract-drift-triage.cli')] = true
await import('../dist/index.js')
