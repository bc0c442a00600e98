// Copying one volume's whole content into another (database branching: a PR's volume starts as
// a copy of a base). Two ways, both from the service's own image (always on the host):
// - first, `cp -a --reflink=auto` in a started helper on the engine host: no bytes through the
//   API, instant where the filesystem has reflinks (measured in the `databases` bench);
// - an image without a shell or GNU cp: the engine's own archive API between two helpers that
//   are never started, streaming the tar straight from one to the other (works for any image).
//
// Ownership and modes (Postgres refuses a data directory not owned by its user with mode 0700),
// measured on dockerd 20.10:
// - PUT /archive keeps each entry's uid/gid when `copyUIDGID` is left unset (false). Set, it does
//   NOT mean "keep": it chowns every entry to the helper's configured `User` (to root's mapping
//   when the helper has none), so it is never sent here.
// - An archive of `<mount>/.` names the volume root `./`, and extraction skips a `.` entry that
//   already exists: the copy's root would keep the new volume's root:root 0755. So both helpers
//   mount their volume at the same path and the archive of `<mount>` (entries `berth-volume/…`)
//   is extracted at `/`: the root entry lands on the mount point, which is the volume's root.

import { Transform } from 'node:stream';
import type Docker from 'dockerode';
import { extract } from 'tar-stream';
import { type Labels, type VolumeCopy, type VolumeCopyResult } from '../container-host.port.js';
import { assertResourceName, managedLabels } from './container-options.js';
import { engineMessage, isNotFound } from './docker-errors.js';
import { ensureVolume, removeVolume } from './docker-resources.js';
import { demuxLogs } from './log-frames.js';

/** Where each helper mounts its volume; the same path in both, see above. */
const MOUNT = '/berth-volume';
export const VOLUME_COPY_HELPER_LABEL = 'berth.helper';

export async function copyVolume(docker: Docker, spec: VolumeCopy): Promise<VolumeCopyResult> {
  assertResourceName('from', spec.from);
  assertResourceName('to', spec.to);
  if (spec.from === spec.to) throw new Error(`Volume ${spec.from} cannot be copied onto itself`);
  const started = Date.now();
  if (!(await volumeExists(docker, spec.from))) {
    throw new Error(`Volume ${spec.from} does not exist on this Docker host: nothing to copy`);
  }
  // A paused user's files cannot change (pauseContainer): copied as a crash at that instant.
  const live = spec.pausedUsers ? ['running', 'restarting'] : ['running', 'restarting', 'paused'];
  const users = await docker.listContainers({ filters: { volume: [spec.from], status: live } });
  if (users.length) {
    const names = users.map((c) => (c.Names[0] ?? c.Id).replace(/^\//, '')).join(', ');
    throw new Error(
      `Volume ${spec.from} is in use by running container ${names}: a copy of live files is ` +
        'torn; stop or pause it first (stopContainer, pauseContainer), copy, then start it again',
    );
  }
  const { created } = await ensureVolume(docker, { name: spec.to, labels: spec.labels });

  const src = `${spec.to}-copy-src`;
  const dst = `${spec.to}-copy-dst`;
  const run = `${spec.to}-copy-run`;
  const removeHelpers = () =>
    Promise.all([removeHelper(docker, src), removeHelper(docker, dst), removeHelper(docker, run)]);
  let copied = false;
  try {
    await removeHelpers(); // leftovers of an interrupted run
    if (!created) {
      await createHelper(docker, dst, spec.to, false, spec.image, spec.labels);
      if (await hasContent(docker, dst)) {
        throw new Error(
          `Volume ${spec.to} already has content: copyVolume never merges into it; remove it ` +
            `(removeVolume ${spec.to}) or copy into a new volume`,
        );
      }
    }
    // The engine host's own copy when the image has a shell and cp: no tar through the API, and
    // a reflink (instant) where the filesystem has them. Otherwise the archive stream below.
    const local = await copyInPlace(docker, run, spec);
    if (local !== undefined) {
      copied = true;
      return { bytes: local, ms: Date.now() - started };
    }
    await createHelper(docker, src, spec.from, true, spec.image, spec.labels);
    if (created) await createHelper(docker, dst, spec.to, false, spec.image, spec.labels);
    const archive = await docker.getContainer(src).getArchive({ path: MOUNT });
    let bytes = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    archive.on('error', (err: Error) => counted.destroy(err));
    archive.pipe(counted);
    // No copyUIDGID: unset, the engine keeps every entry's uid/gid (see the top of this file).
    await docker.getContainer(dst).putArchive(counted, { path: '/' });
    copied = true;
    return { bytes, ms: Date.now() - started };
  } finally {
    await removeHelpers();
    // A half-filled volume this call created would refuse the retry: it goes.
    if (created && !copied) await removeVolume(docker, spec.to).catch(() => undefined);
  }
}

const FROM = '/berth-from';
const TO = '/berth-to';
// `dir/.` copies the root's owner and mode onto the target root as well; du reports what landed.
const COPY_SCRIPT = `cp -a --reflink=auto ${FROM}/. ${TO}/ && du -sk ${TO}`;

/**
 * Copies with `cp -a` in a started helper (root, no network, only the capabilities a copy that
 * keeps owners needs). Returns the bytes copied, or undefined when the image has no shell or a
 * cp that knows `--reflink` (busybox, distroless): the caller streams an archive instead.
 */
async function copyInPlace(
  docker: Docker,
  name: string,
  spec: VolumeCopy,
): Promise<number | undefined> {
  const container = await docker
    .createContainer({
      name,
      Image: spec.image,
      Entrypoint: ['sh', '-c', COPY_SCRIPT],
      Cmd: [],
      User: '0:0',
      Labels: { ...managedLabels(spec.labels), [VOLUME_COPY_HELPER_LABEL]: 'volume-copy' },
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: 'none',
        CapDrop: ['ALL'],
        CapAdd: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'],
        SecurityOpt: ['no-new-privileges'],
        Mounts: [
          { Type: 'volume', Source: spec.from, Target: FROM, ReadOnly: true },
          { Type: 'volume', Source: spec.to, Target: TO, ReadOnly: false },
        ],
      },
    })
    .catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
      throw new Error(
        `Copying volume ${spec.from} needs the image ${spec.image} on this Docker host ` +
          `(${engineMessage(err)}): pull or build it first`,
      );
    });
  try {
    await container.start();
  } catch (err) {
    // No `sh` in the image: the engine refuses to start it.
    if (/executable file not found|no such file or directory/i.test(engineMessage(err))) {
      return undefined;
    }
    throw err;
  }
  const { StatusCode } = (await container.wait()) as { StatusCode: number };
  const logs = demuxLogs(await container.logs({ stdout: true, stderr: true }));
  if (StatusCode === 0) {
    const kib = /^(\d+)\s/m.exec(logs);
    return kib?.[1] ? Number(kib[1]) * 1024 : 0;
  }
  // 126/127: no cp; 1 with "unrecognized option": a cp without --reflink. Anything else is real.
  if (StatusCode === 126 || StatusCode === 127 || /unrecognized option|invalid option/.test(logs)) {
    // Refused before writing anything: the archive path finds the volume still empty.
    return undefined;
  }
  throw new Error(
    `Copying volume ${spec.from} into ${spec.to} failed (exit ${StatusCode}): ${logs.slice(-500).trim()}`,
  );
}

