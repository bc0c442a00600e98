import {
  DEFAULT_MAX_NETWORKS,
  DEFAULT_SUBNET_POOL,
  DEFAULT_SUBNET_PREFIX_LENGTH,
  MAX_SUBNET_PREFIX_LENGTH,
  parseCidr,
  parseProductionRules,
  subnetPool,
} from '@berth/core';
import { z } from 'zod';
import {
  cidrList,
  flag,
  host,
  hostname,
  httpUrl,
  ipv4Cidr,
  logLevel,
  masterKey,
  nameList,
  port,
  positiveInt,
  postgresUrl,
  redisUrl,
  secret,
} from './fields.js';
import { githubReportingSettings } from './github-reporting-settings.js';
import { imageSettings } from './image-settings.js';
import { runtimeSettings } from './runtime-settings.js';
import { diskSettings } from './disk-settings.js';
import { maintenanceSettings, ttlDefaultWithinMax, ttlSettings } from './maintenance-settings.js';
import { previousMasterKeys, secretSettings } from './secret-settings.js';
import { dnsSettings, dnsSource } from './dns-settings.js';
import { ssoSettings } from './sso-settings.js';
import { restApiSettings } from './rest-api-settings.js';
import { costSamplingSettings, priceSettings } from './cost-settings.js';
import { sleepSettings, wakeSettings } from './sleep-settings.js';
import { slackSettings } from './slack-settings.js';
import { consoleSignInSettings, oidcTogether } from './console-sign-in-settings.js';

export const WORKER_ROLES = ['inbox', 'relay', 'stages', 'sweep'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

const common = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: logLevel(),
  DATABASE_URL: postgresUrl(),
  REDIS_URL: redisUrl(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'must be 1-31 chars of a-z, 0-9 and -')
    .default('berth')
    .describe('Redis key prefix for Berth queues, default berth'),
};

// GitHub App credentials come from /setup/github (stored encrypted under BERTH_MASTER_KEY);
// these variables, when set, override the stored ones.
const githubApp = {
  GITHUB_API_URL: httpUrl('e.g. https://api.github.com').default('https://api.github.com'),
  GITHUB_APP_ID: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .positive('must be greater than 0')
    .optional()
    .describe(
      'the numeric App ID from the GitHub App settings page; overrides the App stored by /setup/github',
    ),
  GITHUB_APP_PRIVATE_KEY: secret(
    64,
    'the GitHub App private key (PEM); newlines may be written as \\n; overrides the stored App',
  )
    .transform((pem) => pem.replace(/\\n/g, '\n'))
    .optional(),
  BERTH_MASTER_KEY: masterKey(),
};

const MASTER_KEY_HINT =
  "generate one with `openssl rand -base64 32`, then create the App at the api's /setup/github";

/** Env credentials are both or neither; without them the stored App needs the master key. */
function githubAppSource(
  config: { GITHUB_APP_ID?: number; GITHUB_APP_PRIVATE_KEY?: string; BERTH_MASTER_KEY?: Buffer },
  ctx: z.RefinementCtx,
): void {
  const id = config.GITHUB_APP_ID !== undefined;
  const key = config.GITHUB_APP_PRIVATE_KEY !== undefined;
  if (id !== key) {
    ctx.addIssue({
      code: 'custom',
      path: [id ? 'GITHUB_APP_PRIVATE_KEY' : 'GITHUB_APP_ID'],
      message: `is required when ${id ? 'GITHUB_APP_ID' : 'GITHUB_APP_PRIVATE_KEY'} is set (set both, or neither to use the App stored by /setup/github)`,
    });
  } else if (!id && config.BERTH_MASTER_KEY === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['BERTH_MASTER_KEY'],
      message: `is required when GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY are unset (the App's credentials are then read from the encrypted store): ${MASTER_KEY_HINT}`,
    });
  }
}

/** db:snapshot dumps: the worker restores from here; the api checks registrations against it. */
const snapshots = {
  SNAPSHOT_DIR: z
    .string()
    .min(1)
    .default('.cache/berth/snapshots')
    .describe(
      'directory of the database dumps operators register for db:snapshot; default .cache/berth/snapshots',
    ),
};

