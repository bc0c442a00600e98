/**
 * Which data a preview's database starts from (issue 10), decided per generation, pure.
 *
 * - The mode is the PR's `db:*` label; without one, `branch` when the repository has a base
 *   state, else `fresh`.
 * - A database that exists keeps its data unless a label asks for a different mode: a new base
 *   state, or a default that changed, never wipes what a PR's reviewers were looking at.
 * - `branch` with no base state yet starts empty, and says how to get one.
 * - `snapshot` starts empty and the replicate stage restores the chosen registered dump into it
 *   (then masks it) before any other service starts.
 */

import type { SnapshotRef } from './snapshot.js';

export type DatabaseStart = 'branch' | 'fresh' | 'snapshot';

/** One captured base: the base environment's database volumes at a base-branch head. */
export interface BaseStateRef {
  /** The base branch's head it was captured at. */
  sha: string;
  /** The base environment's generation it was captured at. */
  generation: number;
  /** ISO time of the capture. */
  capturedAt: string;
  /** Mount target in the database service → the base state's volume. */
  volumes: Record<string, string>;
}

/** What the PR's database holds today (its volume's ledger record), when it exists. */
export interface DatabaseRecord {
  mode: DatabaseStart;
  /** For `branch`: the base head it was copied from. */
  baseSha?: string;
  /** For `snapshot`: the registered snapshot it was restored from. */
  snapshot?: string;
}

export type DatabaseAction =
  /** The database exists and stays as it is. */
  | 'kept'
  /** A new database copied from a base state. */
  | 'branched'
  /** A new, empty database (migrations and seed fill it). */
  | 'created'
  /** An existing database replaced by a copy of a base state (a label changed the mode). */
  | 'restored'
  /** An existing database replaced by an empty one (a label changed the mode). */
  | 'reset';

export interface DatabasePlan {
  service: string;
  mode: DatabaseStart;
  action: DatabaseAction;
  /** The base state copied from (branched or restored). */
  base?: BaseStateRef;
  /** The registered snapshot restored into the new, empty database (`snapshot`). */
  snapshot?: SnapshotRef;
  /** One line for the PR comment: what happened to the data, and why. */
  note: string;
}

export interface DatabaseInput {
  service: string;
  /** The `db:*` label's mode, when the PR has one Berth builds. */
  labelled?: DatabaseStart;
  baseBranch: string;
  /**
   * The base state to branch from, when there is one: the one at `cutFrom` if it is still kept,
   * else the newest.
   */
  base?: BaseStateRef;
  /** Where the PR was cut from the base branch (or last merged it), when known. */
  cutFrom?: string;
  /** The PR's database as it is, when it exists. */
  current?: DatabaseRecord;
  /** The operator's default mode for the repository (its settings), used without a label. */
  defaultMode?: DatabaseStart;
  /** For `snapshot`: the registered snapshot chosen for the repository (wire stage). */
  snapshot?: SnapshotRef;
}

export function planDatabase(input: DatabaseInput): DatabasePlan {
  const { service, labelled, base, current } = input;
  const wanted: DatabaseStart = labelled ?? input.defaultMode ?? (base ? 'branch' : 'fresh');
  const short = (sha: string) => sha.slice(0, 7);
  const noBase = `no base state of ${input.baseBranch} yet, so it started empty (a push to ${input.baseBranch} captures one)`;

  // Asked for a branch with nothing to branch from: what exists stays (emptying it helps no one).
  const nothingToBranch = labelled === 'branch' && !base;
  if (current && (labelled === undefined || labelled === current.mode || nothingToBranch)) {
    const from =
      current.mode === 'branch' && current.baseSha
        ? `, branched from ${input.baseBranch} at ${short(current.baseSha)}`
        : current.mode === 'snapshot' && current.snapshot
          ? `, restored from snapshot \`${current.snapshot}\``
          : '';
    return {
      service,
      mode: current.mode,
      action: 'kept',
      note: `\`${service}\`: data kept (db:${current.mode}${from})${nothingToBranch && current.mode !== 'branch' ? ` — ${noBase}` : ''}`,
    };
  }
  const replacing = current !== undefined;
  const snapshot = input.snapshot;
  if (wanted === 'snapshot' && snapshot) {
    const masked = snapshot.masked ? ', masked' : '';
    return {
      service,
      mode: 'snapshot',
      action: replacing ? 'reset' : 'created',
      snapshot,
      note: `\`${service}\`: ${replacing ? 'replaced with' : 'restored from'} snapshot \`${snapshot.name}\` (sanitized${masked}, registered ${snapshot.registeredAt.slice(0, 10)}) (db:snapshot)`,
    };
  }
  if (wanted === 'branch' && base) {
    return {
      service,
      mode: 'branch',
      action: replacing ? 'restored' : 'branched',
      base,
      note: `\`${service}\`: ${replacing ? `replaced with a copy` : 'a copy'} of ${input.baseBranch} at ${short(base.sha)}${whichBase(base, input.cutFrom)} (db:branch)`,
    };
  }
  const why = wanted === 'branch' ? ` — ${noBase}` : '';
  return {
    service,
    // Recorded as what it is: empty. A later base state restores it only if a label asks.
    mode: 'fresh',
    action: replacing ? 'reset' : 'created',
    note: `\`${service}\`: ${replacing ? 'reset to an empty database' : 'an empty database'}, then migrations and seed (db:${wanted})${why}`,
  };
}

/** Says whether the copy is of the base the PR was cut from, or the newest kept instead. */
function whichBase(base: BaseStateRef, cutFrom: string | undefined): string {
  if (!cutFrom) return '';
  if (cutFrom === base.sha) return ', where this PR was cut from';
  return `, the newest kept (this PR was cut from ${cutFrom.slice(0, 7)}, which has no base state)`;
}
