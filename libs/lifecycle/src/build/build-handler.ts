// Stage 2: every compose service with `build:` gets an image tagged with the hash of its build
// inputs; a tag already on the host is reused (unless `preview:rebuild`). Writes Revision.images.
// Tags are per repository and service, not per PR: a new PR reuses every image an earlier PR (or
// the base branch's content) left for the same inputs, and a changed service builds on the
// engine's local layer cache. Images whose inputs equal the base branch's are marked as base
// images (label `berth.base`, ledger metadata `base`) so GC keeps them (decision 0008).

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  applyShape,
  type ComposeSpec,
  E2E_TESTS_IMAGE,
  type EnvironmentIdentity,
  type RevisionImages,
  imageTag,
  LineTail,
  repoSlug,
  type SecretMasker,
  storedConfig,
} from '@berth/core';
import {
  BuildLogStore,
  type PrismaClient,
  RepositorySettingsStore,
  RevisionStore,
} from '@berth/db';
import {
  BuildTimeoutError,
  type Checkout,
  type ContainerHost,
  ImageBuildError,
  type SourceFile,
} from '@berth/providers';
import type { Logger } from 'pino';
import {
  type RevisionSourceDeps,
  checkoutRevision,
  identityOf,
  loadRevisionCompose,
} from '../compose/revision-source.js';
import { ComposeFileError } from '../compose/load-compose.js';
import type { PlannedResource, ResourceLedger } from '@berth/db';
import {
  PermanentStageError,
  type StageHandler,
  type StageInput,
  type StageOutcome,
} from '../pipeline/stage-handler.js';
import {
  type PlannedBuild,
  dockerfilePath,
  dockerignorePath,
  planServiceBuild,
  secretMarkers,
  secretsInBuilds,
  shareIdenticalBuilds,
} from './build-plan.js';
import type { PreviewSecrets } from '../secrets/preview-secrets.js';
import { buildSecretsFor } from './build-secrets.js';
import { pullServiceImages } from './pull-images.js';
import { buildRepoMountImages } from './repo-mounts.js';

export interface BuildHandlerDeps extends RevisionSourceDeps {
  containerHost: ContainerHost;
  prisma: PrismaClient;
  ledger: ResourceLedger;
  /** Services built at once (the ContainerHost caps builds per host too). Default 2. */
  concurrency?: number;
  /** Source checkouts kept per repository (CHECKOUTS_KEPT); older ones go after each build. */
  checkoutsKept?: number;
  /** Where build secrets' values come from (decision 0037); unset: builds that ask are refused. */
  secrets?: Pick<PreviewSecrets, 'buildValues'>;
  /** The operator's policy per repository (which build secrets); default: the state store. */
  repositorySettings?: Pick<RepositorySettingsStore, 'forRepository'>;
}

export const IMAGE_INPUT_HASH_LABEL = 'berth.input-hash';
/** `true` on an image whose build inputs were the base branch's when it was built. */
export const IMAGE_BASE_LABEL = 'berth.base';
/** The base branch that image was built for. */
export const IMAGE_BASE_BRANCH_LABEL = 'berth.base-branch';

export function createBuildHandler(deps: BuildHandlerDeps): StageHandler {
  const revisions = new RevisionStore(deps.prisma);
  const repositorySettings = deps.repositorySettings ?? new RepositorySettingsStore(deps.prisma);
  return {
    stage: 'build',
    run: (input) => runBuild({ ...deps, repositorySettings }, revisions, input),
  };
}

