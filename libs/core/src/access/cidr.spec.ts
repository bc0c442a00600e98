import { describe, expect, it } from 'vitest';
import { normaliseCidr } from './cidr.js';

describe('normaliseCidr', () => {
  it('keeps IPv4 and IPv6 ranges in canonical form', () => {
    expect(normaliseCidr('10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(normaliseCidr(' 2001:DB8:0::/32 ')).toBe('2001:db8::/32');
    expect(normaliseCidr('0.0.0.0/0')).toBe('0.0.0.0/0');
    expect(normaliseCidr('::/0')).toBe('::/0');
  });

  it('reads a bare address as a one-address range', () => {
    expect(normaliseCidr('203.0.113.7')).toBe('203.0.113.7/32');
    expect(normaliseCidr('::1')).toBe('::1/128');
  });

  it('refuses host bits past the prefix instead of widening the range', () => {
    expect(normaliseCidr('10.1.2.3/8')).toBeUndefined();
    expect(normaliseCidr('2001:db8::1/32')).toBeUndefined();
  });

  it('refuses what is not an address, out-of-range prefixes and octal or short IPv4 forms', () => {
    for (const bad of [
      '',
      'abc',
      '300.1.1.1/8',
      '10.0.0.0/33',
      '::/129',
      '10/8',
      '010.0.0.1',
      '10.1',
    ]) {
      expect(normaliseCidr(bad), bad).toBeUndefined();
    }
  });
});
