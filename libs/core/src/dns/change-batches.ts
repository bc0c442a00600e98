// Packing DNS changes into as few Route 53 ChangeBatch requests as its documented quotas allow:
// at most 1,000 ResourceRecord elements per request (an UPSERT counts twice) and 32,000
// characters of record values.

export interface ChangeBatchLimits {
  changes: number;
  /** ResourceRecord elements, UPSERTs counted twice. */
  records: number;
  /** Characters of all values together. */
  valueChars: number;
}

export const ROUTE53_BATCH_LIMITS: Readonly<ChangeBatchLimits> = {
  changes: 1000,
  records: 1000,
  valueChars: 32_000,
};

/** What the quotas look at in one change. */
export interface BatchChange {
  action: 'CREATE' | 'DELETE' | 'UPSERT';
  /** The record set it changes (name, type, set identifier): one change per record set a batch. */
  key: string;
  values: readonly string[];
}

export type ChangeWeight = ChangeBatchLimits;

export function changeWeight(changes: readonly BatchChange[]): ChangeWeight {
  let records = 0;
  let valueChars = 0;
  for (const change of changes) {
    // An alias has no ResourceRecord; count it as one so it cannot slip past the limit.
    records += Math.max(1, change.values.length) * (change.action === 'UPSERT' ? 2 : 1);
    valueChars += change.values.reduce((sum, v) => sum + v.length, 0);
  }
  return { changes: changes.length, records, valueChars };
}

export function fitsLimits(
  weight: ChangeWeight,
  limits: Readonly<ChangeBatchLimits> = ROUTE53_BATCH_LIMITS,
): boolean {
  return (
    weight.changes <= limits.changes &&
    weight.records <= limits.records &&
    weight.valueChars <= limits.valueChars
  );
}

/**
 * Packs groups (each one caller's changes, kept whole) into batches in order. A batch closes when
 * the next group would pass a limit, or touches a record set already in it: Route 53 refuses two
 * changes to one record set in a batch, and the later change must land after the earlier one. A
 * group too big for any batch goes alone (Route 53 then rejects it, failing only that group).
 */
export function splitIntoBatches<T>(
  groups: readonly T[],
  changesOf: (group: T) => readonly BatchChange[],
  limits: Readonly<ChangeBatchLimits> = ROUTE53_BATCH_LIMITS,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let weight: ChangeWeight = { changes: 0, records: 0, valueChars: 0 };
  let keys = new Set<string>();
  for (const group of groups) {
    const changes = changesOf(group);
    const own = changeWeight(changes);
    const combined = addWeights(weight, own);
    const clashes = changes.some((c) => keys.has(c.key));
    if (current.length > 0 && (clashes || !fitsLimits(combined, limits))) {
      batches.push(current);
      current = [];
      keys = new Set();
      weight = own;
    } else {
      weight = combined;
    }
    current.push(group);
    for (const c of changes) keys.add(c.key);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function addWeights(a: ChangeWeight, b: ChangeWeight): ChangeWeight {
  return {
    changes: a.changes + b.changes,
    records: a.records + b.records,
    valueChars: a.valueChars + b.valueChars,
  };
}
