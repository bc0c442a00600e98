// The worker as a real process: a SUBNET_POOL that overlaps this host's networks (the default
// bridge lives in 172.17.0.0/16 on every Docker host) is a configuration error, exit 78. (docker0
// itself is only listed by os.networkInterfaces() while a container uses it: libuv skips
// interfaces that are not running, which is why Docker's own network list is checked too.)

import { afterEach, describe, expect, it } from 'vitest';
import { spawnApp, type SpawnedApp } from '../support/spawn-app.js';
import { workerEnv } from '../support/worker-env.js';

const running: SpawnedApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
});

async function worker(extra: Record<string, string>): Promise<SpawnedApp> {
  const app = spawnApp('worker', await workerEnv(extra));
  running.push(app);
  return app;
}

describe('SUBNET_POOL at worker start', () => {
  it('refuses a pool over the default Docker bridge, naming it and the fix', async () => {
    const app = await worker({ SUBNET_POOL: '172.16.0.0/12' });
    expect(await app.exited).toBe(78);
    const [header, problem, ...rest] = app.stderr().trimEnd().split('\n');
    expect(header).toBe('berth-worker: configuration is invalid (1 problem):');
    expect(problem).toMatch(/^ {2}- SUBNET_POOL: 172\.16\.0\.0\/12 overlaps /);
    expect(problem).toContain('Docker network bridge (172.17.0.0/16)');
    expect(problem).toContain('set SUBNET_POOL to a private range nothing on this host uses');
    expect(rest).toEqual([]);
  });

  it('refuses a malformed pool before touching anything', async () => {
    const app = await worker({ SUBNET_POOL: '10.210.3.0/16' });
    expect(await app.exited).toBe(78);
    expect(app.stderr()).toContain(
      'SUBNET_POOL: `10.210.3.0/16` has host bits set: the range starts at 10.210.0.0, write 10.210.0.0/16',
    );
  });

  it('starts with the default pool', async () => {
    const app = await worker({});
    await app.waitForLog(/"msg":"berth-worker started"/);
    expect(await app.stop()).toBe(0);
  });
});
