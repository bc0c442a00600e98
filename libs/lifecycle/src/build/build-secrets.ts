// Build secrets (issue 9, decision 0037): compose `build.secrets` reach a build only when the
// operator allows each name for the repository (RepositorySettings.buildSecrets, set with
// `berth repo set --allow-build-secret`), never from the pull request's files, and for a fork PR
// only where its secret layers are allowed too. Values come from the operator's layers, live in
// memory for the build, and are masked out of every line the build prints.

import {
  type ComposeProblem,
  type ComposeSpec,
  type RepositorySettings,
  type SecretMasker,
  secretMasker,
} from '@berth/core';
import { ComposeFileError } from '../compose/load-compose.js';
import type { PreviewSecrets } from '../secrets/preview-secrets.js';
import { type EnvironmentWithRepository, PermanentStageError } from '../pipeline/stage-handler.js';

export interface BuildSecretsDeps {
  secrets?: Pick<PreviewSecrets, 'buildValues'>;
  repositorySettings: { forRepository(fullName: string): Promise<RepositorySettings> };
}

export interface ResolvedBuildSecrets {
  /** BuildKit id → value for one service; undefined when it mounts none. */
  forService(service: string): Readonly<Record<string, string>> | undefined;
  /** Masks every build secret value (empty when no build asks for one). */
  masker: SecretMasker;
}

const NONE: ResolvedBuildSecrets = {
  forService: () => undefined,
  masker: secretMasker([]),
};

/** Checks the policy for every `build.secrets` of the spec, then reads the values once. */
export async function buildSecretsFor(
  deps: BuildSecretsDeps,
  environment: EnvironmentWithRepository,
  spec: ComposeSpec,
  file: string,
): Promise<ResolvedBuildSecrets> {
  const asking = Object.values(spec.services).filter((s) => s.build?.secrets?.length);
  if (asking.length === 0) return NONE;

  const repo = environment.repository.fullName;
  const policy = await deps.repositorySettings.forRepository(repo);
  const allowed = new Set(policy.buildSecrets ?? []);
  const problems: ComposeProblem[] = [];
  for (const service of asking) {
    (service.build?.secrets ?? []).forEach((secret, index) => {
      if (allowed.has(secret.name)) return;
      problems.push({
        path: `services.${service.name}.build.secrets[${index}]`,
        message: `\`${secret.name}\` may not reach builds of ${repo}: the operator allows build secrets by name per repository (setting buildSecrets: \`berth repo set ${repo} --allow-build-secret ${secret.name}\`). Berth never passes a secret as a build arg (it would stay in the image history)`,
      });
    });
  }
  if (problems.length) throw new ComposeFileError(file, problems);

  // Build secrets are operator layer values only; a fork PR gets those only when allowed.
  if (environment.isFork && !policy.forkSecrets) {
    throw new PermanentStageError(
      `build secrets come from the operator's secret layers, which fork pull requests do not get: the operator can allow them with \`berth repo set ${repo} --fork-secrets\`, or the build can do without \`build.secrets\``,
    );
  }
  if (!deps.secrets) {
    throw new PermanentStageError(
      'build secrets need the secret layers, which this worker was started without',
    );
  }
  const names = [
    ...new Set(asking.flatMap((s) => (s.build?.secrets ?? []).map((secret) => secret.name))),
  ];
  const values = await deps.secrets.buildValues(environment, names);
  const byService = new Map(
    asking.map((service) => [
      service.name,
      Object.fromEntries(
        (service.build?.secrets ?? []).map((secret) => [secret.id, values[secret.name] ?? '']),
      ),
    ]),
  );
  return {
    forService: (service) => byService.get(service),
    masker: secretMasker(Object.values(values)),
  };
}
