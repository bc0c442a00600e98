// Containers: idempotent run, inspect, logs, removal.

import type Docker from 'dockerode';
import { clearSecretFiles, secretFileCount, writeSecretFiles } from './docker-secret-files.js';
import { ContainerSpecError } from '../container-host.errors.js';
import {
  type ContainerSpec,
  type ContainerState,
  type RunOptions,
  type RunResult,
} from '../container-host.port.js';
import {
  CONFIG_HASH_LABEL,
  containerCreateOptions,
  type PolicyOptions,
} from './container-options.js';
import { isConflict, isNotFound, isNotModified } from './docker-errors.js';
import { imageId } from './docker-images.js';
import { demuxLogs } from './log-frames.js';
import { volumeMountpoint } from './docker-resources.js';

/** Raw inspect by exact name (Docker would also match an id prefix); null when absent. */
export async function inspectRaw(
  docker: Docker,
  name: string,
): Promise<Docker.ContainerInspectInfo | null> {
  try {
    const info = await docker.getContainer(name).inspect();
    return info.Name === `/${name}` || info.Id === name ? info : null;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

export function toState(info: Docker.ContainerInspectInfo): ContainerState {
  const health = info.State.Health?.Status;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    status: info.State.Status,
    running: info.State.Running,
    exitCode: info.State.Running || info.State.Status === 'created' ? null : info.State.ExitCode,
    health: health === 'healthy' || health === 'unhealthy' || health === 'starting' ? health : null,
    restartCount: info.RestartCount ?? 0,
    labels: info.Config.Labels ?? {},
    networks: Object.fromEntries(
      Object.entries(info.NetworkSettings.Networks ?? {}).map(([net, ep]) => [net, ep.IPAddress]),
    ),
  };
}

export async function runContainer(
  docker: Docker,
  spec: ContainerSpec,
  policy: PolicyOptions,
  run: RunOptions = {},
  attempt = 0,
): Promise<RunResult> {
  const image = await imageId(docker, spec.image);
  if (!image) {
    throw new ContainerSpecError(
      'image',
      `${spec.image} is not on this Docker host: build it (or pull it) before running ${spec.name}`,
    );
  }
  const mountpoints: Record<string, string> = {};
  for (const m of spec.mounts ?? []) {
    if (m.file !== undefined && !mountpoints[m.volume]) {
      mountpoints[m.volume] = await volumeMountpoint(docker, m.volume);
    }
  }
  const { options, configHash } = containerCreateOptions(spec, image, policy, mountpoints);
  const existing = await inspectRaw(docker, spec.name);
  const result = (action: RunResult['action'], id: string): RunResult => ({
    id,
    name: spec.name,
    action,
    configHash,
  });

  if (existing && existing.Config.Labels?.[CONFIG_HASH_LABEL] === configHash) {
    // Written again even when reused: after a host reboot /dev/shm is empty.
    await writeSecretFiles(docker, spec);
    const s = existing.State;
    // A one-shot job that already succeeded is done; anything else stopped is started again.
    const oneShotDone =
      s.Status === 'exited' && s.ExitCode === 0 && (spec.restart ?? 'no') === 'no';
    if (s.Running || oneShotDone) return result('reused', existing.Id);
    await start(docker, existing.Id);
    return result('started', existing.Id);
  }
  if (existing) {
    await run.beforeReplace?.();
    await removeContainer(docker, spec.name);
  }
  // After the old container's removal, which clears its secret files.
  await writeSecretFiles(docker, spec);
  try {
    const created = await docker.createContainer(options);
    try {
      for (const network of spec.extraNetworks ?? []) {
        await docker.getNetwork(network.name).connect({
          Container: created.id,
          EndpointConfig: { Aliases: [...(network.aliases ?? [])] },
        });
      }
    } catch (err) {
      // Its config hash claims every network: a half-connected container must not be reused.
      await removeContainer(docker, spec.name).catch(() => undefined);
      throw err;
    }
    await start(docker, created.id);
    return result(existing ? 'replaced' : 'created', created.id);
  } catch (err) {
    // Another worker created the same name between our inspect and create: converge on theirs.
    if (isConflict(err) && attempt < 2) return runContainer(docker, spec, policy, run, attempt + 1);
    throw err;
  }
}

async function start(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).start();
  } catch (err) {
    if (!isNotModified(err)) throw err; // 304: already running
  }
}

/** Stops by exact name; missing (404) and already stopped (304) are both fine. */
export async function stopContainer(
  docker: Docker,
  name: string,
  timeoutS?: number,
): Promise<void> {
  if (timeoutS !== undefined && !(Number.isInteger(timeoutS) && timeoutS >= 0)) {
    throw new ContainerSpecError(
      'timeoutS',
      `must be a whole number of seconds >= 0, not ${timeoutS}`,
    );
  }
  const info = await inspectRaw(docker, name);
  if (!info) return;
  try {
    await docker.getContainer(info.Id).stop(timeoutS === undefined ? {} : { t: timeoutS });
  } catch (err) {
    if (!isNotFound(err) && !isNotModified(err)) throw err;
  }
}

/**
 * Freezes a running container's processes (the cgroup freezer): its files stop changing, so a
 * copy of its volumes is what a crash at that instant would leave. False when it is missing,
 * stopped or already paused: nothing to thaw later.
 */
export async function pauseContainer(docker: Docker, name: string): Promise<boolean> {
  const info = await inspectRaw(docker, name);
  if (!info?.State.Running || info.State.Paused) return false;
  await docker.getContainer(info.Id).pause();
  return true;
}

/** Thaws a paused container; missing or not paused is fine. */
export async function unpauseContainer(docker: Docker, name: string): Promise<void> {
  const info = await inspectRaw(docker, name);
  if (!info?.State.Paused) return;
  try {
    await docker.getContainer(info.Id).unpause();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Starts an existing container by exact name; already running (304) is fine. */
export async function startContainer(docker: Docker, name: string): Promise<void> {
  const info = await inspectRaw(docker, name);
  if (!info) {
    throw new Error(
      `No container named ${name} on this Docker host to start: create it first (runContainer)`,
    );
  }
  try {
    await start(docker, info.Id);
  } catch (err) {
    if (isNotFound(err)) {
      throw new Error(`Container ${name} was removed while it was being started`);
    }
    throw err;
  }
}

export async function containerLogs(docker: Docker, name: string, tail = 100): Promise<string> {
  try {
    const buf = await docker
      .getContainer(name)
      .logs({ stdout: true, stderr: true, follow: false, tail });
    return demuxLogs(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)));
  } catch (err) {
    if (isNotFound(err)) throw new Error(`No container named ${name} on this Docker host`);
    throw err;
  }
}

export async function removeContainer(docker: Docker, name: string): Promise<void> {
  // Its secret files go with it (they are on the engine host's tmpfs, outside the container).
  const info = await docker
    .getContainer(name)
    .inspect()
    .catch(() => undefined);
  const secretFiles = info ? secretFileCount(info) : 0;
  for (let i = 0; i < 50; i++) {
    try {
      await docker.getContainer(name).remove({ force: true, v: true });
      if (info && secretFiles > 0) {
        await clearSecretFiles(docker, name, info.Config.Image, secretFiles);
      }
      return;
    } catch (err) {
      if (isNotFound(err)) return;
      // "removal of container … is already in progress": wait for the other remover.
      if (!isConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`Container ${name} could not be removed: removal kept conflicting for 5 s`);
}
