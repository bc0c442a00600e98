// The `berth` binary as an operator runs it (from dist/: `npm run build` first) against the real
// api: settings round-trip through the admin API, and every mistake names its flag.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  startApi,
} from '../../apps/api/src/test-support/api-harness.js';

const BIN = fileURLToPath(new URL('../../dist/apps/cli/src/main.js', import.meta.url));
let api: ApiHarness;
const repo = `cli-${randomBytes(3).toString('hex')}/shop`;

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
  api = await startApi();
});
afterAll(async () => {
  await api?.stores.prisma.repositorySettings.deleteMany({ where: { fullName: repo } });
  await api?.stop();
});

function berth(args: string[], token: string | undefined = ADMIN_TOKEN) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          PATH: process.env['PATH'],
          BERTH_API_URL: api.url,
          ...(token ? { BERTH_ADMIN_TOKEN: token } : {}),
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('berth repo', () => {
  it('shows the defaults, sets settings in operator units, and shows them back', async () => {
    const before = await berth(['repo', 'show', repo]);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(`${repo} (no stored settings: defaults)`);
    expect(before.stdout).toContain('access mode:        private');

    const set = await berth([
      'repo',
      'set',
      repo,
      '--compose-path',
      'deploy/compose.yaml',
      '--access-mode',
      'public',
      '--ttl',
      '2d',
      '--max-memory',
      '1g',
      '--max-services',
      '20',
      '--allow-variable',
      'SHOP_NODE_IMAGE',
    ]);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    await berth(['repo', 'set', repo, '--allow-variable', 'SHOP_REDIS_IMAGE']);

    const shown = await berth(['repo', 'show', repo, '--json']);
    expect(JSON.parse(shown.stdout)).toEqual({
      fullName: repo,
      enabled: true,
      accessMode: 'public',
      composePath: 'deploy/compose.yaml',
      defaultTtlHours: 48,
      maxMemoryMb: 1024,
      maxServices: 20,
      allowedVariables: ['SHOP_NODE_IMAGE', 'SHOP_REDIS_IMAGE'],
      accessModes: [],
      ipAllowlist: [],
      forkSecrets: false,
      bypassTokenSet: false,
      configured: true,
    });
    const stored = await api.stores.prisma.repositorySettings.findUniqueOrThrow({
      where: { fullName: repo },
    });
    expect(stored).toMatchObject({ accessMode: 'public', maxMemoryMb: 1024 });
  });

  it('sets the access modes and the IP allowlist, and rotates the bypass secret once', async () => {
    const set = await berth([
      'repo',
      'set',
      repo,
      '--access',
      'ip,token',
      '--ip-allow',
      '203.0.113.0/24',
      '--ip-allow',
      '2001:db8::/32',
    ]);
    expect(set.stderr).toBe('');
    expect(set.stdout).toContain('access modes:       ip, token');
    expect(set.stdout).toContain('IP allowlist:       203.0.113.0/24, 2001:db8::/32');
    const bad = await berth(['repo', 'set', repo, '--ip-allow', '10.1.2.3/8']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"10.1.2.3/8" is not a CIDR such as 203.0.113.0/24');

    const rotated = await berth(['repo', 'rotate-bypass', repo]);
    expect(rotated.code).toBe(0);
    const secret = /^\s+(berth_bypass_\S+)$/m.exec(rotated.stdout)?.[1];
    expect(secret).toBeDefined();
    const stored = await api.stores.prisma.repositorySettings.findUniqueOrThrow({
      where: { fullName: repo },
    });
    // Stored only as its hash: shown once, never again.
    expect(stored.bypassTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('names the flag and the fix: unknown access mode, a value the api refuses, a wrong token', async () => {
    const mode = await berth(['repo', 'set', repo, '--access-mode', 'everyone']);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('--access-mode: unknown access mode "everyone"; use private');

    const path = await berth(['repo', 'set', repo, '--compose-path', '../outside.yml']);
    expect(path.code).toBe(1);
    expect(path.stderr).toContain('--compose-path: must be a path inside the repository');

    const token = await berth(['repo', 'show', repo], 'wrong-token');
    expect(token.code).toBe(1);
    expect(token.stderr).toContain('missing or wrong admin token');
  });
});
