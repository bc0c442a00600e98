import { Job, type JobState, type Queue } from 'bullmq';

// The api and the CLI's tests queue a job and read the worker's answer from it. The order of
// the two reads matters: BullMQ moves a job to `completed` and writes its `returnvalue` in one
// script, so a job read *after* its state was seen final carries its answer. Read the other
// way round (job, then state), a job that finishes between the reads looks `completed` with a
// `null` answer — the race behind stop 22's red CI, and a 500 from the action routes.

/** A job and a state that is not older than the job's fields. */
export interface JobOutcome<D, N extends string> {
  job: Job<D, unknown, N>;
  state: JobState | 'unknown';
}

/** `completed` and `failed` are final; a failed attempt with one left goes back to waiting. */
export function isFinal(state: JobState | 'unknown'): boolean {
  return state === 'completed' || state === 'failed';
}

/** Reads the job's state, then the job; undefined when the job is gone or never was. */
export async function readJob<D, N extends string>(
  queue: Queue<D, unknown, N>,
  jobId: string,
): Promise<JobOutcome<D, N> | undefined> {
  const state = await queue.getJobState(jobId);
  if (state === 'unknown') return undefined;
  const job = await Job.fromId<D, unknown, N>(queue, jobId);
  return job ? { job, state } : undefined;
}

/**
 * Reads until the job is final or `seconds` pass (0: one read). `final: false` means the
 * caller answers with what it knows so far (the api's 202).
 */
export async function waitForJob<D, N extends string>(
  queue: Queue<D, unknown, N>,
  jobId: string,
  seconds: number,
  pollMs: number,
): Promise<{ outcome: JobOutcome<D, N> | undefined; final: boolean }> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const outcome = await readJob(queue, jobId);
    if (outcome && isFinal(outcome.state)) return { outcome, final: true };
    if (Date.now() >= deadline) return { outcome, final: false };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
