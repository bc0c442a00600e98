import { type IpRanges, ipRanges } from './ip-ranges.js';

/** Parsed allowlists by the (cached, immutable) array they came from: parsed once per route load. */
const compiled = new WeakMap<readonly string[], IpRanges>();

/** The `ip` access mode: whether the client address is inside the repository's allowlist. */
export function ipAllowed(allowlist: readonly string[], client: string | undefined): boolean {
  if (client === undefined || allowlist.length === 0) return false;
  let ranges = compiled.get(allowlist);
  if (!ranges) {
    ranges = ipRanges(allowlist);
    compiled.set(allowlist, ranges);
  }
  return ranges.contains(client);
}
