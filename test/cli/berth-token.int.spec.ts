// `berth token create|ls|revoke` (in process) against the real api and database: an operator
// hands CI a write token limited to one repository, lists it, and revokes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  startApi,
} from '../../apps/api/src/test-support/api-harness.js';
import { runCli } from '../../apps/cli/src/berth.js';

let api: ApiHarness;

async function berth(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    { BERTH_API_URL: api.url, BERTH_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.stop();
});

describe('berth token', () => {
  it('creates a token, lists it as a table or JSON, and revokes it', async () => {
    const created = await berth([
      'token',
      'create',
      'ci-shop',
      '--scope',
      'write',
      '--repo',
      'acme/shop',
      '--expires',
      '30',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const token = JSON.parse(created.out) as { id: string; token: string; prefix: string };
    expect(token.token).toMatch(/^berth_/);

    const table = await berth(['token', 'ls']);
    expect(table.code).toBe(0);
    const lines = table.out.split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+NAME\s+PREFIX\s+SCOPE\s+REPOSITORY\s+STATUS\s+EXPIRES\s+LAST USED$/,
    );
    const row = lines.find((l) => l.startsWith(token.id));
    expect(row).toMatch(/ci-shop\s+berth_\S{4}…\s+write\s+acme\/shop\s+active\s+\d{4}-/);
    expect(table.out).not.toContain(token.token);

    const json = await berth(['token', 'ls', '--json']);
    expect(JSON.parse(json.out)).toContainEqual(
      expect.objectContaining({ id: token.id, scope: 'write', repository: 'acme/shop' }),
    );

    // The new token is not an admin: it cannot list tokens (exit 1, the api's reason).
    const refused = await berth(['token', 'ls'], { BERTH_TOKEN: token.token });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/needs the `admin` scope; ci-shop has `write`/);

    const revoked = await berth(['token', 'revoke', token.id]);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toMatch(new RegExp(`^revoked ${token.id} \\(ci-shop\\) at \\d{4}-`));
    const after = await berth(['token', 'ls', '--json']);
    expect(JSON.parse(after.out)).toContainEqual(
      expect.objectContaining({ id: token.id, status: 'revoked' }),
    );
  });

  it('names what is wrong with a usage error (exit 2)', async () => {
    const noScope = await berth(['token', 'create', 'x']);
    expect(noScope.code).toBe(2);
    expect(noScope.err).toMatch(/--scope must be one of read, write, admin/);
    const badRepo = await berth(['token', 'create', 'x', '--scope', 'read', '--repo', 'no']);
    expect(badRepo.code).toBe(1);
    expect(badRepo.err).toMatch(/body\.repository: must be owner\/name or owner\/\*/);
  });
});
