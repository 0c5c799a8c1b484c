import {
  ISSUE_BODY_LIMIT,
  readNotes,
  readResultComment,
  readState,
  renderIssueBody,
  renderResultComment,
  sameResult,
  storeRun,
  type IncidentState,
  type StoredRun
} from '../incident.js'
import { incidentTitle, renderRecordSections } from '../render.js'
import {
  bucketOverride,
  closedByPerson,
  foreignBucket,
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
import { firstIncident, nextIncident, type Triage } from '../incident/lifecycle.js'
import {
  checkRemediation,
  incidentReferences,
  type RemediationCheck,
  type RemediationLayout
} from '../remediation.js'
import type { Bucket, ChangedFile, IncidentRecord, Result, ValidatorRun } from '../types.js'
import type { Redactor } from '../redact.js'
import type { Octokit } from './client.js'
import { ensureLabels } from './labels.js'

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
}

export type { Triage }

export interface FiledIncident {
  action: 'none' | 'created' | 'updated' | 'unchanged' | 'reopened' | 'proved-green' | 'closed'
  number?: number
  url?: string
  record: IncidentRecord
  /** Results of other jobs this run still counts or dropped, in words for the summary. */
  otherJobs?: string[]
}

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
const MAX_ASSIGNEES = 10
// Twenty matrix legs finishing together on a busy runner need more than a few rounds to settle.
const VERIFY_ATTEMPTS = 10

/** Files, updates, proves green, reopens or closes the one incident of a scope (SPEC §3, §5). */
export class IncidentFiler {
  private readonly owner: string
  private readonly repo: string
  /** Labels on the incidents listed so far: they exist, no need to read the repository's. */
  private readonly seenLabels = new Set<string>()

  constructor(private readonly options: IncidentOptions) {
    const [owner, repo] = options.repository.split('/') as [string, string]
    this.owner = owner
    this.repo = repo
  }

  async file(runs: ValidatorRun[], triage: Triage): Promise<FiledIncident> {
    // Secrets go before anything is stored: the hidden state is base64, beyond later masking.
    runs = runs.map(run => JSON.parse(this.options.redact(JSON.stringify(run))) as ValidatorRun)
    // The issue stores trimmed results; this run's own results stay whole for triage and report.
    const whole = new Map(runs.map(run => [run.command, run]))
    const complete = (stored: readonly StoredRun[]): ValidatorRun[] =>
      stored.map(run => (run.job === this.options.job ? (whole.get(run.command) ?? run) : run))
    const full: Triage = (merged, override) => triage(complete(merged as StoredRun[]), override)
    return this.fileWith(runs, full)
  }

  private async fileWith(runs: ValidatorRun[], triage: Triage): Promise<FiledIncident> {
    const at = this.options
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
    const { job, head } = this.options
    const mine = runs.map(run => ({ ...storeRun(run, at, this.options.runUrl), job, head }))
    const red = mine.some(run => run.outcome !== 'passed')
    const open = await this.find('open')
    if (open[0]) return this.update(open[0], mine, triage, at, false)
    if (!red) return { action: 'none', record: triage(mine) }
    const [latest] = await this.find('closed')
    if (latest && readState(latest.body)?.closedBy === 'green')
      return this.update(latest, mine, triage, at, true)
    return this.create(mine, triage, at)
  }

  /** The incidents of this key: only issues this action wrote, with the label and the marker. */
  private async find(
    state: 'open' | 'closed',
    // null: every incident this action wrote, whatever its key.
    key: string | null = this.options.key
  ): Promise<Issue[]> {
    const { octokit, issueAuthor } = this.options
    const query = {
      owner: this.owner,
      repo: this.repo,
      labels: 'contract-drift',
      state,
      creator: issueAuthor,
      sort: 'created' as const,
      direction: state === 'open' ? ('asc' as const) : ('desc' as const),
      per_page: 100
    }
    // Every open incident matters (the oldest wins a race); of the closed, only the latest.
    const issues = (
      state === 'open'
        ? await octokit.paginate('GET /repos/{owner}/{repo}/issues', query)
        : (await octokit.request('GET /repos/{owner}/{repo}/issues', query)).data
    ) as Issue[]
    for (const issue of issues)
      for (const name of labelNames(issue)) this.seenLabels.add(name.toLowerCase())
    return issues.filter(issue => isIncident(identity(issue), issueAuthor, key))
  }

