import {
  ISSUE_BODY_LIMIT,
  keySource,
  sourceIn,
  readResultComment,
  readState,
  renderIssueBody,
  renderResultComment,
  type IncidentState,
  type StoredRun
} from '../incident.js'
import { renderRecordSections } from '../render.js'
import {
  bucketOverride,
  closedByPerson,
  incidentBucket,
  isIncident,
  isPersonsClose,
  pullRequestClosed,
  remediated,
  type EventStep,
  type IssueIdentity,
  type PersonCloseOutcome,
  type PullRequestClosedOutcome
} from '../incident/events.js'
import {
  assigneesAfter,
  chooseIncident,
  createWaitMs,
  duplicateOf,
  editedMeanwhile,
  filedOf,
  instant,
  isRed,
  keyIncidents,
  readsFor,
  rewriteOf,
  storedResults,
  storedState,
  verifyRound,
  withWholeResults,
  writeOf,
  type Choice,
  type Effect,
  type FiledIncident,
  type IncidentWrite,
  type IssueFields
} from '../incident/filing.js'
import {
  firstIncident,
  nextIncident,
  type IssueAsReturned,
  type Triage
} from '../incident/lifecycle.js'
import {
  checkRemediation,
  incidentReferences,
  type RemediationCheck,
  type RemediationLayout
} from '../remediation.js'
import type { ChangedFile, IncidentRecord, Result, ValidatorRun } from '../types.js'
import type { Redactor } from '../redact.js'
import type { Octokit } from './client.js'
import {
  createLabel,
  describeLabel,
  ensureLabels,
  getLabel,
  INCIDENT_LABELS,
  labellingSince,
  SOURCES_LABELLED,
  sourceLabel,
  sourcesMarker
} from './labels.js'

export interface IncidentOptions {
  octokit: Octokit
  /** `owner/name` where incidents are filed. */
  repository: string
  issueAuthor: string
  key: string
  /** The job whose results this run replaces (`job-key`, SPEC §5). */
  job: string
  /** The head commit this run validated: other jobs' results for another one are dropped. */
  head: string
  closeOnGreen: boolean
  requireCloseNotes: boolean
  runUrl?: string
  now: () => Date
  log: { info: (message: string) => void; warning: (message: string) => void }
  /** Masks secrets in everything written to GitHub, the hidden state included. */
  redact: Redactor
  /** Real milliseconds per GitHub millisecond of this run's own waits (1; the tests' emulator runs faster). */
  timeScale?: number
}

export type { FiledIncident, Triage }

interface Issue {
  number: number
  html_url: string
  title: string
  body?: string | null
  state: string
  comments: number
  created_at: string
  updated_at: string
  user: { login: string } | null
  labels: (string | { name?: string })[]
  assignees?: { login: string }[] | null
  pull_request?: unknown
}

const labelNames = (issue: Issue): string[] =>
  issue.labels
    .map(label => (typeof label === 'string' ? label : (label.name ?? '')))
    .filter(Boolean)
const identity = (issue: Issue): IssueIdentity => ({
  author: issue.user?.login,
  labels: labelNames(issue),
  body: issue.body,
  isPullRequest: Boolean(issue.pull_request)
})
const asReturned = (issue: Issue): IssueAsReturned => ({
  title: issue.title,
  body: issue.body,
  comments: issue.comments,
  labels: labelNames(issue),
  assignees: (issue.assignees ?? []).map(user => user.login)
})

/**
 * Files, updates, proves green, reopens or closes the one incident of a scope (SPEC §3, §5). What
 * happens is decided in src/incident/ (filing.ts, lifecycle.ts, events.ts); this class reads the
 * issues, executes the writes those return, and reads back.
 */
export class IncidentFiler {
  private readonly owner: string
  private readonly repo: string
  /** Labels on the incidents listed so far: they exist, no need to read the repository's. */
  private readonly seenLabels = new Set<string>()
  /** Real ms the last read of the newest incidents took: how slowly GitHub answers right now. */
  private lastReadMs = 0
  /** Filing from another repository: the label its incidents carry, which a run lists by. */
  private readonly source: string | undefined
  private sourcesChecked = false

