import type { DnsOwner } from './dns-port.js';

/** A host `remove` left alone because its records are not the caller's. */
export interface ForeignRecord {
  host: string;
  /** The owner its ownership TXT names; undefined when it has no Berth ownership record. */
  owner?: Partial<DnsOwner>;
}

/**
 * Thrown by `PreviewDns.remove` after removing what the caller owns: the rest belongs to another
 * environment (or to nobody Berth knows), so deleting it could take down someone else's preview.
 */
export class DnsOwnershipError extends Error {
  override readonly name = 'DnsOwnershipError';

  constructor(
    readonly caller: DnsOwner,
    readonly foreign: readonly ForeignRecord[],
  ) {
    super(
      `left ${foreign.length} DNS ${foreign.length === 1 ? 'record' : 'records'} alone that environment ${caller.environmentId} does not own: ${foreign.map(describe).join('; ')}`,
    );
  }
}

function describe({ host, owner }: ForeignRecord): string {
  if (!owner) return `${host} has no Berth ownership record`;
  const repository = owner.repository ? ` (${owner.repository})` : '';
  return `${host} belongs to environment ${owner.environmentId ?? 'unknown'}${repository}`;
}
