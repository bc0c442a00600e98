// Discovery and reading of a revision's compose files, from real git (the GitHub emulator's
// smart-HTTP server through GitSourceRepository).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Checkout, GitSourceRepository } from '@berth/providers';
import { type GitHubEmulator, startGitHubEmulator } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentStageError } from '../pipeline/stage-handler.js';
import { ComposeNotFoundError, readComposeSource } from './compose-source.js';

let gh: GitHubEmulator;
let workDir: string;
let source: GitSourceRepository;

async function checkoutOf(name: string, files: Record<string, string>): Promise<Checkout> {
  await gh.createRepository({ owner: 'acme', name, files });
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

beforeAll(async () => {
  gh = await startGitHubEmulator();
  workDir = await mkdtemp(join(tmpdir(), 'berth-compose-source-'));
  source = new GitSourceRepository({ workDir });
});

afterAll(async () => {
  await gh?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('readComposeSource', () => {
  it('prefers compose.yaml, layers its override, and fetches the files it names', async () => {
    const checkout = await checkoutOf('visits', {
      'README.md': '# visits\n',
      'compose.yaml':
        'services:\n  web:\n    extends: { file: common.yml, service: web }\n    env_file: .env\n',
      'docker-compose.yml': 'services:\n  old: { image: x }\n',
      'compose.override.yml': 'services:\n  web: { ports: ["81"] }\n',
      'common.yml': 'services:\n  web: { image: nginx, env_file: base.env }\n',
      '.env': 'A=1\n',
      'base.env': 'B=2\n',
    });
    const found = await readComposeSource(source, checkout, 'acme/visits');
    expect(found.files.map((f) => f.path)).toEqual(['compose.yaml', 'compose.override.yml']);
    expect(found.label).toBe(`compose.yaml + compose.override.yml at ${checkout.sha.slice(0, 12)}`);
    expect([...found.repoFiles.keys()].sort()).toEqual(['.env', 'base.env', 'common.yml']);
  });

  it('reads the configured path only, and says so when it is missing', async () => {
    const checkout = await checkoutOf('configured', {
      'README.md': '# c\n',
      'deploy/stack.yml': 'services:\n  web: { image: nginx }\n',
      'compose.yaml': 'services:\n  other: { image: x }\n',
    });
    const found = await readComposeSource(source, checkout, 'acme/configured', {
      composePath: 'deploy/stack.yml',
    });
    expect(found.files.map((f) => f.path)).toEqual(['deploy/stack.yml']);
    await expect(
      readComposeSource(source, checkout, 'acme/configured', { composePath: 'ops/compose.yml' }),
    ).rejects.toThrow(/has no ops\/compose.yml at .*configured compose path/);
  });

  it('fails permanently, listing every name tried, when there is no compose file', async () => {
    const checkout = await checkoutOf('bare', { 'README.md': '# bare\n' });
    const error = await readComposeSource(source, checkout, 'acme/bare').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposeNotFoundError);
    expect(error).toBeInstanceOf(PermanentStageError);
    expect((error as Error).message).toMatch(
      /looked for compose\.yaml, compose\.yml, docker-compose\.yml, docker-compose\.yaml .*set the compose path/,
    );
  });
});
