// Real engine, real registries (scripts/bootstrap/registry.sh): pulls by policy, shared pulls,
// operator credentials, and failures that name the image and the fix.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImagePullError } from '../container-host.errors.js';
import { DockerContainerHost } from './docker-container-host.js';
import { testEnv, type TestEnv } from './int-spec-support.js';
import { pushThenForget, testRegistries, type TestRegistries } from './registry-spec-support.js';

let env: TestEnv;
let registries: TestRegistries;
const made: string[] = [];

beforeAll(async () => {
  env = await testEnv();
  registries = testRegistries();
});

afterAll(async () => {
  for (const ref of made) await env.host.removeImage(ref);
  await env?.cleanup();
});

/** A reference only this test uses, pushed and then removed from the engine. */
async function fresh(name: string, registry = registries.open): Promise<string> {
  const ref = `${registry}/berth-it/${env.id}-${name}:v1`;
  const credential = registry === registries.private ? registries.auth.get(registry) : undefined;
  await pushThenForget(
    env.host.docker,
    ref,
    credential ? { ...credential, serveraddress: registry } : undefined,
  );
  made.push(ref);
  return ref;
}

async function failure(work: Promise<unknown>): Promise<ImagePullError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImagePullError);
  return error as ImagePullError;
}

describe('ensurePulled from the open registry', () => {
  it('pulls a missing image once, with progress, then reuses it', async () => {
    const image = await fresh('missing');
    expect(await env.host.imageExists(image)).toBe(false);
    const lines: string[] = [];
    const first = await env.host.ensurePulled({ image, onProgress: (l) => lines.push(l) });
    expect(first).toMatchObject({ image, pulled: true });
    expect(first.id).toMatch(/^sha256:/);
    expect(await env.host.imageExists(image)).toBe(true);
    expect(lines[0]).toBe(`pulling ${image} from ${registries.open}`);
    expect(lines.at(-1)).toMatch(new RegExp(`^pulled ${image.replace(/[.]/g, '\\.')} in \\d`));

    // `missing` (the default) does not ask the registry again; `always` does.
    expect(await env.host.ensurePulled({ image })).toEqual({ image, id: first.id, pulled: false });
    expect(await env.host.ensurePulled({ image, policy: 'always' })).toMatchObject({
      pulled: true,
    });
  });

  it('shares one pull between concurrent callers', async () => {
    const image = await fresh('shared');
    const starts: string[] = [];
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        env.host.ensurePulled({
          image,
          onProgress: (l) => (l.startsWith('pulling') && l.includes(' from ') ? starts.push(l) : 0),
        }),
      ),
    );
    expect(results.filter((r) => r.pulled)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(starts).toHaveLength(1);
  });

  it('refuses pull_policy never for an image the host lacks, naming the fix', async () => {
    const image = await fresh('never');
    const error = await failure(env.host.ensurePulled({ image, policy: 'never' }));
    expect(error.reason).toBe('not-present');
    expect(error.permanent).toBe(true);
    expect(error.message).toContain(image);
    expect(error.message).toMatch(/pull_policy is never/);
    expect(await env.host.imageExists(image)).toBe(false);
  });

  it('says when the registry has no such image or tag, permanently', async () => {
    const image = `${registries.open}/berth-it/${env.id}-nothing:v9`;
    const error = await failure(env.host.ensurePulled({ image }));
    expect(error.reason).toBe('not-found');
    expect(error.permanent).toBe(true);
    expect(error.message).toContain(image);
    expect(error.message).toMatch(/no such image or tag; check the name and tag/);
  });

  it('gives up at the operator timeout with a message naming PULL_TIMEOUT_S', async () => {
    const image = await fresh('slow');
    const impatient = new DockerContainerHost({ pullTimeoutMs: 1 });
    const error = await failure(impatient.ensurePulled({ image }));
    expect(error.reason).toBe('timeout');
    expect(error.permanent).toBe(false);
    expect(error.message).toContain(image);
    expect(error.message).toContain('PULL_TIMEOUT_S');
  });
});

describe('ensurePulled through the engine registry mirror', () => {
  it('pulls an unmodified Docker Hub name from the loopback registry', async () => {
    const info = (await env.host.docker.info()) as { RegistryConfig?: { Mirrors?: string[] } };
    const mirror = `http://${registries.open}/`;
    if (!info.RegistryConfig?.Mirrors?.includes(mirror)) {
      throw new Error(
        `the engine's registry-mirrors lack ${mirror}: source scripts/bootstrap/all.sh (it reloads dockerd with it unless BERTH_REGISTRY_MIRROR=0)`,
      );
    }
    // `library/<name>` in the mirror is what Docker Hub's `<name>` resolves to.
    const hubName = `berth-it-${env.id}-official:v1`;
    await pushThenForget(env.host.docker, `${registries.open}/library/${hubName}`);
    made.push(hubName);
    expect(await env.host.imageExists(hubName)).toBe(false);
    const pulled = await env.host.ensurePulled({ image: hubName });
    expect(pulled).toMatchObject({ image: hubName, pulled: true });
  });
});

describe('ensurePulled from the htpasswd-protected registry', () => {
  it('pulls with the operator credentials', async () => {
    const image = await fresh('private', registries.private);
    const host = new DockerContainerHost({ registryAuth: registries.auth });
    expect(await host.ensurePulled({ image })).toMatchObject({ image, pulled: true });
  });

  it('names the registry and REGISTRY_AUTH_FILE when the password is wrong, never the password', async () => {
    const image = await fresh('refused', registries.private);
    const host = new DockerContainerHost({ registryAuth: registries.wrongAuth });
    const error = await failure(host.ensurePulled({ image }));
    expect(error.reason).toBe('unauthorized');
    expect(error.permanent).toBe(true);
    expect(error.message).toContain(image);
    expect(error.message).toContain(
      `the credentials for ${registries.private} in the operator's REGISTRY_AUTH_FILE were refused`,
    );
    expect(error.message).not.toContain('wrong-password');
  });

  it('says credentials are needed when the operator has none for that registry', async () => {
    const image = await fresh('anonymous', registries.private);
    const error = await failure(env.host.ensurePulled({ image }));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain(`${registries.private} needs credentials`);
  });
});
