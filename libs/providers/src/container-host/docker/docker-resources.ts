// Networks, volumes and the label inventory.

import type Docker from 'dockerode';
import {
  type LabelledResources,
  type Labels,
  type NetworkRef,
  type NetworkSpec,
  type VolumeRef,
  type VolumeSpec,
} from '../container-host.port.js';
import { assertResourceName, managedLabels } from './container-options.js';
import { engineMessage, isConflict, isNotFound } from './docker-errors.js';

async function inspectNetwork(
  docker: Docker,
  name: string,
): Promise<{ Id: string; Name: string; Containers?: Record<string, unknown> } | null> {
  try {
    const info = (await docker.getNetwork(name).inspect()) as {
      Id: string;
      Name: string;
      Containers?: Record<string, unknown>;
    };
    return info.Name === name ? info : null; // Docker also matches id prefixes
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

export async function ensureNetwork(docker: Docker, spec: NetworkSpec): Promise<NetworkRef> {
  assertResourceName('network.name', spec.name);
  const existing = await inspectNetwork(docker, spec.name);
  if (existing) return { id: existing.Id, name: spec.name, created: false };
  try {
    const network = await docker.createNetwork({
      Name: spec.name,
      Driver: 'bridge',
      Internal: spec.internal ?? true,
      CheckDuplicate: true, // without it dockerd 20.10 happily creates two networks of one name
      Labels: managedLabels(spec.labels),
    });
    return { id: network.id, name: spec.name, created: true };
  } catch (err) {
    if (!isConflict(err)) throw err;
    const raced = await inspectNetwork(docker, spec.name);
    if (!raced) throw err;
    return { id: raced.Id, name: spec.name, created: false };
  }
}

export async function removeNetwork(docker: Docker, name: string): Promise<void> {
  const info = await inspectNetwork(docker, name);
  if (!info) return;
  const network = docker.getNetwork(info.Id);
  // A gateway (or a leftover container) still attached would make the removal fail.
  for (const containerId of Object.keys(info.Containers ?? {})) {
    await network.disconnect({ Container: containerId, Force: true }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
  try {
    await network.remove();
  } catch (err) {
    if (!isNotFound(err)) {
      throw new Error(`Network ${name} could not be removed: ${engineMessage(err)}`);
    }
  }
}

export async function ensureVolume(docker: Docker, spec: VolumeSpec): Promise<VolumeRef> {
  assertResourceName('volume.name', spec.name);
  try {
    await docker.getVolume(spec.name).inspect();
    return { name: spec.name, created: false };
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  // Volume creation is idempotent in the Engine itself, so a race here is harmless.
  await docker.createVolume({
    Name: spec.name,
    Driver: 'local',
    Labels: managedLabels(spec.labels),
  });
  return { name: spec.name, created: true };
}

export async function removeVolume(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getVolume(name).remove();
  } catch (err) {
    if (isNotFound(err)) return;
    if (isConflict(err)) {
      throw new Error(
        `Volume ${name} is still in use (${engineMessage(err)}): remove its containers first`,
      );
    }
    throw err;
  }
}

export async function listByLabels(docker: Docker, labels: Labels): Promise<LabelledResources> {
  const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  if (!selector.length) {
    throw new Error('listByLabels needs at least one label, e.g. { "berth.managed": "true" }');
  }
  const filters = { label: selector };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return {
    containers: containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      image: c.Image,
      state: c.State,
      labels: c.Labels ?? {},
    })),
    networks: networks.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} })),
    volumes: (volumes.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} })),
  };
}
