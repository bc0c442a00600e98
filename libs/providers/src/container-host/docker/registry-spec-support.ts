// The loopback registries scripts/bootstrap/registry.sh runs for the tests, and a way to give
// each test file images of its own in them (pushed from the fixture base image: the registry
// already has its layers, so a push moves only a manifest).

import { readFileSync } from 'node:fs';
import { parseRegistryAuth, type RegistryAuth } from '@berth/core';
import type Docker from 'dockerode';
import { BASE_IMAGE } from './int-spec-support.js';

export interface TestRegistries {
  /** `127.0.0.1:5000`: open. */
  open: string;
  /** `127.0.0.1:5001`: htpasswd-protected. */
  private: string;
  /** The operator credentials that work for `private`. */
  auth: RegistryAuth;
  /** The same registry with a wrong password. */
  wrongAuth: RegistryAuth;
}

export function testRegistries(): TestRegistries {
  const open = process.env['BERTH_REGISTRY'];
  const privateRegistry = process.env['BERTH_PRIVATE_REGISTRY'];
  const authFile = process.env['BERTH_PRIVATE_REGISTRY_AUTH_FILE'];
  if (!open || !privateRegistry || !authFile) {
    throw new Error(
      'BERTH_REGISTRY, BERTH_PRIVATE_REGISTRY and BERTH_PRIVATE_REGISTRY_AUTH_FILE are unset: source scripts/bootstrap/all.sh (it starts the test registries)',
    );
  }
  const text = readFileSync(authFile, 'utf8');
  const auth = parseRegistryAuth(text, authFile);
  const user = auth.get(privateRegistry)?.username ?? 'nobody';
  const wrongAuth = parseRegistryAuth(
    JSON.stringify({
      auths: { [privateRegistry]: { username: user, password: 'wrong-password' } },
    }),
    'test',
  );
  return { open, private: privateRegistry, auth, wrongAuth };
}

/**
 * Pushes the fixture base image as `<registry>/<repository>:<tag>`, then removes that tag from
 * the engine, so the next use of the reference must pull it.
 */
export async function pushThenForget(
  docker: Docker,
  reference: string,
  auth?: { username: string; password: string; serveraddress: string },
): Promise<void> {
  const colon = reference.lastIndexOf(':');
  await docker.getImage(BASE_IMAGE).tag({
    repo: reference.slice(0, colon),
    tag: reference.slice(colon + 1),
  });
  // The engine wants an X-Registry-Auth header on every push, if only an empty one.
  const stream = await docker.getImage(reference).push({
    authconfig: auth ?? { serveraddress: reference.split('/')[0] },
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
      const failed = events?.find((e) => e.error);
      if (err || failed) reject(err ?? new Error(`push ${reference}: ${failed?.error}`));
      else resolve();
    }),
  );
  await docker.getImage(reference).remove();
}
