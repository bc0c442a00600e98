// Host memory admission for the replicate stage: observe (what other environments hold on this
// host, who waits before this one) → compare (core's queueAdmission) → act (reserve the
// containers, or keep the place in line, or give up) → record, in one transaction under the
// host's lock (HostMemoryLedger.admit).

import { DEFAULT_ADMISSION_MAX_WAIT_S, queueAdmission } from '@berth/core';
import type { HostMemoryLedger } from '@berth/db';
import { PermanentStageError, StageQueuedError } from '../pipeline/stage-handler.js';
import type { ReplicatePlan } from './container-plan.js';

export interface HostMemoryAdmission {
  ledger: HostMemoryLedger;
  /** May ask the engine (MemTotal): an engine that is down at start-up must not stop the worker. */
  capacityBytes: () => Promise<number>;
  /** ADMISSION_MAX_WAIT_S in ms (default 1 h): longer in line fails the stage. */
  maxWaitMs?: number;
}

/** What admission saw, in MB, kept on the stage run for operators. */
export interface MemoryAdmissionDetails {
  committedMb: number;
  capacityMb: number;
  neededMb: number;
}

/** The environment waited ADMISSION_MAX_WAIT_S for memory: the stage fails; a new push retries. */
export class AdmissionTimeoutError extends PermanentStageError {
  override readonly name = 'AdmissionTimeoutError';
}

const MIB = 1024 * 1024;

/**
 * Admits the environment's containers to the host, or throws: StageQueuedError (the runner
 * records the stage `queued`, tells the PR once and looks again later) or AdmissionTimeoutError
 * (waited too long: the stage fails with a PR message naming ADMISSION_MAX_WAIT_S).
 */
export async function admitToHost(
  memory: HostMemoryAdmission,
  environment: { id: string; generation: number },
  plan: ReplicatePlan,
): Promise<MemoryAdmissionDetails> {
  const containers = Object.values(plan.services).map((s) => ({
    name: s.container.name,
    memoryBytes: s.container.limits?.memoryBytes ?? 0,
    metadata: { service: s.service, image: s.container.image },
  }));
  const neededBytes = containers.reduce((sum, c) => sum + c.memoryBytes, 0);
  const capacityBytes = await memory.capacityBytes();
  const maxWaitMs = memory.maxWaitMs ?? DEFAULT_ADMISSION_MAX_WAIT_S * 1000;
  let committedBytes = 0;
  const verdict = await memory.ledger.admit(
    { environmentId: environment.id, generation: environment.generation, neededBytes, containers },
    (facts) => {
      committedBytes = facts.committedBytes;
      return queueAdmission({
        environmentId: environment.id,
        committedBytes: facts.committedBytes,
        capacityBytes,
        neededBytes,
        queuedAt: facts.queuedAt?.getTime() ?? null,
        waiting: facts.waiting.map((w) => ({
          environmentId: w.environmentId,
          queuedAt: w.queuedAt.getTime(),
          seenAt: w.seenAt.getTime(),
          neededBytes: w.neededBytes,
        })),
        now: facts.now.getTime(),
        maxWaitMs,
      });
    },
  );
  if (verdict.verdict === 'queued') throw new StageQueuedError(verdict.reason);
  if (verdict.verdict === 'timed-out') throw new AdmissionTimeoutError(verdict.reason);
  return {
    committedMb: Math.ceil(committedBytes / MIB),
    capacityMb: Math.ceil(capacityBytes / MIB),
    neededMb: Math.ceil(neededBytes / MIB),
  };
}
