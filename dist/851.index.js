export const id = 851;
export const ids = [851];
export const modules = {

/***/ 4851:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createBundle: () => (/* binding */ createBundle),
  mergeBundles: () => (/* binding */ mergeBundles),
  readBundles: () => (/* binding */ readBundles),
  verifyPullRequest: () => (/* binding */ verifyPullRequest),
  writeBundle: () => (/* binding */ writeBundle)
});

// UNUSED EXPORTS: BUNDLE_LIMITS, BUNDLE_SCHEMA, BUNDLE_VERSION, isBranchName

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 11 modules
var schemas = __webpack_require__(2857);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/api.js
var api = __webpack_require__(3759);
;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/iso.js



function datetime(params) {
    return api/* _isoDateTime */.G1(schemas/* ZodISODateTime */.You, params);
}
function date(params) {
    return core._isoDate(ZodISODate, params);
}
function time(params) {
    return core._isoTime(ZodISOTime, params);
}
function duration(params) {
    return core._isoDuration(ZodISODuration, params);
}

// EXTERNAL MODULE: ./src/event.ts
var src_event = __webpack_require__(807);
// EXTERNAL MODULE: ./src/markdown.ts
var markdown = __webpack_require__(3758);
// EXTERNAL MODULE: ./src/paths.ts
var src_paths = __webpack_require__(8431);
// EXTERNAL MODULE: ./src/pipeline.ts
var pipeline = __webpack_require__(5165);
;// CONCATENATED MODULE: ./src/bundle.ts
/**
 * Finding bundles (SPEC §3 `mode: collect` / `mode: publish`): what one job saw, as one JSON file
 * that a later, trusted job merges into one triage per scope. A bundle is untrusted input — a
 * fork's pull request wrote it — so everything read back is validated, bounded and confined.
 */








const BUNDLE_SCHEMA = 'contract-drift-triage/bundle';
const BUNDLE_VERSION = 1;
/** What one bundle may hold. A bundle beyond them is rejected, never trimmed on the reading side. */
const BUNDLE_LIMITS = {
    fileBytes: 20 * 1024 * 1024,
    runs: 200,
    findingsPerRun: 1000,
    targetsPerFinding: 50,
    message: 2000,
    command: 4000,
    excerpt: 32 * 1024,
    okLines: 100,
    notes: 50,
    changedFiles: 20_000,
    path: 1024,
    intent: 50,
    labels: 100,
    title: 1024,
    body: 65_536,
    branch: 255,
    pullRequest: 1_000_000_000
};
const L = BUNDLE_LIMITS;
const bundle_text = (max) => schemas/* string */.YjP().max(max);
const sha = schemas/* string */.YjP().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})?$/, 'expected a commit SHA');
const count = schemas/* number */.aig().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** `git check-ref-format --branch`, which every branch GitHub reports satisfies. */
function isBranchName(name) {
    if (name.length === 0 || name.length > L.branch || name === '@')
        return false;
    // eslint-disable-next-line no-control-regex -- control characters are what git forbids
    if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|^[-/]|\/$|\.$/.test(name))
        return false;
    return name.split('/').every(part => !part.startsWith('.') && !part.endsWith('.lock'));
}
const scopeSchema = schemas/* discriminatedUnion */.gMt('kind', [
    schemas/* object */.Ikc({ kind: schemas/* literal */.euz('pr'), number: schemas/* number */.aig().int().positive().max(L.pullRequest) }),
    schemas/* object */.Ikc({
        kind: schemas/* literal */.euz('branch'),
        name: schemas/* string */.YjP().refine(isBranchName, 'expected a git branch name')
    })
]);
const repository = schemas/* string */.YjP()
    .max(140)
    .regex(/^[\w.-]+\/[\w.-]+$/, 'expected {owner}/{repo}');
