import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitHubEmulator, startGitHubEmulator } from '../github/emulator.js';
import {
  type AppProcess,
  freePort,
  httpRequest,
  startAppProcess,
  StopWaiting,
  waitFor,
} from './processes.js';

export interface ControlPlaneOptions {
  /** Repository root (where dist/ and examples/ live). */
  root: string;
  databaseUrl: string;
  redisUrl: string;
  /** KEY=value file of compose variables (fixture image names on this machine). */
  composeVariablesFile?: string;
  /** Fixed gateway port (the demo prints URLs with it); random by default. */
  gatewayPort?: number;
  logLevel?: string;
  /** Copy the apps' logs to stderr as they come. */
  echoLogs?: boolean;
  /** Extra variables per app (e.g. the scale bench's WORKER_CONCURRENCY); they win over defaults. */
  appEnv?: Partial<Record<'api' | 'worker' | 'gateway', Record<string, string>>>;
}

export interface EnvironmentView {
  id: string;
  state: string;
  generation: number;
  headSha: string;
  prNumber: number;
  urls?: Record<string, string>;
  stages?: { stage: string; status: string; durationMs: number | null; error?: string | null }[];
  services?: { name: string; image?: string; source?: string }[];
  [key: string]: unknown;
}

/**
 * The whole control plane as real processes (api, worker, gateway from dist/) against a real
 * Postgres, Redis and Docker engine, with the GitHub emulator as GitHub. Used by the
 * end-to-end tests, `npm run demo` and `npm run bench`.
 */
/**
 * One master key for every test control plane: they share one state store, so a secret one plane
 * sealed (an installation layer of `acme`) must open in the next. Never a production value.
 */
export const TEST_MASTER_KEY = Buffer.alloc(32, 'berth-test-master-key').toString('base64');

export class ControlPlane {
  private constructor(
    readonly github: GitHubEmulator,
    readonly apps: AppProcess[],
    readonly apiUrl: string,
    readonly gatewayPort: number,
    readonly apiToken: string,
    readonly linkSecret: string,
    readonly webhookSecret: string,
    /** BERTH_ADMIN_TOKEN of the api (the `berth` CLI's token). */
    readonly adminToken: string,
    private readonly workDir: string,
    /** How each app was started (env, ops port), so a crashed one can be started again. */
    private readonly launch: Map<string, { env: Record<string, string>; opsPort: number }>,
    private readonly options: ControlPlaneOptions,
  ) {}

