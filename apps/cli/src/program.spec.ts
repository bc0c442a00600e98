import { describe, expect, it } from 'vitest';
import { runCli } from './berth.js';

// The command tree without an api: help, usage errors and the token rule, with their codes.
async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('berth on commander', () => {
  it('lists every command and the exit codes; bare `berth` is a usage error', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const command of [
      'env',
      'repo',
      'secret',
      'token',
      'cost',
      'share',
      'sessions',
      'snapshot',
      'doctor',
    ]) {
      expect(help.out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(help.out).toContain('5  the api is unreachable at BERTH_API_URL');
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('Usage: berth');
  });

  it('has help per command, the older commands showing their own usage', async () => {
    const logs = await run(['env', 'logs', '--help']);
    expect(logs.code).toBe(0);
    expect(logs.out).toMatch(/--service <name>/);
    expect(logs.out).toMatch(/-f, --follow/);
    const secret = await run(['secret', '--help']);
    expect(secret.code).toBe(0);
    expect(secret.out).toContain('berth secret set <owner/name>[#<pr>] <name>');
  });

  it('refuses a wrong command line with 2 before calling anything', async () => {
    const state = await run(['env', 'ls', '--state', 'asleep']);
    expect(state.code).toBe(2);
    expect(state.err).toContain("argument 'asleep' is invalid. Allowed choices are pending");
    expect((await run(['env', 'logs', 'acme/shop#1'])).err).toContain(
      "required option '--service <name>' not specified",
    );
    expect((await run(['env', 'show', 'acme'])).code).toBe(2);
    const extend = await run(['env', 'extend', 'acme/shop#1', '--by', '30d'], { BERTH_TOKEN: 't' });
    expect(extend.code).toBe(2);
    expect(extend.err).toContain('--by: an extension is from 1m to 14d');
    // The older `owner/name pr` form is still read (and checked) as owner/name#pr.
    const twoArgs = await run(['env', 'extend', 'acme/shop', 'x', '--by', '1h'], {
      BERTH_TOKEN: 't',
    });
    expect(twoArgs.code).toBe(2);
    expect(twoArgs.err).toContain('got "acme/shop#x"');
    const away = await run(['env', 'extend', 'acme/shop', '12', '--by', '1h'], {
      BERTH_TOKEN: 't',
      BERTH_API_URL: 'http://127.0.0.1:9',
    });
    expect(away.code).toBe(5);
    expect((await run(['env', 'fly'])).err).toContain('unknown command `env fly`');
  });

  it('needs a token for the /api/v1 commands (4) and says which api it could not reach (5)', async () => {
    const none = await run(['env', 'ls']);
    expect(none.code).toBe(4);
    expect(none.err).toContain('no token: export BERTH_TOKEN');
    const away = await run(['env', 'ls'], {
      BERTH_TOKEN: 't',
      BERTH_API_URL: 'http://127.0.0.1:9',
    });
    expect(away.code).toBe(5);
    expect(away.err).toContain('cannot reach the Berth api at http://127.0.0.1:9');
  });
});
