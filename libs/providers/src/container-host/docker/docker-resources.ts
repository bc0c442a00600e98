// Networks, volumes and the label inventory.

import type Docker from 'dockerode';
import {
  ContainerSpecError,
  NetworkSubnetMismatchError,
  SubnetInUseError,
} from '../container-host.errors.js';
import {
  type LabelledResources,
  type Labels,
  type ListedImage,
  type ListedNetwork,
  type NetworkRef,
  type NetworkSpec,
  type VolumeFill,
  type VolumeRef,
  type VolumeSpec,
} from '../container-host.port.js';
import { assertResourceName, managedLabels } from './container-options.js';
import { engineMessage, isConflict, isNotFound } from './docker-errors.js';

interface NetworkInfo {
  Id: string;
  Name: string;
  Containers?: Record<string, unknown>;
  IPAM?: { Config?: { Subnet?: string }[] | null };
}

async function inspectNetwork(docker: Docker, name: string): Promise<NetworkInfo | null> {
  try {
    const info = (await docker.getNetwork(name).inspect()) as NetworkInfo;
    return info.Name === name ? info : null; // Docker also matches id prefixes
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

function subnetsOf(info: { IPAM?: NetworkInfo['IPAM'] }): string[] {
  return (info.IPAM?.Config ?? []).flatMap((c) => (c.Subnet ? [c.Subnet] : []));
}

/** An existing network is reused only when it sits in the range Berth allocated for it. */
function existingRef(info: NetworkInfo, spec: NetworkSpec): NetworkRef {
  const subnets = subnetsOf(info);
  if (spec.subnet && !subnets.includes(spec.subnet.cidr)) {
    throw new NetworkSubnetMismatchError(spec.name, spec.subnet.cidr, subnets);
  }
  return { id: info.Id, name: spec.name, created: false };
}

// dockerd answers an explicit subnet that another network holds with "Pool overlaps with other
// one on this address space" (20.10) or "… overlaps with …" in newer versions.
const OVERLAP = /overlaps/i;

export async function ensureNetwork(docker: Docker, spec: NetworkSpec): Promise<NetworkRef> {
  assertResourceName('network.name', spec.name);
  const existing = await inspectNetwork(docker, spec.name);
  if (existing) return existingRef(existing, spec);
  try {
    const network = await docker.createNetwork({
      Name: spec.name,
      Driver: 'bridge',
      Internal: spec.internal ?? true,
      CheckDuplicate: true, // without it dockerd 20.10 happily creates two networks of one name
      Labels: managedLabels(spec.labels),
      ...(spec.subnet
        ? {
            IPAM: {
              Driver: 'default',
              Config: [
                {
                  Subnet: spec.subnet.cidr,
                  ...(spec.subnet.gateway ? { Gateway: spec.subnet.gateway } : {}),
                },
              ],
            },
          }
        : {}),
    });
    return { id: network.id, name: spec.name, created: true };
  } catch (err) {
    if (spec.subnet && OVERLAP.test(engineMessage(err))) {
      throw new SubnetInUseError(spec.name, spec.subnet.cidr, engineMessage(err));
    }
    if (!isConflict(err)) throw err;
    const raced = await inspectNetwork(docker, spec.name);
    if (!raced) throw err;
    return existingRef(raced, spec);
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

function labelFilters(labels: Labels): { label: string[] } {
  const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  if (!selector.length) {
    throw new Error('listing by labels needs at least one label, e.g. { "berth.managed": "true" }');
  }
  return { label: selector };
}

/** The engine reports containers' and images' creation in Unix seconds. */
function fromUnixSeconds(seconds: number | undefined): string | undefined {
  return typeof seconds === 'number' && seconds > 0
    ? new Date(seconds * 1000).toISOString()
    : undefined;
}

/** Networks and volumes carry an RFC 3339 time (nanoseconds, any offset). */
function fromEngineTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

export async function listByLabels(docker: Docker, labels: Labels): Promise<LabelledResources> {
  const filters = labelFilters(labels);
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
      ...optional('createdAt', fromUnixSeconds(c.Created)),
    })),
    networks: networks.map(toListedNetwork),
    volumes: (volumes.Volumes ?? []).map((v) => ({
      name: v.Name,
      labels: v.Labels ?? {},
      ...optional('createdAt', fromEngineTime((v as { CreatedAt?: string }).CreatedAt)),
    })),
  };
}

export async function listImagesByLabels(docker: Docker, labels: Labels): Promise<ListedImage[]> {
  const images = await docker.listImages({ all: false, filters: labelFilters(labels) });
  return images.map((i) => ({
    id: i.Id,
    tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    labels: i.Labels ?? {},
    sizeBytes: i.Size,
    ...optional('createdAt', fromUnixSeconds(i.Created)),
  }));
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

export async function listNetworks(docker: Docker): Promise<ListedNetwork[]> {
  return (await docker.listNetworks()).map(toListedNetwork);
}

function toListedNetwork(n: Docker.NetworkInspectInfo): ListedNetwork {
  return {
    id: n.Id,
    name: n.Name,
    labels: n.Labels ?? {},
    subnets: subnetsOf(n),
    ...optional('createdAt', fromEngineTime(n.Created)),
  };
}

/**
 * The engine copies an image's content at a volume's mount point into the volume when a
 * container is created with it and the volume is empty. The container is never started (it
 * runs nothing, on no network) and is removed at once; the volume keeps the files.
 */
export async function fillVolume(docker: Docker, spec: VolumeFill): Promise<void> {
  assertResourceName('volume', spec.volume);
  if (!spec.path.startsWith('/')) {
    throw new ContainerSpecError('path', 'must be an absolute path in the image');
  }
  const name = `${spec.volume}-fill`;
  const remove = () =>
    docker
      .getContainer(name)
      .remove({ force: true, v: false })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
  await remove();
  await docker.createContainer({
    name,
    Image: spec.image,
    Entrypoint: ['/.berth-fill-never-runs'],
    Cmd: [],
    Labels: managedLabels(spec.labels),
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      Mounts: [{ Type: 'volume', Source: spec.volume, Target: spec.path, ReadOnly: false }],
    },
  });
  await remove();
}

/** Where a volume's files live on the engine's host (local driver): a file mount binds from it. */
export async function volumeMountpoint(docker: Docker, name: string): Promise<string> {
  const info = (await docker.getVolume(name).inspect()) as { Mountpoint?: string; Driver?: string };
  if (!info.Mountpoint) {
    throw new Error(
      `Volume ${name} reports no mount point (driver ${info.Driver ?? 'unknown'}): ` +
        'a single-file repository mount needs the local driver',
    );
  }
  return info.Mountpoint;
}
