/** The normalized, typed compose model Berth provisions from. Every field is already validated. */
import type { E2eTestSpec } from './x-berth-tests.js';

export interface ComposeSpec {
  services: Record<string, ServiceSpec>;
  /** Top-level named volumes; each becomes one per-environment Docker volume. */
  volumes: Record<string, VolumeSpec>;
  /**
   * Compose networks (`default` included once any service is on it); each becomes one
   * per-environment network. Absent in models stored before networks were read.
   */
  networks?: Record<string, NetworkSpec>;
  berth: BerthExtension;
}

export interface NetworkSpec {
  name: string;
  /** `internal: true`: no route off the host even where Berth would give one. */
  internal: boolean;
  labels: Record<string, string>;
}

/** When an `image:` is pulled (compose `pull_policy`); carried for the pull step. */
export type PullPolicy = 'always' | 'never' | 'missing' | 'build';

export interface BuildSpec {
  /** Relative to the repository root, POSIX, normalized, never escaping it (`web`, `.`). */
  context: string;
  /** Relative to the context (`Dockerfile`, `docker/api.Dockerfile`). */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  /**
   * Compose `build.secrets` naming top-level secrets without `file:` (decision 0037): `id` is
   * what `RUN --mount=type=secret,id=…` asks for, `name` the value in the secret scope. Only
   * where the operator allows them (RepositorySettings.buildSecrets); absent when none.
   */
  secrets?: BuildSecret[];
}

export interface BuildSecret {
  id: string;
  name: string;
}

export type DependencyCondition =
  'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface Dependency {
  condition: DependencyCondition;
  /** `required: false`: start even if the dependency is missing or fails to start. */
  required: boolean;
}

export type HealthTest =
  { kind: 'CMD'; argv: string[] } | { kind: 'CMD-SHELL'; command: string } | { kind: 'NONE' };

export interface HealthcheckSpec {
  test: HealthTest;
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
  startIntervalMs?: number;
}

export interface RestartPolicy {
  name: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  maxRetries?: number;
}

export type ServiceMount =
  | { type: 'volume'; source: string; target: string; readOnly: boolean }
  /** No source: Docker makes an anonymous volume, removed with the container. */
  | { type: 'anonymous'; target: string; readOnly: boolean }
  | { type: 'tmpfs'; target: string }
  /**
   * Files from the pull request's own checkout, copied into a per-environment volume — never a
   * host path: a repository-relative bind mount (`./src:/code/src`), a `configs:` entry or a
   * file-backed `secrets:` entry. `source` is repository-relative, POSIX, inside the repository.
   */
  | {
      type: 'repo';
      origin: 'bind' | 'config' | 'secret';
      source: string;
      target: string;
      readOnly: boolean;
    }
  /**
   * A compose secret without `file:`: the value `name` of the preview's secret scope, as a
   * read-only file at `target` on tmpfs. `content` is set by the wire stage (a marker replicate
   * swaps for the value), never by the compose file.
   */
  | { type: 'scope-secret'; name: string; target: string; content?: string };

export interface PortSpec {
  port: number;
  protocol: 'tcp' | 'udp';
}

export interface ResourceLimits {
  cpus?: number;
  memoryBytes?: number;
  pids?: number;
}

export interface ServiceSpec {
  name: string;
  image?: string;
  build?: BuildSpec;
  /** Exec form (argv). A compose string is split shell-style, as compose does (no `sh -c`). */
  command?: string[];
  entrypoint?: string[];
  /** Literal values after interpolation; templating (`{{ … }}`) is applied later per environment. */
  environment: Record<string, string>;
  /** Container ports from `ports` (host publishing dropped) and `expose`, de-duplicated. */
  ports: PortSpec[];
  dependsOn: Record<string, Dependency>;
  healthcheck?: HealthcheckSpec;
  restart: RestartPolicy;
  mounts: ServiceMount[];
  user?: string;
  workingDir?: string;
  limits: ResourceLimits;
  /** Subset of `CAPABILITY_ALLOWLIST` the service asked for with `cap_add`. */
  capAdd: string[];
  labels: Record<string, string>;
  init?: boolean;
  stopGracePeriodMs?: number;
  readOnly?: boolean;
  /** `hostname:`: the container's hostname, and a name the service answers to on its networks. */
  hostname?: string;
  /** Extra names on its networks: `hostname` and `networks.<n>.aliases`. */
  aliases?: string[];
  /**
   * `networks.<n>.aliases`, per network: a name answers only on the network that declares it.
   * Absent in models stored before networks were separate (then `aliases` answer everywhere).
   */
  networkAliases?: Record<string, string[]>;
  /** Compose networks the service joins (`default` when it lists none). */
  networks?: string[];
  pullPolicy?: PullPolicy;
  /** The profiles it belongs to (it is in the model only because one of them is enabled). */
  profiles?: string[];
}

export interface VolumeSpec {
  name: string;
  labels: Record<string, string>;
}

export interface DatabaseExtension {
  service: string;
  /** Run once in `service` after everything is up, only when the database started empty. */
  seed?: { service: string; command: string[] };
}

export interface BerthExtension {
  /** Services reachable through the gateway at a preview URL. */
  expose: string[];
  /** Container port the gateway routes to, per exposed service. */
  ports: Record<string, number>;
  /** No access control in front of the preview URLs (an explicit per-repository choice). */
  public: boolean;
  /**
   * The stateful service whose data Berth manages per PR (mode from the `db:*` labels): branched
   * from the base, or empty and then seeded by `seed` (a command run in a running service).
   */
  database?: DatabaseExtension;
  /** Interpolation variables rendered per environment from templates (`{{ urls.api }}`). */
  variables: Record<string, string>;
  /** Names of per-environment generated secrets, usable as `{{ secrets.<name> }}`. */
  secrets: string[];
  /** End-to-end tests run against the ready preview (`Berth / e2e`). */
  tests?: E2eTestSpec;
  /** Stack shapes by name (`frontend-only`) → the services a PR of that shape runs itself. */
  shapes?: Record<string, string[]>;
}
