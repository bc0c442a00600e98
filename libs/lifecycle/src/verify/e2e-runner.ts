// The E2E gate: a repository's `x-berth.tests` run against its ready preview, reported as the
// `Berth / e2e` check run. observe (the check run and the test container as they are) → compare
// (finished? superseded?) → act (start, wait, stop) → record (the check run). Safe to run twice:
// the container name and the check run's external id are per environment generation, so a
// retried job finds the run it started instead of starting another.

import {
  E2E_CHECK_RUN_NAME,
  type E2eResult,
  type E2eTestSpec,
  type EnvironmentIdentity,
  containerName,
  environmentIdentity,
  networkName,
  renderE2eCheckRun,
  resourceLabels,
  type RevisionWiring,
} from '@berth/core';
import type { CheckRunStore } from '@berth/db';
import type {
  CheckRunWrite,
  ContainerHost,
  ContainerNetwork,
  GitHubPort,
  RepositoryCoordinates,
  ResourceLimits,
} from '@berth/providers';

export interface E2eRunnerDeps {
  host: Pick<
    ContainerHost,
    'ensurePulled' | 'runContainer' | 'inspectContainer' | 'containerLogs' | 'removeContainer'
  >;
  github: Pick<GitHubPort, 'createCheckRun' | 'updateCheckRun' | 'checkRuns'>;
  /** The environment as it is now: a newer generation, or a teardown, cancels the run. */
  current: (environmentId: string) => Promise<{ generation: number; state: string } | null>;
  /**
   * A credential that opens this environment through the gateway for `ttlSeconds`, given to the
   * tests as BERTH_ACCESS_TOKEN. Optional: the tests reach the services on the preview's own
   * network, where there is no gateway; preview networks are internal by default, so the public
   * URL is often out of their reach anyway.
   */
  credential?: (environmentId: string, ttlSeconds: number) => Promise<string>;
  /** The operator's ceilings for the test container (the same a service gets). */
  limits: ResourceLimits;
  /** Keeps each write for the console (never fails the run; GitHub is the store). */
  records?: Pick<CheckRunStore, 'record'>;
  /** How often the container and the environment are looked at; default 1 s. */
  pollMs?: number;
  now?: () => number;
}

export interface E2eRunInput {
  environmentId: string;
  repository: RepositoryCoordinates & { fullName: string };
  prNumber: number;
  /** The environment's slot: the networks the test container joins (decision 0040). */
  slot: number;
  generation: number;
  headSha: string;
  tests: E2eTestSpec;
  /**
   * The image the tests run in: `tests.image`, or the one the build stage built from
   * `tests.build`; unset when that build is not on the revision.
   */
  image: string | undefined;
  wiring: Pick<RevisionWiring, 'spec' | 'urls' | 'ports'>;
  /** Every secret value of the environment: masked in everything the check run shows. */
  secrets: readonly string[];
}

export type E2eOutcome = Exclude<E2eResult, { kind: 'running' }>;

/** `e2e:{environment id}:{generation}`: ours, and one per head of one environment. */
export const e2eExternalId = (environmentId: string, generation: number) =>
  `e2e:${environmentId}:${generation}`;

export class E2eRunner {
  constructor(private readonly deps: E2eRunnerDeps) {}

