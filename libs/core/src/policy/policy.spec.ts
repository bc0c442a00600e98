import { describe, expect, it } from 'vitest';
import { admitRepository, parseAllowlist } from './allowlist.js';
import {
  allowedVariables,
  defaultRepositorySettings,
  parseRepositorySettingsPatch,
} from './repository-settings.js';

const unset = { stored: false, enabled: true };

describe('allowlist', () => {
  it('admits nothing by default', () => {
    const verdict = admitRepository('acme/shop', parseAllowlist(undefined, undefined), unset);
    expect(verdict.admitted).toBe(false);
    expect(verdict).toMatchObject({ reason: expect.stringMatching(/ALLOWED_OWNERS/) });
  });

  it('admits by owner, by repository, by * and by stored settings, case-insensitively', () => {
    expect(admitRepository('Acme/shop', parseAllowlist('acme', ''), unset).admitted).toBe(true);
    expect(admitRepository('x/Shop', parseAllowlist('', ' x/shop ,y/z'), unset).admitted).toBe(
      true,
    );
    expect(admitRepository('any/thing', parseAllowlist('*', undefined), unset).admitted).toBe(true);
    expect(
      admitRepository('o/r', parseAllowlist('', ''), { stored: true, enabled: true }).admitted,
    ).toBe(true);
    expect(admitRepository('acmex/shop', parseAllowlist('acme', ''), unset).admitted).toBe(false);
  });

  it('refuses a repository the operator disabled, even under *', () => {
    const verdict = admitRepository('acme/shop', parseAllowlist('*', ''), {
      stored: true,
      enabled: false,
    });
    expect(verdict).toEqual({ admitted: false, reason: expect.stringMatching(/disabled/) });
  });
});

describe('repository settings', () => {
  it('defaults to private, enabled and no variables', () => {
    expect(defaultRepositorySettings('Acme/Shop')).toEqual({
      fullName: 'acme/shop',
      enabled: true,
      accessMode: 'private',
      allowedVariables: [],
      accessModes: [],
      ipAllowlist: [],
      forkSecrets: false,
      stored: false,
    });
  });

  it('passes only the allowed operator variables', () => {
    expect(
      allowedVariables({ A: '1', B: '2', SECRET: 's' }, { allowedVariables: ['A', 'MISSING'] }),
    ).toEqual({ A: '1' });
    expect(allowedVariables({ A: '1' }, { allowedVariables: [] })).toEqual({});
  });

  it('accepts a valid change and null as "back to the default"', () => {
    const parsed = parseRepositorySettingsPatch({
      composePath: 'deploy/compose.yaml',
      accessMode: 'public',
      defaultTtlHours: 24,
      maxMemoryMb: 2048,
      maxCpus: 1.5,
      allowedVariables: ['IMAGE_TAG'],
      baseBranch: null,
    });
    expect(parsed).toEqual({
      ok: true,
      patch: expect.objectContaining({ accessMode: 'public', baseBranch: null, maxCpus: 1.5 }),
    });
  });

  it('names every bad field and how to fix it', () => {
    const parsed = parseRepositorySettingsPatch({
      accessMode: 'world',
      composePath: '../etc/passwd',
      maxMemoryMb: -1,
      allowedVariables: ['1BAD'],
      colour: 'blue',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const byField = Object.fromEntries(parsed.problems.map((p) => [p.field, p.message]));
    expect(byField['accessMode']).toBe('must be private or public');
    expect(byField['composePath']).toMatch(/inside the repository/);
    expect(byField['maxMemoryMb']).toMatch(/greater than 0/);
    expect(byField['allowedVariables.0']).toMatch(/variable name/);
    expect(byField['colour']).toMatch(/unknown setting/);
  });
});

describe('build secrets setting', () => {
  it('takes secret scope names, deduplicated, and names a bad entry', () => {
    expect(parseRepositorySettingsPatch({ buildSecrets: ['npm_token', 'npm_token'] })).toEqual({
      ok: true,
      patch: { buildSecrets: ['npm_token'] },
    });
    const parsed = parseRepositorySettingsPatch({ buildSecrets: ['npm-token'] });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      { field: 'buildSecrets.0', message: expect.stringMatching(/secret scope name/) },
    ]);
  });
});

describe('idle sleep setting', () => {
  it('takes whole hours from 0 (never) to 336, and null for the operator default', () => {
    expect(parseRepositorySettingsPatch({ idleSleepHours: 0 })).toEqual({
      ok: true,
      patch: { idleSleepHours: 0 },
    });
    expect(parseRepositorySettingsPatch({ idleSleepHours: null })).toEqual({
      ok: true,
      patch: { idleSleepHours: null },
    });
    for (const [value, message] of [
      [1.5, /whole number/],
      [-1, /0 \(never\)/],
      [337, /at most 336/],
    ] as const) {
      const parsed = parseRepositorySettingsPatch({ idleSleepHours: value });
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problems[0]?.message).toMatch(message);
    }
  });
});

describe('access mode settings', () => {
  it('accepts access modes in a fixed order without duplicates, and CIDRs in canonical form', () => {
    const parsed = parseRepositorySettingsPatch({
      accessModes: ['token', 'ip', 'token'],
      ipAllowlist: ['203.0.113.0/24', '2001:DB8::/32', '203.0.113.0/24', '::ffff:10.0.0.1'],
    });
    expect(parsed).toEqual({
      ok: true,
      patch: {
        accessModes: ['ip', 'token'],
        ipAllowlist: ['203.0.113.0/24', '2001:db8::/32', '::ffff:a00:1/128'],
      },
    });
  });

  it('names an unknown mode and lists the valid ones', () => {
    const parsed = parseRepositorySettingsPatch({ accessModes: ['ip', 'vpn'] });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      { field: 'accessModes.1', message: '"vpn" is not an access mode; valid: sso, ip, token' },
    ]);
  });

  it('names a bad CIDR and shows the form', () => {
    const parsed = parseRepositorySettingsPatch({ ipAllowlist: ['10.0.0.0/8', '10.1.2.3/8'] });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]?.field).toBe('ipAllowlist.1');
    expect(parsed.problems[0]?.message).toMatch(
      /"10\.1\.2\.3\/8" is not a CIDR such as 203\.0\.113\.0\/24/,
    );
  });

  it('defaults to no extra way in', () => {
    expect(defaultRepositorySettings('acme/shop')).toMatchObject({
      accessModes: [],
      ipAllowlist: [],
    });
  });
});
