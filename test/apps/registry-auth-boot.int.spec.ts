// The worker as a real process: REGISTRY_AUTH_FILE is read once at start-up. An unusable file is
// a configuration error (exit 78) naming the variable; a good one is loaded with only the
// registry hosts in the log, never a credential. The build limits are logged too.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnApp, type SpawnedApp } from '../support/spawn-app.js';
import { workerEnv } from '../support/worker-env.js';

const running: SpawnedApp[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-registry-auth-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function worker(extra: Record<string, string>): Promise<SpawnedApp> {
  const app = spawnApp('worker', await workerEnv(extra));
  running.push(app);
  return app;
}

describe('REGISTRY_AUTH_FILE at worker start', () => {
  it('refuses a file that does not exist, naming the variable and the fix', async () => {
    const path = join(dir, 'missing.json');
    const app = await worker({ REGISTRY_AUTH_FILE: path });
    expect(await app.exited).toBe(78);
    expect(app.stderr()).toContain(
      `  - REGISTRY_AUTH_FILE: REGISTRY_AUTH_FILE ${path} cannot be read (ENOENT): fix the path, or unset REGISTRY_AUTH_FILE for anonymous pulls`,
    );
  });

  it('refuses an entry without a password, without echoing the file', async () => {
    const path = join(dir, 'half.json');
    await writeFile(path, JSON.stringify({ auths: { 'ghcr.io': { username: 'robot-user' } } }));
    const app = await worker({ REGISTRY_AUTH_FILE: path });
    expect(await app.exited).toBe(78);
    expect(app.stderr()).toContain(
      `REGISTRY_AUTH_FILE ${path}: auths["ghcr.io"] needs "username" and "password"`,
    );
    expect(app.stderr()).not.toContain('robot-user');
  });

  it('loads good credentials and logs the registries and build limits, never a password', async () => {
    const path = join(dir, 'good.json');
    const password = 'pw-that-must-not-be-logged-7f3a';
    await writeFile(
      path,
      JSON.stringify({ auths: { '127.0.0.1:5001': { username: 'ci', password } } }),
    );
    const app = await worker({ REGISTRY_AUTH_FILE: path, BUILD_PIDS: '300' });
    await app.waitForLog(/"msg":"berth-worker started"/);
    expect(app.stdout()).toMatch(
      /"registries":\["127\.0\.0\.1:5001"\].*"msg":"registry credentials loaded"/,
    );
    expect(app.stdout()).toMatch(/"pids":300,.*"pidsLimited":true.*"msg":"build limits"/);
    expect(app.stdout()).not.toContain(password);
    expect(await app.stop()).toBe(0);
  });
});
