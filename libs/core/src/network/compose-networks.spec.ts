import { describe, expect, it } from 'vitest';
import type { ComposeSpec, ServiceSpec } from '../compose/model.js';
import { networkName } from '../naming/index.js';
import { environmentIdentity } from '../naming/index.js';
import {
  DEFAULT_MAX_NETWORKS,
  networkCountProblem,
  networkTopology,
  splitSubnet,
} from './compose-networks.js';

function service(name: string, networks?: string[]): ServiceSpec {
  return {
    name,
    image: 'alpine',
    environment: {},
    ports: [],
    dependsOn: {},
    restart: { name: 'no' },
    mounts: [],
    limits: {},
    capAdd: [],
    labels: {},
    ...(networks ? { networks } : {}),
  };
}

function spec(services: ServiceSpec[], networks?: ComposeSpec['networks']): ComposeSpec {
  return {
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    volumes: {},
    ...(networks ? { networks } : {}),
    berth: { expose: [], ports: {}, public: false, variables: {}, secrets: [] },
  };
}

const net = (name: string, internal = false) => ({ name, internal, labels: {} });

describe('networkTopology', () => {
  it('puts services without networks on default, as compose does', () => {
    const t = networkTopology(spec([service('web'), service('api')]));
    expect(t.networks).toEqual([
      { key: 'default', internal: false, labels: {}, members: ['api', 'web'] },
    ]);
    expect(t.services).toEqual({ web: ['default'], api: ['default'] });
  });

  it('gives each used network its members, default first, and honours internal', () => {
    const t = networkTopology(
      spec(
        [
          service('proxy', ['frontend']),
          service('app', ['frontend', 'backend']),
          service('db', ['backend']),
          service('tool'),
        ],
        {
          frontend: net('frontend'),
          backend: net('backend', true),
          unused: net('unused'),
          default: net('default'),
        },
      ),
    );
    expect(t.networks.map((n) => [n.key, n.members, n.internal])).toEqual([
      ['default', ['tool'], false],
      ['backend', ['app', 'db'], true],
      ['frontend', ['app', 'proxy'], false],
    ]);
    expect(t.services['app']).toEqual(['frontend', 'backend']);
  });

  it('leaves default out when every service lists its networks', () => {
    const t = networkTopology(
      spec([service('a', ['x']), service('b', ['y'])], { x: net('x'), y: net('y') }),
    );
    expect(t.networks.map((n) => n.key)).toEqual(['x', 'y']);
  });
});

describe('networkCountProblem', () => {
  it('refuses more networks than MAX_NETWORKS, naming the field, the setting and every network', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const t = networkTopology(
      spec(
        names.map((n) => service(n, [n])),
        Object.fromEntries(names.map((n) => [n, net(n)])),
      ),
    );
    expect(networkCountProblem(t, DEFAULT_MAX_NETWORKS)).toEqual({
      path: 'networks',
      message: expect.stringMatching(/5 networks \(a, b, c, d, e\).*at most 4.*MAX_NETWORKS/),
    });
    expect(networkCountProblem(t, 5)).toBeUndefined();
  });
});

describe('splitSubnet', () => {
  const members = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);

  it('gives a single network the whole block: the range every preview had before', () => {
    expect(splitSubnet('10.210.0.64/26', [{ key: 'default', members: members(20) }])).toEqual({
      ok: true,
      slices: { default: { cidr: '10.210.0.64/26', gateway: '10.210.0.65', capacity: 61 } },
    });
  });

  it('cuts equal, aligned halves and quarters in network order', () => {
    const two = splitSubnet('10.210.0.64/26', [
      { key: 'default', members: members(3) },
      { key: 'backend', members: members(2) },
    ]);
    expect(two).toEqual({
      ok: true,
      slices: {
        default: { cidr: '10.210.0.64/27', gateway: '10.210.0.65', capacity: 29 },
        backend: { cidr: '10.210.0.96/27', gateway: '10.210.0.97', capacity: 29 },
      },
    });
    const three = splitSubnet(
      '10.210.1.0/26',
      ['a', 'b', 'c'].map((key) => ({ key, members: members(2) })),
    );
    expect(three.ok && Object.values(three.slices).map((s) => s.cidr)).toEqual([
      '10.210.1.0/28',
      '10.210.1.16/28',
      '10.210.1.32/28',
    ]);
  });

  it('sizes slices by need when one network outgrows an equal share', () => {
    const split = splitSubnet('10.210.0.0/26', [
      { key: 'default', members: members(1) },
      { key: 'big', members: members(18) },
      { key: 'small', members: members(2) },
    ]);
    expect(split).toEqual({
      ok: true,
      slices: {
        big: { cidr: '10.210.0.0/27', gateway: '10.210.0.1', capacity: 29 },
        default: { cidr: '10.210.0.32/29', gateway: '10.210.0.33', capacity: 5 },
        small: { cidr: '10.210.0.40/29', gateway: '10.210.0.41', capacity: 5 },
      },
    });
  });

  it('refuses, naming the networks and the fix, when they cannot fit', () => {
    const split = splitSubnet('10.210.0.0/28', [
      { key: 'default', members: members(10) },
      { key: 'backend', members: members(10) },
    ]);
    expect(split).toEqual({
      ok: false,
      message: expect.stringMatching(
        /default: 10, backend: 10.*10\.210\.0\.0\/28 has 16.*SUBNET_PREFIX_LENGTH, e\.g\. 27/,
      ),
    });
  });

  it('never overlaps: every slice lies inside the block, none shares an address', () => {
    for (let n = 1; n <= 8; n++) {
      const split = splitSubnet(
        '10.210.4.0/26',
        Array.from({ length: n }, (_, i) => ({ key: `n${i}`, members: members(1 + (i % 3)) })),
      );
      expect(split.ok).toBe(true);
      if (!split.ok) continue;
      const ranges = Object.values(split.slices).map((s) => {
        const [addr, prefix] = s.cidr.split('/');
        const last = Number(addr?.split('.')[3]);
        return [last, last + 2 ** (32 - Number(prefix)) - 1] as const;
      });
      ranges.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < ranges.length; i++) {
        expect(ranges[i]![0]).toBeGreaterThan(ranges[i - 1]![1]);
      }
      expect(ranges.at(-1)![1]).toBeLessThanOrEqual(63);
    }
  });
});

describe('networkName per compose network', () => {
  const id = environmentIdentity('acme/shop', 7);
  it('keeps the preview network name for default and suffixes the others', () => {
    expect(networkName(id)).toBe('berth-acme--shop-pr-7');
    expect(networkName(id, 'default')).toBe('berth-acme--shop-pr-7');
    expect(networkName(id, 'backend')).toBe('berth-acme--shop-pr-7-net-backend');
    expect(networkName(id, 'Back_End')).toMatch(/^berth-acme--shop-pr-7-net-back-end-[0-9a-f]{6}$/);
  });
});
