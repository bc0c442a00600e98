import {
  MasterKeyring,
  openWithRing,
  rewrapSecret,
  type SecretAddress,
  sealSecret,
} from '@berth/core';
import type { PrismaClient } from '../generated.js';

/** Either a single key (the common case) or a ring with the keys it replaced. */
export type MasterKeys = Buffer | MasterKeyring;

export function ringOf(keys: MasterKeys): MasterKeyring {
  return keys instanceof MasterKeyring ? keys : new MasterKeyring(keys);
}

/** The sealed columns of a `secrets` row for `value`, under the ring's current key. */
export function sealedColumns(ring: MasterKeyring, address: SecretAddress, value: string) {
  const sealed = sealSecret(ring.current, address, value);
  return {
    version: sealed.version,
    wrappedKey: new Uint8Array(sealed.wrappedKey),
    ciphertext: new Uint8Array(sealed.ciphertext),
    keyId: ring.currentId,
  };
}

export interface SealedRow {
  wrappedKey: Uint8Array;
  ciphertext: Uint8Array;
  keyId: string | null;
}

export function openRow(ring: MasterKeyring, address: SecretAddress, row: SealedRow): string {
  return openWithRing(ring, row.keyId, address, {
    version: 1,
    wrappedKey: Buffer.from(row.wrappedKey),
    ciphertext: Buffer.from(row.ciphertext),
  }).value;
}

export interface RotationReport {
  /** Rows re-sealed under the current key in this call. */
  rewrapped: number;
  /** Rows already under the current key. */
  current: number;
  /** Rows no key of the ring opens (named scope/name, never values). */
  unreadable: string[];
}

/**
 * Re-seals every data key not under the ring's current key, in batches, each row with a
 * compare-and-set on its old key id: a writer that re-sealed the row meanwhile wins, and the
 * apps keep reading throughout because the ring still holds the old key (zero downtime).
 */
export async function rotateMasterKey(
  prisma: PrismaClient,
  ring: MasterKeyring,
  batchSize = 200,
): Promise<RotationReport> {
  const report: RotationReport = { rewrapped: 0, current: 0, unreadable: [] };
  let cursor: string | undefined;
  for (;;) {
    const rows = await prisma.secret.findMany({
      ...(cursor ? { where: { id: { gt: cursor } } } : {}),
      orderBy: { id: 'asc' },
      take: batchSize,
      select: {
        id: true,
        scope: true,
        name: true,
        keyId: true,
        wrappedKey: true,
        ciphertext: true,
      },
    });
    if (rows.length === 0) return report;
    cursor = rows[rows.length - 1]?.id;
    for (const row of rows) {
      if (row.keyId === ring.currentId) {
        report.current += 1;
        continue;
      }
      const address = { scope: row.scope, name: row.name };
      const sealed = {
        version: 1 as const,
        wrappedKey: Buffer.from(row.wrappedKey),
        ciphertext: Buffer.from(row.ciphertext),
      };
      let from: Buffer;
      try {
        from = openWithRing(ring, row.keyId, address, sealed).key;
      } catch {
        report.unreadable.push(`${row.scope}/${row.name}`);
        continue;
      }
      const moved = rewrapSecret(from, ring.current, address, sealed);
      const { count } = await prisma.secret.updateMany({
        where: { id: row.id, keyId: row.keyId, wrappedKey: row.wrappedKey },
        data: { wrappedKey: new Uint8Array(moved.wrappedKey), keyId: ring.currentId },
      });
      report.rewrapped += count;
    }
  }
}
