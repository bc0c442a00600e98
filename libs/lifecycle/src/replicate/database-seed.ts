// `x-berth.database.seed`: the command that fills an empty database, run once in a running
// service after every service is ready. Never on a copy of the base (it has its data), and once
// per generation: the database volume's ledger row records the generation it was seeded at.

import { redactSecrets } from '@berth/core';
import type { DatabaseExtension } from '@berth/core';
import type { ResourceLedger } from '@berth/db';
import type { ContainerHost } from '@berth/providers';
import type { Logger } from 'pino';
import { PermanentStageError } from '../pipeline/stage-handler.js';
import type { ReplicatePlan } from './container-plan.js';

/** A seed is the app's own work (loading fixtures can take a while): bounded, not short. */
const SEED_TIMEOUT_MS = 10 * 60_000;

export interface SeedOutcome {
  service: string;
  ms: number;
  /** Already run for this generation by an earlier attempt. */
  skipped?: true;
}

export async function runSeed(input: {
  host: ContainerHost;
  ledger: ResourceLedger;
  environmentId: string;
  generation: number;
  spec: DatabaseExtension['seed'];
  plan: ReplicatePlan;
  /** The database's volumes: the first one's ledger row remembers the seed. */
  volumes: readonly string[];
  secrets: readonly string[];
  logger: Logger;
}): Promise<SeedOutcome | undefined> {
  const { spec, ledger } = input;
  if (!spec) return undefined;
  const service = input.plan.services[spec.service];
  if (!service) {
    throw new PermanentStageError(
      `x-berth.database.seed.service: \`${spec.service}\` is not a service of this revision`,
    );
  }
  const row = (await ledger.live(input.environmentId)).find(
    (r) => r.kind === 'volume' && r.name === input.volumes[0],
  );
  const seededAt = (row?.metadata as { seeded?: number } | null)?.seeded;
  if (seededAt === input.generation) return { service: spec.service, ms: 0, skipped: true };

  const started = Date.now();
  const result = await input.host.probeHealth(service.container.name, ['CMD', ...spec.command], {
    timeoutMs: SEED_TIMEOUT_MS,
  });
  if (result.outcome !== 'passed') {
    const how =
      result.outcome === 'failed'
        ? `exited ${result.exitCode}`
        : result.outcome === 'timeout'
          ? `did not finish within ${SEED_TIMEOUT_MS / 60_000} min`
          : result.outcome;
    const tail = result.output.trim().split('\n').slice(-20).join('\n');
    throw new Error(
      redactSecrets(
        `the seed (x-berth.database.seed) in \`${spec.service}\` ${how}; its last output:\n${tail}`,
        input.secrets,
      ),
    );
  }
  if (row) await ledger.mergeMetadata(row.id, { seeded: input.generation });
  const ms = Date.now() - started;
  input.logger.info({ service: spec.service, ms }, 'database seeded');
  return { service: spec.service, ms };
}
