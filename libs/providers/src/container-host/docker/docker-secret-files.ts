// Secret files (compose `secrets:` from the preview's secret scope, issue 9): written to a
// directory on the engine host's /dev/shm — a tmpfs, so the values live in memory and never on
// disk — and bound read-only into the container, one file per target. The engine host's
// filesystem is reached through a helper container created from the service's own image and
// never started (its bind mount exists once created; the archive API writes through it), so this
// works for a remote DOCKER_HOST too and needs no extra image.

import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import type { ContainerSpec } from '../container-host.port.js';
import { isNotFound } from './docker-errors.js';

/** On the engine's host: a tmpfs on every Linux host Docker runs on. */
export const SECRET_FILES_ROOT = '/dev/shm/berth-secrets';
const HELPER_MOUNT = '/berth-secrets';

export function secretFilesDir(containerName: string): string {
  return `${SECRET_FILES_ROOT}/${containerName}`;
}

/** The bind mounts of a spec's secret files: `<dir>/s<i>` read-only onto each target. */
export function secretFileMounts(spec: ContainerSpec) {
  return (spec.secretFiles ?? []).map((file, index) => ({
    Type: 'bind' as const,
    Source: `${secretFilesDir(spec.name)}/s${index}`,
    Target: file.target,
    ReadOnly: true,
  }));
}

/** Part of the config hash: a changed value replaces the container (the digest, not the value). */
export function secretFilesDigest(spec: ContainerSpec): string | undefined {
  if (!spec.secretFiles?.length) return undefined;
  const hash = createHash('sha256');
  for (const file of spec.secretFiles) hash.update(`${file.target}\0${file.content}\0`);
  return hash.digest('hex');
}

/**
 * Writes every secret file of `spec` (also when the container is reused: after a host reboot
 * /dev/shm is empty, and a value may have been rotated).
 */
export async function writeSecretFiles(docker: Docker, spec: ContainerSpec): Promise<void> {
  if (!spec.secretFiles?.length) return;
  const files = spec.secretFiles.map((file, index) => ({
    name: `s${index}`,
    content: file.content,
  }));
  await throughHelper(docker, spec.image, spec.name, files);
}

/**
 * After a container is removed: its secret files are emptied (a plain archive write, which any
 * image allows), then the directory removed with the image's own `rm` when it has one.
 */
export async function clearSecretFiles(
  docker: Docker,
  containerName: string,
  image: string,
  count: number,
): Promise<void> {
  const files = Array.from({ length: count }, (_, index) => ({ name: `s${index}`, content: '' }));
  await throughHelper(docker, image, containerName, files);
  const helper = `${containerName}-secrets-rm`;
  await docker
    .getContainer(helper)
    .remove({ force: true })
    .catch(() => undefined);
  try {
    const created = await docker.createContainer({
      name: helper,
      Image: image,
      Entrypoint: ['rm', '-rf', `${HELPER_MOUNT}/${containerName}`],
      Cmd: [],
      User: '0:0',
      NetworkDisabled: true,
      HostConfig: { NetworkMode: 'none', Binds: [`${SECRET_FILES_ROOT}:${HELPER_MOUNT}`] },
    });
    await created.start();
    await created.wait();
  } catch {
    // An image without `rm` (distroless): the emptied files stay until the host reboots.
  } finally {
    await docker
      .getContainer(helper)
      .remove({ force: true })
      .catch(() => undefined);
  }
}

/** Whether a container has secret files, and how many (from its bind mounts). */
export function secretFileCount(info: Docker.ContainerInspectInfo): number {
  const prefix = `${SECRET_FILES_ROOT}/`;
  return (info.Mounts ?? []).filter((m) => m.Source?.startsWith(prefix)).length;
}

async function throughHelper(
  docker: Docker,
  image: string,
  containerName: string,
  files: { name: string; content: string }[],
): Promise<void> {
  const helper = `${containerName}-secrets`;
  const remove = () =>
    docker
      .getContainer(helper)
      .remove({ force: true })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
  await remove();
  try {
    await docker.createContainer({
      name: helper,
      Image: image,
      Entrypoint: ['/.berth-secrets-never-runs'],
      Cmd: [],
      NetworkDisabled: true,
      // Docker creates the host directory for a missing bind source (mode 0755, root).
      HostConfig: {
        NetworkMode: 'none',
        Binds: [`${secretFilesDir(containerName)}:${HELPER_MOUNT}`],
      },
    });
    const archive = pack();
    for (const file of files) {
      // 0444: readable by whatever user the service runs as, writable by nobody.
      archive.entry({ name: file.name, mode: 0o444, uid: 0, gid: 0 }, file.content);
    }
    archive.finalize();
    await docker.getContainer(helper).putArchive(archive, { path: HELPER_MOUNT });
  } finally {
    await remove();
  }
}
