import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseComposeFiles, parseRepositoryFullName } from '@berth/core';
import { describe, expect, it } from 'vitest';
import { planRepoMountImage, writeRepoMountContext } from './repo-mounts.js';

const repository = parseRepositoryFullName('acme/site');
const repoFiles = [
  { path: 'public/index.html', blobSha: 'b1', mode: 0o100644 },
  { path: 'public/img/logo.svg', blobSha: 'b2', mode: 0o100644 },
  { path: 'public/etc', blobSha: 'b3', mode: 0o120000 },
  { path: 'nginx/default.conf', blobSha: 'b4', mode: 0o100644 },
  { path: 'README.md', blobSha: 'b5', mode: 0o100644 },
];
const files: Record<string, string> = { 'nginx/default.conf': 'server {}\n' };

function site(extraVolume = '') {
  const result = parseComposeFiles(
    [
      {
        path: 'compose.yaml',
        text: `
services:
  site:
    image: nginx:1.27
    volumes: ['./public:/usr/share/nginx/html'${extraVolume}]
    configs: [{ source: conf, target: /etc/nginx/conf.d/default.conf }]
configs: { conf: { file: nginx/default.conf } }
`,
      },
    ],
    { readFile: (path) => files[path] ?? null },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.spec.services.site!;
}

describe('planRepoMountImage', () => {
  it('derives a content-addressed image FROM the service image with each mount COPYed', () => {
    const plan = planRepoMountImage(repository, site(), 'nginx:1.27', repoFiles)!;
    expect(plan.dockerfile).toContain('FROM nginx:1.27\n');
    expect(plan.dockerfile).toContain('COPY ["public","/usr/share/nginx/html"]\n');
    expect(plan.dockerfile).toContain(
      'COPY ["nginx/default.conf","/etc/nginx/conf.d/default.conf"]\n',
    );
    expect(plan.files.map((f) => f.path).sort()).toEqual([
      'nginx/default.conf',
      'public/etc',
      'public/img/logo.svg',
      'public/index.html',
    ]);
    expect(plan.tag).toBe(`berth/acme--site-site-files:${plan.inputHash}`);
    // Same inputs, same tag; a changed mounted file or base image, a new tag; other files, none.
    expect(planRepoMountImage(repository, site(), 'nginx:1.27', repoFiles)!.tag).toBe(plan.tag);
    const changed = repoFiles.map((f) => (f.blobSha === 'b2' ? { ...f, blobSha: 'b9' } : f));
    expect(planRepoMountImage(repository, site(), 'nginx:1.27', changed)!.tag).not.toBe(plan.tag);
    expect(planRepoMountImage(repository, site(), 'nginx:1.28', repoFiles)!.tag).not.toBe(plan.tag);
    const readme = repoFiles.map((f) => (f.blobSha === 'b5' ? { ...f, blobSha: 'b8' } : f));
    expect(planRepoMountImage(repository, site(), 'nginx:1.27', readme)!.tag).toBe(plan.tag);
  });

  it('lists mounts not declared rw as read-only, staging single files alone for their volume', () => {
    const plan = planRepoMountImage(
      repository,
      site(", './nginx/default.conf:/etc/extra.conf:ro', './public/img:/srv/img:rw'"),
      'nginx:1.27',
      repoFiles,
    )!;
    expect(plan.readOnlyMounts).toEqual([
      { target: '/usr/share/nginx/html', kind: 'dir' },
      {
        target: '/etc/extra.conf',
        kind: 'file',
        staged: { dir: '/.berth/files/1', name: 'default.conf' },
      },
      {
        target: '/etc/nginx/conf.d/default.conf',
        kind: 'file',
        staged: { dir: '/.berth/files/2', name: 'default.conf' },
      },
    ]);
    expect(plan.dockerfile).toContain(
      'COPY ["nginx/default.conf","/.berth/files/1/default.conf"]\n',
    );
    expect(plan.dockerfile).toContain('COPY ["public/img","/srv/img"]\n');
    expect(plan.readOnlyMounts.map((m) => m.target)).not.toContain('/srv/img');
  });

  it('notes mounted paths with no files, and leaves services without mounts alone', () => {
    const plan = planRepoMountImage(repository, site(", './cache:/cache:rw'"), 'n', repoFiles)!;
    expect(plan.empty).toEqual(['cache']);
    expect(plan.dockerfile).not.toContain('/cache');
    const bare = { ...site(), mounts: [] };
    expect(planRepoMountImage(repository, bare, 'n', repoFiles)).toBeUndefined();
  });
});

describe('mounts inside a read-only mount', () => {
  it('get their mount point in the derived image: the engine cannot make one in a read-only volume', async () => {
    const plan = planRepoMountImage(
      repository,
      site(", '/usr/share/nginx/html/cache', '/var/cache/nginx'"),
      'nginx:1.27',
      [...repoFiles, { path: '.berth-mountpoint', blobSha: 'b6', mode: 0o100644 }],
    )!;
    // A name no repository file has, COPYed (empty) after the mount it sits in.
    expect(plan.mountpointDir).toBe('.berth-mountpoint_');
    expect(plan.dockerfile).toMatch(
      /COPY \["public","\/usr\/share\/nginx\/html"\]\n(.*\n)*COPY \["\.berth-mountpoint_","\/usr\/share\/nginx\/html\/cache"\]\n/,
    );
    expect(plan.dockerfile).not.toContain('/var/cache/nginx');
    expect(planRepoMountImage(repository, site(), 'nginx:1.27', repoFiles)!.mountpointDir).toBe(
      undefined,
    );

    const checkout = await mkdtemp(join(tmpdir(), 'berth-mountpoint-'));
    const context = await writeRepoMountContext(checkout, { ...plan, files: [] });
    try {
      expect((await lstat(join(context.contextDir, '.berth-mountpoint_'))).isDirectory()).toBe(
        true,
      );
    } finally {
      await rm(context.dir, { recursive: true, force: true });
      await rm(checkout, { recursive: true, force: true });
    }
  });
});

describe('writeRepoMountContext', () => {
  it('copies only the listed files, recreating symlinks instead of following them', async () => {
    const checkout = await mkdtemp(join(tmpdir(), 'berth-checkout-'));
    try {
      await mkdir(join(checkout, 'public/img'), { recursive: true });
      await mkdir(join(checkout, 'nginx'));
      await writeFile(join(checkout, 'public/index.html'), '<h1>hi</h1>\n');
      await writeFile(join(checkout, 'public/img/logo.svg'), '<svg/>\n');
      await symlink('/etc/hostname', join(checkout, 'public/etc'));
      await writeFile(join(checkout, 'nginx/default.conf'), 'server {}\n');
      await writeFile(join(checkout, 'README.md'), 'not mounted\n');
      const plan = planRepoMountImage(repository, site(), 'nginx:1.27', repoFiles)!;
      const context = await writeRepoMountContext(checkout, plan);
      try {
        expect(await readFile(join(context.contextDir, 'public/index.html'), 'utf8')).toBe(
          '<h1>hi</h1>\n',
        );
        const link = join(context.contextDir, 'public/etc');
        expect((await lstat(link)).isSymbolicLink()).toBe(true);
        expect(await readlink(link)).toBe('/etc/hostname');
        await expect(lstat(join(context.contextDir, 'README.md'))).rejects.toThrow(/ENOENT/);
        expect(await readFile(join(context.contextDir, context.dockerfile), 'utf8')).toBe(
          plan.dockerfile,
        );
      } finally {
        await rm(context.dir, { recursive: true, force: true });
      }
    } finally {
      await rm(checkout, { recursive: true, force: true });
    }
  });
});
