// ContainerSpec → Docker Engine create options, with the security floor applied. Pure.

import { createHash } from 'node:crypto';
import { secretFileMounts, secretFilesDigest } from './docker-secret-files.js';
import type Docker from 'dockerode';
import { ContainerSpecError } from '../container-host.errors.js';
import {
  type ContainerSpec,
  type HealthcheckSpec,
  type ResourceLimits,
} from '../container-host.port.js';
import { allowedCapabilities, effectiveLimits, NO_NEW_PRIVILEGES } from '../security-policy.js';

export const MANAGED_LABEL = 'berth.managed';
export const CONFIG_HASH_LABEL = 'berth.config-hash';

// Docker's own rule for container, network and volume names.
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const MS = 1_000_000; // the Engine API counts healthcheck durations in nanoseconds

export interface PolicyOptions {
  defaultLimits: Required<ResourceLimits>;
  capabilityAllowlist: readonly string[];
}

export function assertResourceName(field: string, name: string): void {
  if (!NAME.test(name)) {
    throw new ContainerSpecError(
      field,
      `${JSON.stringify(name)} is not a valid Docker name (letters, digits, '_', '.', '-'; starts alphanumeric)`,
    );
  }
}

export function managedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return { ...labels, [MANAGED_LABEL]: 'true' };
}

/**
 * Create options for `spec`, labelled with a hash of everything that defines the container
 * (including the resolved image id, so a re-tagged image counts as a change).
 */
export function containerCreateOptions(
  spec: ContainerSpec,
  imageId: string,
  policy: PolicyOptions,
  /** Mount point on the engine's host of each volume a `file` mount binds from. */
  mountpoints: Readonly<Record<string, string>> = {},
): { options: Docker.ContainerCreateOptions; configHash: string } {
  validate(spec);
  const limits = effectiveLimits(spec.limits, policy.defaultLimits);
  const network = spec.network.name;
  const options: Docker.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Cmd: spec.command ? [...spec.command] : undefined,
    Entrypoint: spec.entrypoint ? [...spec.entrypoint] : undefined,
    // Sorted so that the same variables in another order hash the same (no needless replace).
    Env: Object.entries(spec.env ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .sort(),
    User: spec.user,
    WorkingDir: spec.workingDir,
    Hostname: spec.hostname,
    Tty: false,
    Healthcheck: spec.healthcheck ? healthcheck(spec.healthcheck) : undefined,
    HostConfig: {
      // An init (Docker's tini) as PID 1 reaps zombies, such as the health probes Docker 20.10
      // abandons after their timeout, and forwards signals: a preview can always be stopped.
      Init: true,
      // The security floor: not overridable by the spec.
      Privileged: false,
      SecurityOpt: [NO_NEW_PRIVILEGES],
      CapDrop: ['ALL'],
      CapAdd: allowedCapabilities(spec.capAdd, policy.capabilityAllowlist),
      PublishAllPorts: false,
      PortBindings: {},
      IpcMode: 'private',
      NetworkMode: network,
      ReadonlyRootfs: spec.readonlyRootfs ?? false,
      Memory: Math.round(limits.memoryBytes),
      MemorySwap: Math.round(limits.memoryBytes), // no swap on top of the memory limit
      NanoCpus: Math.round(limits.cpus * 1e9),
      PidsLimit: Math.round(limits.pids),
      Mounts: [
        ...(spec.mounts ?? []).map((m) => {
          if (m.file === undefined) {
            return {
              Type: 'volume' as const,
              Source: m.volume,
              Target: m.target,
              ReadOnly: m.readOnly ?? false,
            };
          }
          // One file of a Berth volume: bound from the volume's own directory on the engine's
          // host (never a path a compose file named), so it can be read-only like compose's.
          const mountpoint = mountpoints[m.volume];
          if (!mountpoint) {
            throw new ContainerSpecError('mounts', `no mount point known for volume ${m.volume}`);
          }
          return {
            Type: 'bind' as const,
            Source: `${mountpoint}/${m.file}`,
            Target: m.target,
            ReadOnly: m.readOnly ?? false,
          };
        }),
        ...secretFileMounts(spec),
      ],
      Tmpfs: spec.tmpfs ? { ...spec.tmpfs } : undefined,
      RestartPolicy: { Name: spec.restart ?? 'no' },
      // Bounded logs: a chatty preview must not fill the host's disk.
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    },
    NetworkingConfig: {
      EndpointsConfig: { [network]: { Aliases: [...(spec.network.aliases ?? [])] } },
    },
  };
  // Extra networks are connected after create (API 1.41 takes one network at create): they
  // still define the container, so a change of networks replaces it.
  const extraNetworks = (spec.extraNetworks ?? []).map((n) => ({
    name: n.name,
    aliases: [...(n.aliases ?? [])],
  }));
  const secrets = secretFilesDigest(spec);
  const configHash = hashOf({
    options,
    imageId,
    labels: spec.labels,
    ...(extraNetworks.length ? { extraNetworks } : {}),
    ...(secrets ? { secrets } : {}),
  });
  options.Labels = { ...managedLabels(spec.labels), [CONFIG_HASH_LABEL]: configHash };
  return { options, configHash };
}

function validate(spec: ContainerSpec): void {
  assertResourceName('name', spec.name);
  if (!spec.image.trim()) throw new ContainerSpecError('image', 'must not be empty');
  assertResourceName('network.name', spec.network.name);
  (spec.extraNetworks ?? []).forEach((n, i) => {
    assertResourceName(`extraNetworks[${i}].name`, n.name);
    if (n.name === spec.network.name) {
      throw new ContainerSpecError(`extraNetworks[${i}].name`, 'repeats the primary network');
    }
  });
  for (const key of Object.keys(spec.env ?? {})) {
    if (!key || key.includes('=')) {
      throw new ContainerSpecError(`env.${key}`, "names must be non-empty and contain no '='");
    }
  }
  (spec.mounts ?? []).forEach((m, i) => {
    // Only named volumes: a path here would be a host bind mount (docker.sock, /etc, …).
    if (!NAME.test(m.volume)) {
      throw new ContainerSpecError(
        `mounts[${i}].volume`,
        `${JSON.stringify(m.volume)} is not a named volume; host paths are not allowed in previews`,
      );
    }
    if (!m.target.startsWith('/')) {
      throw new ContainerSpecError(`mounts[${i}].target`, 'must be an absolute container path');
    }
    if (m.file !== undefined && !/^[^/\0]+$/.test(m.file.replace(/^\.{1,2}$/, '/'))) {
      throw new ContainerSpecError(
        `mounts[${i}].file`,
        `${JSON.stringify(m.file)} must be a plain file name inside the volume`,
      );
    }
  });
}

function healthcheck(h: HealthcheckSpec): Docker.HealthConfig {
  const test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : [...h.test];
  if (!['CMD', 'CMD-SHELL', 'NONE'].includes(test[0] ?? '')) {
    throw new ContainerSpecError(
      'healthcheck.test',
      "must start with 'CMD', 'CMD-SHELL' or 'NONE'",
    );
  }
  return {
    Test: test,
    Interval: h.intervalMs !== undefined ? h.intervalMs * MS : undefined,
    Timeout: h.timeoutMs !== undefined ? h.timeoutMs * MS : undefined,
    Retries: h.retries,
    StartPeriod: h.startPeriodMs !== undefined ? h.startPeriodMs * MS : undefined,
  };
}

/** sha256 over canonical JSON (sorted keys, undefined dropped), 16 hex chars. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
