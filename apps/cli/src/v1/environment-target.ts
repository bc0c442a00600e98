import { InvalidArgumentError } from 'commander';
import { RestApiError } from '../exit-codes.js';
import { UsageError } from '../repo-flags.js';
import type { RestClient } from '../rest-client.js';

// How a command names an environment: `acme/shop#12` (what people say) or its id (what
// `berth env ls` prints and scripts keep).

const BY_PR = /^([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)#([1-9]\d{0,9})$/;
const BY_ID = /^[A-Za-z0-9_-]{8,64}$/;

export type EnvironmentRef = { repository: string; pr: number } | { id: string };

export function parseEnvironmentRef(input: string): EnvironmentRef {
  const text = input.trim();
  const pr = BY_PR.exec(text);
  if (pr) return { repository: pr[1]!, pr: Number(pr[2]) };
  if (BY_ID.test(text)) return { id: text };
  throw new UsageError(
    `give the environment as <owner/name>#<pr> (e.g. acme/shop#12) or its id, got ${JSON.stringify(input)}`,
  );
}

/** commander's argument parser: a malformed name is a usage error before any call. */
export function environmentArgument(input: string): string {
  try {
    parseEnvironmentRef(input);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return input.trim();
}

/** The environment's id: looked up by repository and PR when named that way. */
export async function resolveEnvironmentId(client: RestClient, input: string): Promise<string> {
  const ref = parseEnvironmentRef(input);
  if ('id' in ref) return ref.id;
  const [newest] = await client.environments({ repository: ref.repository, pr: ref.pr });
  if (!newest) {
    throw new RestApiError(
      `no environment for ${ref.repository}#${ref.pr} (or not one this token may see)`,
      404,
    );
  }
  return newest.id;
}

/** `acme/shop#12`, how the human output names an environment. */
export function label(env: { repository: string; prNumber: number }): string {
  return `${env.repository}#${env.prNumber}`;
}
