// The ContainerHost port on one Docker Engine, through dockerode.

import { parseImageReference, type RegistryAuth } from '@berth/core';
import type Docker from 'dockerode';
import { ContainerHostUnreachableError, ImagePullError } from '../container-host.errors.js';
import {
  type BuildSpec,
  type BuiltImage,
  type ContainerHost,
  type ContainerSpec,
  type ContainerState,
  type ContainerUsage,
  type DiskUsage,
  type EnsuredImage,
  type ExecInput,
  type ExecResult,
  type HealthcheckSpec,
  type LabelledResources,
  type LogStreamOptions,
  type Labels,
  type ListedImage,
  type ListedNetwork,
  type NetworkRef,
  type NetworkSpec,
  type ProbeOptions,
  type ProbeResult,
  type PulledImage,
  type PullSpec,
  type ResourceLimits,
  type RunOptions,
  type RunResult,
  type VolumeCopy,
  type VolumeCopyResult,
  type VolumeRef,
  type VolumeFill,
  type VolumeSpec,
  type WaitOptions,
} from '../container-host.port.js';
import { CAPABILITY_ALLOWLIST, DEFAULT_LIMITS } from '../security-policy.js';
import { Semaphore } from '../semaphore.js';
import { BuildCgroups, type BuildCgroupStatus } from './build-cgroup.js';
import { type PolicyOptions } from './container-options.js';
import { createDockerClient, describeEndpoint, type DockerClientOptions } from './docker-client.js';
import * as containers from './docker-containers.js';
import { mapUnreachable } from './docker-errors.js';
import { ExecProber } from './exec-probe.js';
import * as images from './docker-images.js';
import { pullImage } from './docker-pull.js';
import * as resources from './docker-resources.js';
import { copyVolume } from './docker-volume-copy.js';
import * as usage from './docker-usage.js';
import { execWithInput } from './docker-exec-input.js';
import { streamLogs } from './docker-log-stream.js';
import { waitForContainer } from './wait-for-container.js';

export interface DockerContainerHostOptions extends DockerClientOptions {
  /** An existing client (tests, custom TLS); otherwise one is made from dockerHost/apiVersion. */
  docker?: Docker;
  /** Builds running at once on this host (default 2): they saturate CPU and disk. */
  maxConcurrentBuilds?: number;
  /** Limits for containers whose spec leaves them out. */
  defaultLimits?: ResourceLimits;
  capabilityAllowlist?: readonly string[];
  pingTimeoutMs?: number;
  /** What every build step may use (BUILD_* settings); unset fields are not limited. */
  buildLimits?: BuildLimits;
  /** Credentials per registry host (REGISTRY_AUTH_FILE) for pulls and for builds' `FROM`. */
  registryAuth?: RegistryAuth;
  /** How long one pull may take (PULL_TIMEOUT_S); default 10 minutes. */
  pullTimeoutMs?: number;
  /** Pull progress lines at most this often; default 5 s. */
  pullProgressIntervalMs?: number;
}

export interface BuildLimits {
  memoryBytes?: number;
  cpus?: number;
  /** Enforced through a per-build cgroup parent where the engine allows (buildConfinement()). */
  pids?: number;
  timeoutMs?: number;
  /** Default bridge: builds may download packages. `host` is never offered. */
  network?: 'bridge' | 'none';
}

export class DockerContainerHost implements ContainerHost {
  readonly docker: Docker;
  readonly endpoint: string;
  private readonly builds: Semaphore;
  private readonly inFlightBuilds = new Map<string, Promise<EnsuredImage>>();
  private readonly inFlightPulls = new Map<string, Promise<PulledImage>>();
  private readonly buildLimits: BuildLimits;
  private readonly buildCgroups: BuildCgroups | null;
  private readonly registryAuth: RegistryAuth | undefined;
  private readonly pullTimeoutMs: number;
  private readonly pullProgressIntervalMs: number;
  private readonly policy: PolicyOptions;
  private readonly pingTimeoutMs: number;
  private readonly prober: ExecProber;