  async run(input: E2eRunInput): Promise<E2eOutcome> {
    const { deps } = this;
    const now = deps.now ?? Date.now;
    const id = environmentIdentity(input.repository.fullName, input.prNumber, input.slot);
    const name = `${containerName(id, 'e2e')}-g${input.generation}`;
    const checkRunId = await this.checkRun(input);
    const { urls, env } = testEnvironment(input);
    const token = await deps.credential?.(input.environmentId, input.tests.timeoutSeconds + 60);
    const secrets = token ? [...input.secrets, token] : [...input.secrets];
    const write = async (result: E2eResult, logs?: string) => {
      const out = renderE2eCheckRun({
        result,
        image: input.image ?? 'x-berth.tests.build',
        ...(input.tests.command ? { command: input.tests.command } : {}),
        urls,
        ...(logs === undefined ? {} : { logs }),
        secrets,
      });
      const update: CheckRunWrite = {
        status: out.status,
        output: { title: out.title, summary: out.summary, ...(out.text ? { text: out.text } : {}) },
      };
      if (out.conclusion) update.conclusion = out.conclusion;
      await deps.github.updateCheckRun(input.repository, checkRunId, update);
      await deps.records
        ?.record({
          githubId: checkRunId,
          environmentId: input.environmentId,
          headSha: input.headSha,
          name: E2E_CHECK_RUN_NAME,
          status: out.status,
          conclusion: out.conclusion ?? null,
        })
        .catch(() => undefined);
    };

    const started = now();
    const image = input.image;
    if (image === undefined) {
      const outcome: E2eOutcome = {
        kind: 'error',
        message: 'image: the tests image was not built for this revision; push again to build it',
      };
      await write(outcome);
      return outcome;
    }
    try {
      // A built tests image is on this host already; a named one is pulled when missing.
      await deps.host.ensurePulled({
        image,
        ...(input.tests.build ? { policy: 'never' as const } : {}),
      });
    } catch (error) {
      const outcome: E2eOutcome = { kind: 'error', message: `image: ${(error as Error).message}` };
      await write(outcome);
      return outcome;
    }
    const [network, ...extraNetworks] = networksOf(id, input);
    if (!network) {
      const outcome: E2eOutcome = { kind: 'error', message: 'the preview exposes no service' };
      await write(outcome);
      return outcome;
    }
    await deps.host.runContainer({
      name,
      image,
      ...(input.tests.command ? { command: input.tests.command } : {}),
      env: { ...input.tests.environment, ...env, ...(token ? { BERTH_ACCESS_TOKEN: token } : {}) },
      labels: { ...resourceLabels(id, 'e2e'), 'berth.generation': String(input.generation) },
      network,
      ...(extraNetworks.length > 0 ? { extraNetworks } : {}),
      limits: deps.limits,
      restart: 'no',
    });
    await write({ kind: 'running' });

    const deadline = started + input.tests.timeoutSeconds * 1000;
    let outcome: E2eOutcome | undefined;
    while (!outcome) {
      const state = await deps.host.inspectContainer(name);
      const elapsed = now() - started;
      if (!state) outcome = { kind: 'error', message: 'the test container disappeared' };
      else if (!state.running) {
        outcome =
          state.exitCode === 0
            ? { kind: 'passed', durationMs: elapsed }
            : { kind: 'failed', durationMs: elapsed, exitCode: state.exitCode };
      } else if (now() >= deadline) {
        outcome = {
          kind: 'timed-out',
          durationMs: elapsed,
          timeoutSeconds: input.tests.timeoutSeconds,
        };
      } else {
        const env = await deps.current(input.environmentId);
        if (!env || env.generation !== input.generation || env.state !== 'ready') {
          const reason =
            env && env.generation !== input.generation
              ? 'a newer head was pushed; its tests run instead'
              : 'the preview is no longer ready';
          outcome = { kind: 'cancelled', durationMs: elapsed, reason };
        } else await sleep(deps.pollMs ?? 1_000);
      }
    }
    const logs = await deps.host.containerLogs(name, { tail: 400 }).catch(() => '');
    // Removing it also stops a run that timed out or was cancelled.
    await deps.host.removeContainer(name);
    await write(outcome, logs);
    return outcome;
  }

  /** Finds this generation's check run (a retried job) or creates it. */
  private async checkRun(input: E2eRunInput): Promise<number> {
    const externalId = e2eExternalId(input.environmentId, input.generation);
    const existing = await this.deps.github.checkRuns(
      input.repository,
      input.headSha,
      E2E_CHECK_RUN_NAME,
    );
    const mine = existing.find((run) => run.externalId === externalId);
    if (mine) return mine.id;
    return this.deps.github.createCheckRun(input.repository, input.headSha, E2E_CHECK_RUN_NAME, {
      status: 'queued',
      externalId,
      output: {
        title: 'Waiting to run',
        summary: `Image \`${input.image ?? 'x-berth.tests.build'}\`.`,
      },
    });
  }
}

/**
 * The tests reach each exposed service on the environment's own network (`BERTH_URL_<SERVICE>`,
 * e.g. `http://web:3000`: the gateway is not reachable from preview networks), and get the public
 * URL too (`BERTH_PUBLIC_URL_<SERVICE>`), with `BERTH_ACCESS_TOKEN` for it when a credential is set up.
 */
function testEnvironment(input: E2eRunInput): {
  urls: Record<string, string>;
  env: Record<string, string>;
} {
  const urls: Record<string, string> = {};
  const env: Record<string, string> = {};
  for (const [service, port] of Object.entries(input.wiring.ports)) {
    const key = service.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    urls[service] = `http://${service}:${port}`;
    env[`BERTH_URL_${key}`] = urls[service];
    const publicUrl = input.wiring.urls[service];
    if (publicUrl) env[`BERTH_PUBLIC_URL_${key}`] = publicUrl;
  }
  return { urls, env };
}

/** The compose networks of the exposed services, so every URL resolves from the test container. */
function networksOf(id: EnvironmentIdentity, input: E2eRunInput): ContainerNetwork[] {
  const names = new Set<string>();
  for (const service of Object.keys(input.wiring.ports)) {
    for (const network of input.wiring.spec.services[service]?.networks ?? ['default']) {
      names.add(network);
    }
  }
  return [...names].map((network) => ({ name: networkName(id, network) }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
