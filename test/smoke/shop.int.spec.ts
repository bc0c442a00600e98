// Smoke test of examples/shop on the real Docker engine, driven by the Compose CLI a user
// runs. The test plays the browser: it reads the api's public URL from the web page, then
// makes the cross-origin calls the page's script makes.
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComposeProject, readEnvFile, run } from './compose-project.js';
import { httpCall, waitForHttpOk } from './http-call.js';
import { distinctFreePorts } from './ports.js';

const ROOT = new URL('../../', import.meta.url);
const COMPOSE_FILE = fileURLToPath(new URL('examples/shop/docker-compose.yml', ROOT));
const IMAGES_ENV = fileURLToPath(new URL('scripts/bootstrap/images.env', ROOT));
const MIGRATIONS = readdirSync(new URL('examples/shop/migrate/migrations/', ROOT))
  .filter((name) => name.endsWith('.sql'))
  .sort()
  .map((name) => name.replace(/\.sql$/, ''));
const IMAGE_VARS = ['SHOP_NODE_IMAGE', 'SHOP_POSTGRES_IMAGE', 'SHOP_REDIS_IMAGE'] as const;

interface Order {
  id: number;
  status: string;
  email: string;
  confirmationEmailRecorded: boolean;
  confirmationEmail: { recipient: string; subject: string } | null;
}

let project: ComposeProject | undefined;
let webUrl = '';
let apiUrl = '';

async function failWithLogs(message: string, services: string[] = []): Promise<never> {
  const logs = project ? await project.logs(services) : '(no project)';
  throw new Error(`${message}\n--- docker-compose logs (tail) ---\n${logs}`);
}

beforeAll(async () => {
  const images = readEnvFile(IMAGES_ENV, IMAGE_VARS);
  for (const name of IMAGE_VARS) {
    await run('docker', ['image', 'inspect', '--format', '{{.Id}}', images[name]!]).catch(() => {
      throw new Error(
        `${name}=${images[name]} is not on this engine: run scripts/bootstrap/images.sh`,
      );
    });
  }
  const [webPort, apiPort] = (await distinctFreePorts(2)) as [number, number];
  // 127.0.0.1 rather than the compose defaults (localhost:3000/3001): a page that ignored
  // the injected value would show the default, and the test would see it.
  webUrl = `http://127.0.0.1:${webPort}`;
  apiUrl = `http://127.0.0.1:${apiPort}`;
  const name = `shopsmoke${randomBytes(4).toString('hex')}`;
  project = new ComposeProject(name, COMPOSE_FILE, {
    ...process.env,
    ...Object.fromEntries(IMAGE_VARS.map((key) => [key, images[key]])),
    WEB_PORT: String(webPort),
    API_PORT: String(apiPort),
    WEB_PUBLIC_URL: webUrl,
    API_PUBLIC_URL: apiUrl,
    SHOP_DB_PASSWORD: randomBytes(12).toString('hex'),
  });

  const started = performance.now();
  try {
    await project.compose(['up', '-d', '--build'], 540_000);
  } catch (error) {
    await failWithLogs(`docker-compose up failed: ${(error as Error).message}`);
  }
  const upSeconds = (performance.now() - started) / 1000;
  for (const url of [`${webUrl}/healthz`, `${apiUrl}/healthz`]) {
    const problem = await waitForHttpOk(url, 90_000);
    if (problem) await failWithLogs(problem);
  }
  const readySeconds = (performance.now() - started) / 1000;
  console.info(
    `shop smoke: project ${name}: up --build ${upSeconds.toFixed(1)} s, healthy after ${readySeconds.toFixed(1)} s`,
  );
});

afterAll(async () => {
  if (!project) return;
  const started = performance.now();
  await project.down('berth-smoke/shop');
  console.info(`shop smoke: down -v ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

async function apiPublicUrlFromPage(): Promise<string> {
  const page = await httpCall(`${webUrl}/`);
  expect(page.status).toBe(200);
  const match = /<script id="shop-config" type="application\/json">(.*?)<\/script>/s.exec(
    page.body,
  );
  if (!match?.[1])
    throw new Error(`no shop-config script in the page:\n${page.body.slice(0, 500)}`);
  return (JSON.parse(match[1]) as { apiPublicUrl: string }).apiPublicUrl;
}

describe('examples/shop on the real Docker engine', () => {
  it('gives the browser the api public URL injected for this environment', async () => {
    expect(await apiPublicUrlFromPage()).toBe(apiUrl);
    const config = await httpCall(`${webUrl}/config.json`);
    expect(JSON.parse(config.body)).toEqual({ apiPublicUrl: apiUrl });
  });

  it('confirms an order placed cross-origin from the web page', async () => {
    const api = await apiPublicUrlFromPage();

    const preflight = await httpCall(`${api}/orders`, {
      method: 'OPTIONS',
      headers: {
        Origin: webUrl,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(webUrl);
    // The browser sends cookies cross-origin (credentials: 'include'): a private preview needs them.
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toContain('content-type');

    const foreign = await httpCall(`${api}/orders`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://attacker.invalid', 'Access-Control-Request-Method': 'POST' },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();

    const email = `smoke-${randomBytes(3).toString('hex')}@example.com`;
    const created = await httpCall(`${api}/orders`, {
      method: 'POST',
      headers: { Origin: webUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'Teapot', quantity: 2, email }),
    });
    if (created.status !== 201) {
      await failWithLogs(`POST /orders answered ${created.status}: ${created.body}`, ['api']);
    }
    expect(created.headers['access-control-allow-origin']).toBe(webUrl);
    const order = JSON.parse(created.body) as Order;
    expect(order).toMatchObject({ status: 'pending', email, confirmationEmailRecorded: false });

    const deadline = Date.now() + 30_000;
    let last = '';
    while (Date.now() < deadline) {
      const res = await httpCall(`${api}/orders/${order.id}`, { headers: { Origin: webUrl } });
      last = `HTTP ${res.status}: ${res.body}`;
      const current = res.status === 200 ? (JSON.parse(res.body) as Order) : undefined;
      if (current?.status === 'confirmed' && current.confirmationEmailRecorded) {
        expect(res.headers['access-control-allow-origin']).toBe(webUrl);
        expect(current.confirmationEmail).toEqual({
          recipient: email,
          subject: `Order #${order.id} confirmed: 2 x Teapot`,
          at: expect.any(String),
        });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await failWithLogs(
      `order ${order.id} was not confirmed with an email recorded within 30 s; last GET: ${last}`,
      ['api', 'worker'],
    );
  });

  it('ran migrate to completion before api and worker started', async () => {
    const p = project!;
    const migrate = await p.container('migrate');
    expect({ status: migrate.status, exitCode: migrate.exitCode }).toEqual({
      status: 'exited',
      exitCode: 0,
    });
    for (const service of ['api', 'worker']) {
      const started = (await p.container(service)).startedAt;
      expect(started > migrate.finishedAt, `${service} started before migrate finished`).toBe(true);
    }

    const { stdout } = await p.compose([
      'exec',
      '-T',
      'db',
      'psql',
      '-U',
      'shop',
      '-d',
      'shop',
      '-Atc',
      'SELECT version FROM schema_migrations ORDER BY version',
    ]);
    expect(stdout.trim().split('\n')).toEqual(MIGRATIONS);

    // The api reads the schema version at startup (and refuses to start without one).
    const apiLogs = await p.logs(['api'], 200);
    expect(apiLogs).toContain(`"msg":"listening"`);
    expect(apiLogs).toContain(`"schemaVersion":"${MIGRATIONS.at(-1)}"`);
  });
});
