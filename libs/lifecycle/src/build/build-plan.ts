import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import {
  type BuildSpec,
  type ComposeProblem,
  type ComposeSpec,
  type ContextFile,
  type RepositoryRef,
  buildInputHash,
  createDockerignore,
  filesUnderContext,
  filterContextFiles,
  imageTag,
} from '@berth/core';
import type { SourceFile } from '@berth/providers';

/** Repository-relative path of a service's Dockerfile (core keeps it relative to the context). */
export function dockerfilePath(build: BuildSpec): string {
  const path = posix.normalize(posix.join(build.context, build.dockerfile));
  if (path.startsWith('../') || path === '..' || posix.isAbsolute(path)) {
    throw new Error(
      `Dockerfile \`${build.dockerfile}\` of context \`${build.context}\` is outside the repository`,
    );
  }
  return path;
}

/** Repository-relative path of a context's `.dockerignore`. */
export function dockerignorePath(build: BuildSpec): string {
  return posix.normalize(posix.join(build.context, '.dockerignore'));
}

export interface ServiceBuildInputs {
  service: string;
  build: BuildSpec;
  /** Every file of the commit (git ls-tree). */
  repoFiles: readonly SourceFile[];
  dockerfile: string;
  /** Null when the context has no `.dockerignore`. */
  dockerignore: string | null;
}

export interface PlannedBuild {
  service: string;
  inputHash: string;
  tag: string;
  /** Context files after `.dockerignore` (count, for the stage details). */
  fileCount: number;
}

/**
 * The deterministic tag of one service's image: the git blob ids of its context minus
 * `.dockerignore`, its Dockerfile, args and target. No file is read: blob ids are content hashes.
 */
export function planServiceBuild(
  repository: RepositoryRef,
  input: ServiceBuildInputs,
): PlannedBuild {
  const all: ContextFile[] = input.repoFiles.map((f) => ({
    path: f.path,
    hash: f.blobSha,
    mode: f.mode,
  }));
  const files = filterContextFiles(
    filesUnderContext(all, input.build.context),
    createDockerignore(input.dockerignore ?? ''),
  );
  const contentHash = buildInputHash({
    files,
    dockerfile: input.dockerfile,
    args: input.build.args,
    ...(input.build.target === undefined ? {} : { target: input.build.target }),
  });
  // Which secrets a build mounts (ids and names, never values) is an input too: a service that
  // mounts none must not share an image with one that does. Builds without any keep their tags.
  const secrets = input.build.secrets ?? [];
  const inputHash = secrets.length
    ? createHash('sha256')
        .update(
          JSON.stringify({
            contentHash,
            buildSecrets: secrets.map((s) => [s.id, s.name]).sort(),
          }),
        )
        .digest('hex')
    : contentHash;
  return {
    service: input.service,
    inputHash,
    tag: imageTag(repository, input.service, inputHash),
    fileCount: files.length,
  };
}

/**
 * Build-time compose values must not carry generated secrets: an image is shared by every PR
 * with the same inputs and outlives the environment. The build stage parses with marker values
 * for the secrets and refuses any build field that contains one.
 */
export function secretMarkers(names: readonly string[], nonce: string): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, `berth-secret-${nonce}-${name}`]));
}

export function secretsInBuilds(spec: ComposeSpec, nonce: string): ComposeProblem[] {
  const marker = `berth-secret-${nonce}-`;
  const problems: ComposeProblem[] = [];
  const message =
    'uses a generated secret (x-berth.secrets); images are shared across pull requests, so secrets go to containers at run time (environment), never into builds';
  for (const service of Object.values(spec.services)) {
    const build = service.build;
    if (!build) continue;
    const at = `services.${service.name}.build`;
    for (const [key, value] of Object.entries(build.args)) {
      if (value.includes(marker)) problems.push({ path: `${at}.args.${key}`, message });
    }
    for (const key of ['context', 'dockerfile', 'target'] as const) {
      if (build[key]?.includes(marker)) problems.push({ path: `${at}.${key}`, message });
    }
  }
  return problems;
}

/** One build for every service whose inputs hash the same; the others run its image. */
export interface SharedBuild<T extends PlannedBuild> {
  /** The build that runs (the first service by name, so the choice is stable across runs). */
  leader: T;
  /** Every service that gets the leader's image, the leader included, sorted. */
  services: string[];
}

/**
 * Groups plans by input hash: two services with the same context content, Dockerfile, args and
 * target (nginx-nodejs-redis's web1 and web2) are one build, not two parallel builds of the
 * same thing.
 */
export function shareIdenticalBuilds<T extends PlannedBuild>(
  plans: readonly T[],
): SharedBuild<T>[] {
  const groups = new Map<string, T[]>();
  for (const plan of [...plans].sort((a, b) => a.service.localeCompare(b.service))) {
    const group = groups.get(plan.inputHash);
    if (group) group.push(plan);
    else groups.set(plan.inputHash, [plan]);
  }
  return [...groups.values()].map((group) => ({
    leader: group[0] as T,
    services: group.map((p) => p.service),
  }));
}
