// The network cap applies where the compose file is loaded (the build stage's first step), from
// real git: a file whose services use more networks than MAX_NETWORKS is refused before anything
// is built or pulled, naming `networks`, every network and the setting.

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
  workDir = await mkdtemp(join(tmpdir(), 'berth-network-cap-'));
  source = new GitSourceRepository({ workDir });
});

afterAll(async () => {
  await gh?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** A compose file whose `count` services each sit on a network of their own. */
async function checkoutOf(name: string, count: number): Promise<Checkout> {
  const services = Array.from(
    { length: count },
    (_, i) => `  s${i}: { image: busybox, networks: [n${i}] }`,
  );
  const networks = Array.from({ length: count }, (_, i) => `  n${i}: {}`);
  await gh.createRepository({
    owner: 'acme',
    name,
    files: {
      'compose.yaml': `services:\n${services.join('\n')}\nnetworks:\n${networks.join('\n')}\n`,
    },
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

const load = (name: string, checkout: Checkout, maxNetworks: number) =>
  loadRevisionCompose(
    {
      source,
      github: { installationToken: async () => 'unused' },
      settings: { BASE_DOMAIN: 'localhost', PREVIEW_URL_SCHEME: 'http' },
      composeSettings: () => ({ maxNetworks }),
    },
    environment(name),
    checkout,
    () => ({}),
  );

describe('the network cap when the compose file is loaded', () => {
  it('refuses 5 networks over a cap of 4, naming networks, each network and MAX_NETWORKS', async () => {
    const checkout = await checkoutOf('netted', 5);
    const refused = await load('netted', checkout, 4).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ComposeFileError);
    expect((refused as ComposeFileError).problems).toEqual([
      {
        path: 'networks',
        message: expect.stringMatching(
          /^the services use 5 networks \(n0, n1, n2, n3, n4\), but a preview may have at most 4 \(the operator's MAX_NETWORKS\)/,
        ),
      },
    ]);
  });

  it('loads a file at the cap', async () => {
    const checkout = await checkoutOf('four', 4);
    const loaded = await load('four', checkout, 4);
    expect(Object.keys(loaded.spec.services)).toHaveLength(4);
  });
});