const factsSchema = schemas/* object */.Ikc({
    name: schemas/* string */.YjP().regex(/^[a-z_]{1,100}$/, 'expected an event name'),
    repository,
    scope: scopeSchema,
    pullRequest: schemas/* object */.Ikc({
        number: schemas/* number */.aig().int().positive().max(L.pullRequest),
        baseSha: sha,
        headSha: sha,
        labels: schemas/* array */.YOg(bundle_text(L.title)).max(L.labels),
        title: bundle_text(L.title),
        body: bundle_text(L.body),
        fromFork: schemas/* boolean */.zMY(),
        baseRef: schemas/* string */.YjP()
            .refine(ref => ref === '' || isBranchName(ref), 'expected a git branch name')
            .default(''),
        merged: schemas/* boolean */.zMY().default(false)
    })
        .optional(),
    push: schemas/* object */.Ikc({ before: sha, after: sha, headMessage: bundle_text(L.body).optional() }).optional(),
    headSha: sha,
    runUrl: bundle_text(L.path).optional()
})
    .superRefine((facts, ctx) => {
    const pr = facts.scope.kind === 'pr' ? facts.scope.number : undefined;
    if (pr !== facts.pullRequest?.number)
        ctx.addIssue({
            code: 'custom',
            path: ['pullRequest'],
            message: 'a pull request scope and its pullRequest facts must name the same number'
        });
    // The record links the run; only a run of this repository's Actions may be linked.
    const run = /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?\/([\w.-]+\/[\w.-]+)\/actions\/runs\/\d+(?:\/attempts\/\d+)?$/;
    const linked = facts.runUrl === undefined ? undefined : run.exec(facts.runUrl)?.[1];
    if (facts.runUrl !== undefined && linked?.toLowerCase() !== facts.repository.toLowerCase())
        ctx.addIssue({
            code: 'custom',
            path: ['runUrl'],
            message: `expected the URL of an Actions run of ${facts.repository}`
        });
});
const findingSchema = schemas/* object */.Ikc({
    source: bundle_text(L.command),
    tag: bundle_text(100),
    message: bundle_text(L.message),
    targets: schemas/* array */.YOg(bundle_text(L.path)).max(L.targetsPerFinding),
    line: schemas/* number */.aig().int().positive().max(100_000_000).optional(),
    runtime: schemas/* boolean */.zMY()
});
const runSchema = schemas/* object */.Ikc({
    command: schemas/* string */.YjP().min(1).max(L.command),
    outcome: schemas/* enum */.k5n(['passed', 'failed', 'crashed', 'missing', 'timed-out']),
    exitCode: schemas/* number */.aig()
        .int()
        .min(-(2 ** 31))
        .max(2 ** 32)
        .nullable(),
    durationMs: schemas/* number */.aig().nonnegative().max(1e10),
    findings: schemas/* array */.YOg(findingSchema).max(L.findingsPerRun),
    findingCount: count,
    okLines: schemas/* array */.YOg(bundle_text(L.message)).max(L.okLines),
    excerpt: bundle_text(L.excerpt),
    outputBytes: count,
    crash: bundle_text(L.message).optional(),
    format: schemas/* string */.YjP()
        .regex(/^[a-z-]{1,40}$/)
        .optional(),
    notes: schemas/* array */.YOg(bundle_text(L.message)).max(L.notes).optional()
});
const contextSchema = schemas/* object */.Ikc({
    changed: schemas/* array */.YOg(schemas/* object */.Ikc({
        path: bundle_text(L.path),
        class: schemas/* enum */.k5n(['fixture', 'contract', 'implementation', 'docs', 'other'])
    }))
        .max(L.changedFiles),
    changeSource: bundle_text(L.message),
    intent: schemas/* array */.YOg(bundle_text(L.message)).max(L.intent)
});
const bundleSchema = schemas/* object */.Ikc({
    schema: schemas/* literal */.euz(BUNDLE_SCHEMA),
    version: schemas/* literal */.euz(BUNDLE_VERSION),
    createdAt: datetime(),
    facts: factsSchema,
    context: contextSchema,
    runs: schemas/* array */.YOg(runSchema).min(1).max(L.runs)
});
const clip = (value, max) => value.length <= max ? value : `${value.slice(0, max - 1)}…`;
// The excerpt's tail is where a log says why it ended.
const clipTail = (value, max) => value.length <= max ? value : max <= 1 ? '' : `…${value.slice(-(max - 1))}`;
function redactDeep(value, redact) {
    if (typeof value === 'string')
        return redact(value);
    if (Array.isArray(value))
        return value.map(item => redactDeep(item, redact));
    if (value && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)]));
    return value;
}
/**
 * The facts a bundle carries: the scope and the change, nothing about lifecycle. `untrusted`,
 * `action`, `sender`, `issue` and `workflowRunHeadSha` describe an event, and only the
 * publishing job's own event may close, move or reopen an incident.
 */
