import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

// Operator actions from the REST API (decision 0029): redeploy, rebuild, destroy. The api never
// changes an environment itself; it puts the action on the environment's Docker host's queue,
// where a worker runs it through the one command path (EnvironmentCommands), and reads the
// job's return value. The TTL extension's pattern (ttl-queue.ts), with a queue of its own.

/** Queue name of a Docker host's operator actions (`actions-local`). */
export function actionQueueName(dockerHost: string): string {
  return `actions-${dockerHost}`;
}

export type ActionJobName = 'redeploy' | 'rebuild' | 'destroy';

export interface ActionJobData {
  environmentId: string;
  /** Who asked (the token's name; shown in the event stream and the logs). */
  requestedBy: string;
}

export type ActionQueue = Queue<ActionJobData, unknown, ActionJobName>;

/** Kept a while for the api to read the answer, then dropped. */
export const ACTION_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 3_600, count: 1_000 },
} as const;

export function createActionQueue(
  connection: Redis,
  prefix: string,
  dockerHost: string,
): ActionQueue {
  return new Queue<ActionJobData, unknown, ActionJobName>(actionQueueName(dockerHost), {
    connection,
    prefix,
  });
}

/** Queues an action; the job's return value is the command's outcome. */
export async function requestAction(
  queue: ActionQueue,
  name: ActionJobName,
  data: ActionJobData,
): Promise<string> {
  const job = await queue.add(name, data, ACTION_JOB_OPTIONS);
  if (!job.id) throw new Error('the action queue returned a job without an id');
  return job.id;
}