  constructor(options: DockerContainerHostOptions = {}) {
    this.docker = options.docker ?? createDockerClient(options);
    this.endpoint = describeEndpoint(this.docker);
    this.builds = new Semaphore(options.maxConcurrentBuilds ?? 2);
    this.policy = {
      defaultLimits: { ...DEFAULT_LIMITS, ...options.defaultLimits },
      capabilityAllowlist: options.capabilityAllowlist ?? CAPABILITY_ALLOWLIST,
    };
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
    this.prober = new ExecProber(this.docker);
    this.buildLimits = options.buildLimits ?? {};
    this.buildCgroups = this.buildLimits.pids
      ? new BuildCgroups(this.docker, this.buildLimits.pids, this.endpoint.startsWith('unix://'))
      : null;
    this.registryAuth = options.registryAuth;
    this.pullTimeoutMs = options.pullTimeoutMs ?? 600_000;
    this.pullProgressIntervalMs = options.pullProgressIntervalMs ?? 5_000;
  }

  /** Whether builds' pids limit is enforced on this host, and why not; log it at start-up. */
  async buildConfinement(): Promise<BuildCgroupStatus & BuildLimits> {
    const status: BuildCgroupStatus = this.buildCgroups
      ? await this.guard(this.buildCgroups.status())
      : { pidsLimited: false, reason: 'no pids limit is configured' };
    return { ...this.buildLimits, ...status };
  }

