import { describe, expect, it } from 'vitest';
import { runCli } from './berth.js';
import { repoSetPatch, UsageError } from './repo-flags.js';

describe('berth repo set flags', () => {
  it('turns operator units into settings', () => {
    expect(
      repoSetPatch(
        {
          enable: true,
          'compose-path': 'deploy/compose.yaml',
          'access-mode': 'public',
          ttl: '3d',
          'max-memory': '2g',
          'max-cpus': '1.5',
          'max-pids': '512',
          'max-services': '12',
          'allow-variable': ['B', 'A'],
          unset: ['base-branch'],
        },
        ['A', 'C'],
      ),
    ).toEqual({
      enabled: true,
      composePath: 'deploy/compose.yaml',
      accessMode: 'public',
      defaultTtlHours: 72,
      maxMemoryMb: 2048,
      maxCpus: 1.5,
      maxPids: 512,
      maxServices: 12,
      allowedVariables: ['A', 'C', 'B'],
      baseBranch: null,
    });
    expect(repoSetPatch({ ttl: '24', 'max-memory': '512' })).toEqual({
      defaultTtlHours: 24,
      maxMemoryMb: 512,
    });
    expect(repoSetPatch({ 'idle-sleep': '4h' })).toEqual({ idleSleepHours: 4 });
    expect(repoSetPatch({ 'idle-sleep': '2d' })).toEqual({ idleSleepHours: 48 });
    expect(repoSetPatch({ 'idle-sleep': 'never' })).toEqual({ idleSleepHours: 0 });
    expect(repoSetPatch({ unset: ['idle-sleep'] })).toEqual({ idleSleepHours: null });
  });

  it('adds allowed build secrets to the current list, or clears it first', () => {
    expect(repoSetPatch({ 'allow-build-secret': ['npm_token'] }, [], [], {}, ['sentry'])).toEqual({
      buildSecrets: ['sentry', 'npm_token'],
    });
    expect(
      repoSetPatch({ 'no-build-secrets': true, 'allow-build-secret': ['npm_token'] }, [], [], {}, [
        'sentry',
      ]),
    ).toEqual({ buildSecrets: ['npm_token'] });
    expect(repoSetPatch({ 'no-build-secrets': true })).toEqual({ buildSecrets: [] });
    expect(() => repoSetPatch({ unset: ['allow-build-secret'] })).toThrow(
      /--unset allow-build-secret/,
    );
  });

  it('names the flag and the fix for each mistake', () => {
    expect(() => repoSetPatch({ 'access-mode': 'world' })).toThrow(
      /--access-mode: unknown access mode "world"; use private .* or public/,
    );
    expect(() => repoSetPatch({ ttl: '90m' })).toThrow(/--ttl: must be whole hours/);
    expect(() => repoSetPatch({ 'idle-sleep': '90m' })).toThrow(
      /--idle-sleep: must be whole hours/,
    );
    expect(() => repoSetPatch({ 'idle-sleep': '15d' })).toThrow(/--idle-sleep: /);
    expect(() => repoSetPatch({ 'max-memory': 'lots' })).toThrow(/--max-memory/);
    expect(() => repoSetPatch({ 'max-pids': '1.5' })).toThrow(/--max-pids: must be a whole number/);
    expect(() => repoSetPatch({ unset: ['access-mode'] })).toThrow(/--unset access-mode/);
    expect(() => repoSetPatch({})).toThrow(UsageError);
  });
});

describe('berth (no api needed)', () => {
  async function run(argv: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('refuses a bad access mode before calling the api or asking for the token, exit 2', async () => {
    const bare = await run(['repo', 'set', 'acme/shop', '--access-mode', 'open']);
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('--access-mode: unknown access mode');
    const result = await run(['repo', 'set', 'acme/shop', '--access-mode', 'open'], {
      BERTH_ADMIN_TOKEN: 'x'.repeat(32),
      BERTH_API_URL: 'http://127.0.0.1:9',
    });
    expect(result.code).toBe(2);
    expect(result.err).toContain('--access-mode: unknown access mode "open"');
  });

  it('asks for the admin token, and explains unknown flags and commands', async () => {
    expect((await run(['repo', 'show', 'acme/shop'])).err).toContain(
      'BERTH_ADMIN_TOKEN is not set',
    );
    const flag = await run(['repo', 'set', 'acme/shop', '--colour', 'blue']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("Unknown option '--colour'");
    expect((await run(['repo', 'fly'], { BERTH_ADMIN_TOKEN: 't' })).err).toContain(
      'unknown command `repo fly`',
    );
    expect((await run(['repo', 'show', 'not-a-repo'])).err).toContain('owner/name');
  });

  it('says which api it could not reach', async () => {
    const result = await run(['repo', 'show', 'acme/shop'], {
      BERTH_ADMIN_TOKEN: 't',
      BERTH_API_URL: 'http://127.0.0.1:9',
    });
    expect(result.code).toBe(1);
    expect(result.err).toContain('cannot reach the Berth api at http://127.0.0.1:9');
  });
});
