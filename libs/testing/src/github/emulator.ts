// startGitHubEmulator: an HTTP server on loopback that speaks GitHub's REST API (the subset
// Berth uses) and git smart HTTP, backed by in-memory state and real bare repositories.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pingPayload } from '../webhooks/payloads.js';
import { AppManifests } from './app-manifest.js';
import { OAuthWebFlow } from './oauth-web-flow.js';
import { readCredentials, type Credentials } from './auth.js';
import { FaultInjector, type Fault, type FaultOptions } from './faults.js';
import { parseGitPath, serveGit } from './git-http-backend.js';
import {
  GitHubHttpError,
  badCredentials,
  errorBody,
  notFound,
  parseJsonBody,
  readBody,
  requiresAuthentication,
  sendJson,
  standardHeaders,
} from './http-util.js';
import { appRoutes } from './routes/app-routes.js';
import { checkRunRoutes } from './routes/check-run-routes.js';
import { collaboratorRoutes } from './routes/collaborator-routes.js';
import { reactionRoutes } from './routes/reaction-routes.js';
import { commentRoutes } from './routes/comment-routes.js';
import { membershipRoutes } from './routes/membership-routes.js';
import { repoRoutes } from './routes/repo-routes.js';
import type { Route, RouteResult } from './routes/route.js';
import { statusRoutes } from './routes/status-routes.js';
import { Scenario } from './scenario.js';
import { pullRequestJson, repositoryJson, userJson, type Json } from './shapes.js';
import { EmulatorState } from './state.js';
import type { AppRecord, CollaboratorPermission, CommentRecord, RequestLogEntry } from './types.js';
import { type DeliveryRecord, WebhookEmitter, type WebhookTarget } from './webhook-emitter.js';

export interface GitHubEmulatorOptions {
  appId?: number;
  appSlug?: string;
  /** Account the default installation belongs to (default `acme`). */
  owner?: string;
  installationId?: number;
  /** Lifetime of installation tokens (GitHub: 3600). */
  tokenTtlSeconds?: number;
  /** Where scenario helpers deliver webhooks (can be set later with setWebhookTarget). */
  webhook?: WebhookTarget;
  port?: number;
  /** First repository id (default 700000001); give each emulator sharing a database its own. */
  firstRepositoryId?: number;
}

/** GitHub's web form that creates an App from a manifest (user or organization). */
const MANIFEST_FORM = /^(?:\/organizations\/([^/]+))?\/settings\/apps\/new$/;

const ROUTES: Route[] = [
  ...appRoutes,
  ...repoRoutes,
  ...collaboratorRoutes,
  ...reactionRoutes,
  ...commentRoutes,
  ...statusRoutes,
  ...checkRunRoutes,
];

/** A weak ETag over what the response says (the body and its Link header), like GitHub's. */
function etagOf(body: unknown, link: string | undefined): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .update(link ?? '')
    .digest('hex');
  return `W/"${hash.slice(0, 40)}"`;
}

/** If-None-Match holds this ETag (a list; weak comparison, as GitHub does; `*` matches any). */
function matchesEtag(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const weak = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = (Array.isArray(header) ? header.join(',') : header).split(',');
  return wanted.some((tag) => tag.trim() === '*' || weak(tag) === weak(etag));
}

export type GitHubEmulator = Awaited<ReturnType<typeof startGitHubEmulator>>;