/**
 * Dumps kept in S3 or an S3-compatible store (`berth snapshot add --s3`): region, endpoint and
 * credentials are the SDK's own settings (AWS_REGION, AWS_ENDPOINT_URL_S3, the default credential
 * chain), read by the worker only; the api never holds object-store credentials.
 */
const snapshotObjects = {
  SNAPSHOT_S3_FORCE_PATH_STYLE: flag(
    false,
    'address snapshot buckets as <endpoint>/<bucket>/<key> (MinIO and most S3-compatible stores); default false',
  ),
};

const previewLinks = {
  PREVIEW_LINK_SECRET: secret(
    32,
    'signs preview share links; the worker and the gateway need the same value (`openssl rand -hex 32`)',
  ),
};

const apiFields = z.object({
  ...common,
  ...snapshots,
  API_HOST: host('127.0.0.1'),
  API_PORT: port(3000),
  GITHUB_WEBHOOK_SECRET: secret(
    16,
    'the webhook secret configured on the GitHub App; overrides the one stored by /setup/github',
  ).optional(),
  BERTH_MASTER_KEY: masterKey(),
  BERTH_MASTER_KEY_PREVIOUS: previousMasterKeys(),
  BERTH_ADMIN_TOKEN: secret(
    32,
    'operator token for /admin/v1 and the `berth` CLI; generate one with `openssl rand -hex 32`',
  ).optional(),
  API_PUBLIC_URL: httpUrl(
    'the URL GitHub reaches this api at (webhooks, the App setup callback), e.g. https://berth.example.com; default: the Host of the setup request',
  ).optional(),
  GITHUB_WEB_URL: httpUrl(
    "GitHub's web root, where the App is created; default derived from GITHUB_API_URL (https://github.com, or the GHES host)",
  ).optional(),
  API_TOKEN: secret(
    32,
    'bearer token for /api/v1 (`Authorization: Bearer <token>`); generate one with `openssl rand -hex 32`',
  ),
  PREVIEW_LINK_SECRET: secret(
    32,
    "signs the share links `berth share create` mints; the same value as the gateway's (`openssl rand -hex 32`); unset = no share links",
  ).optional(),
  GITHUB_API_URL: httpUrl('e.g. https://api.github.com').default('https://api.github.com'),
  // Cost reports (/admin/v1/costs) are priced with the same table as the worker's PR comments.
  ...priceSettings,
  ...restApiSettings,
  // The console's sign-in with GitHub or OIDC and its role rules (decision 0035).
  ...consoleSignInSettings,
});

/** The webhook secret comes from the env, or from the store (which needs the master key). */
function webhookSecretSource(
  config: { GITHUB_WEBHOOK_SECRET?: string; BERTH_MASTER_KEY?: Buffer },
  ctx: z.RefinementCtx,
): void {
  if (config.GITHUB_WEBHOOK_SECRET === undefined && config.BERTH_MASTER_KEY === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['BERTH_MASTER_KEY'],
      message: `is required when GITHUB_WEBHOOK_SECRET is unset (the App's webhook secret is then read from the encrypted store): ${MASTER_KEY_HINT}`,
    });
  }
}

export const apiConfigSchema = apiFields.superRefine((config, ctx) => {
  webhookSecretSource(config, ctx);
  oidcTogether(config, ctx);
});

