// The operator's caps apply where the compose file is loaded (the build stage's first step), from
// real git: a file with more services than the repository allows, or whose services use more
// networks than MAX_NETWORKS, is refused before anything is built or pulled, naming the field,
// the limit and the operator's setting.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Checkout, GitSourceRepository } from '@berth/providers';
import { type GitHubEmulator, startGitHubEmulator } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import { ComposeFileError } from './load-compose.js';
import { type ComposeSettings, loadRevisionCompose } from './revision-source.js';

let gh: GitHubEmulator;
let workDir: string;
let source: GitSourceRepository;

beforeAll(async () => {
  gh = await startGitHubEmulator();
  workDir = await mkdtemp(join(tmpdir(), 'berth-compose-caps-'));
  source = new GitSourceRepository({ workDir });
});

afterAll(async () => {
  await gh?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** A PR head of repository acme/`name` whose compose.yaml is `compose`. */
async function checkoutOf(name: string, compose: string): Promise<Checkout> {
  await gh.createRepository({ owner: 'acme', name, files: { 'compose.yaml': compose } });
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

const lines = (count: number, line: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => line(i)).join('\n');

/** `count` services of busybox. */
const servicesCompose = (count: number) =>
  `services:\n${lines(count, (i) => `  s${i}: { image: busybox }`)}\n`;

/** `count` services, each on a network of its own. */
const networksCompose = (count: number) =>
  `services:\n${lines(count, (i) => `  s${i}: { image: busybox, networks: [n${i}] }`)}\n` +
  `networks:\n${lines(count, (i) => `  n${i}: {}`)}\n`;

// Only what loadRevisionCompose reads of an environment.
const environment = (name: string) =>
  ({
    prNumber: 1,
    branch: 'feat/x',
    repository: { fullName: `acme/${name}` },
  }) as unknown as EnvironmentWithRepository;

const load = (name: string, checkout: Checkout, caps: ComposeSettings) =>
  loadRevisionCompose(
    {
      source,
      github: { installationToken: async () => 'unused' },
      settings: { BASE_DOMAIN: 'localhost', PREVIEW_URL_SCHEME: 'http' },
      composeSettings: () => caps,
    },
    environment(name),
    checkout,
    () => ({}),
  );

async function refusal(name: string, checkout: Checkout, caps: ComposeSettings) {
  const refused = await load(name, checkout, caps).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(ComposeFileError);
  return (refused as ComposeFileError).problems;
}

describe('the service cap when the compose file is loaded', () => {
  it('refuses 300 services with a permanent error naming services, the limit and the flag', async () => {
    const checkout = await checkoutOf('many', servicesCompose(300));
    expect(await refusal('many', checkout, { maxServices: 20 })).toEqual([
      {
        path: 'services',
        message: expect.stringMatching(
          /^300 services, but this repository may run at most 20 per preview; .*`berth repo set acme\/many --max-services 300`$/,
        ),
      },
    ]);
  });

  it('loads a file at the limit', async () => {
    const checkout = await checkoutOf('enough', servicesCompose(20));
    const loaded = await load('enough', checkout, { maxServices: 20 });
    expect(Object.keys(loaded.spec.services)).toHaveLength(20);
  });
});

describe('the network cap when the compose file is loaded', () => {
  it('refuses 5 networks over a cap of 4, naming networks, each network and MAX_NETWORKS', async () => {
    const checkout = await checkoutOf('netted', networksCompose(5));
    expect(await refusal('netted', checkout, { maxNetworks: 4 })).toEqual([
      {
        path: 'networks',
        message: expect.stringMatching(
          /^the services use 5 networks \(n0, n1, n2, n3, n4\), but a preview may have at most 4 \(the operator's MAX_NETWORKS\)/,
        ),
      },
    ]);
  });

  it('loads a file at the cap', async () => {
    const checkout = await checkoutOf('four', networksCompose(4));
    const loaded = await load('four', checkout, { maxNetworks: 4 });
    expect(Object.keys(loaded.spec.services)).toHaveLength(4);
  });
});