async function volumeExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).inspect();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

async function createHelper(
  docker: Docker,
  name: string,
  volume: string,
  readOnly: boolean,
  image: string,
  labels: Labels,
): Promise<void> {
  try {
    await docker.createContainer({
      name,
      Image: image,
      Entrypoint: ['/.berth-copy-never-runs'],
      Cmd: [],
      Labels: { ...managedLabels(labels), [VOLUME_COPY_HELPER_LABEL]: 'volume-copy' },
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: 'none',
        Mounts: [{ Type: 'volume', Source: volume, Target: MOUNT, ReadOnly: readOnly }],
      },
    });
  } catch (err) {
    if (isNotFound(err)) {
      throw new Error(
        `Copying volume ${volume} needs the image ${image} on this Docker host ` +
          `(${engineMessage(err)}): pull or build it first`,
      );
    }
    throw err;
  }
}

function removeHelper(docker: Docker, name: string): Promise<void> {
  return docker
    .getContainer(name)
    .remove({ force: true, v: false })
    .catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
}

/** Whether the volume holds anything: a second archive entry after its root, read no further. */
async function hasContent(docker: Docker, helper: string): Promise<boolean> {
  const archive = (await docker
    .getContainer(helper)
    .getArchive({ path: MOUNT })) as NodeJS.ReadableStream & { destroy?: () => void };
  const reader = extract();
  let entries = 0;
  return new Promise<boolean>((resolve, reject) => {
    const finish = (value: boolean) => {
      archive.unpipe?.(reader);
      archive.destroy?.();
      reader.destroy();
      resolve(value);
    };
    reader.on('entry', (_header, body, next) => {
      entries += 1;
      if (entries > 1) return finish(true);
      body.on('end', next);
      body.resume();
    });
    reader.on('finish', () => resolve(false));
    reader.on('error', (err) => (entries > 1 ? resolve(true) : reject(err)));
    archive.on('error', (err: Error) => (entries > 1 ? resolve(true) : reject(err)));
    archive.pipe(reader);
  });
}