/** Where preview networks get their addresses (Docker's own pools stop at about 30 networks). */
const subnets = {
  SUBNET_POOL: ipv4Cidr(
    DEFAULT_SUBNET_POOL,
    `private IPv4 range every preview network's subnet is cut from; must not overlap the host's ` +
      `networks; default ${DEFAULT_SUBNET_POOL}`,
  ),
  SUBNET_PREFIX_LENGTH: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, `must be between 1 and ${MAX_SUBNET_PREFIX_LENGTH}`)
    .max(MAX_SUBNET_PREFIX_LENGTH, `must be between 1 and ${MAX_SUBNET_PREFIX_LENGTH}`)
    .default(DEFAULT_SUBNET_PREFIX_LENGTH)
    .describe(
      `size of each preview's subnet (26 = 62 addresses); a longer prefix fits more previews ` +
        `in SUBNET_POOL; default ${DEFAULT_SUBNET_PREFIX_LENGTH}`,
    ),
  MAX_NETWORKS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 16')
    .max(16, 'must be between 1 and 16')
    .default(DEFAULT_MAX_NETWORKS)
    .describe(
      'compose networks one preview may have; each is its own Docker network cut from the ' +
        `preview's subnet; more is refused with a PR message; default ${DEFAULT_MAX_NETWORKS}`,
    ),
  DOCKER_HOST_NAME: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'must be 1-63 chars of a-z, 0-9, . and -')
    .default('local')
    .describe(
      'the name this Docker host is recorded under in the resource ledger; unique per host, ' +
        'never changed while previews live on it; default local',
    ),
};

/** The prefix length must cut the pool into at least one subnet with room for a container. */
function subnetsFitPool(
  config: { SUBNET_POOL: string; SUBNET_PREFIX_LENGTH: number },
  ctx: z.RefinementCtx,
): void {
  // A bad value of either field already has its own message: say nothing more about it here.
  try {
    parseCidr(config.SUBNET_POOL);
  } catch {
    return;
  }
  if (!Number.isInteger(config.SUBNET_PREFIX_LENGTH)) return;
  try {
    subnetPool(config.SUBNET_POOL, config.SUBNET_PREFIX_LENGTH);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      path: ['SUBNET_PREFIX_LENGTH'],
      message: `${(error as Error).message} (SUBNET_POOL is ${config.SUBNET_POOL})`,
    });
  }
}

const workerFields = z.object({
  ...common,
  WORKER_HOST: host('127.0.0.1'),
  WORKER_PORT: port(3002),
  WORKER_CONCURRENCY: positiveInt(2, 'jobs processed at once per worker, default 2'),
  // How long a dead worker's work stays claimed: recovery after a crash takes up to about twice
  // JOB_LOCK_S. Shorter recovers faster but a worker stalled longer than this loses its job.
  // Intake latency belongs to the api; the worker's work is asynchronous. On a shared host a
  // higher niceness lets a webhook burst's answers go first (0 = the default scheduling).
  WORKER_NICE: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 (normal) to 19 (lowest)')
    .max(19, 'must be 0 (normal) to 19 (lowest)')
    .default(0)
    .describe('CPU niceness of the worker process, 0-19, default 0'),
  JOB_LOCK_S: positiveInt(
    30,
    'seconds a running job stays claimed without a heartbeat (BullMQ lock and stalled check), default 30',
  ),
  STAGE_LEASE_S: positiveInt(
    20,
    "seconds an environment's stage lease lasts without a heartbeat (renewed every third), default 20",
  ),
  WORKER_ROLES: z
    .string()
    .default('inbox,relay,stages,sweep')
    .transform((value) =>
      value
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.enum(WORKER_ROLES, { error: `each role must be one of ${WORKER_ROLES.join(', ')}` }),
        )
        .min(1, 'name at least one role'),
    )
    .describe(
      'what this worker runs (comma list): inbox (apply webhooks), relay (outbox → queue), ' +
        'stages (Docker work), sweep (convergence); default all. Run intake and Docker work in ' +
        'separate processes to scale them apart',
    ),
  DOCKER_HOST: z
    .string()
    .optional()
    .describe('e.g. unix:///var/run/docker.sock or tcp://10.0.0.5:2375; unset = local socket'),
  ...subnets,
  ...imageSettings,
  ...runtimeSettings,
  ...maintenanceSettings,
  ...diskSettings,
  ...ttlSettings,
  ...costSamplingSettings,
  ...priceSettings,
  ...sleepSettings,
  ...githubApp,
  ...githubReportingSettings,
  ...slackSettings,
  ...secretSettings,
  ...dnsSettings,
  ...previewLinks,
  ...snapshots,
  ...snapshotObjects,
  BASE_DOMAIN: hostname(
    'localhost',
    'preview URLs are <service>-pr-<n>-<repo>.<BASE_DOMAIN>; default localhost',
  ),
  PREVIEW_URL_SCHEME: z.enum(['http', 'https']).default('https').describe('default https'),
  PREVIEW_URL_PORT: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .optional()
    .describe('port in preview URLs when the gateway is not on 80/443'),
  WORK_DIR: z
    .string()
    .min(1)
    .default('.cache/berth')
    .describe('where source checkouts are cached; default .cache/berth'),
  GITHUB_WRITE_INTERVAL_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .default(1_000)
    .describe('pause between GitHub writes (GitHub asks for ~1 s); 0 against an emulator'),
  COMPOSE_VARIABLES_FILE: z
    .string()
    .optional()
    .describe(
      'KEY=value file of operator compose interpolation variables (e.g. image overrides); a ' +
        'repository reads only the keys its settings allow (berth repo set --allow-variable)',
    ),
  ALLOWED_OWNERS: nameList(
    'comma list of GitHub owners whose repositories get previews, or * for any; default none ' +
      '(then only repositories enabled with `berth repo set`)',
  ),
  ALLOWED_REPOSITORIES: nameList(
    'comma list of owner/name repositories that get previews, beside ALLOWED_OWNERS',
  ),
  SHARED_COMPOSE_VARIABLES: nameList(
    'comma list of COMPOSE_VARIABLES_FILE keys every repository may read (values that are not ' +
      'secret, such as image names); a repository reads these plus its own allowed variables; ' +
      'default none',
  ),
});

