import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, httpRequest as httpGet, TEST_MASTER_KEY } from '@berth/testing';
import { spawnApp, type SpawnedApp } from '../support/spawn-app.js';
import { testServices } from '../support/test-services.js';

const WEBHOOK_SECRET = 'whsec-integration-test-0123456789abcdef';
const LINK_SECRET = 'link-secret-integration-test-0123456789abcdef';
const API_TOKEN = 'api-token-integration-test-0123456789abcdef';
const TEST_PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
const running: SpawnedApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
});

function start(app: 'api' | 'worker' | 'gateway', env: Record<string, string>) {
  const spawned = spawnApp(app, env);
  running.push(spawned);
  return spawned;
}

async function appEnv(app: 'api' | 'worker' | 'gateway') {
  const { databaseUrl, redisUrl } = testServices();
  const base = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LOG_LEVEL: 'info' };
  if (app === 'api') {
    const port = await freePort();
    return {
      env: {
        ...base,
        API_PORT: String(port),
        GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
        API_TOKEN,
      },
      ops: port,
    };
  }
  if (app === 'worker') {
    const port = await freePort();
    return {
      env: {
        ...base,
        WORKER_PORT: String(port),
        GITHUB_APP_ID: '4242',
        GITHUB_APP_PRIVATE_KEY: TEST_PRIVATE_KEY,
        PREVIEW_LINK_SECRET: LINK_SECRET,
        BERTH_MASTER_KEY: TEST_MASTER_KEY,
        // Its own queue (jobs other files left in Redis are not its), and a GitHub that fails at
        // once instead of hanging on a network this machine does not have.
        QUEUE_PREFIX: `berth-boot-${randomBytes(4).toString('hex')}`,
        GITHUB_API_URL: 'http://127.0.0.1:9',
        // A shared engine: no scheduled reconciler (decision 0018).
        RECONCILE_INTERVAL_S: '0',
      },
      ops: port,
    };
  }
  const [pub, ops] = [await freePort(), await freePort()];
  return {
    env: {
      ...base,
      GATEWAY_PORT: String(pub),
      GATEWAY_OPS_PORT: String(ops),
      PREVIEW_LINK_SECRET: LINK_SECRET,
    },
    ops,
    pub,
  };
}

describe.each(['api', 'worker', 'gateway'] as const)('%s process', (app) => {
  it('starts, is live and ready against real Postgres and Redis, exports metrics, stops on SIGTERM', async () => {
    const { env, ops } = await appEnv(app);
    const proc = start(app, env);
    await proc.waitForLog(/"msg":"berth-\w+ started"/);
    const base = `http://127.0.0.1:${ops}`;

    const health = await httpGet(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', service: `berth-${app}` });

    const ready = await httpGet(`${base}/readyz`);
    expect(ready.status, ready.body).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({
      status: 'ready',
      checks: { postgres: { ok: true }, redis: { ok: true } },
    });

    const metrics = await httpGet(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(
      /berth_http_requests_total\{.*route="\/readyz".*status="200".*\} 1/,
    );
    expect(metrics.body).toContain('berth_process_cpu_seconds_total');
    // The worker's sweep role runs the reconciler (decision 0018), here on demand only.
    if (app === 'worker') expect(metrics.body).toContain('berth_reconcile_runs_total');

    // Every stdout line is one JSON object carrying level, time and service.
    const lines = proc.stdout().trim().split('\n');
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).toMatchObject({ service: `berth-${app}` });
      expect(typeof entry['level']).toBe('string');
      expect(typeof entry['time']).toBe('string');
    }
    // On failure, the log says what the process was still doing when it was told to stop.
    const code = await proc.stop();
    expect(code, proc.stdout().trim().split('\n').slice(-20).join('\n')).toBe(0);
  });
});

describe('gateway start-up', () => {
  it('is not ready until its public port accepts connections', async () => {
    const { env, ops, pub } = await appEnv('gateway');
    start('gateway', env);
    // Poll /readyz as an orchestrator would, as fast as it can: the first 200 must mean the
    // public port answers. (The ops port used to say ready a few seconds before the front door
    // listened, and a request sent then was refused.)
    const ready = await waitForReady(`http://127.0.0.1:${ops}/readyz`);
    expect(JSON.parse(ready.body)).toMatchObject({ checks: { 'front door': { ok: true } } });
    const front = await httpGet(`http://127.0.0.1:${pub}/`, { headers: { host: 'unknown.test' } });
    expect(front.status).toBeGreaterThanOrEqual(200);
  });
});