  /** The engine's MemTotal (`docker info`): what the host's memory commitment defaults from. */
  async memoryTotalBytes(): Promise<number> {
    const info = (await this.guard(this.docker.info())) as { MemTotal?: unknown };
    if (typeof info.MemTotal !== 'number' || !(info.MemTotal > 0)) {
      throw new Error(`the Docker engine at ${this.endpoint} did not report its MemTotal`);
    }
    return info.MemTotal;
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.pingTimeoutMs} ms`)),
        this.pingTimeoutMs,
      );
    });
    try {
      await Promise.race([this.docker.ping(), timeout]);
    } catch (err) {
      throw new ContainerHostUnreachableError(this.endpoint, err);
    } finally {
      clearTimeout(timer);
    }
  }

  ensureNetwork(spec: NetworkSpec): Promise<NetworkRef> {
    return this.guard(resources.ensureNetwork(this.docker, spec));
  }

  removeNetwork(name: string): Promise<void> {
    return this.guard(resources.removeNetwork(this.docker, name));
  }

  ensureVolume(spec: VolumeSpec): Promise<VolumeRef> {
    return this.guard(resources.ensureVolume(this.docker, spec));
  }

  removeVolume(name: string): Promise<void> {
    return this.guard(resources.removeVolume(this.docker, name));
  }

  fillVolume(spec: VolumeFill): Promise<void> {
    return this.guard(resources.fillVolume(this.docker, spec));
  }

  copyVolume(spec: VolumeCopy): Promise<VolumeCopyResult> {
    return this.guard(copyVolume(this.docker, spec));
  }

  async imageExists(tag: string): Promise<boolean> {
    return (await this.guard(images.imageId(this.docker, tag))) !== null;
  }

  buildImage(spec: BuildSpec): Promise<BuiltImage> {
    return this.guard(this.builds.run(() => this.confinedBuild(spec)));
  }

  ensureImage(spec: BuildSpec): Promise<EnsuredImage> {
    // Concurrent ensures of one tag share a single build.
    const pending = this.inFlightBuilds.get(spec.tag);
    if (pending) return pending.then((r) => ({ ...r, built: false }));
    const run = this.guard(
      this.builds.run(async (): Promise<EnsuredImage> => {
        const id = await images.imageId(this.docker, spec.tag);
        if (id) return { tag: spec.tag, id, built: false };
        return { ...(await this.confinedBuild(spec)), built: true };
      }),
    ).finally(() => this.inFlightBuilds.delete(spec.tag));
    this.inFlightBuilds.set(spec.tag, run);
    return run;
  }

  removeImage(tag: string): Promise<void> {
    return this.guard(images.removeImage(this.docker, tag));
  }

  ensurePulled(spec: PullSpec): Promise<PulledImage> {
    const policy = spec.policy ?? 'missing';
    // Two services or environments needing one image wait on one pull.
    const pending = this.inFlightPulls.get(spec.image);
    if (pending) return pending.then((r) => ({ ...r, pulled: false }));
    const run = this.guard(
      (async (): Promise<PulledImage> => {
        if (policy !== 'always') {
          const id = await images.imageId(this.docker, spec.image);
          if (id) return { image: spec.image, id, pulled: false };
          if (policy === 'never') {
            throw new ImagePullError(
              spec.image,
              parseImageReference(spec.image).registry,
              'not-present',
              `${spec.image} is not on this Docker host and its pull_policy is never: remove pull_policy: never, or have the operator load the image on the host`,
            );
          }
        }
        const id = await pullImage(this.docker, spec.image, {
          ...(this.registryAuth ? { auth: this.registryAuth } : {}),
          timeoutMs: this.pullTimeoutMs,
          progressIntervalMs: this.pullProgressIntervalMs,
          ...(spec.onProgress ? { onProgress: spec.onProgress } : {}),
        });
        return { image: spec.image, id, pulled: true };
      })(),
    ).finally(() => this.inFlightPulls.delete(spec.image));
    this.inFlightPulls.set(spec.image, run);
    return run;
  }

  runContainer(spec: ContainerSpec, options?: RunOptions): Promise<RunResult> {
    return this.guard(containers.runContainer(this.docker, spec, this.policy, options));
  }

  waitForContainer(name: string, options: WaitOptions): Promise<ContainerState> {
    return this.guard(waitForContainer(this.docker, name, options));
  }

  execWithInput(name: string, spec: ExecInput): Promise<ExecResult> {
    return this.guard(execWithInput(this.docker, name, spec));
  }

  probeHealth(
    name: string,
    test: HealthcheckSpec['test'],
    options: ProbeOptions,
  ): Promise<ProbeResult> {
    return this.guard(this.prober.probe(name, test, options));
  }

  containerLogs(name: string, options: { tail?: number } = {}): Promise<string> {
    return this.guard(containers.containerLogs(this.docker, name, options.tail ?? 100));
  }

  streamLogs(name: string, options: LogStreamOptions): Promise<void> {
    return this.guard(streamLogs(this.docker, name, options));
  }

  async inspectContainer(name: string): Promise<ContainerState | null> {
    const info = await this.guard(containers.inspectRaw(this.docker, name));
    return info ? containers.toState(info) : null;
  }

  removeContainer(name: string): Promise<void> {
    return this.guard(containers.removeContainer(this.docker, name));
  }

  stopContainer(name: string, timeoutS?: number): Promise<void> {
    return this.guard(containers.stopContainer(this.docker, name, timeoutS));
  }

  startContainer(name: string): Promise<void> {
    return this.guard(containers.startContainer(this.docker, name));
  }

  pauseContainer(name: string): Promise<boolean> {
    return this.guard(containers.pauseContainer(this.docker, name));
  }

  unpauseContainer(name: string): Promise<void> {
    return this.guard(containers.unpauseContainer(this.docker, name));
  }

  listByLabels(labels: Labels): Promise<LabelledResources> {
    return this.guard(resources.listByLabels(this.docker, labels));
  }

  listImagesByLabels(labels: Labels): Promise<ListedImage[]> {
    return this.guard(resources.listImagesByLabels(this.docker, labels));
  }

  listNetworks(): Promise<ListedNetwork[]> {
    return this.guard(resources.listNetworks(this.docker));
  }

  containerUsage(id: string): Promise<ContainerUsage | null> {
    return this.guard(usage.containerUsage(this.docker, id));
  }

  diskUsage(): Promise<DiskUsage> {
    return this.guard(usage.diskUsage(this.docker));
  }

  /** One build with the operator's limits; its pids cgroup lives exactly as long as the build. */
  private async confinedBuild(spec: BuildSpec): Promise<BuiltImage> {
    const cgroup = this.buildCgroups ? await this.buildCgroups.acquire() : null;
    try {
      return await images.buildImage(this.docker, spec, {
        ...this.buildLimits,
        ...(cgroup ? { cgroupParent: cgroup.parent } : {}),
        ...(this.registryAuth ? { registryConfig: registryConfig(this.registryAuth) } : {}),
      });
    } finally {
      await cgroup?.release();
    }
  }

  /** Socket failures anywhere read as "engine unreachable", with the fix. */
  private guard<T>(work: Promise<T>): Promise<T> {
    return work.catch((err: unknown) => {
      throw mapUnreachable(err, this.endpoint);
    });
  }
}

/** The engine's X-Registry-Config for builds: credentials by registry host. */
function registryConfig(auth: RegistryAuth): Docker.RegistryConfig {
  const out: Docker.RegistryConfig = {};
  for (const [host, credential] of auth) {
    out[host] = { username: credential.username, password: credential.password };
  }
  return out;
}