function evidenceFacts(facts) {
    return {
        name: facts.name,
        repository: facts.repository,
        scope: facts.scope,
        headSha: facts.headSha,
        ...(facts.pullRequest ? { pullRequest: { ...facts.pullRequest, merged: false } } : {}),
        ...(facts.push ? { push: facts.push } : {}),
        ...(facts.runUrl ? { runUrl: facts.runUrl } : {})
    };
}
function clipRun(run) {
    const clipped = {
        ...run,
        command: clip(run.command, L.command),
        findings: run.findings.slice(0, L.findingsPerRun).map(finding => ({
            ...finding,
            source: clip(finding.source, L.command),
            tag: clip(finding.tag, 100),
            message: clip(finding.message, L.message),
            targets: finding.targets.filter(t => t.length <= L.path).slice(0, L.targetsPerFinding)
        })),
        findingCount: Math.max(run.findingCount, run.findings.length),
        okLines: run.okLines.slice(0, L.okLines).map(line => clip(line, L.message)),
        excerpt: clipTail(run.excerpt, L.excerpt)
    };
    if (run.crash !== undefined)
        clipped.crash = clip(run.crash, L.message);
    if (run.notes !== undefined)
        clipped.notes = run.notes.slice(0, L.notes).map(note => clip(note, L.message));
    return clipped;
}
/**
 * collect: what the job saw, as one bundle, within the limits `readBundles` enforces. Secrets
 * are redacted first: the workflow uploads the bundle as an artifact others can download.
 */
