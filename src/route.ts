import type { CodeOwners } from './codeowners.js'
import type { Config } from './config.js'
import { code } from './markdown.js'
import { classify, matchesAny } from './paths.js'
import type { Bucket, OwnerRole, Routing } from './types.js'

/** Playbook 3.3, the routing matrix. */
const MATRIX: Record<Bucket, { secondary: OwnerRole; action: string }> = {
  'schema-drift': { secondary: 'qa', action: 'Update contract + fixture pack in same PR' },
  'fixture-stale': { secondary: 'qa', action: 'Refresh expected fixtures and `notes.md`' },
  'runtime-regression': {
    secondary: 'contract',
    action: 'Fix runtime path, preserve contract baseline'
  }
}

export const ROLE_NAMES: Record<OwnerRole, string> = {
  contract: 'Contract owner',
  'fixture-module': 'Fixture owner (module)',
  'fixture-mcp': 'Fixture owner (MCP)',
  implementation: 'Implementation owner',
  qa: 'QA owner'
}

export interface RouteInput {
  bucket: Bucket | undefined
  /** A validator crashed, was missing or timed out. */
  validatorError: boolean
  /** Changed contract/fixture/implementation files and the findings' targets. */
  affected: readonly string[]
  /** Implementation files of the change set (not those findings merely name). */
  changedImplementation: readonly string[]
  /**
   * The scripts the red validators run (`scripts/validate-x.py`): the first argument of each
   * command that is a file known to git. QA owns the gate through them; none for inline
   * commands (`npx jest`) and for commands a bundle claims (publish).
   */
  validatorFiles: readonly string[]
  /**
   * Files known to git. When nothing affected is the role's own (a nightly provider break names
   * only the consumer's pact), the owners of the role's files in the repository are the role's
   * owners; without them, the affected files' owners are.
   */
  trackedFiles?: ReadonlySet<string>
  config: Config
  codeowners: CodeOwners | undefined
}

function resolveRole(role: OwnerRole, input: RouteInput): string[] {
  const configured = input.config.owners[role]
  if (configured !== 'codeowners') {
    return configured.map(owner =>
      // Stryker disable next-line Regex: the config's schema allows `@` only as a name's first character
      owner.includes('/') ? (owner.startsWith('@') ? owner : `@${owner}`) : owner.replace(/^@/, '')
    )
  }
  const codeowners = input.codeowners
  if (!codeowners) return []
  const ownersOf = (files: readonly string[]): string[] => [
    ...new Set(files.flatMap(file => codeowners.ownersOf(file)))
  ]
  // QA owns the gate, not the change: its scripts, else whoever owns everything else.
  if (role === 'qa') {
    const owners = ownersOf(input.validatorFiles)
    return owners.length > 0 ? owners : codeowners.catchAllOwners()
  }
  const wanted =
    role === 'contract' ? 'contract' : role === 'implementation' ? 'implementation' : 'fixture'
  const own = (files: Iterable<string>): string[] =>
    [...files].filter(path => classify(path, input.config.paths) === wanted)
  const ownAffected = own(input.affected)
  if (ownAffected.length > 0) return ownersOf(ownAffected)
  // Fixtures have two roles (module and MCP): the repository's fixtures would name both.
  const ownTracked =
    wanted === 'fixture' || !input.trackedFiles
      ? []
      : nearest(input.affected, input.trackedFiles, own)
  return ownersOf(ownTracked.length > 0 ? ownTracked : input.affected)
}

/**
 * The role's files nearest to the affected ones: those in the deepest folder that holds an
 * affected file and some of the role's files (in a monorepo, the service beside its pact, not
 * every service), the whole repository last. Only that folder's files are classified.
 */
function nearest(
  affected: readonly string[],
  tracked: ReadonlySet<string>,
  own: (files: Iterable<string>) => string[]
): string[] {
  const folders = new Set<string>()
  for (const path of affected)
    // Stryker disable next-line EqualityOperator: a repository path never starts with '/'
    for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1))
      folders.add(path.slice(0, end + 1))
  const deepestFirst = [...folders].sort((a, b) => b.length - a.length)
  for (const folder of deepestFirst) {
    const found = own([...tracked].filter(path => path.startsWith(folder)))
    if (found.length > 0) return found
  }
  return own(tracked)
}

/** Why the QA owner is nobody, and what would name one. */
function unassignedQa(input: RouteInput): string {
  const scripts =
    input.validatorFiles.length > 0
      ? `no CODEOWNERS rule owns ${input.validatorFiles.map(code).join(', ')}`
      : 'no red validator command runs a script tracked in the repository'
  const why = input.codeowners
    ? `${scripts} and CODEOWNERS has no catch-all \`*\` rule`
    : 'there is no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS)'
  return `QA owner unassigned: owners.qa is codeowners, but ${why}. Add a \`*\` rule to CODEOWNERS, or set owners.qa in the configuration.`
}

/** SPEC §4: the MCP fixture owner when the affected fixtures or the changed implementation are on the MCP side. */
function isMcpSide(input: RouteInput): boolean {
  const { paths } = input.config
  const fixtures = input.affected.filter(path => classify(path, paths) === 'fixture')
  return [...fixtures, ...input.changedImplementation].some(path => matchesAny(path, paths.mcp))
}

/** Who owns the incident: the matrix's primary and secondary roles, resolved to people and teams. */
export function route(input: RouteInput): Routing {
  let primaryRole: OwnerRole
  let secondaryRole: OwnerRole | undefined
  let requiredAction: string
  if (!input.bucket) {
    primaryRole = 'qa'
    requiredAction =
      'Make the validators run again (fix the crash, restore the missing command or the hang), then re-run the gate'
  } else {
    const row = MATRIX[input.bucket]
    primaryRole =
      input.bucket === 'schema-drift'
        ? 'contract'
        : input.bucket === 'runtime-regression'
          ? 'implementation'
          : isMcpSide(input)
            ? 'fixture-mcp'
            : 'fixture-module'
    secondaryRole = row.secondary
    requiredAction = row.action
  }
  const roles: OwnerRole[] = [primaryRole, ...(secondaryRole ? [secondaryRole] : [])]
  // A validator error with findings keeps its bucket's routing, and QA must make the gate whole
  // again (where QA is routed already, it keeps its place: owners are keyed by role).
  if (input.validatorError) roles.push('qa')
  const owners: Routing['owners'] = {}
  for (const role of roles) owners[role] = resolveRole(role, input)
  const warnings =
    owners.qa?.length === 0 && input.config.owners.qa === 'codeowners' ? [unassignedQa(input)] : []
  return {
    primaryRole,
    ...(secondaryRole ? { secondaryRole } : {}),
    requiredAction,
    owners,
    ...(warnings.length > 0 ? { warnings } : {})
  }
}

/** Everyone the incident is routed to, primary first, without repeats. */
export function allOwners(routing: Routing): string[] {
  return [...new Set(Object.values(routing.owners).flat())]
}
