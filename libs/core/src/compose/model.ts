/** The normalized, typed compose model Berth provisions from. Every field is already validated. */

export interface ComposeSpec {
  services: Record<string, ServiceSpec>;
  /** Top-level named volumes; each becomes one per-environment Docker volume. */
  volumes: Record<string, VolumeSpec>;
  berth: BerthExtension;
}

export interface BuildSpec {
  /** Relative to the repository root, POSIX, normalized, never escaping it (`web`, `.`). */
  context: string;
  /** Relative to the context (`Dockerfile`, `docker/api.Dockerfile`). */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
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
  | { type: 'tmpfs'; target: string };

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
}

export interface VolumeSpec {
  name: string;
  labels: Record<string, string>;
}

export interface BerthExtension {
  /** Services reachable through the gateway at a preview URL. */
  expose: string[];
  /** Container port the gateway routes to, per exposed service. */
  ports: Record<string, number>;
  /** No access control in front of the preview URLs (an explicit per-repository choice). */
  public: boolean;
  /** The Postgres service whose data Berth manages per PR (mode from the `db:*` labels). */
  database?: { service: string };
  /** Interpolation variables rendered per environment from templates (`{{ urls.api }}`). */
  variables: Record<string, string>;
  /** Names of per-environment generated secrets, usable as `{{ secrets.<name> }}`. */
  secrets: string[];
}