async function waitForReady(url: string): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const answer = await httpGet(url, { timeoutMs: 1_000 }).catch(() => undefined);
    if (answer?.status === 200) return answer;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url} never answered 200`);
}

describe('configuration errors', () => {
  it('lists every missing or invalid variable in one message and exits 78', async () => {
    const proc = start('api', { API_PORT: 'not-a-port', REDIS_URL: 'http://127.0.0.1:6379' });
    expect(await proc.exited).toBe(78);
    expect(proc.stderr()).toBe(
      [
        'berth-api: configuration is invalid (4 problems):',
        '  - API_PORT: must be a number — a TCP port, default 3000',
        '  - API_TOKEN: is required — bearer token for /api/v1 (`Authorization: Bearer <token>`); generate one with `openssl rand -hex 32`',
        '  - DATABASE_URL: is required — e.g. postgresql://berth:secret@127.0.0.1:5432/berth',
        '  - REDIS_URL: must be a redis:// or rediss:// URL — e.g. redis://127.0.0.1:6379',
        '',
      ].join('\n'),
    );
    expect(proc.stdout()).toBe('');
  });

  it('names a port that is already taken', async () => {
    const { env, ops } = await appEnv('worker');
    const first = start('worker', env);
    await first.waitForLog(/"msg":"berth-\w+ started"/);
    const second = start('worker', env);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(
      `berth-worker: failed to start: port ${ops} is already in use`,
    );
  });
});

describe('unreachable dependencies', () => {
  it('keeps the process live, says which dependency is down and why, and answers 503 on /readyz', async () => {
    const { env, ops } = await appEnv('api');
    const proc = start('api', {
      ...env,
      DATABASE_URL: 'postgresql://berth:berth@127.0.0.1:1/berth',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    await proc.waitForLog(/cannot reach postgres/);
    await proc.waitForLog(/cannot reach redis/);
    const warning = proc
      .stdout()
      .split('\n')
      .find((line) => line.includes('cannot reach postgres'));
    expect(warning).toContain('127.0.0.1:1');
    expect((await httpGet(`http://127.0.0.1:${ops}/healthz`)).status).toBe(200);
    const ready = await httpGet(`http://127.0.0.1:${ops}/readyz`);
    expect(ready.status).toBe(503);
    const body = JSON.parse(ready.body) as {
      status: string;
      checks: Record<string, { ok: boolean; error?: string }>;
    };
    expect(body.status).toBe('not_ready');
    expect(body.checks['postgres']?.ok).toBe(false);
    expect(body.checks['postgres']?.error).toContain('127.0.0.1:1');
    expect(body.checks['redis']?.ok).toBe(false);
    expect(body.checks['redis']?.error).toContain('127.0.0.1:1');
    expect(ready.body).not.toContain('berth:berth');
  });
});

describe('unreachable Docker engine', () => {
  it('keeps the worker live and names the engine and the fix on /readyz', async () => {
    const { env, ops } = await appEnv('worker');
    const proc = start('worker', { ...env, DOCKER_HOST: 'tcp://127.0.0.1:1' });
    await proc.waitForLog(/cannot reach docker/);
    const ready = await httpGet(`http://127.0.0.1:${ops}/readyz`);
    expect(ready.status).toBe(503);
    const body = JSON.parse(ready.body) as {
      checks: Record<string, { ok: boolean; error?: string }>;
    };
    expect(body.checks['postgres']?.ok).toBe(true);
    expect(body.checks['docker']?.ok).toBe(false);
    expect(body.checks['docker']?.error).toContain('tcp://127.0.0.1:1');
    expect(body.checks['docker']?.error).toContain('Start dockerd');
  });
});

describe('secrets in logs', () => {
  it('never writes the webhook secret, credentials or auth headers to the log', async () => {
    const { env, ops } = await appEnv('api');
    const proc = start('api', { ...env, LOG_LEVEL: 'trace' });
    await proc.waitForLog(/"msg":"berth-\w+ started"/);
    const res = await httpGet(`http://127.0.0.1:${ops}/no-such-route`, {
      headers: {
        authorization: 'Bearer ghs_supersecrettoken',
        'x-hub-signature-256': 'sha256=abc123def',
      },
    });
    expect(res.status).toBe(404);
    await proc.waitForLog(/"statusCode":404/);
    const log = proc.stdout() + proc.stderr();
    expect(log).toContain('[redacted]');
    for (const secret of [
      WEBHOOK_SECRET,
      'ghs_supersecrettoken',
      'sha256=abc123def',
      'berth:berth@',
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});

describe('gateway front door', () => {
  it('answers an unknown host with a clear 404 page and keeps ops endpoints off the public port', async () => {
    const { env, pub } = await appEnv('gateway');
    const proc = start('gateway', { ...env, BASE_DOMAIN: 'preview.example.test' });
    await proc.waitForLog(/"msg":"berth-\w+ started"/);
    const res = await httpGet(`http://127.0.0.1:${pub}/`, {
      headers: { host: 'web-pr-404-shop.preview.example.test' },
    });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('web-pr-404-shop.preview.example.test');
    expect(res.body).toContain('No preview at this address');
    const healthOnPublic = await httpGet(`http://127.0.0.1:${pub}/healthz`, {
      headers: { host: 'web-pr-1-shop.preview.example.test' },
    });
    expect(healthOnPublic.status).toBe(404);
    const escaped = await httpGet(`http://127.0.0.1:${pub}/`, {
      headers: { host: '<script>x</script>' },
    });
    expect(escaped.body).not.toContain('<script>x</script>');
  });
});