  static async start(options: ControlPlaneOptions): Promise<ControlPlane> {
    const [apiPort, workerPort, gatewayPort, gatewayOpsPort] = [
      await freePort(),
      await freePort(),
      options.gatewayPort ?? (await freePort()),
      await freePort(),
    ];
    const webhookSecret = randomBytes(24).toString('hex');
    const apiToken = randomBytes(24).toString('hex');
    const adminToken = randomBytes(24).toString('hex');
    const linkSecret = randomBytes(32).toString('hex');
    const workDir = await mkdtemp(join(tmpdir(), 'berth-cp-'));
    await mkdir(join(workDir, 'snapshots'));
    const github = await startGitHubEmulator({
      webhook: { url: `http://127.0.0.1:${apiPort}/webhooks/github`, secret: webhookSecret },
      // Test runs share one state store: each plane's repositories are new to Berth.
      firstRepositoryId: 100_000_000 + Math.floor(Math.random() * 800_000_000),
    });
    const common: Record<string, string> = {
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      QUEUE_PREFIX: `cp-${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: options.logLevel ?? 'info',
      NODE_ENV: 'test',
    };
    const specs: [string, Record<string, string>, number][] = [
      [
        'api',
        {
          ...common,
          API_PORT: String(apiPort),
          GITHUB_WEBHOOK_SECRET: webhookSecret,
          GITHUB_API_URL: github.url,
          API_TOKEN: apiToken,
          BERTH_ADMIN_TOKEN: adminToken,
          // waitForState polls /api/v1 several times a second per PR: far above a real client's
          // budget (decision 0029), and not what these specs measure.
          API_RATE_LIMIT_PER_MINUTE: '1000000',
          BERTH_MASTER_KEY: TEST_MASTER_KEY,
          // Share links are minted by the api on demand (`berth share create`, decision 0013).
          PREVIEW_LINK_SECRET: linkSecret,
          SNAPSHOT_DIR: join(workDir, 'snapshots'),
        },
        apiPort,
      ],
      [
        'worker',
        {
          ...common,
          WORKER_PORT: String(workerPort),
          GITHUB_API_URL: github.url,
          GITHUB_APP_ID: String(github.app.id),
          GITHUB_APP_PRIVATE_KEY: github.app.privateKey,
          BERTH_MASTER_KEY: TEST_MASTER_KEY,
          PREVIEW_LINK_SECRET: linkSecret,
          BASE_DOMAIN: 'localhost',
          PREVIEW_URL_SCHEME: 'http',
          PREVIEW_URL_PORT: String(gatewayPort),
          GITHUB_WRITE_INTERVAL_MS: '0',
          WORK_DIR: workDir,
          SNAPSHOT_DIR: join(workDir, 'snapshots'),
          // Every repository the emulator serves gets previews (the tests make many owners);
          // the allowlist itself is tested in test/trigger.
          ALLOWED_OWNERS: '*',
          // One test database holds the ledger rows of every spec's environments on host
          // `local`, many never torn down: no commitment, so a run's leftovers cannot hold up a
          // later spec. Admission has its own specs (a test passes appEnv to set one).
          HOST_MEMORY_COMMIT_MB: String(1024 * 1024 * 1024),
          // Planes share one engine with other test runs and the demo, whose environments live in
          // other databases: a scheduled reconciler here would take their objects for orphans.
          // On demand only (POST /admin/v1/reconcile); a test passes appEnv to schedule it.
          RECONCILE_INTERVAL_S: '0',
          // Likewise the TTL sweep: it would warn about and expire other runs' leftovers on host
          // `local`. A test passes appEnv (its own DOCKER_HOST_NAME and a short interval).
          TTL_SWEEP_INTERVAL_S: '0',
          // And the idle sweep (decision 0024): it would put other runs' previews to sleep.
          SLEEP_SWEEP_INTERVAL_S: '0',
          // And the resync with GitHub: it walks every repository in the (shared) state store,
          // most of them other planes'. On demand (POST /admin/v1/resync?repository=…).
          RESYNC_INTERVAL_S: '0',
          // And usage sampling (decision 0025): every plane would read every running container of
          // the shared database's host `local` each minute. A test passes appEnv to sample.
          COST_SAMPLE_INTERVAL_S: '0',
          ...(options.composeVariablesFile
            ? {
                COMPOSE_VARIABLES_FILE: options.composeVariablesFile,
                // The fixture image names are no secret: every repository may read them.
                SHARED_COMPOSE_VARIABLES: variableNames(options.composeVariablesFile).join(','),
              }
            : {}),
        },
        workerPort,
      ],
      [
        'gateway',
        {
          ...common,
          GATEWAY_PORT: String(gatewayPort),
          GATEWAY_OPS_PORT: String(gatewayOpsPort),
          BASE_DOMAIN: 'localhost',
          // The scheme browsers reach it by: plain http here, so its cookies carry no `Secure`.
          PREVIEW_URL_SCHEME: 'http',
          PREVIEW_LINK_SECRET: linkSecret,
          // Sign-in with GitHub for `sso` repositories (decision 0014), as an operator sets it:
          // the App's OAuth client, at the emulator (`github.signInAs` picks the person).
          GITHUB_API_URL: github.url,
          GITHUB_APP_ID: String(github.app.id),
          GITHUB_APP_PRIVATE_KEY: github.app.privateKey,
          GITHUB_APP_CLIENT_ID: github.oauthClient.clientId,
          GITHUB_APP_CLIENT_SECRET: github.oauthClient.clientSecret,
          BERTH_MASTER_KEY: TEST_MASTER_KEY,
        },
        gatewayOpsPort,
      ],
    ];
    const launch = new Map(
      specs.map(([name, env, opsPort]) => [
        name,
        { env: { ...env, ...options.appEnv?.[name as 'api' | 'worker' | 'gateway'] }, opsPort },
      ]),
    );
    const apps = specs.map(([name]) =>
      startAppProcess(options.root, name, launch.get(name)!.env, options.echoLogs ?? false),
    );
    const plane = new ControlPlane(
      github,
      apps,
      `http://127.0.0.1:${apiPort}`,
      gatewayPort,
      apiToken,
      linkSecret,
      webhookSecret,
      adminToken,
      workDir,
      launch,
      options,
    );
    try {
      for (const [name] of specs) await plane.waitReady(name);
    } catch (error) {
      await plane.stop();
      throw error;
    }
    return plane;
  }

  /** The worker's WORK_DIR (source mirrors and checkouts): benchmarks measure it. */
  get workDirectory(): string {
    return this.workDir;
  }

  /** QUEUE_PREFIX of every app: a test reads the plane's queues under it. */
  get queuePrefix(): string {
    return this.launch.get('api')?.env['QUEUE_PREFIX'] ?? 'berth';
  }

  /** SNAPSHOT_DIR of the api and the worker: where a test puts dumps it registers. */
  get snapshotDir(): string {
    return join(this.workDir, 'snapshots');
  }

  private async waitReady(name: string): Promise<void> {
    const app = this.apps.find((a) => a.name === name);
    const opsPort = this.launch.get(name)?.opsPort;
    await waitFor(
      `${name} to be ready`,
      async () => {
        if (app && app.child.exitCode !== null) {
          throw new Error(`${name} exited with ${app.child.exitCode}:\n${app.output()}`);
        }
        const res = await httpRequest(`http://127.0.0.1:${opsPort}/readyz`, { timeoutMs: 3_000 });
        return res.status === 200 ? true : undefined;
      },
      60_000,
    );
  }

