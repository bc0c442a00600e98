import { parseComposeOrThrow, parseRepositoryFullName } from '@berth/core';
import { describe, expect, it } from 'vitest';
import {
  dockerfilePath,
  planServiceBuild,
  secretMarkers,
  secretsInBuilds,
  shareIdenticalBuilds,
} from './build-plan.js';

const repository = parseRepositoryFullName('acme/shop');
const build = { context: 'api', dockerfile: 'Dockerfile', args: { NODE_IMAGE: 'node:24' } };
const repoFiles = [
  { path: 'api/package.json', blobSha: 'a1', mode: 0o100644 },
  { path: 'api/src/server.mjs', blobSha: 'a2', mode: 0o100644 },
  { path: 'api/node_modules/x/index.js', blobSha: 'a3', mode: 0o100644 },
  { path: 'web/src/app.mjs', blobSha: 'w1', mode: 0o100644 },
];
const plan = (
  files = repoFiles,
  dockerignore: string | null = 'node_modules\n',
  service = 'api',
  buildSpec: typeof build & { target?: string; secrets?: { id: string; name: string }[] } = build,
) =>
  planServiceBuild(repository, {
    service,
    build: buildSpec,
    repoFiles: files,
    dockerfile: 'FROM x\n',
    dockerignore,
  });

describe('planServiceBuild', () => {
  it('tags the image with a hash of the context minus .dockerignore', () => {
    const p = plan();
    expect(p.tag).toBe(`berth/acme--shop-api:${p.inputHash}`);
    expect(p.fileCount).toBe(2);
  });

  it('ignores changes outside the context and in ignored files', () => {
    const base = plan().inputHash;
    const outside = repoFiles.map((f) => (f.path.startsWith('web/') ? { ...f, blobSha: 'w2' } : f));
    const ignored = repoFiles.map((f) =>
      f.path.includes('node_modules') ? { ...f, blobSha: 'a9' } : f,
    );
    expect(plan(outside).inputHash).toBe(base);
    expect(plan(ignored).inputHash).toBe(base);
  });

  it('changes with a context file, its mode, or the .dockerignore', () => {
    const base = plan().inputHash;
    expect(
      plan(repoFiles.map((f) => (f.blobSha === 'a2' ? { ...f, blobSha: 'a4' } : f))).inputHash,
    ).not.toBe(base);
    expect(
      plan(repoFiles.map((f) => (f.blobSha === 'a2' ? { ...f, mode: 0o100755 } : f))).inputHash,
    ).not.toBe(base);
    expect(plan(repoFiles, null).inputHash).not.toBe(base);
  });
  it('changes with the build secrets it mounts (names, not values); none keeps the old tag', () => {
    const base = plan().inputHash;
    expect(plan(repoFiles, 'node_modules\n', 'api', { ...build, secrets: [] }).inputHash).toBe(
      base,
    );
    const withToken = plan(repoFiles, 'node_modules\n', 'api', {
      ...build,
      secrets: [{ id: 'npm', name: 'npm_token' }],
    }).inputHash;
    expect(withToken).not.toBe(base);
    expect(
      plan(repoFiles, 'node_modules\n', 'api', {
        ...build,
        secrets: [{ id: 'npm', name: 'other_token' }],
      }).inputHash,
    ).not.toBe(withToken);
  });
});

describe('shareIdenticalBuilds', () => {
  it('builds identical inputs once, led by the first service by name', () => {
    const web2 = plan(repoFiles, 'node_modules\n', 'web2');
    const web1 = plan(repoFiles, 'node_modules\n', 'web1');
    const worker = plan(repoFiles, 'node_modules\n', 'worker', { ...build, target: 'worker' });
    const admin = plan(repoFiles, 'node_modules\n', 'admin', {
      ...build,
      args: { NODE_IMAGE: 'node:22' },
    });
    expect(web1.inputHash).toBe(web2.inputHash);
    const groups = shareIdenticalBuilds([web2, worker, web1, admin]);
    expect(groups.map((g) => [g.leader.service, g.services])).toEqual([
      ['admin', ['admin']],
      ['web1', ['web1', 'web2']],
      ['worker', ['worker']],
    ]);
  });
});

describe('dockerfilePath', () => {
  it('joins context and Dockerfile, refusing a path outside the repository', () => {
    expect(dockerfilePath({ ...build, dockerfile: 'docker/api.Dockerfile' })).toBe(
      'api/docker/api.Dockerfile',
    );
    expect(dockerfilePath({ ...build, context: '.', dockerfile: 'Dockerfile' })).toBe('Dockerfile');
    expect(() => dockerfilePath({ ...build, dockerfile: '../../Dockerfile' })).toThrow(
      /outside the repository/,
    );
  });
});

describe('secretsInBuilds', () => {
  it('finds generated secrets in build args', () => {
    const spec = parseComposeOrThrow(
      'services:\n  web:\n    build: { context: ., args: { T: "${T}", OK: "1" } }\n',
      { variables: { T: secretMarkers(['token'], 'n0nce').token! } },
    );
    expect(secretsInBuilds(spec, 'n0nce')).toEqual([
      { path: 'services.web.build.args.T', message: expect.stringContaining('generated secret') },
    ]);
    expect(secretsInBuilds(spec, 'other')).toEqual([]);
  });
});
