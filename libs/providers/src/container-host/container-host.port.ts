// What the lifecycle needs from one Docker host, in Berth's terms. Drivers implement it; apps bind
// a driver to this port. Every method is idempotent: the lifecycle is at-least-once, so running a
// step twice must converge on the same resources (DESIGN.md, "The spine").

import type { Readable } from 'node:stream';

/** Labels are plain strings; drivers always add `berth.managed=true` to what they create. */
export type Labels = Readonly<Record<string, string>>;

export interface NetworkSpec {
  /** Deterministic per environment, e.g. `berth-pr-12-shop`. */
  name: string;
  labels: Labels;
  /**
   * Default true: an internal bridge has no route off the host, so a preview cannot reach the
   * internet or production services. The host still reaches containers on it by IP (the bridge's
   * gateway address lives on the host), and a containerised gateway joins the network; measured on
   * dockerd 20.10. Set false only for products that need egress at run time.
   */
  internal?: boolean;
  /**
   * The network's address range, from Berth's subnet pool (Docker's own pools stop at about 30
   * networks per host). Unset: Docker picks one. An existing network with another range is an
   * error, never silently reused.
   */
  subnet?: NetworkSubnet;
}

export interface NetworkSubnet {
  /** e.g. `10.210.0.64/26`. */
  cidr: string;
  /** The bridge's address on the host; Docker takes the first address when unset. */
  gateway?: string;
}

export interface NetworkRef {
  id: string;
  name: string;
  /** False when the network already existed (idempotent re-run). */
  created: boolean;
}

export interface VolumeSpec {
  name: string;
  labels: Labels;
}

export interface VolumeRef {
  name: string;
  created: boolean;
}

export interface BuildSpec {
  /** Absolute path of the build context directory; `.dockerignore` inside it is honoured. */
  contextDir: string;
  /** Path of the Dockerfile, relative to contextDir (default `Dockerfile`); may lie outside it. */
  dockerfile?: string;
  buildArgs?: Readonly<Record<string, string>>;
  target?: string;
  /** The deterministic tag computed from the build inputs. */
  tag: string;
  labels: Labels;
  /** Bypass the layer cache (`preview:rebuild`). */
  noCache?: boolean;
  /**
   * Images whose layers the build may reuse (`cachefrom`). Set, the classic builder takes a cached
   * step only from their chains instead of the newest matching image on the host.
   */
  cacheFrom?: readonly string[];
  /**
   * Build secrets, id → value, for `RUN --mount=type=secret,id=…` (decision 0037). Set, the build
   * runs on BuildKit with a session serving them; never build args, never on disk.
   */
  secrets?: Readonly<Record<string, string>>;
  /** Build output, one line at a time, as the engine streams it. */
  onLog?: (line: string) => void;
}

export interface BuiltImage {
  tag: string;
  /** Image id (sha256:…) reported by the engine. */
  id: string;
}

export interface EnsuredImage extends BuiltImage {
  /** False when the tag was already on the host and nothing was built. */
  built: boolean;
}

/** Compose's `pull_policy` for a service that names an `image:`. */
export type PullPolicy = 'missing' | 'always' | 'never';

export interface PullSpec {
  /** As written in the compose file: `postgres:16`, `127.0.0.1:5000/team/api:1.2`. */
  image: string;
  /** Default `missing`: pull only when the host lacks the image. */
  policy?: PullPolicy;
  /** Throttled progress lines (layers done, MB downloaded) and the start and end of a pull. */
  onProgress?: (line: string) => void;
}

export interface PulledImage {
  image: string;
  /** Image id (sha256:…). */
  id: string;
  /** False when the host already had it and the policy did not ask for a pull. */
  pulled: boolean;
}

export interface VolumeMount {
  /** A named volume (created with ensureVolume). Host paths are refused. */
  volume: string;
  /** Absolute path inside the container. */
  target: string;
  readOnly?: boolean;
  /**
   * One file at the top of the volume, bound alone onto `target` (a volume mounts only as a
   * directory): a plain name, never a path.
   */
  file?: string;
}

export interface VolumeFill {
  volume: string;
  /** The image whose content at `path` fills the volume. */
  image: string;
  /** Absolute path in the image. */
  path: string;
  labels: Labels;
}

