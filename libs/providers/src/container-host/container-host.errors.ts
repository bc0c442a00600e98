// Errors a ContainerHost throws. Each message says what failed and what to do about it.

/** The engine does not answer: wrong DOCKER_HOST, daemon stopped, or no socket permission. */
export class ContainerHostUnreachableError extends Error {
  override readonly name = 'ContainerHostUnreachableError';
  constructor(
    readonly endpoint: string,
    override readonly cause: unknown,
  ) {
    super(
      `Docker engine unreachable at ${endpoint} (${describe(cause)}). ` +
        `Start dockerd (e.g. 'sudo systemctl start docker', or 'dockerd &' as root), ` +
        `or set DOCKER_HOST to an engine that answers (unix:///var/run/docker.sock, tcp://host:2375).`,
    );
  }
}

/** The engine refused a network's subnet because another network on the host already uses it. */
export class SubnetInUseError extends Error {
  override readonly name = 'SubnetInUseError';
  constructor(
    readonly network: string,
    readonly cidr: string,
    readonly detail: string,
  ) {
    super(`Network ${network} cannot use ${cidr}: another network on this host does (${detail})`);
  }
}

/** A network of this name exists with another address range than the one Berth allocated. */
export class NetworkSubnetMismatchError extends Error {
  override readonly name = 'NetworkSubnetMismatchError';
  constructor(
    readonly network: string,
    readonly wanted: string,
    readonly actual: readonly string[],
  ) {
    super(
      `Network ${network} exists with subnet ${actual.join(', ') || '(none)'}, not the allocated ` +
        `${wanted}: remove it (docker network rm ${network}; its containers are recreated) and ` +
        'retry the environment',
    );
  }
}

/** A build step failed; `step` is the Dockerfile step the engine was running. */
export class ImageBuildError extends Error {
  override readonly name: string = 'ImageBuildError';
  constructor(
    readonly tag: string,
    readonly step: string | null,
    readonly detail: string,
    readonly lastLines: readonly string[],
  ) {
    super(`Building ${tag} failed${step ? ` at ${step}` : ''}: ${detail}`);
  }
}

/**
 * Why a pull failed. unauthorized, not-found and not-present fail the same way every time (the
 * operator or the compose file must change); timeout and failed (registry unreachable, engine
 * error) may pass on another attempt.
 */
export type PullFailureReason = 'unauthorized' | 'not-found' | 'not-present' | 'timeout' | 'failed';

/** An image could not be pulled; the message names the image, the registry and the fix. */
export class ImagePullError extends Error {
  override readonly name = 'ImagePullError';
  constructor(
    readonly image: string,
    readonly registry: string,
    readonly reason: PullFailureReason,
    message: string,
  ) {
    super(message);
  }

  /** Another attempt with the same settings cannot succeed. */
  get permanent(): boolean {
    return (
      this.reason === 'unauthorized' || this.reason === 'not-found' || this.reason === 'not-present'
    );
  }
}

/** A build ran past the operator's BUILD_TIMEOUT_S and was stopped. */
export class BuildTimeoutError extends ImageBuildError {
  override readonly name: string = 'BuildTimeoutError';
  constructor(
    tag: string,
    step: string | null,
    readonly timeoutMs: number,
    lastLines: readonly string[],
  ) {
    super(
      tag,
      step,
      `the build did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped (the ` +
        `operator's BUILD_TIMEOUT_S); make the step finish sooner, or ask the operator to raise it`,
      lastLines,
    );
  }
}

export type WaitFailureReason = 'unhealthy' | 'exited' | 'timeout' | 'missing' | 'no-healthcheck';

/** waitForContainer gave up; `logs` holds the container's last output for the PR comment. */
export class ContainerWaitError extends Error {
  override readonly name = 'ContainerWaitError';
  constructor(
    readonly container: string,
    readonly reason: WaitFailureReason,
    readonly summary: string,
    readonly exitCode: number | null,
    readonly logs: string,
  ) {
    super(
      `Container ${container} ${summary}` +
        (logs.trim() ? `\n--- last log lines ---\n${logs.trimEnd()}` : '\n(no log output)'),
    );
  }
}

/** The caller asked for something Berth never allows (host mounts, extra capabilities, …). */
export class ContainerSpecError extends Error {
  override readonly name = 'ContainerSpecError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code)
      ? `${code}: ${cause.message}`
      : cause.message;
  }
  return String(cause);
}
