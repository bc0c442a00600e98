// The `e2e` job: finds what became ready (observe), skips what moved on or has no tests
// (compare), and hands the rest to the E2eRunner (act + record). A retried job converges on the
// same container and check run (see e2e-runner.ts).

import { readTestsImage, readWiring } from '@berth/core';
import { EnvironmentQueries, type PrismaClient, RevisionStore } from '@berth/db';
import type { E2eJobData } from '@berth/queue';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import type { E2eOutcome, E2eRunner } from './e2e-runner.js';

export interface E2eDeliveryDeps {
  prisma: PrismaClient;
  runner: E2eRunner;
  /** Every secret value of the environment (the comment's masking). */
  secrets: (environment: EnvironmentWithRepository) => Promise<string[]>;
}

export type E2eDeliveryResult = E2eOutcome['kind'] | 'no-tests' | 'superseded';

export class E2eDelivery {
  private readonly environments: EnvironmentQueries;
  private readonly revisions: RevisionStore;

  constructor(private readonly deps: E2eDeliveryDeps) {
    this.environments = new EnvironmentQueries(deps.prisma);
    this.revisions = new RevisionStore(deps.prisma);
  }

  async deliver(job: E2eJobData): Promise<E2eDeliveryResult> {
    const environment = await this.environments.find(job.environmentId);
    if (!environment || environment.generation !== job.generation) return 'superseded';
    if (environment.state !== 'ready') return 'superseded';
    const revision = await this.revisions.find(environment.id, job.generation);
    const wiring = readWiring(revision?.wiring);
    const tests = wiring.spec?.berth.tests;
    if (!revision || !wiring.spec || !tests) return 'no-tests';
    const outcome = await this.deps.runner.run({
      environmentId: environment.id,
      repository: {
        installationId: Number(environment.repository.installationId),
        owner: environment.repository.owner,
        repo: environment.repository.name,
        fullName: environment.repository.fullName,
      },
      prNumber: environment.prNumber,
      slot: environment.slot,
      generation: job.generation,
      headSha: revision.headSha,
      tests,
      image: tests.build ? readTestsImage(revision.images)?.tag : tests.image,
      wiring: { spec: wiring.spec, urls: wiring.urls, ports: wiring.ports },
      secrets: await this.deps.secrets(environment),
    });
    return outcome.kind;
  }
}