export interface VolumeCopy {
  /** An existing volume; no running container may use it (a copy of live files is torn). */
  from: string;
  /**
   * Its users may be paused (pauseContainer) rather than stopped: their files cannot change, so
   * the copy is what a crash at that instant would leave, which a database recovers from.
   */
  pausedUsers?: boolean;
  /** Created with `labels` when missing; an existing one must be empty (never merged into). */
  to: string;
  labels: Labels;
  /**
   * The image the two never-started helper containers are created from: the service's own
   * image (already on the host), so nothing else is needed and no shell or `cp` in it either.
   */
  image: string;
}

export interface VolumeCopyResult {
  /** Size of the archive streamed from one volume into the other. */
  bytes: number;
  ms: number;
}

export interface HealthcheckSpec {
  /** `['CMD', 'pg_isready']`, `['CMD-SHELL', 'curl -f …']`, or a string (run with CMD-SHELL). */
  test: readonly string[] | string;
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
}

export interface ResourceLimits {
  memoryBytes?: number;
  /** Fractional CPUs, e.g. 0.5. */
  cpus?: number;
  pids?: number;
}

export type RestartPolicy = 'no' | 'on-failure' | 'unless-stopped' | 'always';

export interface ContainerNetwork {
  name: string;
  aliases?: readonly string[];
}

export interface ContainerSpec {
  /** Deterministic container name; also the idempotency key. */
  name: string;
  image: string;
  command?: readonly string[];
  entrypoint?: readonly string[];
  env?: Readonly<Record<string, string>>;
  labels: Labels;
  /** The per-environment network; `aliases` give service-name DNS on it. */
  network: ContainerNetwork;
  /**
   * More networks of the environment it joins (compose `networks:` listing several), each with
   * its own aliases: connected after create, before start, so it starts on all of them.
   */
  extraNetworks?: readonly ContainerNetwork[];
  healthcheck?: HealthcheckSpec;
  user?: string;
  workingDir?: string;
  /** The container's own hostname (compose `hostname:`); Docker's default is its short id. */
  hostname?: string;
  mounts?: readonly VolumeMount[];
  /** Missing fields take the driver's defaults: every container is limited. */
  limits?: ResourceLimits;
  /** Capabilities to add back after CapDrop ALL; only the driver's allowlist is accepted. */
  capAdd?: readonly string[];
  readonlyRootfs?: boolean;
  /** tmpfs mounts (path → options), handy with a read-only root filesystem. */
  tmpfs?: Readonly<Record<string, string>>;
  /**
   * Files from the preview's secret scope (compose `secrets:` without `file:`), each read-only at
   * its target and kept in memory on the engine host (tmpfs), never in the image or on disk.
   */
  secretFiles?: readonly SecretFile[];
  restart?: RestartPolicy;
}

export interface SecretFile {
  /** Absolute path in the container, e.g. `/run/secrets/api_key`. */
  target: string;
  content: string;
}

export interface RunResult {
  id: string;
  name: string;
  /** created: new; replaced: config changed; started: existed stopped; reused: left as it was. */
  action: 'created' | 'replaced' | 'started' | 'reused';
  configHash: string;
}

export interface RunOptions {
  /**
   * Awaited just before an existing container with another config is removed to be replaced
   * (not when it is reused or started): the caller records that what ran is going away.
   */
  beforeReplace?: () => Promise<void>;
}

export type WaitCondition = 'healthy' | 'running' | 'exited-0';

export interface WaitOptions {
  until: WaitCondition;
  timeoutMs: number;
}

/**
 * One run of a service's own healthcheck command, exec'd by Berth rather than waiting for
 * Docker's timer. passed: exit 0; failed: non-zero exit; timeout: no exit within timeoutMs (or
 * the previous probe of this container is still running); not-running: the container is not
 * running (or gone); none: the test is `NONE`, nothing to run.
 */
export interface ProbeResult {
  outcome: 'passed' | 'failed' | 'timeout' | 'not-running' | 'none';
  exitCode: number | null;
  /** Combined stdout/stderr, last 4 KiB (as Docker keeps of its own checks). */
  output: string;
}

export interface ExecInput {
  /** argv, run as the container's user in its working directory. */
  cmd: readonly string[];
  /** Streamed to the command's stdin, which is closed at its end. */
  input: Readable;
  /** The whole run, input included. */
  timeoutMs: number;
}

export interface ExecResult {
  /** null when it did not finish within the timeout. */
  exitCode: number | null;
  /** Combined stdout/stderr, last 8 KiB. */
  output: string;
  timedOut: boolean;
  /** Reading the input failed (it ended early): the reason. */
  inputError?: string;
}

