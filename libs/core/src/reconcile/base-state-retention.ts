// Which base-state volumes a live base environment still owns (decision 0017): the copies its
// complete capture rows record, newest BASE_STATES_KEPT heads per database service. Anything
// else it labelled as a base state (a copy whose row is gone or never completed, a head the
// base environment's own prune missed) is the reconciler's to remove.

import type { OrphanReason, ReconcileLedgerRow } from './reconcile-plan.js';

/** What a complete capture row records (metadata.baseState). */
export interface BaseStateCapture {
  service: string;
  sha: string;
  generation: number;
  capturedAt: string;
}

export interface BaseStateRetention {
  /** Undefined: a kept capture. Else why the volume is not the base environment's any more. */
  reasonFor(row: ReconcileLedgerRow | undefined): OrphanReason | undefined;
}

/**
 * `rows`: volume rows whose volume is still there. `keep` unset: every complete capture is kept.
 * Captures are grouped per base environment and service by head (generation and SHA), newest
 * `capturedAt` first, as BaseStates.prune orders them.
 */
export function baseStateRetention(
  rows: readonly ReconcileLedgerRow[],
  keep: number | undefined,
): BaseStateRetention {
  const complete = (
    row: ReconcileLedgerRow,
  ): row is ReconcileLedgerRow & {
    capture: BaseStateCapture;
  } => row.state === 'created' && row.capture !== undefined;
  const groups = new Map<string, Map<string, { at: string; ids: string[] }>>();
  for (const row of rows) {
    if (!complete(row)) continue;
    const owner = `${row.environmentId ?? ''}\u0000${row.capture.service}`;
    const heads = groups.get(owner) ?? new Map<string, { at: string; ids: string[] }>();
    const head = `${row.capture.generation}:${row.capture.sha}`;
    const group = heads.get(head) ?? { at: row.capture.capturedAt, ids: [] };
    if (row.capture.capturedAt > group.at) group.at = row.capture.capturedAt;
    group.ids.push(row.id);
    heads.set(head, group);
    groups.set(owner, heads);
  }
  const surplus = new Set<string>();
  if (keep !== undefined) {
    for (const heads of groups.values()) {
      const newestFirst = [...heads.values()].sort((a, b) => b.at.localeCompare(a.at));
      for (const group of newestFirst.slice(Math.max(0, keep))) {
        for (const id of group.ids) surplus.add(id);
      }
    }
  }
  return {
    reasonFor(row) {
      if (!row || !complete(row)) return 'base-state-untracked';
      return surplus.has(row.id) ? 'base-state-surplus' : undefined;
    },
  };
}