export async function startGitHubEmulator(options: GitHubEmulatorOptions = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const appId = options.appId ?? 424242;
  const slug = options.appSlug ?? 'berth-previews';
  let baseUrl = '';
  const app: AppRecord = {
    id: appId,
    slug,
    name: 'Berth Previews',
    owner: { login: options.owner ?? 'acme', id: 1_000_000, type: 'Organization' },
    privateKey,
    publicKey,
    permissions: {
      checks: 'write',
      contents: 'read',
      issues: 'write',
      metadata: 'read',
      pull_requests: 'write',
      statuses: 'write',
    },
    events: ['pull_request'],
    createdAt: new Date().toISOString(),
  };
  const state = new EmulatorState(app, () => baseUrl, options.tokenTtlSeconds ?? 3600);
  if (options.firstRepositoryId !== undefined)
    state.startRepositoryIdsAt(options.firstRepositoryId);
  const installationId = options.installationId ?? 4242;
  state.addInstallation(installationId, state.account(app.owner.login, 'Organization'));

  const projectRoot = await mkdtemp(join(tmpdir(), 'berth-github-emulator-'));
  const faults = new FaultInjector();
  const requestLog: RequestLogEntry[] = [];
  const webhooks = new WebhookEmitter(state);
  webhooks.target = options.webhook;
  const scenario = new Scenario(state, projectRoot, webhooks);
  const manifests = new AppManifests(state, webhooks);
  const oauth = new OAuthWebFlow(state);
  const routes = [...ROUTES, ...membershipRoutes(oauth)];
  const rateWindow = {
    resetAt: Math.floor(Date.now() / 1000) + 3600,
    used: new Map<number, number>(),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const credentials = readCredentials(req.headers, state);
    const installation =
      credentials.kind === 'installation-token' ? credentials.token.installationId : undefined;
    const entry: RequestLogEntry = {
      kind: 'api',
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: undefined,
      status: 0,
      auth: credentials.kind,
      installationId: installation,
      injected: false,
      at: new Date().toISOString(),
    };
    requestLog.push(entry);

    const manifestForm = MANIFEST_FORM.exec(url.pathname);
    if (method === 'POST' && manifestForm) {
      entry.kind = 'web';
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      try {
        const created = manifests.createFromForm(form, url.searchParams, manifestForm[1]);
        entry.status = 302;
        res.writeHead(302, { location: created.location }).end();
      } catch (error) {
        const failure =
          error instanceof GitHubHttpError ? error : new GitHubHttpError(500, String(error));
        entry.status = failure.status;
        sendJson(res, failure.status, errorBody(failure));
      }
      return;
    }

    if (url.pathname.startsWith('/login/oauth/')) {
      entry.kind = 'web';
      if (await oauth.handle(req, res, url)) {
        entry.status = res.statusCode;
        return;
      }
    }

    const git = parseGitPath(url.pathname);
    if (git) {
      entry.kind = 'git';
      entry.status = await handleGit(req, res, url, credentials, git, entry);
      return;
    }

    const used = (rateWindow.used.get(installation ?? 0) ?? 0) + 1;
    rateWindow.used.set(installation ?? 0, used);
    const headers = standardHeaders(Math.max(0, 5000 - used), rateWindow.resetAt);
    try {
      const raw = await readBody(req);
      const injected = faults.take(method, url.pathname, installation);
      if (injected) {
        entry.injected = true;
        throw injected;
      }
      entry.body = parseJsonBody(raw);
      const result = await dispatch(
        method,
        url,
        credentials,
        entry.body,
        req.headers.authorization,
      );
      // GitHub's conditional requests: every 200 GET carries a (weak) ETag of its content; the
      // same If-None-Match answers 304 with no body, and a 304 costs no rate limit.
      if (method === 'GET' && result.status === 200) {
        const etag = etagOf(result.body, result.headers?.link);
        if (matchesEtag(req.headers['if-none-match'], etag)) {
          rateWindow.used.set(installation ?? 0, used - 1);
          entry.status = 304;
          res
            .writeHead(304, {
              ...standardHeaders(Math.max(0, 5000 - used + 1), rateWindow.resetAt),
              etag,
              vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
            })
            .end();
          return;
        }
        result.headers = { ...result.headers, etag };
      }
      entry.status = result.status;
      sendJson(res, result.status, result.body, { ...headers, ...result.headers });
    } catch (error) {
      const failure =
        error instanceof GitHubHttpError
          ? error
          : new GitHubHttpError(500, error instanceof Error ? error.message : String(error));
      entry.status = failure.status;
      sendJson(res, failure.status, errorBody(failure), { ...headers, ...failure.headers });
    }
  }

  async function dispatch(
    method: string,
    url: URL,
    credentials: Credentials,
    body: unknown,
    authorization?: string,
  ): Promise<RouteResult> {
    const conversion = /^\/app-manifests\/([^/]+)\/conversions$/.exec(url.pathname);
    if (method === 'POST' && conversion) {
      // No authentication: the one-time code is the credential.
      return { status: 201, body: manifests.convert(decodeURIComponent(conversion[1] ?? '')) };
    }
    if (method === 'GET' && url.pathname === '/user' && credentials.kind === 'invalid') {
      // A user access token (OAuth web flow): who signed in.
      const user = oauth.userFor(authorization);
      if (user) return { status: 200, body: userJson(state.shapeContext(), user) };
    }
    for (const route of routes) {
      if (route.method !== method) continue;
      const params = route.pattern.match(url.pathname);
      if (!params) continue;
      if (credentials.kind === 'none') throw requiresAuthentication();
      if (credentials.kind === 'invalid') throw new GitHubHttpError(401, credentials.message);
      if (route.auth === 'app-jwt' && credentials.kind !== 'app-jwt') {
        throw new GitHubHttpError(401, 'A JSON web token could not be decoded');
      }
      if (route.auth === 'installation-token' && credentials.kind !== 'installation-token') {
        // An app JWT cannot read repositories; GitHub answers 401/403 depending on the endpoint.
        throw badCredentials();
      }
      return route.handle({
        params,
        query: url.searchParams,
        body,
        state,
        shapes: state.shapeContext(),
        token: credentials.kind === 'installation-token' ? credentials.token : (undefined as never),
        pageUrl: `${baseUrl}${url.pathname}`,
      });
    }
    throw notFound();
  }

  async function handleGit(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    credentials: Credentials,
    git: { owner: string; repo: string; rest: string },
    entry: RequestLogEntry,
  ): Promise<number> {
    const deny = (status: number, message: string): number => {
      req.resume();
      res.writeHead(status, {
        'content-type': 'text/plain; charset=utf-8',
        ...(status === 401 ? { 'www-authenticate': 'Basic realm="GitHub"' } : {}),
      });
      res.end(`${message}\n`);
      return status;
    };
    const injected = faults.take(req.method ?? 'GET', url.pathname, entry.installationId);
    if (injected) {
      entry.injected = true;
      return deny(injected.status, injected.message);
    }
    if (credentials.kind !== 'installation-token') {
      return deny(
        401,
        credentials.kind === 'none' ? 'Authentication required' : 'Invalid username or token.',
      );
    }
    const repo = state.repos.get(`${git.owner}/${git.repo}`.toLowerCase());
    if (!repo) return deny(404, 'Repository not found.');
    // Forks the app is not installed on are still readable when public, like on GitHub.
    const readable =
      (repo.installationId === credentials.token.installationId &&
        (credentials.token.repositoryIds?.includes(repo.id) ?? true)) ||
      !repo.private;
    if (!readable) return deny(404, 'Repository not found.');
    const relative = repo.gitDir.slice(projectRoot.length);
    return serveGit(req, res, {
      projectRoot,
      pathInfo: `${relative}/${git.rest}`,
      query: url.search.replace(/^\?/, ''),
      remoteUser: 'x-access-token',
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** Base URL for Octokit (`baseUrl`) and for clone URLs. */
    url: baseUrl,
    /** The GitHub App under test's credentials (the newest, after a manifest conversion). */
    get app() {
      const current = state.app;
      return {
        id: current.id,
        slug: current.slug,
        privateKey: current.privateKey,
        publicKey: current.publicKey,
      };
    },
    /** The webhook target GitHub sends to (set by setWebhookTarget or a manifest conversion). */
    get webhookTarget(): WebhookTarget | undefined {
      return webhooks.target;
    },
    installationId,
    /** Raw in-memory state, for assertions beyond the accessors below. */
    state,

    // --- scenario helpers -------------------------------------------------------------
    createRepository: scenario.createRepository.bind(scenario),
    commitToBranch: scenario.commitToBranch.bind(scenario),
    openPullRequest: scenario.openPullRequest.bind(scenario),
    pushToPullRequest: scenario.pushToPullRequest.bind(scenario),
    addLabel: scenario.addLabel.bind(scenario),
    removeLabel: scenario.removeLabel.bind(scenario),
    editPullRequest: scenario.editPullRequest.bind(scenario),
    closePullRequest: scenario.closePullRequest.bind(scenario),
    reopenPullRequest: scenario.reopenPullRequest.bind(scenario),

    // --- people and time ---------------------------------------------------------------
    /** The GitHub App's OAuth client, for the user sign-in web flow. */
    oauthClient: { clientId: oauth.clientId, clientSecret: oauth.clientSecret },
    /**
     * Who the browser is signed in to GitHub as: /login/oauth/authorize sends them straight
     * back with a code. undefined: GitHub's login page (no redirect).
     */
    signInAs(login: string | undefined): void {
      oauth.signIn(login);
    },
    /** Makes `login` a member of `org` (and of `team` in it, when given). */
    addOrgMember(org: string, login: string, team?: string): void {
      oauth.addMember(org, login, team);
    },

    /**
     * Gives `login` a role on `repo` (what GET …/collaborators/:login/permission answers).
     * Without one, the repository's owner is admin and everyone else has none.
     */
    setPermission(repo: string, login: string, level: CollaboratorPermission): void {
      state.setPermission(state.repo(repo), login, level);
    },
    /**
     * GitHub's timestamps have whole-second resolution. Freeze the clock (`setTime`) to give
     * two events the same updated_at, `advanceTime` to separate them, `useRealTime` to go back.
     */
    setTime(at: string | Date): void {
      state.clock.set(at);
    },
    advanceTime(seconds: number): void {
      state.clock.advance(seconds);
    },
    useRealTime(): void {
      state.clock.useRealTime();
    },
    /** The emulator's current time as GitHub would write it. */
    now(): string {
      return state.clock.now();
    },

    // --- webhooks ----------------------------------------------------------------------
    setWebhookTarget(target: WebhookTarget | undefined): void {
      webhooks.target = target;
    },
    /** Every webhook the scenario helpers sent, oldest first. */
    deliveries: webhooks.deliveries,
    /** The payload GitHub would send for an action, without sending it. */
    pullRequestEvent: webhooks.pullRequestEvent.bind(webhooks),
    /** The payload GitHub would send for a check run action, without sending it. */
    checkRunEvent: webhooks.checkRunEvent.bind(webhooks),
    /**
     * Someone pressed "Re-run" on a check run: GitHub sends `check_run` `rerequested` (signed
     * like every delivery). `sender` defaults to octocat.
     */
    rerequestCheckRun(checkRunId: number, options: { sender?: string } = {}) {
      const run = state.checkRuns.get(checkRunId);
      if (!run) throw new Error(`rerequestCheckRun: no check run ${checkRunId}`);
      return webhooks.emit(
        'check_run',
        webhooks.checkRunEvent(
          'rerequested',
          run,
          options.sender ? state.account(options.sender) : undefined,
        ),
      );
    },
    /**
     * `author` comments `body` on pull request `number` (as on github.com, not through the App's
     * token): GitHub stores it and sends `issue_comment` `created`. `bot` marks the author an App.
     */
    commentOnPullRequest(
      repo: string,
      number: number,
      body: string,
      options: { author?: string; bot?: boolean } = {},
    ) {
      const pr = state.pull(state.repo(repo), number);
      const now = state.clock.now();
      const comment: CommentRecord = {
        id: state.nextCommentId(),
        repo: pr.baseRepo,
        issueNumber: pr.number,
        body,
        user: state.account(options.author ?? 'octocat', options.bot ? 'Bot' : 'User'),
        createdAt: now,
        updatedAt: now,
      };
      state.comments.set(comment.id, comment);
      const sent = webhooks.emit(
        'issue_comment',
        webhooks.issueCommentEvent('created', pr, comment),
      );
      return { comment, sent };
    },
    /** Sends an earlier delivery again with its own delivery id (GitHub's "Redeliver"). */
    redeliver(delivery: DeliveryRecord) {
      return webhooks.emit(delivery.event, delivery.payload, delivery.deliveryId);
    },
    /** The reactions on comment `commentId` (whoever gave them). */
    reactions(commentId: number) {
      return [...(state.comments.get(commentId)?.reactions ?? [])];
    },
    sendPing() {
      return webhooks.emit(
        'ping',
        pingPayload({ appId: state.app.id, url: webhooks.target?.url ?? '' }),
      );
    },

    // --- tokens ------------------------------------------------------------------------
    /** Mints an installation token directly (what POST …/access_tokens returns). */
    createInstallationToken(id = installationId): { token: string; expiresAt: string } {
      const record = state.issueToken(id, undefined);
      return { token: record.token, expiresAt: new Date(record.expiresAt).toISOString() };
    },
    /** Makes every issued token expired (tests of token refresh). */
    expireTokens(): void {
      for (const token of state.tokens.values()) token.expiresAt = Date.now() - 1000;
    },
    cloneUrl(repo: string, token?: string): string {
      const plain = `${baseUrl}/${state.repo(repo).fullName}.git`;
      return token ? plain.replace('http://', `http://x-access-token:${token}@`) : plain;
    },

    // --- what the app wrote ------------------------------------------------------------
    requests: requestLog,
    clearRequests(): void {
      requestLog.length = 0;
    },
    comments(repo: string, number: number) {
      return [...state.comments.values()].filter(
        (c) => c.repo === state.repo(repo).fullName && c.issueNumber === number,
      );
    },
    statuses(repo: string, sha: string) {
      return state.statuses.filter((s) => s.repo === state.repo(repo).fullName && s.sha === sha);
    },
    /** Every check run of `repo` on `sha`, oldest first (with their annotations). */
    checkRuns(repo: string, sha: string) {
      return [...state.checkRuns.values()].filter(
        (r) => r.repo === state.repo(repo).fullName && r.headSha === sha,
      );
    },
    pullRequest(repo: string, number: number) {
      return state.pull(state.repo(repo), number);
    },
    pullRequestJson(pr: Parameters<typeof pullRequestJson>[1]): Json {
      return pullRequestJson(state.shapeContext(), pr);
    },
    repositoryJson(repo: string): Json {
      return repositoryJson(state.shapeContext(), state.repo(repo));
    },

    // --- faults --------------------------------------------------------------------------
    /** The next `times` requests matching `pattern` fail with `fault` (status or rate limit). */
    failNext(pattern: string, fault: Fault, times = 1, faultOptions?: FaultOptions): void {
      faults.add(pattern, fault, times, faultOptions);
    },
    clearFaults(): void {
      faults.clear();
    },

    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(projectRoot, { recursive: true, force: true });
    },
  };
}
