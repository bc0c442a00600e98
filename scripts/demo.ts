// Starts the control plane (api, worker, gateway) as real processes and reports their health.
// `--keep` leaves them running until Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const keep = process.argv.includes('--keep');
const env = {
  DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth',
  REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  GITHUB_WEBHOOK_SECRET: process.env['GITHUB_WEBHOOK_SECRET'] ?? randomBytes(32).toString('hex'),
  LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
  API_PORT: process.env['API_PORT'] ?? '3000',
  WORKER_PORT: process.env['WORKER_PORT'] ?? '3002',
  GATEWAY_PORT: process.env['GATEWAY_PORT'] ?? '8080',
  GATEWAY_OPS_PORT: process.env['GATEWAY_OPS_PORT'] ?? '8081',
};

const apps = [
  { name: 'api', ops: env.API_PORT },
  { name: 'worker', ops: env.WORKER_PORT },
  { name: 'gateway', ops: env.GATEWAY_OPS_PORT },
] as const;

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 3_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function waitReady(name: string, port: string, child: ChildProcess): Promise<string> {
  const deadline = Date.now() + 30_000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      const res = await get(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return res.body;
      last = res.body;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} not ready after 30 s: ${last}`);
}

const children = apps.map(({ name }) =>
  spawn(process.execPath, [`${root}dist/apps/${name}/src/main.js`], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  }),
);
const stopAll = async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
};

try {
  for (const [i, app] of apps.entries()) {
    const child = children[i];
    if (!child) continue;
    const body = JSON.parse(await waitReady(app.name, app.ops, child)) as {
      checks: Record<string, { ms: number }>;
    };
    const checks = Object.entries(body.checks)
      .map(([dep, r]) => `${dep} ${r.ms} ms`)
      .join(', ');
    console.log(`berth: ${app.name.padEnd(7)} ready on http://127.0.0.1:${app.ops} (${checks})`);
  }
  console.log(
    `berth: gateway serves previews on http://<service>-pr-<n>-<repo>.localhost:${env.GATEWAY_PORT}`,
  );
  console.log('berth: control plane healthy');
} catch (error) {
  console.error(`berth: demo failed: ${(error as Error).message}`);
  await stopAll();
  process.exit(1);
}

if (keep) {
  console.log('berth: --keep: running until Ctrl-C');
  process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(0)));
} else {
  await stopAll();
  console.log('berth: stopped the control plane');
}