  /** kill -9 one app: no shutdown hook runs, as in a crash or an OOM kill. */
  async crash(name: 'api' | 'worker' | 'gateway'): Promise<void> {
    const app = this.apps.find((a) => a.name === name);
    if (!app) throw new Error(`no app ${name}`);
    const exited = new Promise<void>((resolve) => {
      if (app.child.exitCode !== null || app.child.signalCode !== null) resolve();
      else app.child.once('exit', () => resolve());
    });
    app.child.kill('SIGKILL');
    await exited;
  }

  /** Starts a crashed (or stopped) app again with the same configuration, and waits until ready. */
  async restart(name: 'api' | 'worker' | 'gateway'): Promise<void> {
    const index = this.apps.findIndex((a) => a.name === name);
    const spec = this.launch.get(name);
    if (index < 0 || !spec) throw new Error(`no app ${name}`);
    await this.apps[index]!.stop();
    this.apps[index] = startAppProcess(
      this.options.root,
      name,
      spec.env,
      this.options.echoLogs ?? false,
    );
    await this.waitReady(name);
  }

  /** Where an app serves /healthz, /readyz and /metrics. */
  opsUrl(name: 'api' | 'worker' | 'gateway'): string {
    const spec = this.launch.get(name);
    if (!spec) throw new Error(`no app ${name}`);
    return `http://127.0.0.1:${spec.opsPort}`;
  }

  /** GET /api/v1/environments/:id, or the environment of a repository's PR. */
  async environment(repository: string, prNumber: number): Promise<EnvironmentView | undefined> {
    const res = await httpRequest(
      `${this.apiUrl}/api/v1/environments?repository=${encodeURIComponent(repository)}&pr=${prNumber}`,
      { headers: { authorization: `Bearer ${this.apiToken}` } },
    );
    if (res.status !== 200) throw new Error(`GET /api/v1/environments: ${res.status} ${res.body}`);
    const { environments } = JSON.parse(res.body) as { environments: EnvironmentView[] };
    const found = environments.find((e) => e.prNumber === prNumber);
    if (!found) return undefined;
    const detail = await httpRequest(`${this.apiUrl}/api/v1/environments/${found.id}`, {
      headers: { authorization: `Bearer ${this.apiToken}` },
    });
    if (detail.status !== 200) throw new Error(`GET environment: ${detail.status} ${detail.body}`);
    return JSON.parse(detail.body) as EnvironmentView;
  }

  /**
   * Mints a share link as an operator would (`berth share create`): POST to the admin api.
   * Returns service → link (a URL carrying `berth_token`) and the link's id (for revocation).
   */
  async mintShareLink(
    repository: string,
    prNumber: number,
    body: { ttlSeconds?: number; note?: string } = {},
  ): Promise<{ id: string; links: Record<string, string> }> {
    const res = await httpRequest(
      `${this.apiUrl}/admin/v1/repositories/${repository}/pulls/${prNumber}/share-links`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
    if (res.status !== 201) throw new Error(`POST share-links: ${res.status} ${res.body}`);
    return JSON.parse(res.body) as { id: string; links: Record<string, string> };
  }

  /** Waits until the PR's environment reaches `state` at `generation` (or later); fails fast on `failed`. */
  async waitForState(
    repository: string,
    prNumber: number,
    state: string,
    options: { generation?: number; timeoutMs?: number } = {},
  ): Promise<EnvironmentView> {
    let seen: EnvironmentView | undefined;
    return waitFor(
      `${repository}#${prNumber} to be ${state}`,
      async () => {
        const env = await this.environment(repository, prNumber);
        if (!env) return undefined;
        seen = env;
        if (options.generation !== undefined && env.generation < options.generation)
          return undefined;
        if (env.state === state) return env;
        if (env.state === 'failed' && state !== 'failed') {
          throw new StopWaiting(
            `${repository}#${prNumber} failed: ${JSON.stringify(env.stages)}\n${this.logs()}`,
          );
        }
        return undefined;
      },
      options.timeoutMs ?? 300_000,
      250,
    ).catch((error: unknown) => {
      // Slow or stuck? Say where the environment was and what each app last logged.
      const last = seen
        ? `last seen ${seen.state} (generation ${seen.generation}), stages ${JSON.stringify(seen.stages)}`
        : 'never seen';
      throw new Error(`${String(error)}; ${last}\n${this.logs()}`);
    });
  }

  /** Last lines of every app's output, for failure messages. */
  logs(lines = 40): string {
    return this.apps
      .map((app) => `--- ${app.name} ---\n${app.output().split('\n').slice(-lines).join('\n')}`)
      .join('\n');
  }

  /** Sends a request through the gateway with the preview's Host (localhost subdomains). */
  viaGateway(
    url: string,
    options: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) {
    const target = new URL(url);
    return httpRequest(`http://127.0.0.1:${this.gatewayPort}${target.pathname}${target.search}`, {
      ...options,
      headers: { host: target.host, ...options.headers },
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.apps.map((app) => app.stop()));
    await this.github.stop();
    await rm(this.workDir, { recursive: true, force: true });
  }
}

/** The keys of a KEY=value file (dotenv syntax), for SHARED_COMPOSE_VARIABLES. */
function variableNames(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}
