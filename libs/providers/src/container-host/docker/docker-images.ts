// Images: existence, build from a context directory, removal.

import type Docker from 'dockerode';
import { BuildTimeoutError, ImageBuildError } from '../container-host.errors.js';
import { type BuildSpec, type BuiltImage } from '../container-host.port.js';
import { packBuildContext } from './build-context.js';
import { BuildOutputParser } from './build-output.js';
import { type BuildkitSession, openSecretsSession } from './buildkit-session.js';
import { managedLabels } from './container-options.js';
import { engineMessage, isNotFound } from './docker-errors.js';

export async function imageId(docker: Docker, tag: string): Promise<string | null> {
  try {
    return (await docker.getImage(tag).inspect()).Id;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * What every build step container gets (the classic builder runs each RUN in one). Unset fields
 * are not limited. `cgroupParent` carries the pids limit (see build-cgroup.ts).
 */
export interface BuildConfinement {
  memoryBytes?: number;
  cpus?: number;
  /** For messages only: the limit the cgroup parent enforces. */
  pids?: number;
  timeoutMs?: number;
  /** `bridge` (package installs work) or `none`; never `host`. */
  network?: 'bridge' | 'none';
  cgroupParent?: string;
  /** Credentials for a `FROM` image the engine must pull, keyed by registry host. */
  registryConfig?: Docker.RegistryConfig;
}

/**
 * The engine reads `cgroupparent`, and BuildKit's `version`/`session`, from the build query;
 * @types/dockerode does not list them.
 */
type BuildOptions = Docker.ImageBuildOptions & {
  cgroupparent?: string;
  version?: '2';
  session?: string;
};

export async function buildImage(
  docker: Docker,
  spec: BuildSpec,
  confinement: BuildConfinement = {},
): Promise<BuiltImage> {
  const context = await packBuildContext(spec.contextDir, spec.dockerfile);
  const options: BuildOptions = {
    t: spec.tag,
    dockerfile: context.dockerfile,
    labels: managedLabels(spec.labels),
    rm: true,
    forcerm: true, // no intermediate containers left behind by a failed step
    nocache: spec.noCache ?? false,
    networkmode: confinement.network ?? 'bridge',
  };
  if (confinement.memoryBytes) {
    options.memory = confinement.memoryBytes;
    options.memswap = confinement.memoryBytes; // equal to memory: no swap on top
  }
  if (confinement.cpus) {
    options.cpuperiod = 100_000;
    options.cpuquota = Math.round(confinement.cpus * 100_000);
  }
  if (confinement.cgroupParent) options.cgroupparent = confinement.cgroupParent;
  if (confinement.registryConfig) options.registryconfig = confinement.registryConfig;
  if (spec.buildArgs && Object.keys(spec.buildArgs).length)
    options.buildargs = { ...spec.buildArgs };
  if (spec.target) options.target = spec.target;
  if (spec.cacheFrom?.length && !spec.noCache) options.cachefrom = JSON.stringify(spec.cacheFrom);

  // Build secrets need BuildKit (decision 0037); every other build keeps the classic builder.
  let session: BuildkitSession | undefined;
  if (spec.secrets && Object.keys(spec.secrets).length > 0) {
    session = await openSecretsSession(docker, spec.secrets);
    options.version = '2';
    options.session = session.id;
    // BuildKit refuses `bridge` (its default network is the same) and would look up cache-from
    // images in a registry.
    if (options.networkmode !== 'none') delete options.networkmode;
    delete options.cachefrom;
  }

  const parser = new BuildOutputParser(spec.onLog);
  // Closing the connection cancels a classic build: the engine kills and removes the running
  // step's container (measured on dockerd 20.10), so the timeout frees the build slot for real.
  const controller = new AbortController();
  const timer = confinement.timeoutMs
    ? setTimeout(() => controller.abort(), confinement.timeoutMs)
    : undefined;
  const timedOut = (): BuildTimeoutError => {
    const outcome = parser.end();
    return new BuildTimeoutError(
      spec.tag,
      outcome.step,
      confinement.timeoutMs ?? 0,
      outcome.lastLines,
    );
  };
  try {
    let response: NodeJS.ReadableStream;
    try {
      response = session
        ? await dialBuildkitBuild(docker, context.stream, options, controller.signal)
        : await docker.buildImage(context.stream, {
            ...options,
            abortSignal: controller.signal,
          });
    } catch (err) {
      if (controller.signal.aborted) throw timedOut();
      // Rejected before any step ran, e.g. a Dockerfile parse error or an unknown target.
      if (err instanceof Error && 'statusCode' in err) {
        throw new ImageBuildError(spec.tag, null, engineMessage(err), []);
      }
      throw err;
    }
    await new Promise<void>((resolve, reject) => {
      response.on('data', (chunk: Buffer) => parser.push(chunk));
      response.on('end', resolve);
      response.on('error', reject);
      // An aborted response may end without an error event; do not wait on it.
      controller.signal.addEventListener('abort', () => reject(new Error('aborted')));
    }).catch((err: unknown) => {
      if (controller.signal.aborted) throw timedOut();
      throw err;
    });
  } finally {
    clearTimeout(timer);
    session?.close();
  }
  const outcome = parser.end();
  if (outcome.error) {
    throw new ImageBuildError(
      spec.tag,
      outcome.step,
      outcome.error + limitHint(outcome.error, outcome.lastLines, confinement),
      outcome.lastLines,
    );
  }
  // The aux message carries the id; fall back to inspecting the tag we just wrote.
  const id = outcome.imageId ?? (await imageId(docker, spec.tag));
  if (!id) {
    throw new ImageBuildError(
      spec.tag,
      outcome.step,
      'the engine reported no error but the tag is missing',
      outcome.lastLines,
    );
  }
  return { tag: spec.tag, id };
}

/**
 * `POST /build` with our own session. dockerode's buildImage opens a session of its own for
 * `version=2` (registry auth only, replacing `session=`), so a secrets build dials the modem.
 */
function dialBuildkitBuild(
  docker: Docker,
  context: NodeJS.ReadableStream,
  { registryconfig, ...options }: BuildOptions,
  abortSignal: AbortSignal,
): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: '/build?',
        method: 'POST',
        file: context,
        options,
        ...(registryconfig ? { registryconfig } : {}),
        abortSignal,
        isStream: true,
        statusCodes: { 200: true, 500: 'server error' },
      },
      (err, data) => (err ? reject(err) : resolve(data as NodeJS.ReadableStream)),
    );
  });
}

/** Says which operator limit a failed step most likely ran into. */
function limitHint(
  error: string,
  lastLines: readonly string[],
  confinement: BuildConfinement,
): string {
  // 137 = SIGKILL: the kernel's OOM killer within the step's memory limit.
  if (confinement.memoryBytes && /non-zero code: 137\b/.test(error)) {
    const mb = Math.round(confinement.memoryBytes / 1024 / 1024);
    return ` (killed: the step most likely ran out of memory; builds are limited to ${mb} MB by the operator's BUILD_MEMORY_MB)`;
  }
  const forkFailed = lastLines.some((l) =>
    /can't fork|cannot fork|fork: (retry: )?resource temporarily unavailable|cannot allocate memory.*fork|pthread_create/i.test(
      l,
    ),
  );
  if (confinement.pids && forkFailed) {
    return ` (a process could not be started: builds may run at most ${confinement.pids} processes, the operator's BUILD_PIDS)`;
  }
  return '';
}

export async function removeImage(docker: Docker, tag: string): Promise<void> {
  try {
    await docker.getImage(tag).remove({ force: true });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
