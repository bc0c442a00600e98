// Host memory admission: the memory limits of every preview container on one Docker host are
// promised memory. A new environment starts only when what is already promised plus what it
// asks for fits the host's commitment; otherwise it waits (queued, retried), never fails.

const MIB = 1024 * 1024;

/** Default share of the engine's MemTotal that previews may be promised (the rest: host, builds). */
export const DEFAULT_MEMORY_COMMIT_RATIO = 0.9;

/** The commitment in bytes: the operator's HOST_MEMORY_COMMIT_MB, else MemTotal × ratio. */
export function hostMemoryCommitBytes(
  operatorMb: number | undefined,
  engineMemTotalBytes: number,
  ratio: number = DEFAULT_MEMORY_COMMIT_RATIO,
): number {
  if (operatorMb !== undefined) return operatorMb * MIB;
  return Math.floor(engineMemTotalBytes * ratio);
}

export interface MemoryAdmissionInput {
  /** Memory limits of the host's live containers of other environments (bytes). */
  committedBytes: number;
  /** The host's commitment (bytes). */
  capacityBytes: number;
  /** The sum of this environment's container memory limits (bytes). */
  neededBytes: number;
}

export type MemoryAdmission =
  | { admitted: true }
  | {
      admitted: false;
      /** Never fits, however much is freed: more than the whole commitment. */
      exceedsCapacity: boolean;
      /** `queued: host memory committed X of Y MB, needs Z MB`. */
      reason: string;
    };

const mb = (bytes: number): number => Math.ceil(bytes / MIB);

/** Pure arithmetic: does the environment fit beside what is already committed? */
export function admitMemory(input: MemoryAdmissionInput): MemoryAdmission {
  const { committedBytes, capacityBytes, neededBytes } = input;
  if (committedBytes + neededBytes <= capacityBytes) return { admitted: true };
  const exceedsCapacity = neededBytes > capacityBytes;
  const reason =
    `queued: host memory committed ${mb(committedBytes)} of ${mb(capacityBytes)} MB, ` +
    `needs ${mb(neededBytes)} MB` +
    (exceedsCapacity
      ? '; more than the whole commitment, so it waits until an operator raises HOST_MEMORY_COMMIT_MB or lowers the repository ceilings'
      : '; it starts when other previews free memory (closed or expired)');
  return { admitted: false, exceedsCapacity, reason };
}