async function runBuild(
  deps: BuildHandlerDeps & Required<Pick<BuildHandlerDeps, 'repositorySettings'>>,
  revisions: RevisionStore,
  input: StageInput,
): Promise<StageOutcome> {
  const { environment, revision, logger } = input;
  const started = performance.now();
  const checkout = await checkoutRevision(deps, environment, revision);
  const checkoutMs = Math.round(performance.now() - started);
  // A checkout per pushed SHA would fill the disk: the most recently used few stay.
  const pruned = await deps.source
    .prune(checkout.cacheKey, deps.checkoutsKept ?? 5)
    .catch((error: unknown) => {
      logger.warn({ err: error }, 'could not prune old source checkouts');
      return [] as string[];
    });
  if (pruned.length > 0) logger.info({ pruned: pruned.length }, 'removed old source checkouts');

  const nonce = randomBytes(6).toString('hex');
  const loaded = await loadRevisionCompose(deps, environment, checkout, (names) =>
    secretMarkers(names, nonce),
  );
  const { file } = loaded;
  // preview:frontend-only builds only the PR's own services (the wire stage decides the same).
  const { spec } = applyShape(loaded.spec, storedConfig(environment.config).mode);
  const leaks = secretsInBuilds(spec, nonce);
  if (leaks.length) throw new ComposeFileError(file, leaks);
  // Only where the operator allows them, from its layers, before anything is built.
  const buildSecrets = await buildSecretsFor(deps, environment, spec, file);

  const id = identityOf(environment);
  // The base branch's inputs are read while this PR's are planned; they only mark images.
  const baseInputs = readBaseInputs(deps, environment, checkout, id, nonce, logger);
  const repoFiles = await deps.source.listFiles(checkout);
  const plans = await planBuilds(deps, checkout, spec, id, repoFiles, file);
  const base = await baseInputs;
  /** The base mark of a group's image: its inputs are the base branch's. */
  const baseMarkOf = (services: readonly string[], inputHash: string): BaseMark | undefined =>
    base && services.some((s) => base.hashes.get(s) === inputHash)
      ? { branch: base.branch, sha: base.sha }
      : undefined;
  const baseServices: string[] = [];

  const rebuild = readRebuild(revision.configSnapshot) ?? readRebuild(environment.config) ?? false;
  const previousImages = rebuild ? {} : await previousRevisionImages(deps.prisma, revision);
  const images: RevisionImages = {};
  for (const service of Object.values(spec.services)) {
    if (service.image !== undefined && !service.build) {
      images[service.name] = { tag: service.image, source: 'image', durationMs: 0 };
    }
  }
  const built: string[] = [];
  const cached: string[] = [];
  const durations: Record<string, number> = {};
  /** Leader → the services that run its image (identical build inputs). */
  const shared: Record<string, string[]> = {};

  // Registry images are pulled while the builds run; both settle before either failure counts.
  const pulling = pullServiceImages(deps.containerHost, spec, logger);
  const building = runPool(shareIdenticalBuilds(plans), deps.concurrency ?? 2, async (group) => {
    // One build per distinct input hash; every service of the group runs the leader's image.
    const { leader: plan, services } = group;
    const followers = services.filter((s) => s !== plan.service);
    if (followers.length) shared[plan.service] = followers;
    await input.assertCurrent();
    const t0 = performance.now();
    const baseMark = baseMarkOf(services, plan.inputHash);
    if (baseMark) baseServices.push(...services);
    const exists = await deps.containerHost.imageExists(plan.tag);
    if (exists && !rebuild) {
      // Recorded too: the tag may come from before this ledger (another database, a reset).
      const row = await deps.ledger.plan(imageRow(plan, id.repository.fullName, baseMark), {
        keepMetadata: ['base'],
      });
      if (row.state !== 'created') await deps.ledger.markCreated(row.id);
      for (const service of services) {
        images[service] = {
          tag: plan.tag,
          source: 'cached',
          durationMs: 0,
          inputHash: plan.inputHash,
        };
      }
      cached.push(...services);
      logger.info({ service: plan.service, tag: plan.tag }, 'image up to date; not building');
      return;
    }
    // The layer cache this build starts from: the branch's previous image of the service, else
    // the base branch's. Without it the classic builder takes the newest matching step on the
    // host, which after a preview:rebuild may be another service's copy of a shared prefix
    // (FROM, ENV, WORKDIR), and then misses every later step (npm ci).
    const cacheFrom = rebuild
      ? []
      : await existingImages(deps.containerHost, plan.tag, [
          ...services.map((s) => previousImages[s]?.tag),
          ...services.map((s) => {
            const hash = base?.hashes.get(s);
            return hash ? imageTag(id.repository, s, hash) : undefined;
          }),
        ]);
    const secrets = buildSecrets.forService(plan.service);
    const wasBuilt = await buildOne(deps, plan, {
      ...(secrets ? { secrets, masker: buildSecrets.masker } : {}),
      cacheFrom,
      noCache: rebuild,
      repo: id.repository.fullName,
      revisionId: revision.id,
      services,
      ...(baseMark ? { base: baseMark } : {}),
      logger,
    });
    const durationMs = Math.round(performance.now() - t0);
    durations[plan.service] = durationMs;
    // The followers got the same fresh (or reused) image: reported alike, one build in `shared`.
    (wasBuilt ? built : cached).push(...services);
    for (const service of services) {
      images[service] = {
        tag: plan.tag,
        source: wasBuilt ? 'built' : 'cached',
        durationMs: wasBuilt ? durationMs : 0,
        inputHash: plan.inputHash,
      };
    }
    logger.info(
      { service: plan.service, tag: plan.tag, durationMs, rebuild },
      wasBuilt ? 'image built' : 'image reused',
    );
  });
  const [pulls, builds] = await Promise.allSettled([pulling, building]);
  if (builds.status === 'rejected') throw builds.reason;
  if (pulls.status === 'rejected') throw pulls.reason;
  const pulled: string[] = [];
  for (const [service, pull] of Object.entries(pulls.value)) {
    const entry = images[service];
    if (entry) images[service] = { ...entry, durationMs: pull.durationMs };
    if (pull.pulled) pulled.push(service);
  }

  // Repository mounts (bind mounts, configs, file secrets): files COPYed into a derived image.
  const repoMounts = await buildRepoMountImages({
    containerHost: deps.containerHost,
    ledger: deps.ledger,
    spec,
    images,
    repoFiles,
    checkoutDir: checkout.dir,
    repository: id.repository,
    rebuild,
    logger,
  });

  await revisions.saveImages(revision.id, images);
  return {
    details: {
      sha: checkout.sha,
      built: built.sort(),
      cached: cached.sort(),
      shared,
      // Which services run a base image (inputs equal to the base branch tip's); null: unknown.
      base: base ? { branch: base.branch, sha: base.sha, services: baseServices.sort() } : null,
      repoMounts,
      pulled: pulled.sort(),
      rebuild,
      durations,
      checkoutMs,
      fetched: checkout.fetched,
      totalMs: Math.round(performance.now() - started),
    },
  };
}