  private async create(mine: StoredRun[], triage: Triage, at: string): Promise<FiledIncident> {
    const record = triage(mine)
    const first = firstIncident(record, mine, this.options.key, at, this.options.runUrl)
    await ensureLabels(this.options.octokit, this.owner, this.repo, first.labels, this.seenLabels)
    const created = await this.createIssue(
      {
        title: first.title,
        body: this.body(first.state, record, undefined),
        labels: first.labels,
        assignees: first.assignees
      },
      record.incidentId
    )
    this.options.log.info(`Filed incident #${created.number} (${record.incidentId}).`)

    // Concurrent runs of the same scope may each have filed one: the oldest wins.
    const open = await this.find('open')
    const canonical = open[0]
    if (canonical && canonical.number !== created.number) {
      await this.comment(
        canonical.number,
        renderResultComment(
          `Results from a concurrent run, which filed #${created.number} as a duplicate and closed it.`,
          mine
        )
      )
      await this.comment(
        created.number,
        `Duplicate of #${canonical.number}: concurrent runs of the same scope; its results were moved there.`
      )
      await this.options.octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        owner: this.owner,
        repo: this.repo,
        issue_number: created.number,
        state: 'closed',
        state_reason: 'not_planned'
      })
      return this.update(await this.get(canonical.number), mine, triage, at, false)
    }
    return {
      action: 'created',
      number: created.number,
      url: created.html_url,
      record: first.shown
    }
  }

  private async update(
    issue: Issue,
    mine: StoredRun[],
    triage: Triage,
    at: string,
    reopen: boolean
  ): Promise<FiledIncident> {
    let current = issue
    let result: FiledIncident | undefined
    // Concurrent runs write the same body: write, read back, and merge again until our results stick.
    for (let attempt = 0; attempt < VERIFY_ATTEMPTS; attempt++) {
      const planned = await this.plan(current, mine, triage, at, reopen && attempt === 0)
      result = planned.result
      if (!planned.write) return result
      const edited = await planned.write()
      if (edited) {
        // Someone edited the issue while this run got ready to write: plan again on their text.
        current = edited
        continue
      }
      current = await this.get(issue.number)
      const written = readState(current.body)
      const missing = mine.some(
        run =>
          !written?.runs.some(
            stored =>
              stored.job === run.job && stored.command === run.command && sameResult(stored, run)
          )
      )
      if (!missing && current.comments <= (written?.seenComments ?? 0)) return result
      // Growing, jittered waits spread the writers out instead of lining them up again.
      await sleep(100 + Math.random() * Math.min(3000, 150 * 2 ** attempt))
    }
    this.options.log.warning(
      `Incident #${issue.number} kept changing under concurrent runs (${VERIFY_ATTEMPTS} attempts): this run's results may be missing from its record until the next run in this scope; this job's summary holds them.`
    )
    return result as FiledIncident
  }

  private async plan(
    issue: Issue,
    mine: StoredRun[],
    triage: Triage,
    at: string,
    reopen: boolean
  ): Promise<{ result: FiledIncident; write?: () => Promise<Issue | undefined> }> {
    const previous = readState(issue.body) ?? rebuiltState(issue, this.options.key)
    // Reads made after the issue was read leave it stale by the time it is written.
    let stale = issue.comments > previous.seenComments
    const logged = stale ? await this.resultComments(issue.number) : []
    stale ||= labelNames(issue).some(
      name => name.startsWith('bucket:') && name !== previous.bucketLabel
    )
    const override = await this.personBucket(issue, previous)
    const next = nextIncident(
      previous,
      {
        title: issue.title,
        body: issue.body,
        comments: issue.comments,
        labels: labelNames(issue),
        assignees: (issue.assignees ?? []).map(user => user.login)
      },
      {
        mine,
        logged,
        job: this.options.job,
        head: this.options.head,
        reopen,
        ...(override ? { override } : {}),
        ...(this.options.runUrl ? { runUrl: this.options.runUrl } : {})
      },
      {
        closeOnGreen: this.options.closeOnGreen,
        requireCloseNotes: this.options.requireCloseNotes,
        triage,
        renderBody: (state, shown, previousBody) => this.body(state, shown, previousBody)
      },
      at
    )
    const { state, shown, body, title, labels, sameLabels, comments, close, rerouted } = next
    const result: FiledIncident = {
      action: next.action,
      number: issue.number,
      url: issue.html_url,
      record: shown,
      ...(next.otherJobs.length > 0 ? { otherJobs: next.otherJobs } : {})
    }
    if (next.unchanged) return { result }
    return {
      result,
      write: async () => {
        if (!sameLabels) {
          await ensureLabels(
            this.options.octokit,
            this.owner,
            this.repo,
            labels.filter(name => /^(bucket|severity|owner):/.test(name)),
            this.seenLabels
          )
          stale = true
        }
        const assignable = rerouted.length > 0 ? await this.assignable(rerouted) : []
        stale ||= rerouted.length > 0
        // A person's edit made since the issue was read must not be written over (SPEC §5): read
        // it again right before writing whenever other requests came in between.
        if (stale) {
          const fresh = await this.get(issue.number)
          if (
            fresh.body !== issue.body ||
            labelNames(fresh).sort().join() !== labelNames(issue).sort().join()
          )
            return fresh
        }
        const assignees = [
          ...new Set([...(issue.assignees ?? []).map(user => user.login), ...assignable])
        ].slice(0, MAX_ASSIGNEES)
        const patch = (text: string): Promise<unknown> =>
          this.options.octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
            owner: this.owner,
            repo: this.repo,
            issue_number: issue.number,
            title,
            body: text,
            labels,
            ...(assignable.length > 0 ? { assignees } : {}),
            ...(close ? { state: 'closed' as const, state_reason: 'completed' as const } : {}),
            ...(reopen ? { state: 'open' as const } : {})
          })
        // The body is written straight after it was read, then the comments: a comment that
        // could not be posted is taken back out of the state, or results another run left in
        // the comments would be skipped.
        await patch(body)
        let posted = 0
        for (const text of comments) {
          try {
            await this.comment(issue.number, renderResultComment(text, mine))
            posted++
          } catch (error) {
            this.options.log.warning(
              `Incident #${issue.number}: a comment could not be posted (${(error as Error).message}); the record is updated.`
            )
          }
        }
        if (posted < comments.length)
          await patch(this.body({ ...state, seenComments: issue.comments + posted }, shown, body))
        return undefined
      }
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
    for (const issue of await this.find('open', null)) {
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
    const [issue] = await this.find('open')
    const state = issue && readState(issue.body)
    if (!issue || !state) return 'none'
    // The base's own incident is looked up only when this one would move there.
    const red = state.runs.some(run => run.outcome !== 'passed')
    const [existing] = merged && red ? await this.find('open', base.key) : []
    const { outcome, step, continuedIn } = pullRequestClosed(
      state,
      merged,
      { ...base, ...(existing ? { openIncident: existing.number } : {}) },
      issue.number,
      this.now(),
      this.options.runUrl
    )
    if (existing && continuedIn)
      await this.comment(existing.number, renderResultComment(continuedIn, state.runs))
    if (step) await this.rewrite(issue, step)
    return outcome
  }

  /** Writes a new state into an issue outside a run of its scope, keeping what it showed. */
  private async rewrite(issue: Issue, step: EventStep): Promise<void> {
    let state = step.state
    const scope = state.scope ?? issue.title.split(' — ').pop() ?? ''
    // What a person filled in stays theirs, whatever this rewrite is about.
    state = { ...state, lifecycle: { ...state.lifecycle, ...readNotes(issue.body) } }
    const shown: IncidentRecord = {
      incidentId: state.incidentId,
      key: state.key,
      scope,
      detectedAt: state.createdAt,
      detectedBy: 'CI',
      result: state.verdict?.result ?? 'drift',
      owners: state.verdict?.owners ?? [],
      ...state.verdict,
      runs: state.runs,
      context: { changed: [], changeSource: '', intent: [] },
      lifecycle: state.lifecycle
    }
    await this.options.octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      owner: this.owner,
      repo: this.repo,
      issue_number: issue.number,
      title: incidentTitle(shown),
      body: this.body({ ...state, scope }, shown, issue.body),
      ...step.issueState
    })
    if (step.comment) await this.comment(issue.number, step.comment)
  }

  private now(): string {
    return this.options
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
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

  /** A `bucket:*` label a person set (issue events say who) wins over the classifier. */
  private async personBucket(
    issue: Issue,
    state: IncidentState
  ): Promise<{ bucket: Bucket; by: string } | undefined> {
    const labels = labelNames(issue)
    const foreign = foreignBucket(labels, state)
    const setter = foreign ? await this.labelSetter(issue.number, foreign) : undefined
    return bucketOverride(labels, state, this.options.issueAuthor, setter)
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
        const landed = (await this.find('open')).find(issue =>
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

/** An issue whose hidden state was lost (edited by hand): start again from what it shows. */
function rebuiltState(issue: Issue, key: string): IncidentState {
  const id = /\*\*Incident ID:\*\* (DRIFT-\d{8}-[0-9a-f]{6})/.exec(issue.body ?? '')?.[1]
  return {
    v: 1,
    incidentId:
      id ??
      `DRIFT-${issue.created_at.slice(0, 10).replace(/-/g, '')}-${issue.number.toString(16).padStart(6, '0').slice(-6)}`,
    key,
    createdAt: issue.created_at.replace(/\.\d{3}Z$/, 'Z'),
    runs: [],
    lifecycle: { checklist: [true, false, false, false, false], history: [], failingChecks: [] },
    seenComments: issue.comments
  }
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
