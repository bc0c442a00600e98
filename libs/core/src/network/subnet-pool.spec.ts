import { describe, expect, it } from 'vitest';
import { cidrsOverlap, parseCidr } from './cidr.js';
import {
  DEFAULT_SUBNET_POOL,
  DEFAULT_SUBNET_PREFIX_LENGTH,
  lowestFreeSubnet,
  subnetPool,
} from './subnet-pool.js';

describe('subnetPool', () => {
  const pool = subnetPool(DEFAULT_SUBNET_POOL, DEFAULT_SUBNET_PREFIX_LENGTH);

  it('cuts the default pool into 1,024 /26s', () => {
    expect(pool.size).toBe(1024);
    expect(pool.pool.text).toBe('10.210.0.0/16');
    expect(pool.at(0)).toEqual({ index: 0, cidr: '10.210.0.0/26', gateway: '10.210.0.1' });
    expect(pool.at(1)).toEqual({ index: 1, cidr: '10.210.0.64/26', gateway: '10.210.0.65' });
    expect(pool.at(4).cidr).toBe('10.210.1.0/26');
    expect(pool.at(1023)).toEqual({
      index: 1023,
      cidr: '10.210.255.192/26',
      gateway: '10.210.255.193',
    });
  });

  it('gives every index a distinct, non-overlapping subnet inside the pool', () => {
    const all = Array.from({ length: pool.size }, (_, i) => pool.at(i).cidr);
    expect(new Set(all).size).toBe(pool.size);
    for (let i = 1; i < all.length; i++) {
      const previous = parseCidr(all[i - 1] as string);
      const current = parseCidr(all[i] as string);
      expect(cidrsOverlap(previous, current)).toBe(false);
      expect(cidrsOverlap(pool.pool, current)).toBe(true);
    }
  });

  it('maps a subnet back to its index, and anything else to null', () => {
    for (const i of [0, 1, 517, 1023]) expect(pool.indexOf(pool.at(i).cidr)).toBe(i);
    expect(pool.indexOf('10.210.0.0/25')).toBeNull(); // other prefix length
    expect(pool.indexOf('10.211.0.0/26')).toBeNull(); // outside the pool
    expect(pool.indexOf('10.210.0.32/26')).toBeNull(); // host bits: not a subnet boundary
    expect(pool.indexOf('not a cidr')).toBeNull();
  });

  it('refuses indexes outside the pool', () => {
    expect(() => pool.at(1024)).toThrow(/outside the pool \(0 to 1023\)/);
    expect(() => pool.at(-1)).toThrow(/outside the pool/);
    expect(() => pool.at(0.5)).toThrow(/outside the pool/);
  });

  it.each([
    ['10.0.0.0/8', 24, 65_536, '10.0.1.0/24'],
    ['192.168.0.0/24', 24, 1, null],
    ['192.168.0.0/24', 30, 64, '192.168.0.4/30'],
    ['172.30.0.0/15', 16, 2, '172.31.0.0/16'],
  ])('%s cut into /%d: %d subnets, the second %s', (text, prefix, size, second) => {
    const p = subnetPool(text, prefix);
    expect(p.size).toBe(size);
    if (second) expect(p.at(1).cidr).toBe(second);
  });

  it.each([
    ['10.210.0.0/16', 12, /does not fit inside the pool 10\.210\.0\.0\/16.*from 16 to 30/],
    ['10.210.0.0/16', 31, /no room for a gateway and a container: use 30 or less/],
    ['10.210.0.0/16', 33, /not a whole number from 0 to 32/],
    ['10.210.0.0/16', 26.5, /not a whole number/],
    ['10.210.5.0/16', 26, /host bits set/],
    ['10.210.0.0', 26, /not an IPv4 CIDR range/],
  ])('refuses %s with /%d', (text, prefix, message) => {
    expect(() => subnetPool(text, prefix)).toThrow(message);
  });
});

describe('lowestFreeSubnet', () => {
  const pool = subnetPool('10.210.0.0/24', 26); // four subnets: .0 .64 .128 .192

  it('takes index 0 from an empty pool', () => {
    expect(lowestFreeSubnet(pool, [])?.cidr).toBe('10.210.0.0/26');
  });

  it('fills holes first', () => {
    expect(lowestFreeSubnet(pool, ['10.210.0.0/26', '10.210.0.128/26'])?.cidr).toBe(
      '10.210.0.64/26',
    );
  });

  it('starts looking at `from` (the next try after a lost race)', () => {
    expect(lowestFreeSubnet(pool, [], 2)?.index).toBe(2);
    expect(lowestFreeSubnet(pool, ['10.210.0.128/26'], 2)?.index).toBe(3);
    expect(lowestFreeSubnet(pool, [], 4)).toBeNull();
  });

  it('returns null when every subnet is taken', () => {
    const all = [0, 1, 2, 3].map((i) => pool.at(i).cidr);
    expect(lowestFreeSubnet(pool, all)).toBeNull();
  });

  it('steps around ranges cut by an older pool or prefix length', () => {
    // A /25 from a previous SUBNET_PREFIX_LENGTH covers indexes 0 and 1.
    expect(lowestFreeSubnet(pool, ['10.210.0.0/25'])?.index).toBe(2);
    // A /27 inside index 2 blocks index 2 only.
    expect(lowestFreeSubnet(pool, ['10.210.0.0/25', '10.210.0.160/27'])?.index).toBe(3);
  });

  it('ignores names outside the pool or not ranges at all', () => {
    expect(lowestFreeSubnet(pool, ['10.211.0.0/26', 'garbage', 'fd00::/64'])?.index).toBe(0);
  });
});
