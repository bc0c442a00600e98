// The service cap applies where the compose file is loaded (the build stage's first step), from
// real git: a file with more services than the repository allows is refused before anything is
// built or pulled, naming `services`, the limit and the operator's flag.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Checkout, GitSourceRepository } from '@berth/providers';
import { type GitHubEmulator, startGitHubEmulator } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import { ComposeFileError } from './load-compose.js';
import { loadRevisionCompose } from './revision-source.js';

let gh: GitHubEmulator;
let workDir: string;
let source: GitSourceRepository;

beforeAll(async () => {
  gh = await startGitHubEmulator();
  workDir = await mkdtemp(join(tmpdir(), 'berth-service-cap-'));
  source = new GitSourceRepository({ workDir });
});

afterAll(async () => {
  await gh?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function checkoutOf(name: string, services: number): Promise<Checkout> {
  const lines = Array.from({ length: services }, (_, i) => `  s${i}: { image: busybox }`);
  await gh.createRepository({
    owner: 'acme',
    name,
    files: { 'compose.yaml': `services:\n${lines.join('\n')}\n` },
  });
  const pr = await gh.openPullRequest({
    repo: `acme/${name}`,
    branch: 'feat/x',
    title: 'x',
    changes: { 'README.md': 'changed\n' },
  });
  const { token } = gh.createInstallationToken();
  return source.checkout({
    cacheKey: `acme--${name}`,
    cloneUrl: gh.cloneUrl(`acme/${name}`),
    token,
    sha: pr.headSha,
  });
}

// Only what loadRevisionCompose reads of an environment.
const environment = (name: string) =>
  ({
    prNumber: 1,
    branch: 'feat/x',
    repository: { fullName: `acme/${name}` },
  }) as unknown as EnvironmentWithRepository;

const load = (name: string, checkout: Checkout, maxServices: number) =>
  loadRevisionCompose(
    {
      source,
      github: { installationToken: async () => 'unused' },
      settings: { BASE_DOMAIN: 'localhost', PREVIEW_URL_SCHEME: 'http' },
      composeSettings: () => ({ maxServices }),
    },
    environment(name),
    checkout,
    () => ({}),
  );

describe('the service cap when the compose file is loaded', () => {
  it('refuses 300 services with a permanent error naming services, the limit and the flag', async () => {
    const checkout = await checkoutOf('many', 300);
    const refused = await load('many', checkout, 20).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ComposeFileError);
    expect((refused as ComposeFileError).problems).toEqual([
      {
        path: 'services',
        message: expect.stringMatching(
          /^300 services, but this repository may run at most 20 per preview; .*`berth repo set acme\/many --max-services 300`$/,
        ),
      },
    ]);
  });

  it('loads a file at the limit', async () => {
    const checkout = await checkoutOf('enough', 20);
    const loaded = await load('enough', checkout, 20);
    expect(Object.keys(loaded.spec.services)).toHaveLength(20);
  });
});