/** Ledger row first (a shared, content-addressed cache: no owning environment), then the build. */
async function buildOne(
  deps: BuildHandlerDeps,
  plan: {
    service: string;
    tag: string;
    inputHash: string;
    contextDir: string;
    dockerfile: string;
    args: Record<string, string>;
    target?: string;
  },
  options: {
    noCache: boolean;
    cacheFrom: readonly string[];
    repo: string;
    base?: BaseMark;
    logger: Logger;
    /** Where the build's output tail is kept (decision 0030), under each service it built. */
    revisionId: string;
    services: readonly string[];
    /** BuildKit secret id → value, and the masker that keeps those values out of every line. */
    secrets?: Readonly<Record<string, string>>;
    masker?: SecretMasker;
  },
): Promise<boolean> {
  const output = new LineTail();
  const mask = (text: string) => options.masker?.mask(text) ?? text;
  // The tail is kept for `GET …/build-log`; keeping it never fails the build.
  const keep = (succeeded: boolean) =>
    Promise.all(
      options.services.map((service) =>
        new BuildLogStore(deps.prisma).record(options.revisionId, service, {
          succeeded,
          lines: output.lines,
          droppedLines: output.dropped,
        }),
      ),
    ).catch((error: unknown) =>
      options.logger.warn({ err: error, service: plan.service }, 'build log not kept'),
    );
  const row = await deps.ledger.plan(imageRow(plan, options.repo, options.base), {
    keepMetadata: ['base'],
  });
  const spec = {
    contextDir: plan.contextDir,
    dockerfile: plan.dockerfile,
    buildArgs: plan.args,
    ...(plan.target === undefined ? {} : { target: plan.target }),
    tag: plan.tag,
    labels: {
      'berth.managed': 'true',
      'berth.repo': options.repo,
      'berth.service': plan.service,
      [IMAGE_INPUT_HASH_LABEL]: plan.inputHash,
      ...(options.base
        ? { [IMAGE_BASE_LABEL]: 'true', [IMAGE_BASE_BRANCH_LABEL]: options.base.branch }
        : {}),
    },
    noCache: options.noCache,
    ...(options.cacheFrom.length ? { cacheFrom: options.cacheFrom } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    onLog: (raw: string) => {
      const line = mask(raw);
      output.push(line);
      options.logger.debug({ service: plan.service, line }, 'build output');
    },
  };
  try {
    if (options.noCache) {
      const image = await deps.containerHost.buildImage(spec);
      await deps.ledger.markCreated(row.id, image.id);
      await keep(true);
      return true;
    }
    const image = await deps.containerHost.ensureImage(spec);
    await deps.ledger.markCreated(row.id, image.id);
    if (image.built) await keep(true);
    return image.built;
  } catch (error) {
    if (output.lines.length > 0) await keep(false);
    if (error instanceof ImageBuildError) {
      const tail = error.lastLines.slice(-10).join('\n');
      const what =
        plan.service === E2E_TESTS_IMAGE
          ? 'the tests image (`x-berth.tests.build`)'
          : `service \`${plan.service}\``;
      const message = mask(
        `${what}: ${error.message}${tail ? `\n--- last build output ---\n${tail}` : ''}`,
      );
      // A build that outran the operator's time limit would do so again: another attempt would
      // only hold a build slot for that long once more.
      // The cause keeps the engine's own text, which may quote a secret: only the masked
      // message travels with a build that had secrets.
      const cause = options.masker ? {} : { cause: error };
      if (error instanceof BuildTimeoutError) throw new PermanentStageError(message, cause);
      throw new Error(message, cause);
    }
    throw error;
  }
}

/**
 * Images are content-addressed caches shared across PRs: no owning environment, so teardown keeps
 * them. `base` (kept once set, see ResourceLedger.plan) records the base branch commit whose
 * inputs the image matched last: GC keeps those.
 */
function imageRow(
  plan: { service: string; tag: string; inputHash: string },
  repo: string,
  base?: BaseMark,
): PlannedResource {
  return {
    provider: 'docker',
    kind: 'image',
    name: plan.tag,
    environmentId: null,
    metadata: {
      repository: repo,
      service: plan.service,
      inputHash: plan.inputHash,
      ...(base ? { base: { ...base, at: new Date().toISOString() } } : {}),
    },
  };
}

/** The base branch commit an image's inputs matched. */
interface BaseMark {
  branch: string;
  sha: string;
}

type PlannedServiceBuild = PlannedBuild & {
  contextDir: string;
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
};

/**
 * One plan per `build:` service of the commit. `file` set: a missing Dockerfile is a spec error
 * of this revision; unset (the base branch), such a service is left out.
 */
async function planBuilds(
  deps: BuildHandlerDeps,
  checkout: Checkout,
  spec: ComposeSpec,
  id: EnvironmentIdentity,
  repoFiles: readonly SourceFile[],
  file?: string,
): Promise<PlannedServiceBuild[]> {
  const plans: PlannedServiceBuild[] = [];
  // The E2E tests image (`x-berth.tests.build`) is planned, cached and built like a service's.
  const tests = spec.berth.tests?.build;
  const builds = [
    ...Object.values(spec.services).flatMap((service) =>
      service.build
        ? [{ name: service.name, build: service.build, at: `services.${service.name}.build` }]
        : [],
    ),
    ...(tests ? [{ name: E2E_TESTS_IMAGE, build: tests, at: 'x-berth.tests.build' }] : []),
  ];
  for (const { name, build, at } of builds) {
    const dockerfile = await deps.source.readFile(checkout, dockerfilePath(build));
    if (dockerfile === null) {
      if (file === undefined) continue;
      // Permanent like any spec problem: the file is missing from this commit.
      throw new ComposeFileError(file, [
        {
          path: `${at}.dockerfile`,
          message: `Dockerfile ${dockerfilePath(build)} does not exist in the repository`,
        },
      ]);
    }
    const dockerignore = await deps.source.readFile(checkout, dockerignorePath(build));
    const plan = planServiceBuild(id.repository, {
      service: name,
      build,
      repoFiles,
      dockerfile,
      dockerignore,
    });
    plans.push({
      ...plan,
      contextDir: join(checkout.dir, build.context),
      dockerfile: build.dockerfile,
      args: build.args,
      ...(build.target === undefined ? {} : { target: build.target }),
    });
  }
  return plans;
}

/**
 * The input hash each `build:` service would have at the tip of the repository's base branch
 * (the operator's `--base-branch`, else the repository's default branch), with this PR's identity
 * and variables. Only marks images: any failure (no such branch, a compose file the base cannot
 * parse) is logged and means "no base images", never a failed build.
 */
async function readBaseInputs(
  deps: BuildHandlerDeps,
  environment: StageInput['environment'],
  checkout: Checkout,
  id: EnvironmentIdentity,
  nonce: string,
  logger: Logger,
): Promise<(BaseMark & { hashes: Map<string, string> }) | null> {
  let branch: string | undefined;
  try {
    const settings = (await deps.composeSettings?.(environment)) ?? {};
    branch = settings.baseBranch ?? environment.repository.defaultBranch;
    const { repository } = environment;
    const sha = await deps.source.fetchBranch({
      cacheKey: repoSlug(id.repository),
      cloneUrl: repository.cloneUrl,
      token: () => deps.github.installationToken(Number(repository.installationId)),
      branch,
    });
    if (sha === null) {
      logger.info({ branch }, 'base branch not found; no image is marked as a base image');
      return null;
    }
    const at: Checkout = { cacheKey: checkout.cacheKey, sha, dir: checkout.dir, fetched: false };
    const { spec } = await loadRevisionCompose(deps, { ...environment, branch }, at, (names) =>
      secretMarkers(names, nonce),
    );
    const files = await deps.source.listFiles(at);
    const plans = await planBuilds(deps, at, spec, id, files);
    return { branch, sha, hashes: new Map(plans.map((p) => [p.service, p.inputHash])) };
  } catch (error) {
    logger.warn(
      { branch, err: error },
      'cannot read the base branch build inputs; no image is marked as a base image',
    );
    return null;
  }
}

function readRebuild(config: unknown): boolean | undefined {
  if (config && typeof config === 'object' && 'rebuild' in config) {
    const value = (config as { rebuild: unknown }).rebuild;
    if (typeof value === 'boolean') return value;
  }
  return undefined;
}

/** Runs `fn` over items, `limit` at a time; stops starting new ones after the first failure. */
async function runPool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}

/** The images of the environment's newest earlier revision that has any (none: {}). */
async function previousRevisionImages(
  prisma: PrismaClient,
  revision: { environmentId: string; generation: number },
): Promise<RevisionImages> {
  const rows = await prisma.revision.findMany({
    where: { environmentId: revision.environmentId, generation: { lt: revision.generation } },
    orderBy: { generation: 'desc' },
    select: { images: true },
    take: 5,
  });
  const found = rows.find((r) => r.images && typeof r.images === 'object');
  return (found?.images ?? {}) as RevisionImages;
}

/** The candidates that exist on the host, once each, without the tag being built. */
async function existingImages(
  host: ContainerHost,
  tag: string,
  candidates: ReadonlyArray<string | undefined>,
): Promise<string[]> {
  const unique = [...new Set(candidates.filter((c): c is string => !!c && c !== tag))];
  const present = await Promise.all(unique.map((c) => host.imageExists(c)));
  return unique.filter((_, i) => present[i]);
}
