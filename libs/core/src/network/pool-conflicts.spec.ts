import { describe, expect, it } from 'vitest';
import { parseCidr } from './cidr.js';
import { describePoolConflicts, poolConflicts } from './pool-conflicts.js';

const pool = parseCidr('10.210.0.0/16');
const HOST = [
  { name: 'lo', cidr: '127.0.0.1/8' },
  { name: 'eth0', cidr: '192.0.2.2/24' },
  { name: 'docker0', cidr: '172.17.0.1/16' },
  { name: 'eth0', cidr: 'fe80::1/64' },
];

describe('poolConflicts', () => {
  it('finds nothing on a host that does not use the pool', () => {
    expect(
      poolConflicts(pool, HOST, [{ name: 'bridge', subnets: ['172.17.0.0/16'], managed: false }]),
    ).toEqual([]);
  });

  it('reports a host interface inside the pool, or one whose range contains it', () => {
    expect(poolConflicts(pool, [...HOST, { name: 'wg0', cidr: '10.210.7.1/24' }], [])).toEqual([
      { kind: 'interface', name: 'wg0', cidr: '10.210.7.1/24' },
    ]);
    expect(poolConflicts(pool, [{ name: 'ens5', cidr: '10.0.3.4/8' }], [])).toEqual([
      { kind: 'interface', name: 'ens5', cidr: '10.0.3.4/8' },
    ]);
  });

  it('reports Docker networks Berth does not own, and ignores its own', () => {
    const networks = [
      { name: 'corp', subnets: ['10.210.128.0/20', 'fd00::/64'], managed: false },
      { name: 'berth-pr-1', subnets: ['10.210.0.0/26'], managed: true },
      { name: 'other', subnets: ['192.168.0.0/20'], managed: false },
    ];
    expect(poolConflicts(pool, [], networks)).toEqual([
      { kind: 'docker-network', name: 'corp', cidr: '10.210.128.0/20' },
    ]);
  });

  it("ignores the host-side bridge address of Berth's own networks", () => {
    const networks = [{ name: 'berth-pr-1', subnets: ['10.210.0.64/26'], managed: true }];
    const interfaces = [...HOST, { name: 'br-0123456789ab', cidr: '10.210.0.65/26' }];
    expect(poolConflicts(pool, interfaces, networks)).toEqual([]);
    // …but not the same address when no Berth network explains it.
    expect(poolConflicts(pool, interfaces, [])).toHaveLength(1);
  });

  it('leaves Docker bridges out when the engine could not be asked, but not other interfaces', () => {
    const interfaces = [
      ...HOST,
      { name: 'br-0123456789ab', cidr: '10.210.0.65/26' },
      { name: 'wg0', cidr: '10.210.7.1/24' },
      { name: 'br-lan', cidr: '10.210.9.1/24' },
    ];
    expect(poolConflicts(pool, interfaces, null)).toEqual([
      { kind: 'interface', name: 'wg0', cidr: '10.210.7.1/24' },
      { kind: 'interface', name: 'br-lan', cidr: '10.210.9.1/24' },
    ]);
  });
});

describe('describePoolConflicts', () => {
  it('is null when there is nothing to fix', () => {
    expect(describePoolConflicts(pool, [])).toBeNull();
  });

  it('names every overlap and the fix on one line', () => {
    const text = describePoolConflicts(pool, [
      { kind: 'interface', name: 'wg0', cidr: '10.210.7.1/24' },
      { kind: 'docker-network', name: 'corp', cidr: '10.210.128.0/20' },
    ]);
    expect(text).toBe(
      '10.210.0.0/16 overlaps host interface wg0 (10.210.7.1/24), Docker network corp ' +
        '(10.210.128.0/20); set SUBNET_POOL to a private range nothing on this host uses ' +
        '(e.g. 10.210.0.0/16) or remove the overlapping network',
    );
    expect(text).not.toContain('\n');
  });
});
