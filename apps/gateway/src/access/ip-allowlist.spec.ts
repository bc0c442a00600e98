import { describe, expect, it } from 'vitest';
import { ipAllowed } from './ip-allowlist.js';

describe('ipAllowed', () => {
  const list = ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7/32'];

  it('admits addresses inside an IPv4 or IPv6 range, at its edges too', () => {
    expect(ipAllowed(list, '203.0.113.0')).toBe(true);
    expect(ipAllowed(list, '203.0.113.255')).toBe(true);
    expect(ipAllowed(list, '198.51.100.7')).toBe(true);
    expect(ipAllowed(list, '2001:db8:ffff::1')).toBe(true);
    expect(ipAllowed(list, '2001:0DB8::1')).toBe(true);
  });

  it('refuses addresses just outside', () => {
    expect(ipAllowed(list, '203.0.112.255')).toBe(false);
    expect(ipAllowed(list, '203.0.114.0')).toBe(false);
    expect(ipAllowed(list, '198.51.100.8')).toBe(false);
    expect(ipAllowed(list, '2001:db9::1')).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 client it is', () => {
    expect(ipAllowed(list, '::ffff:203.0.113.9')).toBe(true);
    expect(ipAllowed(list, '::ffff:192.0.2.1')).toBe(false);
    expect(ipAllowed(['::ffff:0:0/96'], '::ffff:192.0.2.1')).toBe(true);
  });

  it('never matches across families by accident', () => {
    expect(ipAllowed(['0.0.0.0/0'], '2001:db8::1')).toBe(false);
    expect(ipAllowed(['::/0'], '203.0.113.9')).toBe(false);
    expect(ipAllowed(['0.0.0.0/0'], '203.0.113.9')).toBe(true);
  });

  it('admits nothing for an empty list, no client, or garbage', () => {
    expect(ipAllowed([], '203.0.113.9')).toBe(false);
    expect(ipAllowed(list, undefined)).toBe(false);
    expect(ipAllowed(list, 'not-an-ip')).toBe(false);
    expect(ipAllowed(list, '203.0.113')).toBe(false);
    expect(ipAllowed(list, 'fe80::1%eth0')).toBe(false);
  });
});