  constructor(private readonly options: IncidentOptions) {
    const [owner, repo] = options.repository.split('/') as [string, string]
    this.owner = owner
    this.repo = repo
    // No key: a remediation, which reads every source's incidents.
    this.source = options.key ? sourceLabel(keySource(options.key), options.repository) : undefined
  }

  async file(runs: ValidatorRun[], triage: Triage): Promise<FiledIncident> {
    // Secrets go before anything is stored: the hidden state is base64, beyond later masking.
    runs = runs.map(run => JSON.parse(this.options.redact(JSON.stringify(run))) as ValidatorRun)
    const { job, head, runUrl } = this.options
    const full: Triage = (merged, override) =>
      triage(withWholeResults(merged as StoredRun[], runs, job), override)
    const at = instant(this.options.now())
    const mine = storedResults(runs, { at, job, head, ...(runUrl ? { runUrl } : {}) })
    const choice = await this.choose(isRed(mine))
    if (choice.then === 'nothing') return { action: 'none', record: full(mine) }
    if (choice.then === 'update') return this.update(choice.issue, mine, full, at, choice.reopen)
    return this.create(mine, full, at)
  }

  /**
   * Which incident a run of `key` files into (see keyIncidents and chooseIncident), read as it is
   * now: one page of the newest incidents, and every open one when that page does not decide.
   */
  private async choose(red: boolean, key = this.options.key): Promise<Choice<Issue>> {
    let newest = await this.newest(key)
    if (newest.listed === 0 && (await this.labelSources())) newest = await this.newest(key)
    let found = keyIncidents(newest)
    if (found.then === 'read-open')
      found = keyIncidents(
        newest,
        (await this.everyOpen()).filter(issue =>
          isIncident(identity(issue), this.options.issueAuthor, key)
        )
      )
    if (found.then === 'read-open') throw new Error('unreachable: the open incidents were read')
    return chooseIncident(found.open, found.closed, red)
  }

  /**
   * The key's incidents among the newest of its source repository (every state, one page): what
   * a racing run filed a moment ago is there, whatever the number of repositories filing.
   * `listed`: how many incidents of any key the page held.
   */
  private async newest(
    key: string
  ): Promise<{ issues: Issue[]; complete: boolean; listed: number }> {
    const { octokit, issueAuthor } = this.options
    const started = performance.now()
    const { data, headers } = await octokit.request('GET /repos/{owner}/{repo}/issues', {
      owner: this.owner,
      repo: this.repo,
      labels: this.labels(),
      state: 'all',
      creator: issueAuthor,
      sort: 'created',
      direction: 'desc',
      per_page: 100
    })
    this.lastReadMs = performance.now() - started
    const issues = data as Issue[]
    for (const issue of issues)
      for (const name of labelNames(issue)) this.seenLabels.add(name.toLowerCase())
    return {
      issues: issues.filter(issue => isIncident(identity(issue), issueAuthor, key)),
      complete: !/rel="next"/.test(headers.link ?? ''),
      listed: issues.length
    }
  }

  /**
   * The marker stands for SPEC §3's labels too (created before it): a run of a source with no
   * incident yet does not ask for each. One a person deleted since comes back grey (GitHub creates
   * it with the issue).
   */
  private seeIncidentLabels(): void {
    for (const name of INCIDENT_LABELS) this.seenLabels.add(name.toLowerCase())
  }

  /** The labels that list this run's incidents: `contract-drift`, and its source's. */
  private labels(): string {
    return this.source ? `contract-drift,${this.source}` : 'contract-drift'
  }

  /** Every open incident this action wrote of this run's source, whatever its key. */
  private async everyOpen(labels = this.labels()): Promise<Issue[]> {
    const { octokit, issueAuthor } = this.options
    const issues = (await octokit.paginate('GET /repos/{owner}/{repo}/issues', {
      owner: this.owner,
      repo: this.repo,
      labels,
      state: 'open',
      creator: issueAuthor,
      per_page: 100
    })) as Issue[]
    return issues.filter(issue => isIncident(identity(issue), issueAuthor, null))
  }