function createBundle(evidence, now, redact = value => value) {
    const facts = redactDeep(evidenceFacts(evidence.facts), redact);
    const pr = facts.pullRequest;
    const context = redactDeep(evidence.context, redact);
    return {
        schema: BUNDLE_SCHEMA,
        version: BUNDLE_VERSION,
        createdAt: now.toISOString(),
        facts: {
            ...facts,
            ...(pr
                ? {
                    pullRequest: {
                        ...pr,
                        labels: pr.labels.slice(0, L.labels).map(label => clip(label, L.title)),
                        title: clip(pr.title, L.title),
                        body: clip(pr.body, L.body)
                    }
                }
                : {}),
            ...(facts.push?.headMessage
                ? { push: { ...facts.push, headMessage: clip(facts.push.headMessage, L.body) } }
                : {})
        },
        context: {
            changed: context.changed.filter(f => f.path.length <= L.path).slice(0, L.changedFiles),
            changeSource: clip(context.changeSource, L.message),
            intent: context.intent.slice(0, L.intent).map(line => clip(line, L.message))
        },
        runs: redactDeep(evidence.runs, redact).slice(0, L.runs).map(clipRun)
    };
}
/** Writes `<dir>/contract-drift-bundle-<random>.json` and returns its path. */
async function writeBundle(bundle, dir) {
    let json = JSON.stringify(bundle);
    // A log-heavy matrix leg still publishes: fewer findings and shorter excerpts, never no bundle.
    for (const [findings, excerpt] of [
        [200, 8000],
        [50, 2000],
        [10, 500],
        [0, 0]
    ]) {
        if (Buffer.byteLength(json) <= L.fileBytes)
            break;
        json = JSON.stringify({
            ...bundle,
            runs: bundle.runs.map(run => ({
                ...run,
                findings: run.findings.slice(0, findings),
                excerpt: clipTail(run.excerpt, excerpt)
            }))
        });
    }
    await (0,promises_.mkdir)(dir, { recursive: true });
    const path = (0,external_node_path_.join)(dir, `contract-drift-bundle-${(0,external_node_crypto_.randomBytes)(8).toString('hex')}.json`);
    await (0,promises_.writeFile)(path, json, { flag: 'wx' });
    return path;
}
const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
/** The file's JSON, or why it cannot be read: its size is known before a byte is read. */
async function readJson(path) {
    const handle = await (0,promises_.open)(path, 'r');
    try {
        // fstat on the open handle: the file checked is the file read.
        const stat = await handle.stat();
        if (!stat.isFile())
            throw new Error('not a regular file');
        if (stat.size > L.fileBytes)
            throw new Error(`${megabytes(stat.size)}, over the ${megabytes(L.fileBytes)} a bundle may be; not read`);
        const bytes = Buffer.alloc(stat.size);
        let read = 0;
        while (read < bytes.length) {
            const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read);
            if (bytesRead === 0)
                break;
            read += bytesRead;
        }
        const source = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, read));
        try {
            return JSON.parse(source.replace(/^\uFEFF/, ''));
        }
        catch (error) {
            throw new Error(`not JSON: ${error.message}`);
        }
    }
    finally {
        await handle.close();
    }
}
function headerProblem(data) {
    const header = (data && typeof data === 'object' ? data : {});
    if (header.schema !== BUNDLE_SCHEMA)
        return `not a contract-drift-triage finding bundle (expected "schema": "${BUNDLE_SCHEMA}")`;
    if (header.version !== BUNDLE_VERSION)
        return `bundle version ${JSON.stringify(header.version)}; this action reads version ${BUNDLE_VERSION}. Use the same release of contract-drift-triage to collect and to publish.`;
    return undefined;
}
const MAX_ISSUES = 5;
function schemaProblem(error) {
    const issues = error.issues.slice(0, MAX_ISSUES).map(issue => {
        const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
        return `${where}: ${issue.message}`;
    });
    const more = error.issues.length > MAX_ISSUES ? `; and ${error.issues.length - MAX_ISSUES} more` : '';
    return `not a valid bundle: ${issues.join('; ')}${more}`;
}
/** Repository-relative paths only: absolute paths and `..` escapes are dropped, and counted. */
function confine(paths) {
    const kept = [];
    let dropped = 0;
    for (const raw of paths) {
        const path = (0,src_paths/* normalisePath */.qb)(raw, '');
        if (path === undefined)
            dropped++;
        else if (!kept.includes(path))
            kept.push(path);
    }
    return { kept, dropped };
}
const INTENT = /^(label|trailer) (`+) ?(.*?) ?\2((?: in the (?:pull request body|head commit message))?)$/s;
/**
 * Intent lines and the change source reach the record as Markdown prose, not code spans: a
 * bundle's are rebuilt so that only what `findIntent` itself writes can be live Markdown.
 */
function safeIntent(line) {
    const match = INTENT.exec(line);
    return match ? `${match[1]} ${(0,markdown/* code */.aY)(match[3] ?? '')}${match[4] ?? ''}` : (0,markdown/* code */.aY)(line);
}
function confineBundle(parsed) {
    const notes = [];
    let droppedTargets = 0;
    const runs = parsed.runs.map(run => {
        let dropped = 0;
        const findings = run.findings.map(finding => {
            const targets = confine(finding.targets);
            dropped += targets.dropped;
            return { ...finding, targets: targets.kept };
        });
        droppedTargets += dropped;
        const runNotes = [
            ...(run.notes ?? []),
            ...(dropped > 0
                ? [`${dropped} finding target(s) outside the repository dropped from the bundle`]
                : [])
        ];
        return {
            ...run,
            findings,
            findingCount: Math.max(run.findingCount, findings.length),
            ...(runNotes.length > 0 ? { notes: runNotes } : {})
        };
    });
    if (droppedTargets > 0)
        notes.push(`${droppedTargets} finding target(s) outside the repository dropped`);
    const changed = [];
    let droppedChanged = 0;
    for (const file of parsed.context.changed) {
        const path = (0,src_paths/* normalisePath */.qb)(file.path, '');
        if (path === undefined)
            droppedChanged++;
        else if (!changed.some(known => known.path === path))
            changed.push({ path, class: file.class });
    }
    let changeSource = (0,markdown/* inlineText */.ln)(parsed.context.changeSource);
    if (droppedChanged > 0) {
        notes.push(`${droppedChanged} changed file(s) outside the repository dropped`);
        changeSource += ` (${droppedChanged} path(s) outside the repository dropped from the bundle)`;
    }
    return {
        bundle: {
            schema: BUNDLE_SCHEMA,
            version: BUNDLE_VERSION,
            createdAt: parsed.createdAt,
            facts: evidenceFacts(parsed.facts),
            context: { changed, changeSource, intent: parsed.context.intent.map(safeIntent) },
            runs
        },
        notes
    };
}
/**
 * publish: reads bundle files matching the globs (relative to root, or absolute), validates each,
 * and returns the good ones and why others were rejected. `expectedRepository` is the publishing
 * workflow's own repository (`GITHUB_REPOSITORY`): a bundle claiming another one is rejected, as
 * is one whose run URL is not on `serverUrl` (`GITHUB_SERVER_URL`).
 */
async function readBundles(globs, root, expectedRepository, options = {}) {
    const server = (options.serverUrl || 'https://github.com').replace(/\/+$/, '').toLowerCase();
    const found = await (0,pipeline/* findReports */.zJ)(globs, root);
    const result = { bundles: [], rejected: [], unmatched: found.unmatched, notes: [] };
    for (const path of found.files) {
        let data;
        try {
            data = await readJson((0,external_node_path_.resolve)(root, path));
        }
        catch (error) {
            result.rejected.push({ path, reason: error.message });
            continue;
        }
        const problem = headerProblem(data);
        if (problem) {
            result.rejected.push({ path, reason: problem });
            continue;
        }
        const parsed = bundleSchema.safeParse(data);
        if (!parsed.success) {
            result.rejected.push({ path, reason: schemaProblem(parsed.error) });
            continue;
        }
        const claimed = parsed.data.facts.repository;
        if (claimed.toLowerCase() !== expectedRepository.toLowerCase()) {
            result.rejected.push({
                path,
                reason: `claims the repository ${claimed}; this workflow publishes for ${expectedRepository}`
            });
            continue;
        }
        const runUrl = parsed.data.facts.runUrl;
        if (runUrl !== undefined && !runUrl.toLowerCase().startsWith(`${server}/`)) {
            result.rejected.push({ path, reason: `facts.runUrl: expected a run on ${server}` });
            continue;
        }
        // The incident key is built from it: one spelling, whatever case the bundle used.
        parsed.data.facts.repository = expectedRepository;
        const { bundle, notes } = confineBundle(parsed.data);
        result.bundles.push(bundle);
        for (const note of notes)
            result.notes.push({ path, note });
    }
    return result;
}
/**
 * Groups bundles by incident key and merges their runs (the latest per validator command, as
 * SPEC §5 keeps them) and contexts (changed files and intent united): one evidence per scope, as
 * if one job had run every validator. The key is computed from each bundle's validated
 * repository and scope; `paths`, when given, re-classifies changed files by the publisher's config.
 */
function mergeBundles(bundles, incidentKeySuffix, options = {}) {
    const groups = new Map();
    for (const bundle of bundles) {
        const key = (0,src_event/* incidentKey */.Qq)(bundle.facts.repository, bundle.facts.scope, incidentKeySuffix);
        groups.set(key, [...(groups.get(key) ?? []), bundle]);
    }
    return [...groups].map(([key, group]) => {
        // Stable: bundles written at the same instant keep their reading order.
        const ordered = group
            .map((bundle, index) => ({ bundle, index }))
            .sort((a, b) => a.bundle.createdAt.localeCompare(b.bundle.createdAt) || a.index - b.index)
            .map(({ bundle }) => bundle);
        const runs = new Map();
        const changed = new Map();
        const sources = [];
        const intent = [];
        for (const bundle of ordered) {
            for (const run of bundle.runs)
                runs.set(run.command, run);
            for (const file of bundle.context.changed)
                if (!changed.has(file.path))
                    changed.set(file.path, {
                        path: file.path,
                        class: options.paths ? (0,src_paths/* classify */.L8)(file.path, options.paths) : file.class
                    });
            if (!sources.includes(bundle.context.changeSource))
                sources.push(bundle.context.changeSource);
            for (const line of bundle.context.intent)
                if (!intent.includes(line))
                    intent.push(line);
        }
        const latest = ordered[ordered.length - 1];
        return {
            key,
            evidence: {
                facts: latest.facts,
                runs: [...runs.values()],
                context: { changed: [...changed.values()], changeSource: sources.join('; '), intent }
            }
        };
    });
}
/**
 * workflow_run: `workflow_run.pull_requests` is empty for a fork, so the pull request a bundle
 * claims is accepted only when the API confirms that its head SHA is the triggering run's.
 * Returns undefined when the bundle may publish, else the reason it may not. A fork's run
 * (`fromFork`) never speaks for a branch of this repository.
 */
async function verifyPullRequest(octokit, repository, facts, workflowRunHeadSha, options = {}) {
    if (!/^[0-9a-f]{40,64}$/.test(workflowRunHeadSha))
        return `the triggering run's head SHA is unknown ('${workflowRunHeadSha}'), so no pull request can be confirmed`;
    if (facts.headSha !== workflowRunHeadSha)
        return `the bundle was made at ${facts.headSha.slice(0, 7) || 'an unknown commit'}, not at the triggering run's head ${workflowRunHeadSha.slice(0, 7)}`;
    if (facts.scope.kind === 'branch')
        return options.fromFork
            ? `a fork's run cannot publish for the branch ${facts.scope.name} of ${repository}`
            : undefined;
    const number = facts.scope.number;
    const [owner, repo] = repository.split('/');
    let headSha;
    try {
        const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
        headSha = data.head.sha;
    }
    catch (error) {
        const status = error.status;
        return status === 404
            ? `pull request #${number} does not exist in ${repository}`
            : `pull request #${number} of ${repository} could not be checked: ${error.message}`;
    }
    if (headSha !== workflowRunHeadSha)
        return `pull request #${number}'s head is ${headSha.slice(0, 7)}, not the triggering run's head ${workflowRunHeadSha.slice(0, 7)} (a newer push publishes its own bundle)`;
    return undefined;
}


/***/ })

};
