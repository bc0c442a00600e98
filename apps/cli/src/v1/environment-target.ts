import { InvalidArgumentError } from 'commander';
import { RestApiError } from '../exit-codes.js';
import { UsageError } from '../repo-flags.js';
import type { RestClient } from '../rest-client.js';

// How a command names an environment: `acme/shop#12` (what people say), `acme/shop#base` (the
// repository's base environment, decision 0017: `env redeploy acme/shop#base` refreshes its
// base state on demand) or its id (what `berth env ls` prints and scripts keep).

const BY_PR = /^([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)#([1-9]\d{0,9}|base)$/;
/** How a command's help names the `<env>` argument. */
export const ENV_REF_HELP =
  'the preview: <owner/name>#<pr> (e.g. acme/shop#12), <owner/name>#base (the base environment) or its id';

/** The base environment's PR number (BASE_ENVIRONMENT_PR in @berth/core). */
const BASE_PR = 0;
const BY_ID = /^[A-Za-z0-9_-]{8,64}$/;

export type EnvironmentRef = { repository: string; pr: number } | { id: string };

export function parseEnvironmentRef(input: string): EnvironmentRef {
  const text = input.trim();
  const pr = BY_PR.exec(text);
  if (pr) return { repository: pr[1]!, pr: pr[2] === 'base' ? BASE_PR : Number(pr[2]) };
  if (BY_ID.test(text)) return { id: text };
  throw new UsageError(
    `give the environment as <owner/name>#<pr> (e.g. acme/shop#12), <owner/name>#base or its id, got ${JSON.stringify(input)}`,
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
      ref.pr === BASE_PR
        ? `no base environment for ${ref.repository} (or not one this token may see): the first push to its default branch creates it`
        : `no environment for ${ref.repository}#${ref.pr} (or not one this token may see)`,
      404,
    );
  }
  return newest.id;
}

/** `acme/shop#12` (or `acme/shop#base`), how the human output names an environment. */
export function label(env: { repository: string; prNumber: number }): string {
  return `${env.repository}#${env.prNumber === BASE_PR ? 'base' : env.prNumber}`;
}
