// Check runs (GitHub Apps only). Setting a conclusion completes the run, as on GitHub.
import { GitHubHttpError, notFound } from '../http-util.js';
import { resolveCommit } from '../git.js';
import { paginate } from '../pagination.js';
import { compilePattern } from '../route-match.js';
import { checkRunJson } from '../shapes.js';
import type { CheckConclusion, CheckRunRecord, CheckStatus } from '../types.js';
import { commitOr422 } from './status-routes.js';
import { bodyObject, intParam, ok, optionalString, requiredString, type Route } from './route.js';

const STATUSES: CheckStatus[] = [
  'queued',
  'in_progress',
  'completed',
  'waiting',
  'requested',
  'pending',
];
const CONCLUSIONS: CheckConclusion[] = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
];

function applyUpdate(run: CheckRunRecord, input: Record<string, unknown>, now: string): void {
  const name = optionalString(input, 'name');
  if (name) run.name = name;
  const detailsUrl = optionalString(input, 'details_url');
  if (detailsUrl !== undefined) run.detailsUrl = detailsUrl;
  const externalId = optionalString(input, 'external_id');
  if (externalId !== undefined) run.externalId = externalId;
  const startedAt = optionalString(input, 'started_at');
  if (startedAt) run.startedAt = startedAt;
  if (input.status !== undefined) {
    if (!STATUSES.includes(input.status as CheckStatus)) {
      throw new GitHubHttpError(
        422,
        `Invalid request.\n\nFor 'properties/status', ${JSON.stringify(input.status)} is not a member of ${JSON.stringify(STATUSES)}.`,
      );
    }
    run.status = input.status as CheckStatus;
  }
  if (input.conclusion !== undefined && input.conclusion !== null) {
    if (!CONCLUSIONS.includes(input.conclusion as CheckConclusion)) {
      throw new GitHubHttpError(
        422,
        `Invalid request.\n\nFor 'properties/conclusion', ${JSON.stringify(input.conclusion)} is not a member of ${JSON.stringify(CONCLUSIONS)}.`,
      );
    }
    run.conclusion = input.conclusion as CheckConclusion;
    run.status = 'completed';
  }
  if (run.status === 'completed' && !run.conclusion) {
    throw new GitHubHttpError(
      422,
      'Invalid request.\n\nNo subschema in "anyOf" matched.\n"conclusion" wasn\'t supplied.',
    );
  }
  if (run.status === 'completed') {
    run.completedAt = optionalString(input, 'completed_at') ?? run.completedAt ?? now;
  }
  if (input.output !== undefined) {
    const output = bodyObject(input.output);
    run.output = {
      title: requiredString(output, 'title', 'CheckRun'),
      summary: requiredString(output, 'summary', 'CheckRun'),
      text: optionalString(output, 'text') ?? null,
    };
  }
}

export const checkRunRoutes: Route[] = [
  {
    method: 'POST',
    pattern: compilePattern('/repos/:owner/:repo/check-runs'),
    auth: 'installation-token',
    handle: async ({ state, shapes, token, params, body }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const input = bodyObject(body);
      const name = requiredString(input, 'name', 'CheckRun');
      const headSha = await commitOr422(repo, requiredString(input, 'head_sha', 'CheckRun'));
      const run: CheckRunRecord = {
        id: state.nextCheckRunId(),
        repo: repo.fullName,
        name,
        headSha,
        status: 'queued',
        conclusion: null,
        detailsUrl: null,
        externalId: null,
        startedAt: state.clock.now(),
        completedAt: null,
        output: { title: null, summary: null, text: null },
        appId: state.app.id,
      };
      applyUpdate(run, input, state.clock.now());
      state.checkRuns.set(run.id, run);
      return ok(checkRunJson(shapes, run), 201);
    },
  },
  {
    method: 'PATCH',
    pattern: compilePattern('/repos/:owner/:repo/check-runs/:check_run_id'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params, body }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const run = state.checkRuns.get(intParam(params, 'check_run_id'));
      if (!run || run.repo !== repo.fullName) throw notFound();
      const draft = { ...run, output: { ...run.output } };
      applyUpdate(draft, bodyObject(body), state.clock.now());
      Object.assign(run, draft);
      return ok(checkRunJson(shapes, run));
    },
  },
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/check-runs/:check_run_id'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const run = state.checkRuns.get(intParam(params, 'check_run_id'));
      if (!run || run.repo !== repo.fullName) throw notFound();
      return ok(checkRunJson(shapes, run));
    },
  },
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/commits/:ref/check-runs'),
    auth: 'installation-token',
    handle: async ({ state, shapes, token, params, query, pageUrl }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const sha = await resolveCommit(repo.gitDir, params.ref ?? '');
      if (!sha) throw new GitHubHttpError(422, `No commit found for SHA: ${params.ref}`);
      const name = query.get('check_name');
      const status = query.get('status');
      let runs = [...state.checkRuns.values()]
        .filter((r) => r.repo === repo.fullName && r.headSha === sha)
        .filter((r) => !name || r.name === name)
        .filter((r) => !status || r.status === status)
        .sort((a, b) => b.id - a.id);
      if ((query.get('filter') ?? 'latest') === 'latest') {
        const seen = new Set<string>();
        runs = runs.filter((r) => !seen.has(r.name) && seen.add(r.name));
      }
      const page = paginate(runs, query, pageUrl);
      return {
        status: 200,
        body: {
          total_count: runs.length,
          check_runs: page.items.map((r) => checkRunJson(shapes, r)),
        },
        ...(page.link ? { headers: { link: page.link } } : {}),
      };
    },
  },
];
