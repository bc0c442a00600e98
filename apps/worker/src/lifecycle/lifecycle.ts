import { priceTableOf, type WorkerConfig } from '@berth/config';
import {
  BaseStates,
  createBuildHandler,
  createExposeHandler,
  createReplicateHandler,
  createTeardownHandler,
  createWireHandler,
  CheckRunSink,
  ConvergenceSweep,
  CostQueries,
  EnvironmentCommands,
  E2eDelivery,
  E2eRunner,
  FeedSink,
  environmentSecretValues,
  type EnvironmentWithRepository,
  GitHubStatusReporter,
  InboxProcessor,
  OutboxRelay,
  operatorVariables,
  previewCost,
  RepositoryAdmission,
  ResourceLedger,
  SinkDelivery,
  StageRunner,
  SubnetAllocator,
  SubnetLedger,
} from '@berth/lifecycle';
import { parseAllowlist, subnetPool } from '@berth/core';
import { hostMemoryAdmission, repositoryCeilings } from './runtime-limits.js';
import { type ReadinessCheck, shutdownStep } from '@berth/observability';
import {
  CredentialSwitchingGitHub,
  DEFAULT_LIMITS,
  GitSourceRepository,
  OctokitGitHub,
  S3ObjectStore,
} from '@berth/providers';
import { GitHubAppCredentials, type Stores } from '@berth/runtime';
import {
  closeRedis,
  createLifecycleQueue,
  createRedis,
  redisLock,
  SINK_QUEUE,
  SINKS,
} from '@berth/queue';
import {
  AuditLogStore,
  CheckRunStore,
  ConvergenceQueries,
  EnvironmentLeases,
  EnvironmentQueries,
  EnvironmentStore,
  INBOX_CHANNEL,
  listen,
  Outbox,
  OUTBOX_CHANNEL,
  PostgresSecretStore,
  RepositorySettingsStore,
  ShareLinkStore,
  SnapshotStore,
  WebhookInbox,
} from '@berth/db';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { createContainerHost, loadRegistryAuth } from './container-host.js';
import { repositoryComposeSettings } from './compose-settings.js';
import { wakeQueued } from './admission-wake.js';
import { startLifecycleWorker } from './lifecycle-worker.js';
import { mintE2eCredential } from './e2e-credential.js';
import { registerWorkerMetrics } from './worker-metrics.js';
import { checkSubnetPool } from './subnet-pool-check.js';
import { previewSecrets } from './preview-secrets.js';
import { previewDns } from './preview-dns.js';
import { reconcileCloud, startReconcile } from './reconcile.js';
import { startTtl } from './ttl.js';
import { startActions } from './actions.js';
import { startSleep } from './sleep.js';
import { startResync } from './resync.js';
import { createSlackSink } from './slack.js';
import { startCost } from './cost.js';
import { DiskMetrics } from './disk-metrics.js';
import { startLogs } from './logs.js';

/** Pull requests whose deliveries one worker processes at once. */
export const INBOX_CONCURRENCY = 4;
/** Sink jobs (a comment edit, a status) one worker delivers at once, beside its stage slots. */
export const SINK_CONCURRENCY = 4;
const SWEEP_EVERY_MS = 30_000;

/**
 * Postgres connections a worker needs: two per stage slot, the inbox lanes, the sink slots,
 * relay and sweep.
 */
export function workerPoolSize(concurrency: number): number {
  return concurrency * 2 + INBOX_CONCURRENCY + SINK_CONCURRENCY + 4;
}

/**
 * The worker's composition root: one driver per port, every stage handler, the runner, the
 * BullMQ consumer, the inbox processor, the outbox relay and the convergence sweep. Nothing else
 * in the worker constructs a vendor client.
 */
