import { describe, expect, it } from 'vitest';
import { type ContainerSpec } from '../container-host.port.js';
import { CAPABILITY_ALLOWLIST, DEFAULT_LIMITS } from '../security-policy.js';
import { CONFIG_HASH_LABEL, containerCreateOptions } from './container-options.js';

const policy = { defaultLimits: DEFAULT_LIMITS, capabilityAllowlist: CAPABILITY_ALLOWLIST };
const base: ContainerSpec = {
  name: 'berth-pr-1-shop-api',
  image: 'shop-api:abc',
  labels: { 'berth.env': 'e1' },
  network: { name: 'berth-pr-1-shop', aliases: ['api'] },
};

describe('containerCreateOptions', () => {
  it('applies the security floor and labels', () => {
    const { options, configHash } = containerCreateOptions(base, 'sha256:1', policy);
    expect(options.HostConfig).toMatchObject({
      Init: true,
      Privileged: false,
      SecurityOpt: ['no-new-privileges:true'],
      CapDrop: ['ALL'],
      CapAdd: [],
      PublishAllPorts: false,
      PortBindings: {},
      NetworkMode: 'berth-pr-1-shop',
      Memory: DEFAULT_LIMITS.memoryBytes,
      PidsLimit: DEFAULT_LIMITS.pids,
      NanoCpus: 1e9,
    });
    expect(options.NetworkingConfig?.EndpointsConfig?.['berth-pr-1-shop']?.Aliases).toEqual([
      'api',
    ]);
    expect(options.Labels).toEqual({
      'berth.env': 'e1',
      'berth.managed': 'true',
      [CONFIG_HASH_LABEL]: configHash,
    });
  });

  it('hashes extra networks and their aliases (they are connected after create), refusing repeats', () => {
    const plain = containerCreateOptions(base, 'sha256:1', policy).configHash;
    const extra = {
      ...base,
      extraNetworks: [{ name: 'berth-pr-1-shop-net-back', aliases: ['x'] }],
    };
    const hash = containerCreateOptions(extra, 'sha256:1', policy).configHash;
    expect(hash).not.toBe(plain);
    const otherAlias = {
      ...base,
      extraNetworks: [{ name: 'berth-pr-1-shop-net-back', aliases: ['y'] }],
    };
    expect(containerCreateOptions(otherAlias, 'sha256:1', policy).configHash).not.toBe(hash);
    expect(
      containerCreateOptions({ ...base, extraNetworks: [] }, 'sha256:1', policy).configHash,
    ).toBe(plain);
    expect(() =>
      containerCreateOptions(
        { ...base, extraNetworks: [{ name: 'berth-pr-1-shop' }] },
        'sha256:1',
        policy,
      ),
    ).toThrow(/repeats the primary network/);
  });

  it('binds a single-file mount read-only from its volume’s own directory, never another path', () => {
    const spec: ContainerSpec = {
      ...base,
      mounts: [
        {
          volume: 'berth-pr-1-shop-api-ro-1',
          target: '/etc/app.conf',
          readOnly: true,
          file: 'app.conf',
        },
        { volume: 'berth-pr-1-shop-api-ro-2', target: '/etc/app', readOnly: true },
      ],
    };
    const { options } = containerCreateOptions(spec, 'sha256:1', policy, {
      'berth-pr-1-shop-api-ro-1': '/var/lib/docker/volumes/berth-pr-1-shop-api-ro-1/_data',
    });
    expect(options.HostConfig?.Mounts).toEqual([
      {
        Type: 'bind',
        Source: '/var/lib/docker/volumes/berth-pr-1-shop-api-ro-1/_data/app.conf',
        Target: '/etc/app.conf',
        ReadOnly: true,
      },
      { Type: 'volume', Source: 'berth-pr-1-shop-api-ro-2', Target: '/etc/app', ReadOnly: true },
    ]);
    for (const file of ['../etc/passwd', '..', 'a/b', '']) {
      const bad = { ...base, mounts: [{ volume: 'v1', target: '/x', file }] };
      expect(() => containerCreateOptions(bad, 'sha256:1', policy, { v1: '/v' })).toThrow(
        /plain file name/,
      );
    }
  });

  it('sets the hostname only when asked, so other containers keep their config hash', () => {
    const plain = containerCreateOptions(base, 'sha256:1', policy);
    expect(plain.options.Hostname).toBeUndefined();
    const named = containerCreateOptions({ ...base, hostname: 'web1' }, 'sha256:1', policy);
    expect(named.options.Hostname).toBe('web1');
    expect(named.configHash).not.toBe(plain.configHash);
  });

  it('converts healthcheck durations to nanoseconds and wraps a string test in CMD-SHELL', () => {
    const { options } = containerCreateOptions(
      { ...base, healthcheck: { test: 'curl -f localhost', intervalMs: 500, retries: 3 } },
      'sha256:1',
      policy,
    );
    expect(options.Healthcheck).toMatchObject({
      Test: ['CMD-SHELL', 'curl -f localhost'],
      Interval: 500_000_000,
      Retries: 3,
    });
  });

  it('hashes the config: stable across env order, changed by image id, env, limits or labels', () => {
    const hash = (spec: ContainerSpec, image = 'sha256:1') =>
      containerCreateOptions(spec, image, policy).configHash;
    const h = hash({ ...base, env: { A: '1', B: '2' } });
    expect(hash({ ...base, env: { B: '2', A: '1' } })).toBe(h);
    expect(hash({ ...base, env: { A: '1', B: '2' } }, 'sha256:2')).not.toBe(h);
    expect(hash({ ...base, env: { A: '1', B: '3' } })).not.toBe(h);
    expect(hash({ ...base, env: { A: '1', B: '2' }, limits: { pids: 10 } })).not.toBe(h);
    expect(hash({ ...base, env: { A: '1', B: '2' }, labels: { 'berth.env': 'e2' } })).not.toBe(h);
  });

  it.each([
    [{ name: '/etc' }, /^name: /],
    [{ network: { name: 'bad name' } }, /^network\.name: /],
    [{ env: { 'A=B': 'x' } }, /^env\.A=B: /],
    [{ mounts: [{ volume: './data', target: '/data' }] }, /^mounts\[0\]\.volume: .*host paths/],
    [{ mounts: [{ volume: 'data', target: 'data' }] }, /^mounts\[0\]\.target: /],
    [{ healthcheck: { test: ['curl'] } }, /^healthcheck\.test: /],
    [{ capAdd: ['SYS_ADMIN'] }, /^capAdd: /],
  ] as Array<[Partial<ContainerSpec>, RegExp]>)('refuses %j naming the field', (bad, message) => {
    expect(() => containerCreateOptions({ ...base, ...bad }, 'sha256:1', policy)).toThrow(message);
  });
});
