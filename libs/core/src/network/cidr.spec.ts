import { describe, expect, it } from 'vitest';
import {
  CidrError,
  addressAt,
  addressCount,
  cidrContains,
  cidrsOverlap,
  fromNumber,
  parseCidr,
  toNumber,
} from './cidr.js';

const c = (text: string) => parseCidr(text);

describe('parseCidr', () => {
  it.each([
    ['10.210.0.0/16', '10.210.0.0', 16],
    [' 192.168.4.0/22 ', '192.168.4.0', 22],
    ['0.0.0.0/0', '0.0.0.0', 0],
    ['10.0.0.7/32', '10.0.0.7', 32],
  ])('%j → %s/%d', (text, network, prefix) => {
    expect(parseCidr(text)).toEqual({ network, prefix, text: `${network}/${prefix}` });
  });

  it.each(['', '10.210.0.0', '10.210/16', '10.210.0.0/33', '10.210.0.0/-1', '256.0.0.0/8', 'abc'])(
    'rejects %j naming the expected form',
    (text) => {
      expect(() => parseCidr(text)).toThrow(/not an IPv4 CIDR range such as 10\.210\.0\.0\/16/);
    },
  );

  it('rejects IPv6 with a reason', () => {
    expect(() => parseCidr('fd00::/64')).toThrow(/IPv6; Berth allocates IPv4 subnets only/);
  });

  it('rejects host bits and says which range was meant', () => {
    expect(() => parseCidr('10.210.1.0/16')).toThrow(CidrError);
    expect(() => parseCidr('10.210.1.0/16')).toThrow(/write 10\.210\.0\.0\/16/);
  });

  it('accepts host bits for interface addresses', () => {
    expect(parseCidr('192.0.2.2/24', { allowHostBits: true }).text).toBe('192.0.2.0/24');
  });
});

describe('cidrsOverlap / cidrContains', () => {
  it.each([
    ['10.210.0.0/16', '10.210.3.64/26', true],
    ['10.210.3.64/26', '10.210.0.0/16', true],
    ['10.210.0.0/16', '10.211.0.0/16', false],
    ['10.210.0.0/26', '10.210.0.64/26', false],
    ['10.210.0.0/26', '10.210.0.0/26', true],
    ['10.0.0.0/8', '10.255.255.255/32', true],
    ['0.0.0.0/0', '192.0.2.0/24', true],
    ['172.17.0.0/16', '10.210.0.0/16', false],
    ['10.210.0.0/15', '10.211.128.0/17', true],
  ])('%s vs %s → %s', (a, b, overlap) => {
    expect(cidrsOverlap(c(a), c(b))).toBe(overlap);
    expect(cidrsOverlap(c(b), c(a))).toBe(overlap);
  });

  it('containment is one-way', () => {
    expect(cidrContains(c('10.210.0.0/16'), c('10.210.3.64/26'))).toBe(true);
    expect(cidrContains(c('10.210.3.64/26'), c('10.210.0.0/16'))).toBe(false);
    expect(cidrContains(c('10.210.0.0/26'), c('10.210.0.0/26'))).toBe(true);
    expect(cidrContains(c('10.210.0.0/16'), c('10.211.0.0/26'))).toBe(false);
  });
});

describe('addresses', () => {
  it('counts addresses', () => {
    expect(addressCount(c('10.210.0.0/16'))).toBe(65_536);
    expect(addressCount(c('10.210.0.0/26'))).toBe(64);
    expect(addressCount(c('0.0.0.0/0'))).toBe(2 ** 32);
    expect(addressCount(c('10.0.0.1/32'))).toBe(1);
  });

  it('finds the nth address of a range, refusing offsets outside it', () => {
    expect(addressAt(c('10.210.0.64/26'), 1)).toBe('10.210.0.65');
    expect(addressAt(c('10.210.0.64/26'), 63)).toBe('10.210.0.127');
    expect(addressAt(c('10.0.0.0/8'), 256 * 256 * 3 + 7)).toBe('10.3.0.7');
    expect(() => addressAt(c('10.210.0.64/26'), 64)).toThrow(/outside 10\.210\.0\.64\/26/);
    expect(() => addressAt(c('10.210.0.64/26'), -1)).toThrow(/outside/);
    expect(() => addressAt(c('10.210.0.64/26'), 1.5)).toThrow(/outside/);
  });

  it('maps addresses to numbers and back at the edges', () => {
    expect(toNumber('0.0.0.0')).toBe(0);
    expect(toNumber('255.255.255.255')).toBe(2 ** 32 - 1);
    expect(fromNumber(2 ** 32 - 1)).toBe('255.255.255.255');
    expect(fromNumber(toNumber('10.210.200.1'))).toBe('10.210.200.1');
    expect(() => fromNumber(2 ** 32)).toThrow(/not an IPv4 address/);
    expect(() => fromNumber(-1)).toThrow(/not an IPv4 address/);
  });
});