export interface ProbeOptions {
  /** How long this one run may take (the healthcheck's `timeout`). */
  timeoutMs: number;
}

export interface ContainerState {
  id: string;
  name: string;
  image: string;
  status: string;
  running: boolean;
  exitCode: number | null;
  health: 'healthy' | 'unhealthy' | 'starting' | null;
  /** Times the engine restarted it by its restart policy: growth between looks is a crash loop. */
  restartCount: number;
  labels: Labels;
  /** IP address per attached network. */
  networks: Readonly<Record<string, string>>;
}

export interface ListedContainer {
  id: string;
  name: string;
  image: string;
  state: string;
  labels: Labels;
  /** When the engine created it (ISO 8601, whole seconds): the reconciler's grace period. */
  createdAt?: string;
}

export interface ListedNetwork {
  id: string;
  name: string;
  labels: Labels;
  /** IPAM subnets (CIDR), IPv4 and IPv6 alike. */
  subnets: string[];
  /** When the engine created it (ISO 8601). */
  createdAt?: string;
}

export interface ListedVolume {
  name: string;
  labels: Labels;
  /** When the engine created it (ISO 8601); absent when the volume driver does not say. */
  createdAt?: string;
}

export interface ListedImage {
  /** Image id (sha256:…). */
  id: string;
  /** `repo:tag` references; empty for an untagged (dangling) image. */
  tags: string[];
  labels: Labels;
  /** When it was built (ISO 8601, whole seconds). */
  createdAt?: string;
  sizeBytes: number;
}

export interface LabelledResources {
  containers: ListedContainer[];
  networks: ListedNetwork[];
  volumes: ListedVolume[];
}

/**
 * One reading of a running container's counters (cost telemetry, decision 0025): Docker stats,
 * read once, and the start of the current run from inspect. Counters are since that start.
 */
export interface ContainerUsage {
  id: string;
  /** When the current run started (ISO 8601): a new value means the container was restarted. */
  startedAt: string;
  /** When the engine read the counters (ISO 8601, ms). */
  readAt: string;
  /** CPU time since the run started, in nanoseconds. */
  cpuNs: number;
  /** Memory in use as `docker stats` shows it: usage minus the inactive page cache. */
  memoryBytes: number;
  /** Received plus sent on every interface since the run started. */
  networkBytes: number;
  /** Its healthcheck's verdict; null without a healthcheck. */
  health: 'healthy' | 'unhealthy' | 'starting' | null;
  /** How often the engine restarted it (its restart policy). */
  restartCount: number;
  /** Its memory limit; null when it has none. */
  memoryLimitBytes: number | null;
}

/** Docker's disk usage report (`docker system df -v`), the parts cost telemetry prices. */
export interface DiskUsage {
  volumes: { name: string; labels: Labels; sizeBytes: number }[];
  /**
   * `sizeBytes` counts every layer, shared ones too; `sharedBytes`: the part other images also use
   * (-1 from the engine: not computed). `labels`: Berth's built images carry `berth.managed=true`.
   */
  images: { id: string; sizeBytes: number; sharedBytes?: number; labels?: Labels }[];
  /** Every container, running or not, with the image it runs and its writable layer. */
  containers: { id: string; labels: Labels; imageId: string; writableBytes: number }[];
  /** BuildKit's build cache, as `docker system df` counts it (not shared records); absent: unknown. */
  buildCacheBytes?: number;
}

export interface ContainerLogLine {
  stream: 'stdout' | 'stderr';
  /** When Docker received it (RFC 3339, nanoseconds). */
  time: string;
  line: string;
}

export interface LogStreamOptions {
  tail: number;
  follow: boolean;
  signal: AbortSignal;
  onLine: (line: ContainerLogLine) => void;
  /** Docker answered: from now on, a new line of the container is followed. */
  onOpen?: () => void;
}

export interface ContainerHost {
  /** Throws ContainerHostUnreachableError naming the endpoint and how to fix it. */
  ping(): Promise<void>;

  ensureNetwork(spec: NetworkSpec): Promise<NetworkRef>;
  /** Disconnects remaining endpoints first; missing = ok. */
  removeNetwork(name: string): Promise<void>;

