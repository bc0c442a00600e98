// Real engine: secret files from a preview's scope, kept on the engine host's tmpfs, bound
// read-only, rewritten on a value change (the container is replaced), gone with the container.

import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContainerSpec } from '../container-host.port.js';
import { secretFilesDir } from './docker-secret-files.js';
import { BASE_IMAGE, testEnv, type TestEnv } from './int-spec-support.js';

let env: TestEnv;
let network: string;

beforeAll(async () => {
  env = await testEnv();
  network = env.name('net');
  await env.host.ensureNetwork({ name: network, labels: env.labels });
});

afterAll(async () => {
  await env?.cleanup();
});

function spec(content: string): ContainerSpec {
  return {
    name: env.name('secrets'),
    image: BASE_IMAGE,
    // Prints the file, tries to change it, then stays up.
    command: [
      'sh',
      '-c',
      'cat /run/secrets/api_key; echo; cat /etc/app/stripe.key; echo; ' +
        '(echo x > /run/secrets/api_key) 2>&1 | sed "s/.*: //"; exec sleep infinity',
    ],
    labels: { ...env.labels, 'berth.service': 'secrets' },
    network: { name: network },
    secretFiles: [
      { target: '/run/secrets/api_key', content },
      { target: '/etc/app/stripe.key', content: `stripe-${content}` },
    ],
  };
}

async function logsOf(name: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const logs = await env.host.containerLogs(name);
    if (logs.includes('file system')) return logs;
    await new Promise((r) => setTimeout(r, 100));
  }
  return env.host.containerLogs(name);
}

describe('secret files', () => {
  it('binds each value read-only at its target, from the engine host’s tmpfs', async () => {
    const first = await env.host.runContainer(spec('sk_test_one'));
    expect(first.action).toBe('created');
    const logs = await logsOf(first.name);
    expect(logs).toContain('sk_test_one\nstripe-sk_test_one\n');
    expect(logs).toContain('Read-only file system');
    // The values live in /dev/shm (tmpfs), not in the image or the container's layer.
    expect(readFileSync(`${secretFilesDir(first.name)}/s0`, 'utf8')).toBe('sk_test_one');
    const mounts = readFileSync('/proc/mounts', 'utf8');
    expect(mounts).toMatch(/^\S+ \/dev\/shm tmpfs /m);
    const info = await env.host.docker.getContainer(first.id).inspect();
    expect(info.Mounts.filter((m) => m.Destination.startsWith('/run/secrets'))).toEqual([
      expect.objectContaining({ Type: 'bind', RW: false }),
    ]);
  });

  it('reuses the container for the same values and replaces it for a new one', async () => {
    expect((await env.host.runContainer(spec('sk_test_one'))).action).toBe('reused');
    const changed = await env.host.runContainer(spec('sk_test_two'));
    expect(changed.action).toBe('replaced');
    expect(await logsOf(changed.name)).toContain('sk_test_two\nstripe-sk_test_two\n');
  });

  it('removes the files with the container', async () => {
    const name = env.name('secrets');
    expect(existsSync(secretFilesDir(name))).toBe(true);
    await env.host.removeContainer(name);
    expect(existsSync(secretFilesDir(name))).toBe(false);
  });
});