export async function startLifecycle(config: WorkerConfig, stores: Stores, logger: Logger) {
  const { prisma, redis } = stores;
  const registryAuth = await loadRegistryAuth('berth-worker', config, logger);
  const containerHost = await createContainerHost('berth-worker', config, logger, registryAuth);
  // Before any job can run: a pool over the host's own networks is a configuration error (78).
  await checkSubnetPool({
    service: 'berth-worker',
    pool: config.SUBNET_POOL,
    containerHost,
    logger,
  });
  // The App comes from the env, else from the store (/setup/github), re-read without a restart.
  // Every change to an environment's secret scope goes through these (issue 9).
  const ledger = new ResourceLedger(prisma, config.DOCKER_HOST_NAME);
  const scopes = previewSecrets(config, prisma, ledger, logger);
  const dns = await previewDns(config, logger);
  const credentials = new GitHubAppCredentials({
    store: scopes.ring ? new PostgresSecretStore(prisma, scopes.ring) : undefined,
    env: config,
  });
  const github = new CredentialSwitchingGitHub(
    () => credentials.appKey(),
    (key) =>
      new OctokitGitHub({
        ...key,
        baseUrl: config.GITHUB_API_URL,
        writeIntervalMs: config.GITHUB_WRITE_INTERVAL_MS,
        notificationIntervalMs: config.GITHUB_WRITE_INTERVAL_MS * 3,
      }),
  );
  // Operator policy per repository: compose path, allowed variables, public access, allowlist.
  const repositorySettings = new RepositorySettingsStore(prisma);
  const composeSettings = repositoryComposeSettings(
    repositorySettings,
    config.SHARED_COMPOSE_VARIABLES,
    config.MAX_SERVICES,
    config.MAX_NETWORKS,
  );
  const source = new GitSourceRepository({ workDir: config.WORK_DIR });
  const subnets = new SubnetAllocator(
    new SubnetLedger(prisma, config.DOCKER_HOST_NAME),
    subnetPool(config.SUBNET_POOL, config.SUBNET_PREFIX_LENGTH),
  );
  const settings = {
    BASE_DOMAIN: config.BASE_DOMAIN,
    PREVIEW_URL_SCHEME: config.PREVIEW_URL_SCHEME,
    PREVIEW_URL_PORT: config.PREVIEW_URL_PORT,
    COMPOSE_VARIABLES_FILE: config.COMPOSE_VARIABLES_FILE,
  };
  // Every secret value an environment may print, beyond its wiring: what PR-facing text is
  // redacted with (environmentSecretValues).
  const secretSources = {
    operatorVariables: (environment: EnvironmentWithRepository) =>
      operatorVariables({ settings, composeSettings }, environment),
    ...(registryAuth ? { registryAuth } : {}),
    previewSecrets: scopes.secrets,
  };
  // Previews wait in line for this host's memory (admission_waits): /metrics counts them and a
  // teardown wakes them.
  const hostMemory = hostMemoryAdmission(prisma, containerHost, config, logger);
  // The base environment's database copies, for db:branch previews (issue 10).
  const snapshots = new SnapshotStore(prisma);
  const baseStates = new BaseStates({
    host: containerHost,
    ledger,
    environments: new EnvironmentStore(prisma),
  });
  // Replicate starts the containers; a wake (decision 0024) starts the same ones the same way.
  const replicateDeps = {
    containerHost,
    prisma,
    ledger,
    subnets,
    maxNetworks: config.MAX_NETWORKS,
    ceilingsFor: repositoryCeilings(repositorySettings, config),
    hostMemory,
    secrets: scopes.secrets,
    baseStates,
    snapshots: {
      snapshots,
      dir: config.SNAPSHOT_DIR,
      // s3:// dumps; the SDK reads region, endpoint and credentials when a restore needs them.
      objects: S3ObjectStore.fromEnvironment({
        forcePathStyle: config.SNAPSHOT_S3_FORCE_PATH_STYLE,
      }),
    },
    // Routes follow a serving revision put back after a failed push (decision 0038).
    publisher: redis,
  };
  // ioredis' publish(channel, message) is the RoutePublisher the gateway listens to.
  const handlers = [
    createBuildHandler({
      containerHost,
      prisma,
      ledger,
      source,
      github,
      settings,
      composeSettings,
      checkoutsKept: config.CHECKOUTS_KEPT,
      // Build secrets (decision 0037): the same layers and policy the wire stage reads.
      secrets: scopes.secrets,
      repositorySettings,
    }),
    createWireHandler({
      prisma,
      source,
      github,
      settings,
      composeSettings,
      repositorySettings,
      secrets: scopes.secrets,
      hostRules: scopes.hostRules,
      baseStates,
      snapshots,
      ledger,
    }),
    createReplicateHandler(replicateDeps),
    createExposeHandler({ prisma, ledger, containerHost, publisher: redis, dns: dns.dns }),
    createTeardownHandler({
      containerHost,
      prisma,
      ledger,
      publisher: redis,
      secretScopes: scopes.drivers,
      dns: dns.dns,
    }),
  ];
  const reporter = new GitHubStatusReporter({
    prisma,
    github,
    secretSources,
    // The comment's "has cost $0.42 so far" (decision 0025), read when it is rendered.
    cost: previewCost(new CostQueries(prisma), priceTableOf(config)),
  });
  const queue = createLifecycleQueue(redis, config.QUEUE_PREFIX);
  queue.on('error', (error) => logger.warn({ err: error }, 'lifecycle queue error'));
  const sinkQueue = createLifecycleQueue(redis, config.QUEUE_PREFIX, SINK_QUEUE);
  sinkQueue.on('error', (error) => logger.warn({ err: error }, 'sink queue error'));
  const store = new EnvironmentStore(prisma);
  const outbox = new Outbox(prisma);
  const inbox = new WebhookInbox(prisma);
  const leases = new EnvironmentLeases(prisma);
  const commands = new EnvironmentCommands({
    store,
    outbox,
    inbox,
    leases,
    dockerHost: config.DOCKER_HOST_NAME,
    audit: new AuditLogStore(prisma),
    // The E2E gate reports as a check run, so it is on exactly when check runs are.
    e2eTests: config.GITHUB_CHECK_RUNS,
    // The operator's choice of what a pull request is told (the comment always).
    sinks: SINKS.filter(
      (sink) =>
        (sink !== 'status' || config.GITHUB_COMMIT_STATUS) &&
        (sink !== 'check' || config.GITHUB_CHECK_RUNS) &&
        (sink !== 'slack' || config.SLACK_BOT_TOKEN !== undefined),
    ),
  });
  const owner = `${hostname()}:${process.pid}`;
  const runner = new StageRunner({
    prisma,
    commands,
    leases,
    handlers,
    logger,
    owner,
    leaseTtlMs: config.STAGE_LEASE_S * 1000,
    secretSources,
  });
  const lock = redisLock(redis, config.QUEUE_PREFIX);
  // Slack (decision 0028): off, with one line saying so, unless SLACK_BOT_TOKEN is set.
  const slack = createSlackSink({ config, prisma, lock, secretSources, logger });
  // What the check runs last said, for the console's detail page (GitHub stays their store).
  const checkRunRecords = new CheckRunStore(prisma);
  const sinks = new SinkDelivery({
    prisma,
    reporter,
    lock,
    ...(slack ? { slack } : {}),
    // The REST API's change feed (decision 0030): a Redis stream every api replica relays.
    feed: new FeedSink({ redis, prefix: config.QUEUE_PREFIX }),
    ...(config.GITHUB_CHECK_RUNS
      ? {
          checks: new CheckRunSink({
            github,
            lock,
            editIntervalMs: config.CHECK_RUN_EDIT_INTERVAL_S * 1000,
            ...(config.CONSOLE_URL ? { consoleUrl: config.CONSOLE_URL } : {}),
            // The comment's masking: every secret value the environment has.
            secrets: (environment) =>
              environmentSecretValues({ ...secretSources, prisma }, environment),
            records: checkRunRecords,
          }),
        }
      : {}),
  });
  const roles = new Set(config.WORKER_ROLES);
  // BullMQ workers block on their connection: never share it with anything else.
  const connection = roles.has('stages')
    ? createRedis(config.REDIS_URL, 'berth-worker-consumer')
    : undefined;
  const sinkConnection = roles.has('stages')
    ? createRedis(config.REDIS_URL, 'berth-worker-sinks')
    : undefined;
  const environments = new EnvironmentQueries(prisma);
  const shareLinks = new ShareLinkStore(prisma);
  const e2e = config.GITHUB_CHECK_RUNS
    ? new E2eDelivery({
        prisma,
        runner: new E2eRunner({
          host: containerHost,
          github,
          current: (id) => environments.find(id),
          credential: (environmentId, ttlSeconds) =>
            mintE2eCredential(shareLinks, config.PREVIEW_LINK_SECRET, environmentId, ttlSeconds),
          limits: DEFAULT_LIMITS,
          records: checkRunRecords,
        }),
        secrets: (environment) =>
          environmentSecretValues({ ...secretSources, prisma }, environment),
      })
    : undefined;
  const worker = connection
    ? startLifecycleWorker({
        connection,
        prefix: config.QUEUE_PREFIX,
        concurrency: config.WORKER_CONCURRENCY,
        lockMs: config.JOB_LOCK_S * 1000,
        runner,
        sinks,
        ...(e2e ? { e2e } : {}),
        logger,
        onCapacityFreed: () => wakeQueued(queue, hostMemory.ledger),
      })
    : undefined;
  const sinkWorker = sinkConnection
    ? startLifecycleWorker(
        {
          connection: sinkConnection,
          prefix: config.QUEUE_PREFIX,
          concurrency: SINK_CONCURRENCY,
          lockMs: config.JOB_LOCK_S * 1000,
          runner,
          sinks,
          logger,
        },
        SINK_QUEUE,
      )
    : undefined;
  const inboxProcessor = new InboxProcessor({
    inbox,
    store,
    commands,
    github,
    admission: new RepositoryAdmission(
      parseAllowlist(config.ALLOWED_OWNERS, config.ALLOWED_REPOSITORIES),
      repositorySettings,
    ),
    logger: logger.child({ component: 'inbox' }),
    concurrency: INBOX_CONCURRENCY,
    checks: github,
    chatOps: {
      ttlPolicy: {
        defaultMs: config.TTL_DEFAULT_HOURS * 3_600_000,
        maxMs: config.TTL_MAX_HOURS * 3_600_000,
      },
      repositoryDefaultTtlHours: async (fullName) =>
        (await repositorySettings.forRepository(fullName)).defaultTtlHours ?? null,
      reactions: github,
    },
  });
  const relay = new OutboxRelay({
    outbox,
    queue,
    sinkQueue,
    logger: logger.child({ component: 'outbox' }),
  });
  const sweep = new ConvergenceSweep({
    queries: new ConvergenceQueries(prisma),
    commands,
    queue,
    logger: logger.child({ component: 'converge' }),
  });
  // Postgres notifications wake the inbox and the relay the moment a row commits; the pumps
  // also poll, so a lost notification only costs a second.
  const listener = listen(
    config.DATABASE_URL,
    [INBOX_CHANNEL, OUTBOX_CHANNEL],
    (channel) => (channel === INBOX_CHANNEL ? inboxProcessor.poke() : relay.poke()),
    (error) => logger.warn({ err: error }, 'Postgres LISTEN connection lost; reconnecting'),
  );
  if (roles.has('inbox')) inboxProcessor.start();
  if (roles.has('relay')) relay.start();
  const sweepTimer = roles.has('sweep')
    ? setInterval(() => void sweep.sweep().catch(() => undefined), SWEEP_EVERY_MS)
    : undefined;
  // The reconciler (zero orphans, decision 0018): on this host's maintenance queue, scheduled
  // every RECONCILE_INTERVAL_S and run on demand by POST /admin/v1/reconcile.
  const reconcile = roles.has('sweep')
    ? startReconcile({
        config,
        prisma,
        redis,
        containerHost,
        lock,
        logger: logger.child({ component: 'reconcile' }),
        // Route 53 records and Secrets Manager scopes too, when Berth writes them.
        cloud: reconcileCloud(config, dns.dns, scopes.drivers),
      })
    : undefined;
  // TTL with warnings (decision 0020): on this host's ttl queue, swept every
  // TTL_SWEEP_INTERVAL_S; extensions (berth env extend) arrive there from the api.
  const ttl = roles.has('sweep')
    ? startTtl({ config, prisma, redis, commands, logger: logger.child({ component: 'ttl' }) })
    : undefined;
  // Cost telemetry (decision 0025): this host's running preview containers read every
  // COST_SAMPLE_INTERVAL_S on its cost queue, usage summed per environment and day.
  // Disk use by kind (decision 0023): recorded from what the cost sampler's disk pass reads.
  const disk = roles.has('sweep')
    ? new DiskMetrics({ workDir: config.WORK_DIR, logger })
    : undefined;
  const cost = roles.has('sweep')
    ? startCost({
        config,
        prisma,
        redis,
        containerHost: disk ? disk.observe(containerHost) : containerHost,
        lock,
        logger: logger.child({ component: 'cost' }),
      })
    : undefined;
  // Operator actions (decision 0029): redeploy, rebuild, destroy from the REST API, on this
  // host's actions queue, each one command on the command path.
  const actions = roles.has('sweep')
    ? startActions({ config, commands, logger: logger.child({ component: 'actions' }) })
    : undefined;
  // Sleep and wake (decision 0024): on this host's sleep queue, idle previews swept every
  // SLEEP_SWEEP_INTERVAL_S; wakes arrive there from gateways, sleeps and wakes from the api.
  const sleep = roles.has('sweep')
    ? startSleep({
        config,
        prisma,
        redis,
        replicate: replicateDeps,
        commands,
        leases,
        publisher: redis,
        owner,
        leaseTtlMs: config.STAGE_LEASE_S * 1000,
        logger: logger.child({ component: 'sleep' }),
      })
    : undefined;
  // The resync with GitHub (decision 0022): lost webhooks, and time Berth was down, become the
  // deliveries GitHub would have sent, written to the inbox (RESYNC_INTERVAL_S, POST /admin/v1/resync).
  const resync = roles.has('sweep')
    ? startResync({
        config,
        prisma,
        redis,
        github,
        inbox,
        admission: new RepositoryAdmission(
          parseAllowlist(config.ALLOWED_OWNERS, config.ALLOWED_REPOSITORIES),
          repositorySettings,
        ),
        lock,
        logger: logger.child({ component: 'resync' }),
      })
    : undefined;
  // Per-service logs for the REST API (decision 0030): on the workers that drive this host.
  const logs = roles.has('stages')
    ? await startLogs({
        config,
        prisma,
        redis,
        containerHost,
        secrets: (environment) =>
          environmentSecretValues({ ...secretSources, prisma }, environment),
        owner,
        logger: logger.child({ component: 'logs' }),
      })
    : undefined;
  logger.info({ roles: [...roles] }, 'worker roles');
  const checks: ReadinessCheck[] = [
    { name: 'docker', check: () => containerHost.ping() },
    ...dns.checks,
  ];
  return {
    checks,
    registerMetrics: registerWorkerMetrics({
      inbox,
      outbox,
      worker,
      admission: hostMemory.ledger,
      ...(reconcile ? { reconcile: reconcile.metrics } : {}),
      ...(cost ? { cost: cost.metrics } : {}),
      ...(ttl ? { ttl: ttl.metrics } : {}),
      ...(sleep ? { sleep: sleep.metrics } : {}),
      ...(disk ? { disk } : {}),
    }),
    // Bounded step by step (about 6 s at worst): run-service gives the whole process 10 s.
    close: async () => {
      clearInterval(sweepTimer);
      if (reconcile || ttl || resync || sleep || cost || actions) {
        await shutdownStep(logger, 'reconciler, TTL and idle sweeps', 1_500, () =>
          Promise.all([
            reconcile?.close(),
            ttl?.close(),
            resync?.close(),
            sleep?.close(),
            cost?.close(),
            actions?.close(),
          ]),
        );
      }
      await shutdownStep(logger, 'inbox, outbox relay, LISTEN and reconciler', 1_500, () =>
        Promise.all([
          inboxProcessor.stop(),
          relay.stop(),
          listener.close(),
          reconcile?.close(),
          logs?.close(),
        ]),
      );
      // Give running stages a moment, then stop without them: a stage cut off here stalls and
      // another worker re-runs it (handlers are safe to run twice; the lease expires).
      // Sinks are short, so they usually finish here; one stuck on an unanswering GitHub must
      // not hold the shutdown either. Both wait in parallel.
      await Promise.all([
        closeWithin(logger, 'stage worker', worker),
        closeWithin(logger, 'sink worker', sinkWorker),
      ]);
      await shutdownStep(logger, 'queues and their connections', 1_000, async () => {
        await Promise.all([queue.close(), sinkQueue.close()]);
        if (connection) await closeRedis(connection);
        if (sinkConnection) await closeRedis(sinkConnection);
      });
      scopes.close();
      dns.close();
    },
  };
}

/**
 * Closes a BullMQ worker, letting running jobs finish for 2 s, then without them (force), which
 * is itself bounded: a job that ignores the force keeps nothing from stopping.
 */
async function closeWithin(
  logger: Logger,
  name: string,
  worker: { close: (force?: boolean) => Promise<void> } | undefined,
): Promise<void> {
  if (!worker) return;
  if (await shutdownStep(logger, `${name} (running jobs)`, 2_000, () => worker.close())) return;
  await shutdownStep(logger, `${name} (forced)`, 1_000, () => worker.close(true));
}
