import { describe, expect, it } from 'vitest';
import { runCli } from './berth.js';

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('berth sessions', () => {
  it('wants exactly one of --user and --env, and --env as owner/name#pr', async () => {
    const env = { BERTH_ADMIN_TOKEN: 't', BERTH_API_URL: 'http://127.0.0.1:9' };
    expect((await run(['sessions', 'revoke'], env)).err).toContain('exactly one of --user');
    expect(
      (await run(['sessions', 'revoke', '--user', 'a', '--env', 'acme/shop#1'], env)).code,
    ).toBe(2);
    const bad = await run(['sessions', 'list', '--env', 'acme/shop'], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--env must be owner/name#pr');
    expect((await run(['sessions', 'fly', '--user', 'a'], env)).err).toContain(
      'unknown command `sessions fly`',
    );
  });
});