  ensureVolume(spec: VolumeSpec): Promise<VolumeRef>;
  removeVolume(name: string): Promise<void>;
  /**
   * Fills an empty volume with an image's content at a path (the engine's own copy into a new
   * volume, done by creating a container that never starts). A volume with content is kept.
   */
  fillVolume(spec: VolumeFill): Promise<void>;
  /**
   * Copies the whole content of volume `from` into volume `to` (a database branch from a base),
   * keeping every file's owner, group and mode, the volume root's included. Throws when `from`
   * is missing or used by a running container, or when `to` already has content. A `to` this
   * call created is removed again when the copy fails, so a retry starts clean.
   */
  copyVolume(spec: VolumeCopy): Promise<VolumeCopyResult>;

  imageExists(tag: string): Promise<boolean>;
  /** Always builds (use noCache for `preview:rebuild`). Throws ImageBuildError naming the step. */
  buildImage(spec: BuildSpec): Promise<BuiltImage>;
  /** Builds only when the tag is absent: deterministic tags make "exists" mean "up to date". */
  ensureImage(spec: BuildSpec): Promise<EnsuredImage>;
  removeImage(tag: string): Promise<void>;
  /**
   * Makes a registry image present by its pull policy, with the operator's credentials for its
   * registry. Concurrent calls for one image share a single pull. Throws ImagePullError naming
   * the image, the registry and the fix (`permanent` for wrong credentials or a missing image).
   */
  ensurePulled(spec: PullSpec): Promise<PulledImage>;

  /** Create + start, idempotent by name and config hash; security defaults always applied. */
  runContainer(spec: ContainerSpec, options?: RunOptions): Promise<RunResult>;
  /** Throws ContainerWaitError with the reason and the container's last log lines. */
  waitForContainer(name: string, options: WaitOptions): Promise<ContainerState>;
  /**
   * Runs a healthcheck test (`['CMD', …]`, `['CMD-SHELL', cmd]`, a string, `['NONE']`) inside the
   * running container once, as Docker's own check would. Never throws for a failing, slow or
   * stopped probe: the outcome says which. At most one probe per container is in flight: while
   * an earlier one outlives its timeout, the next call waits for it and returns its late result.
   */
  probeHealth(
    name: string,
    test: HealthcheckSpec['test'],
    options: ProbeOptions,
  ): Promise<ProbeResult>;
  /**
   * Runs a command in a running container with `input` on its stdin (a dump into the database's
   * own client). Never throws for the command's failure: the exit code says; throws when the
   * container is not running.
   */
  execWithInput(name: string, spec: ExecInput): Promise<ExecResult>;
  containerLogs(name: string, options?: { tail?: number }): Promise<string>;
  /**
   * A container's log line by line, stdout and stderr apart (decision 0030): the last `tail`
   * lines, then (with `follow`) each new one until the container stops or `signal` aborts.
   * Resolves when it ends; throws ContainerNotFound's message for an unknown name.
   */
  streamLogs(name: string, options: LogStreamOptions): Promise<void>;
  /** null when there is no such container. */
  inspectContainer(name: string): Promise<ContainerState | null>;
  /** Force-removes (with its anonymous volumes); missing = ok. */
  removeContainer(name: string): Promise<void>;
  /**
   * Stops a container (SIGTERM or its stop signal, then SIGKILL after `timeoutS`, default the
   * container's own stop timeout); missing or already stopped = ok.
   */
  stopContainer(name: string, timeoutS?: number): Promise<void>;
  /** Starts an existing stopped container; already running = ok; throws when it is missing. */
  startContainer(name: string): Promise<void>;
  /**
   * Freezes a running container (its files stop changing, e.g. for a consistent volume copy);
   * true when it paused it, false when it was missing, stopped or already paused.
   */
  pauseContainer(name: string): Promise<boolean>;
  /** Thaws a paused container; missing or not paused = ok. */
  unpauseContainer(name: string): Promise<void>;

  /** Everything on this host carrying all the given labels (teardown, reconciler). */
  listByLabels(labels: Labels): Promise<LabelledResources>;
  /** Images on this host carrying all the given labels (built images carry Berth's). */
  listImagesByLabels(labels: Labels): Promise<ListedImage[]>;
  /** Every network on the host, Berth's or not (the subnet pool's startup check). */
  listNetworks(): Promise<ListedNetwork[]>;

  /**
   * A running container's counters, read once (no stream, no second sample); null when it is
   * gone or not running (a stopped container uses nothing).
   */
  containerUsage(id: string): Promise<ContainerUsage | null>;
  /** The disk held by volumes, images and containers' writable layers (one engine-wide walk). */
  diskUsage(): Promise<DiskUsage>;
}
