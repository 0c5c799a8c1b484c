/**
 * What a validator's command line names, for tools whose output leaves the file out (GraphQL
 * Inspector's schema, ajv's and check-jsonschema's schema, the Verifier's pact file). Words are
 * split as a shell would for plain quoting; variables and globs are left as written.
 */
export function commandWords(command: string): string[] {
  const words: string[] = []
  const word = /"((?:[^"\\]|\\.)*)"|'([^']*)'|((?:[^\s"'\\]|\\.)+)/g
  let current = ''
  let last = -1
  for (const match of command.matchAll(word)) {
    const text = match[1] ?? match[2] ?? (match[3] as string).replace(/\\(.)/g, '$1')
    // Adjacent pieces (`--file="a b"`) are one word.
    if (match.index === last) current += text
    else {
      if (last >= 0) words.push(current)
      current = text
    }
    last = match.index + match[0].length
  }
  if (last >= 0) words.push(current)
  return words
}

/** The value of the first of `names` (`--name value` or `--name=value`), if given. */
export function commandOption(command: string, names: readonly string[]): string | undefined {
  const words = commandWords(command)
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string
    for (const name of names) {
      if (word === name && words[i + 1] !== undefined) return words[i + 1]
      if (word.startsWith(`${name}=`)) return word.slice(name.length + 1)
    }
  }
  return undefined
}

/** The arguments after `subcommand` that are not options (`diff <old> <new>`). */
export function commandOperands(command: string, subcommand: string): string[] {
  const words = commandWords(command)
  const at = words.indexOf(subcommand)
  if (at < 0) return []
  const operands: string[] = []
  for (const word of words.slice(at + 1)) {
    // A shell operator ends this command.
    if (/^(?:&&|\|\||;|\||>|2>|>>)$/.test(word)) break
    if (!word.startsWith('-')) operands.push(word)
  }
  return operands
}
