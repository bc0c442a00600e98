import { describe, expect, it } from 'vitest';
import { clientIp } from './client-ip.js';
import { ipRanges } from './ip-ranges.js';

const none = ipRanges([]);
const proxies = ipRanges(['10.0.0.0/8', 'fd00::/8']);

describe('clientIp', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientIp('198.51.100.7', '203.0.113.9', none)).toBe('198.51.100.7');
  });

  it('ignores X-Forwarded-For from an untrusted peer (a client spoofing an allowed address)', () => {
    expect(clientIp('198.51.100.7', '203.0.113.9, 10.0.0.1', proxies)).toBe('198.51.100.7');
  });

  it('takes the right-most untrusted hop when the peer is a trusted proxy', () => {
    expect(clientIp('10.0.0.2', '203.0.113.9', proxies)).toBe('203.0.113.9');
    // The client wrote the left hop itself; the proxy appended what it saw.
    expect(clientIp('10.0.0.2', '203.0.113.9, 198.51.100.7', proxies)).toBe('198.51.100.7');
    // Trusted hops (a proxy chain) are skipped.
    expect(clientIp('10.0.0.2', ['203.0.113.9, 198.51.100.7', '10.1.1.1'], proxies)).toBe(
      '198.51.100.7',
    );
    expect(clientIp('fd00::2', '2001:db8::7', proxies)).toBe('2001:db8::7');
  });

  it('matches a trusted IPv4 proxy seen as an IPv4-mapped IPv6 socket address', () => {
    expect(clientIp('::ffff:10.0.0.2', '203.0.113.9', proxies)).toBe('203.0.113.9');
  });

  it('has no client when the hop that counts is not an address', () => {
    expect(clientIp('10.0.0.2', '203.0.113.9, unknown', proxies)).toBeUndefined();
    expect(clientIp('10.0.0.2', '010.0.0.1', proxies)).toBeUndefined();
  });

  it('falls back to the left-most hop (or the peer) when every hop is trusted', () => {
    expect(clientIp('10.0.0.2', '10.9.9.9, 10.0.0.1', proxies)).toBe('10.9.9.9');
    expect(clientIp('10.0.0.2', undefined, proxies)).toBe('10.0.0.2');
    expect(clientIp(undefined, '203.0.113.9', proxies)).toBeUndefined();
  });
});
