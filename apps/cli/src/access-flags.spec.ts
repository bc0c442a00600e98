import { describe, expect, it } from 'vitest';
import { runCli } from './berth.js';
import { repoSetPatch } from './repo-flags.js';
import { ttlSeconds } from './share-command.js';

describe('berth repo set: access flags', () => {
  it('turns --access and --ip-allow into settings, adding to the current allowlist', () => {
    expect(
      repoSetPatch({ access: 'token, ip', 'ip-allow': ['203.0.113.0/24 '] }, [], ['10.0.0.0/8']),
    ).toEqual({ accessModes: ['token', 'ip'], ipAllowlist: ['10.0.0.0/8', '203.0.113.0/24'] });
    expect(repoSetPatch({ 'no-ip-allow': true, 'ip-allow': ['::1'] }, [], ['10.0.0.0/8'])).toEqual({
      ipAllowlist: ['::1'],
    });
    expect(repoSetPatch({ access: 'none' })).toEqual({ accessModes: [] });
  });

  it('names an unknown mode and lists the valid ones', () => {
    expect(() => repoSetPatch({ access: 'ip,vpn' })).toThrow(
      '--access: unknown access mode "vpn"; use a comma list of sso, ip, token',
    );
  });
});

describe('berth share', () => {
  it('reads --ttl between 1h and 7d', () => {
    expect(ttlSeconds('1h')).toBe(3600);
    expect(ttlSeconds('7d')).toBe(604_800);
    expect(() => ttlSeconds('30m')).toThrow('from 1h to 7d');
    expect(() => ttlSeconds('2w')).toThrow('from 1h to 7d');
    expect(() => ttlSeconds('soon')).toThrow('--ttl');
  });

  it('refuses a missing PR number or a bad id before asking the api', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (line: string) => err.push(line) };
    const env = { BERTH_ADMIN_TOKEN: 'x' };
    expect(await runCli(['share', 'create', 'acme/shop'], env, io)).toBe(2);
    expect(err.at(-1)).toContain('<owner/name> <pr>');
    expect(await runCli(['share', 'create', 'acme/shop', 'twelve'], env, io)).toBe(2);
    expect(err.at(-1)).toContain('pr must be a pull request number');
    expect(await runCli(['share', 'list', 'acme/shop', '1', '--ttl', '1h'], env, io)).toBe(2);
    expect(await runCli(['share', 'revoke'], env, io)).toBe(2);
  });
});