  /**
   * Once per incident repository, before a run from another repository trusts its source's list:
   * one run labels every open incident filed from another one with its source (earlier versions
   * filed them without) and creates SPEC §3's labels, then marks the marker label done. Runs that
   * start meanwhile label their own source's incidents only, so that a whole organisation's first
   * runs do not each label everything. Returns whether its source's list may have changed.
   */
  private async labelSources(): Promise<boolean> {
    if (!this.source || this.sourcesChecked) return false
    this.sourcesChecked = true
    const { octokit, repository, now } = this.options
    const marker = await getLabel(octokit, this.owner, this.repo, SOURCES_LABELLED)
    const state = marker ? sourcesMarker(marker.description, now()) : 'missing'
    if (state === 'done') {
      this.seeIncidentLabels()
      return false
    }
    const since = labellingSince(now())
    let labelsAll = false
    if (state === 'missing')
      labelsAll = await createLabel(octokit, this.owner, this.repo, SOURCES_LABELLED, since)
    if (state === 'stopped') {
      await describeLabel(octokit, this.owner, this.repo, SOURCES_LABELLED, since)
      labelsAll = true
    }
    let labelled = 0
    let own = 0
    for (const issue of await this.everyOpen('contract-drift')) {
      const source = sourceIn(issue.body)
      const label = source === undefined ? undefined : sourceLabel(source, repository)
      const carried = labelNames(issue).map(name => name.toLowerCase())
      if (!label || carried.includes(label.toLowerCase())) continue
      const mine = label.toLowerCase() === this.source.toLowerCase()
      if (!labelsAll && !mine) continue
      // GitHub creates the label (grey, without a description) when an issue first carries it.
      await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
        owner: this.owner,
        repo: this.repo,
        issue_number: issue.number,
        labels: [label]
      })
      labelled++
      if (mine) own++
    }
    if (!labelsAll) return own > 0
    await ensureLabels(octokit, this.owner, this.repo, INCIDENT_LABELS, this.seenLabels)
    await describeLabel(octokit, this.owner, this.repo, SOURCES_LABELLED)
    this.seeIncidentLabels()
    this.options.log.info(
      `${repository}: labelled ${labelled} open incident(s) of other repositories with their source:, once for this repository.`
    )
    return true
  }

  private async create(mine: StoredRun[], triage: Triage, at: string): Promise<FiledIncident> {
    const record = triage(mine)
    const first = firstIncident(record, mine, this.options.key, at, this.options.runUrl)
    await ensureLabels(
      this.options.octokit,
      this.owner,
      this.repo,
      first.labels,
      this.seenLabels,
      this.source !== undefined
    )
    await sleep(createWaitMs(Math.random(), this.options.timeScale ?? 1, this.lastReadMs))
    const [racing] = this.openOf(await this.newest(this.options.key))
    if (racing) return this.update(racing, mine, triage, at, false)
    const created = await this.createIssue(
      {
        title: first.title,
        body: this.body(first.state, record, undefined),
        labels: this.source ? [...first.labels, this.source] : first.labels,
        assignees: first.assignees
      },
      record.incidentId
    )
    this.options.log.info(`Filed incident #${created.number} (${record.incidentId}).`)

    const duplicate = duplicateOf(
      created.number,
      this.openOf(await this.newest(this.options.key)).map(issue => issue.number),
      mine
    )
    if (!duplicate)
      return {
        action: 'created',
        number: created.number,
        url: created.html_url,
        record: first.shown
      }
    await this.execute(duplicate.effects)
    return this.update(await this.get(duplicate.canonical), mine, triage, at, false)
  }

  /** Write, read back, and merge again until this run's results stick (see verifyRound). */
  private async update(
    issue: Issue,
    mine: StoredRun[],
    triage: Triage,
    at: string,
    reopen: boolean
  ): Promise<FiledIncident> {
    let current = issue
    for (let attempt = 0; ; attempt++) {
      const { result, write } = await this.plan(current, mine, triage, at, reopen && attempt === 0)
      if (!write) return result
      const edited = await this.write(current, write)
      if (edited) current = edited
      else current = await this.get(issue.number)
      const round = verifyRound(
        attempt,
        edited
          ? { edited: true }
          : { edited: false, body: current.body, comments: current.comments },
        mine,
        issue.number,
        Math.random()
      )
      if (round.then === 'done') return result
      if (round.then === 'give-up') {
        this.options.log.warning(round.warning)
        return result
      }
      if (round.waitMs > 0) await sleep(round.waitMs * (this.options.timeScale ?? 1))
    }
  }

  /** The next state of `issue` and the write that gets it there (none when it says it all). */
  private async plan(
    issue: Issue,
    mine: StoredRun[],
    triage: Triage,
    at: string,
    reopen: boolean
  ): Promise<{ result: FiledIncident; write?: IncidentWrite }> {
    const { key, job, head, runUrl, issueAuthor, closeOnGreen, requireCloseNotes } = this.options
    const previous = storedState(issue, key)
    const read = asReturned(issue)
    const reads = readsFor(previous, read)
    const logged = reads.resultComments ? await this.resultComments(issue.number) : []
    const setter = reads.bucketSetter
      ? await this.labelSetter(issue.number, reads.bucketSetter)
      : undefined
    const override = bucketOverride(read.labels, previous, issueAuthor, setter)
    const renderBody = this.body.bind(this)
    const next = nextIncident(
      previous,
      read,
      {
        mine,
        logged,
        job,
        head,
        reopen,
        ...(override ? { override } : {}),
        ...(runUrl ? { runUrl } : {})
      },
      { closeOnGreen, requireCloseNotes, triage, renderBody },
      at
    )
    const write = writeOf(next, read, mine, reads, renderBody)
    return { result: filedOf(next, issue), ...(write ? { write } : {}) }
  }

  /**
   * Executes a planned write; returns the issue as read again when a person edited it since it
   * was read (plan again on their text), else undefined. The body is written straight after it
   * was read, then the comments.
   */
  private async write(issue: Issue, write: IncidentWrite): Promise<Issue | undefined> {
    if (write.ensureLabels)
      await ensureLabels(
        this.options.octokit,
        this.owner,
        this.repo,
        write.ensureLabels,
        this.seenLabels,
        this.source !== undefined
      )
    const accepted = write.assign.length > 0 ? await this.assignable(write.assign) : []
    if (write.rereadFirst) {
      const fresh = await this.get(issue.number)
      if (editedMeanwhile(asReturned(issue), asReturned(fresh))) return fresh
    }
    const assignees = assigneesAfter(asReturned(issue).assignees, accepted)
    const fields: IssueFields = { ...write.fields, ...(assignees ? { assignees } : {}) }
    await this.execute([{ kind: 'update', issue: issue.number, fields }])
    let posted = 0
    for (const body of write.comments) {
      try {
        await this.execute([{ kind: 'comment', issue: issue.number, body }])
        posted++
      } catch (error) {
        this.options.log.warning(
          `Incident #${issue.number}: a comment could not be posted (${(error as Error).message}); the record is updated.`
        )
      }
    }
    const body = write.bodyAfter(posted)
    if (body !== undefined)
      await this.execute([{ kind: 'update', issue: issue.number, fields: { ...fields, body } }])
    return undefined
  }

  /** The writes the pure core decided, one request each, in order. */
  private async execute(effects: readonly Effect[]): Promise<void> {
    for (const effect of effects) {
      if (effect.kind === 'comment') await this.comment(effect.issue, effect.body)
      else
        await this.options.octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
          owner: this.owner,
          repo: this.repo,
          issue_number: effect.issue,
          ...effect.fields
        })
    }
  }

  /**
   * A remediation pull request (SPEC §5): check each incident it references against its bucket's
   * required action, and, when complete and `record` is set, fill `Resolution PR`, attach the
   * green output and tick checklist steps 3 and 4.
   */
  async remediate(
    pr: { number: number; title: string; body: string; reference: string },
    changed: readonly ChangedFile[],
    runs: readonly ValidatorRun[],
    result: Result,
    record: boolean,
    layout: RemediationLayout
  ): Promise<RemediationCheck[]> {
    const refs = incidentReferences(`${pr.title}\n${pr.body}`)
    if (refs.ids.length === 0 && refs.numbers.length === 0) return []
    const checks: RemediationCheck[] = []
    const found = new Set<string>()
    // Every source's: a pull request may remediate an incident another repository filed.
    for (const issue of await this.everyOpen('contract-drift')) {
      const state = readState(issue.body)
      if (!state || !(refs.ids.includes(state.incidentId) || refs.numbers.includes(issue.number)))
        continue
      found.add(state.incidentId)
      const bucket = incidentBucket(labelNames(issue), state)
      if (!bucket) continue
      const check = checkRemediation({
        incidentId: state.incidentId,
        issueNumber: issue.number,
        issueUrl: issue.html_url,
        bucket,
        affected: state.runs.flatMap(run => run.findings.flatMap(finding => finding.targets)),
        changed,
        result,
        layout
      })
      checks.push(check)
      if (!check.complete || !record) continue
      const next = remediated(
        state,
        issue.body,
        pr.reference,
        runs.flatMap(run => run.okLines),
        this.now(),
        this.options.runUrl
      )
      if (next) await this.rewrite(issue, { state: next })
    }
    // A `#N` may be any issue; only an unknown incident ID is worth a word.
    for (const id of refs.ids.filter(id => !found.has(id))) {
      this.options.log.warning(
        `${id} is not an open incident in ${this.options.repository}: nothing to check it against.`
      )
    }
    return checks
  }

  /** A person closed an incident (`issues: closed`): see `closedByPerson`. */
  async onClosed(number: number, by: string | undefined): Promise<PersonCloseOutcome> {
    const { issueAuthor, requireCloseNotes, runUrl } = this.options
    if (!isPersonsClose(by, issueAuthor)) return 'ignored'
    const issue = await this.get(number)
    const { outcome, step } = closedByPerson(
      readState(issue.body),
      { ...identity(issue), comments: issue.comments },
      by,
      { issueAuthor, requireCloseNotes, ...(runUrl ? { runUrl } : {}) },
      this.now()
    )
    if (step) await this.rewrite(issue, step)
    return outcome
  }

  /** The pull request of this scope was closed (`pull_request: closed`): see `pullRequestClosed`. */
  async onPullRequestClosed(
    merged: boolean,
    base: { key: string; scope: string }
  ): Promise<PullRequestClosedOutcome> {
    const issue = await this.openIncident(this.options.key)
    const state = issue && readState(issue.body)
    if (!issue || !state) return 'none'
    // The base's own incident is looked up only when this one would move there.
    const existing = merged && isRed(state.runs) ? await this.openIncident(base.key) : undefined
    const { outcome, step, continuedIn } = pullRequestClosed(
      state,
      merged,
      { ...base, ...(existing ? { openIncident: existing.number } : {}) },
      issue.number,
      this.now(),
      this.options.runUrl
    )
    await this.execute([
      ...(existing && continuedIn
        ? [
            {
              kind: 'comment' as const,
              issue: existing.number,
              body: renderResultComment(continuedIn, state.runs)
            }
          ]
        : []),
      ...(step ? rewriteOf(step, issue, this.body.bind(this)) : [])
    ])
    return outcome
  }

  /** The open incident of `key` (the oldest, should a race have left two), as it is now. */
  private async openIncident(key: string): Promise<Issue | undefined> {
    const choice = await this.choose(false, key)
    return choice.then === 'update' ? choice.issue : undefined
  }

  /** The open ones of newest(), oldest first. */
  private openOf(newest: { issues: Issue[] }): Issue[] {
    return newest.issues.filter(issue => issue.state === 'open').sort((a, b) => a.number - b.number)
  }

  /** Writes an event's step into an issue outside a run of its scope, keeping what it showed. */
  private async rewrite(issue: Issue, step: EventStep): Promise<void> {
    await this.execute(rewriteOf(step, issue, this.body.bind(this)))
  }

  private now(): string {
    return instant(this.options.now())
  }

  /** Validator results other runs left in comments since the body was last written. */
  private async resultComments(number: number): Promise<StoredRun[]> {
    const { octokit, issueAuthor } = this.options
    const comments = await octokit.paginate(
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      {
        owner: this.owner,
        repo: this.repo,
        issue_number: number,
        per_page: 100
      }
    )
    return comments
      .filter(comment => comment.user?.login === issueAuthor)
      .flatMap(comment => readResultComment(comment.body))
  }

  /** Who last added a label, from the issue's events. */
  private async labelSetter(number: number, label: string): Promise<string | undefined> {
    const events = await this.options.octokit.paginate(
      'GET /repos/{owner}/{repo}/issues/{issue_number}/events',
      {
        owner: this.owner,
        repo: this.repo,
        issue_number: number,
        per_page: 100
      }
    )
    return events
      .filter(
        event =>
          event.event === 'labeled' &&
          (event as { label?: { name?: string } }).label?.name === label
      )
      .pop()?.actor?.login
  }

  /** The body for `state`, merged into the issue's body as it is (`previous`), people's text kept. */
  private body(
    state: IncidentState,
    record: IncidentRecord,
    previous: string | null | undefined
  ): string {
    return renderIssueBody(state, previous, limits =>
      renderRecordSections({ ...record, lifecycle: state.lifecycle }, limits).map(section => ({
        ...section,
        text: this.options.redact(section.text)
      }))
    )
  }

  private async get(number: number): Promise<Issue> {
    const { data } = await this.options.octokit.request(
      'GET /repos/{owner}/{repo}/issues/{issue_number}',
      {
        owner: this.owner,
        repo: this.repo,
        issue_number: number
      }
    )
    return data as Issue
  }

  private async comment(number: number, body: string): Promise<void> {
    // The visible text is masked here; the hidden results were masked before they were stored.
    const hidden = body.indexOf('<!-- contract-drift-triage:result=')
    const text =
      hidden < 0
        ? this.options.redact(body)
        : this.options.redact(body.slice(0, hidden)) + body.slice(hidden)
    await this.options.octokit.request(
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      {
        owner: this.owner,
        repo: this.repo,
        issue_number: number,
        body: text.slice(0, ISSUE_BODY_LIMIT)
      }
    )
  }

  /**
   * Creates the issue without blind retries: a create that timed out or answered 5xx may have
   * happened, so look for it (by its incident ID) before trying again. Unknown assignees are
   * dropped with a warning rather than failing the run.
   */
  private async createIssue(
    fields: { title: string; body: string; labels: string[]; assignees: string[] },
    incidentId: string
  ): Promise<Issue> {
    const { octokit } = this.options
    let assignees = fields.assignees
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues', {
          owner: this.owner,
          repo: this.repo,
          ...fields,
          assignees,
          request: { retries: 0 }
        })
        return data as Issue
      } catch (error) {
        const status = (error as { status?: number }).status ?? 0
        if (status === 422 && assignees.length > 0) {
          assignees = await this.assignable(assignees)
          continue
        }
        if (status !== 0 && status < 500) throw error
        const landed = (await this.newest(this.options.key)).issues.find(issue =>
          (issue.body ?? '').includes(incidentId)
        )
        if (landed) return landed
        if (attempt === 2) throw error
      }
    }
    throw new Error('unreachable')
  }

  private async assignable(logins: string[]): Promise<string[]> {
    const { octokit, log } = this.options
    const kept: string[] = []
    for (const assignee of logins) {
      try {
        await octokit.request('GET /repos/{owner}/{repo}/assignees/{assignee}', {
          owner: this.owner,
          repo: this.repo,
          assignee
        })
        kept.push(assignee)
      } catch {
        log.warning(
          `Not assigning ${assignee}: the repository does not accept them as an assignee.`
        )
      }
    }
    return kept
  }
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
