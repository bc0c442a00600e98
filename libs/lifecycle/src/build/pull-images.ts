// Stage 2 for `image:` services: make each registry image present by its pull policy. One pull
// per distinct image (services naming the same image share it; the driver also shares pulls
// across environments). A wrong password or a missing image fails the stage at once with a
// message naming the services, the image and the fix; a slow or unreachable registry is retried.

import type { ComposeSpec } from '@berth/core';
import { type ContainerHost, ImagePullError, type PullPolicy } from '@berth/providers';
import type { Logger } from 'pino';
import { PermanentStageError } from '../pipeline/stage-handler.js';

export interface PulledServiceImage {
  pulled: boolean;
  durationMs: number;
}

/** Service name → how its image was obtained. Throws after every pull has settled. */
export async function pullServiceImages(
  containerHost: ContainerHost,
  spec: ComposeSpec,
  logger: Logger,
): Promise<Record<string, PulledServiceImage>> {
  const byImage = new Map<string, { services: string[]; policy: PullPolicy }>();
  for (const service of Object.values(spec.services)) {
    if (service.image === undefined || service.build) continue;
    const entry = byImage.get(service.image) ?? { services: [], policy: 'missing' };
    entry.services.push(service.name);
    entry.policy = strongest(entry.policy, policyOf(service.pullPolicy));
    byImage.set(service.image, entry);
  }

  const results: Record<string, PulledServiceImage> = {};
  const failures: { services: string[]; error: unknown }[] = [];
  await Promise.all(
    [...byImage].map(async ([image, { services, policy }]) => {
      const t0 = performance.now();
      try {
        const outcome = await containerHost.ensurePulled({
          image,
          policy,
          onProgress: (line) => logger.info({ services, image }, line),
        });
        const durationMs = outcome.pulled ? Math.round(performance.now() - t0) : 0;
        for (const name of services) results[name] = { pulled: outcome.pulled, durationMs };
      } catch (error) {
        failures.push({ services, error });
      }
    }),
  );
  if (!failures.length) return results;

  const message = failures
    .map(({ services, error }) => {
      const who = services.map((s) => `\`${s}\``).join(', ');
      const noun = services.length === 1 ? 'service' : 'services';
      return `${noun} ${who}: ${error instanceof Error ? error.message : String(error)}`;
    })
    .join('\n');
  // Retrying cannot help when every failure needs the operator or the compose file to change.
  const permanent = failures.every(
    ({ error }) => error instanceof ImagePullError && error.permanent,
  );
  const cause = failures[0]?.error;
  if (permanent) throw new PermanentStageError(message, { cause });
  throw new Error(message, { cause });
}

type ComposePullPolicy = 'always' | 'never' | 'missing' | 'build';

/** `build` without a `build:` section means nothing more than `missing` for an image. */
function policyOf(policy: ComposePullPolicy | undefined): PullPolicy {
  return policy === undefined || policy === 'build' ? 'missing' : policy;
}

/** Two services naming one image: `always` wins, then `missing`, then `never`. */
function strongest(a: PullPolicy, b: PullPolicy): PullPolicy {
  const rank = { never: 0, missing: 1, always: 2 } as const;
  return rank[a] >= rank[b] ? a : b;
}
