// Check runs (GitHub Apps only). Setting a conclusion completes the run, as on GitHub.
import { GitHubHttpError, notFound } from '../http-util.js';
import { resolveCommit } from '../git.js';
import { paginate } from '../pagination.js';
import { compilePattern } from '../route-match.js';
import { checkAnnotationJson, checkRunJson } from '../shapes.js';
import type {
  CheckAnnotationRecord,
  CheckConclusion,
  CheckRunRecord,
  CheckStatus,
} from '../types.js';
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

const LEVELS = ['notice', 'warning', 'failure'] as const;
/** GitHub's limit per create/update request; more are sent in further updates. */
const ANNOTATIONS_PER_REQUEST = 50;

/** `output.annotations` as GitHub validates them: required fields, levels, 50 per request. */
function parseAnnotations(raw: unknown): CheckAnnotationRecord[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    throw new GitHubHttpError(
      422,
      "Invalid request.\n\nFor 'properties/annotations', it is not an array.",
    );
  }
  if (raw.length > ANNOTATIONS_PER_REQUEST) {
    throw new GitHubHttpError(
      422,
      `Invalid request.\n\nOnly ${ANNOTATIONS_PER_REQUEST} annotations are allowed per request; got ${raw.length}.`,
    );
  }
  return raw.map((item: unknown) => {
    const a = bodyObject(item);
    const line = (name: string, required: boolean): number | null => {
      const value = a[name];
      if (value === undefined || value === null) {
        if (required)
          throw new GitHubHttpError(422, `Invalid request.\n\n"${name}" wasn't supplied.`);
        return null;
      }
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        throw new GitHubHttpError(
          422,
          `Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(value)} is not a positive integer.`,
        );
      }
      return value;
    };
    const level = a.annotation_level;
    if (!LEVELS.includes(level as (typeof LEVELS)[number])) {
      throw new GitHubHttpError(
        422,
        `Invalid request.\n\nFor 'properties/annotation_level', ${JSON.stringify(level)} is not a member of ${JSON.stringify(LEVELS)}.`,
      );
    }
    const startLine = line('start_line', true) as number;
    const endLine = line('end_line', true) as number;
    if (endLine < startLine) {
      throw new GitHubHttpError(
        422,
        'Invalid request.\n\nend_line must be greater than or equal to start_line.',
      );
    }
    const startColumn = line('start_column', false);
    const endColumn = line('end_column', false);
    if ((startColumn !== null || endColumn !== null) && startLine !== endLine) {
      throw new GitHubHttpError(
        422,
        'Invalid request.\n\nstart_column and end_column are only allowed when start_line equals end_line.',
      );
    }
    return {
      path: requiredString(a, 'path', 'CheckRun'),
      startLine,
      endLine,
      startColumn,
      endColumn,
      level: level as (typeof LEVELS)[number],
      title: optionalString(a, 'title') ?? null,
      message: requiredString(a, 'message', 'CheckRun'),
      rawDetails: optionalString(a, 'raw_details') ?? null,
    };
  });
}

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
    // Appended, never replaced: that is how more than 50 reach one check run.
    run.annotations = [...run.annotations, ...parseAnnotations(output.annotations)];
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
        annotations: [],
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
      const draft = { ...run, output: { ...run.output }, annotations: [...run.annotations] };
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
    pattern: compilePattern('/repos/:owner/:repo/check-runs/:check_run_id/annotations'),
    auth: 'installation-token',
    handle: ({ state, token, params, query, pageUrl }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const run = state.checkRuns.get(intParam(params, 'check_run_id'));
      if (!run || run.repo !== repo.fullName) throw notFound();
      const page = paginate(run.annotations, query, pageUrl);
      return {
        status: 200,
        body: page.items.map((a) => checkAnnotationJson(run, a)),
        ...(page.link ? { headers: { link: page.link } } : {}),
      };
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