export const workerConfigSchema = workerFields.superRefine((config, ctx) => {
  subnetsFitPool(config, ctx);
  githubAppSource(config, ctx);
  secretBackendSource(config, ctx);
  dnsSource(config, ctx);
  ttlDefaultWithinMax(config, ctx);
});

/** Preview secrets are sealed under the master key in Postgres, or kept in AWS. */
function secretBackendSource(
  config: { SECRET_BACKEND: string; BERTH_MASTER_KEY?: Buffer; PRODUCTION_SECRET_TAGS?: string },
  ctx: z.RefinementCtx,
): void {
  try {
    parseProductionRules({ tags: config.PRODUCTION_SECRET_TAGS });
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      path: ['PRODUCTION_SECRET_TAGS'],
      message: (error as Error).message.replace(/^PRODUCTION_SECRET_TAGS: /, ''),
    });
  }
  if (config.SECRET_BACKEND === 'postgres' && config.BERTH_MASTER_KEY === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['BERTH_MASTER_KEY'],
      message:
        "is required to keep previews' secrets (generated database passwords, operator values) " +
        'sealed in Postgres: generate one with `openssl rand -base64 32`, or set SECRET_BACKEND=aws',
    });
  }
}

export const gatewayConfigSchema = z.object({
  ...common,
  GATEWAY_HOST: host('127.0.0.1'),
  GATEWAY_PORT: port(8080),
  GATEWAY_OPS_PORT: port(8081),
  // Its own host: a gateway open to the world (0.0.0.0) keeps /metrics and /readyz on loopback.
  GATEWAY_OPS_HOST: host('127.0.0.1'),
  BASE_DOMAIN: hostname(
    'localhost',
    'preview URLs are <service>-pr-<n>-<repo>.<BASE_DOMAIN>; default localhost',
  ),
  ...previewLinks,
  ...ssoSettings,
  ...wakeSettings,
  PREVIEW_URL_SCHEME: z
    .enum(['http', 'https'])
    .default('https')
    .describe(
      'the scheme browsers use to reach the gateway (https when TLS ends in front of it): sets X-Forwarded-Proto and Secure cookies; default https',
    ),
  TRUSTED_PROXIES: cidrList(
    'comma list of CIDRs of proxies in front of the gateway whose X-Forwarded-For is believed ' +
      'for the `ip` access mode (the right-most untrusted hop is the client); default none: ' +
      'the socket address is the client',
  ),
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;
export type WorkerConfig = z.infer<typeof workerConfigSchema>;
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
