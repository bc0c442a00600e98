import type { IpRanges } from './ip-ranges.js';
import { parseAddress } from './ip-ranges.js';

/**
 * The address the `ip` access mode checks. The socket's peer, unless that peer is a trusted
 * proxy (TRUSTED_PROXIES): then X-Forwarded-For is walked from the right, skipping trusted hops,
 * and the first untrusted hop is the client. Hops left of it were written by the client itself,
 * so they are never believed. Undefined (admitted by no allowlist) when the hop that counts is
 * not an address.
 */
export function clientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: IpRanges,
): string | undefined {
  if (socketAddress === undefined) return undefined;
  if (trustedProxies.size === 0 || !trustedProxies.contains(socketAddress)) return socketAddress;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  const hops = header
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  let candidate: string | undefined = socketAddress;
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = hops[i] as string;
    if (parseAddress(hop) === undefined) return undefined;
    candidate = hop;
    if (!trustedProxies.contains(hop)) return hop;
  }
  // Every hop was a trusted proxy: the left-most one is as close to the client as we know.
  return candidate;
}
