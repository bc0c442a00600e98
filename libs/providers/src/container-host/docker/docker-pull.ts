// Pulls from registries: operator credentials per registry, a time limit, throttled progress,
// and failures sorted into "fix something" (wrong credentials, no such image) and "try again".

import { credentialFor, parseImageReference, type RegistryAuth } from '@berth/core';
import type Docker from 'dockerode';
import { ImagePullError } from '../container-host.errors.js';
import { engineMessage } from './docker-errors.js';
import { type PullEvent, PullProgress } from './pull-progress.js';

export interface PullOptions {
  /** Credentials per registry host (REGISTRY_AUTH_FILE); none = anonymous pulls. */
  auth?: RegistryAuth;
  timeoutMs: number;
  /** Summary lines (layers done, MB downloaded), at most one per progressIntervalMs. */
  onProgress?: (line: string) => void;
  progressIntervalMs?: number;
}

const UNAUTHORIZED =
  /unauthorized|authentication required|no basic auth credentials|incorrect username or password|access (is )?denied|denied: /i;
const NOT_FOUND = /manifest unknown|not found|name unknown|repository does not exist/i;

/** Pulls `image` and returns its id. Throws ImagePullError naming the image and the fix. */
export async function pullImage(
  docker: Docker,
  image: string,
  options: PullOptions,
): Promise<string> {
  const ref = parseImageReference(image);
  const credential = options.auth ? credentialFor(options.auth, ref.registry) : null;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const progress = new PullProgress(image, options.onProgress, options.progressIntervalMs ?? 5_000);
  const started = Date.now();
  options.onProgress?.(`pulling ${image} from ${ref.registry}`);
  try {
    const stream = (await docker.pull(image, {
      abortSignal: controller.signal,
      ...(credential
        ? {
            authconfig: {
              username: credential.username,
              password: credential.password,
              serveraddress: ref.registry,
            },
          }
        : {}),
    })) as NodeJS.ReadableStream;
    const streamError = await new Promise<string | null>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null, events: PullEvent[]) => {
          if (err) return reject(err);
          const failed = events.find((e) => e.error);
          resolve(failed ? (failed.errorDetail?.message ?? failed.error ?? 'pull failed') : null);
        },
        (event: PullEvent) => progress.push(event),
      );
    });
    if (streamError) throw classify(image, ref.registry, streamError, credential !== null);
  } catch (error) {
    if (error instanceof ImagePullError) throw error;
    if (controller.signal.aborted) {
      const seconds = Math.round(options.timeoutMs / 1000);
      throw new ImagePullError(
        image,
        ref.registry,
        'timeout',
        `pulling ${image} did not finish within ${seconds} s (PULL_TIMEOUT_S; ${progress.summary().replace(/^pulling \S+: /, '')}): ` +
          `the registry ${ref.registry} is slow or the image is large; it is retried, or the operator raises PULL_TIMEOUT_S`,
      );
    }
    // The engine answers 404 / 500 before streaming when the registry refuses at once.
    if (error instanceof Error && 'statusCode' in error) {
      throw classify(image, ref.registry, engineMessage(error), credential !== null);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const info = await docker.getImage(image).inspect();
  options.onProgress?.(`pulled ${image} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return info.Id;
}

function classify(
  image: string,
  registry: string,
  detail: string,
  hadCredentials: boolean,
): ImagePullError {
  const oneLine = detail.replace(/\s+/g, ' ').trim();
  if (UNAUTHORIZED.test(oneLine) && !/repository does not exist/i.test(oneLine)) {
    const fix = hadCredentials
      ? `the credentials for ${registry} in the operator's REGISTRY_AUTH_FILE were refused: fix the username or password there`
      : `${registry} needs credentials: the operator adds them for ${registry} to REGISTRY_AUTH_FILE`;
    return new ImagePullError(
      image,
      registry,
      'unauthorized',
      `cannot pull ${image}: ${fix} (registry said: ${oneLine})`,
    );
  }
  if (NOT_FOUND.test(oneLine)) {
    const credentials = hadCredentials
      ? ''
      : ` (a private image also looks missing without credentials: the operator adds them for ${registry} to REGISTRY_AUTH_FILE)`;
    return new ImagePullError(
      image,
      registry,
      'not-found',
      `cannot pull ${image}: ${registry} has no such image or tag; check the name and tag in the compose file, or push the image first${credentials} (registry said: ${oneLine})`,
    );
  }
  return new ImagePullError(
    image,
    registry,
    'failed',
    `pulling ${image} from ${registry} failed: ${oneLine}`,
  );
}
