// Real engine and registries (scripts/bootstrap/registry.sh): the build stage's pull step gives
// services naming one image one pull, and a refused password fails the stage permanently with a
// message naming every service, the image and the fix.

import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { parseComposeOrThrow, parseRegistryAuth } from '@berth/core';
import { DockerContainerHost } from '@berth/providers';
import { type Logger, pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentStageError } from '../pipeline/stage-handler.js';
import { pullServiceImages } from './pull-images.js';

const BASE_IMAGE = 'berth-fixture/debian:bookworm';
const id = `pull${Date.now().toString(36)}`;
const made: string[] = [];
let host: DockerContainerHost;
let open: string;
let privateRegistry: string;
let authFile: string;

beforeAll(async () => {
  open = process.env['BERTH_REGISTRY'] ?? '';
  privateRegistry = process.env['BERTH_PRIVATE_REGISTRY'] ?? '';
  authFile = process.env['BERTH_PRIVATE_REGISTRY_AUTH_FILE'] ?? '';
  if (!open || !privateRegistry || !authFile) {
    throw new Error('the test registries are not set up: source scripts/bootstrap/all.sh');
  }
  host = new DockerContainerHost();
  await host.ping();
});

afterAll(async () => {
  for (const ref of made) await host.removeImage(ref);
});

/** Pushes the base image as `ref`, then removes the tag so using `ref` means pulling it. */
async function pushThenForget(ref: string, registryAuth?: Record<string, string>): Promise<void> {
  const colon = ref.lastIndexOf(':');
  await host.docker
    .getImage(BASE_IMAGE)
    .tag({ repo: ref.slice(0, colon), tag: ref.slice(colon + 1) });
  // The engine wants an X-Registry-Auth header on every push, if only an empty one.
  const stream = await host.docker
    .getImage(ref)
    .push({ authconfig: registryAuth ?? { serveraddress: ref.split('/')[0] } });
  await new Promise<void>((resolve, reject) =>
    host.docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) =>
      err || events.some((e) => e.error)
        ? reject(err ?? new Error(JSON.stringify(events)))
        : resolve(),
    ),
  );
  await host.docker.getImage(ref).remove();
  made.push(ref);
}

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('pullServiceImages', () => {
  it('pulls an image two services name once, with progress in the log', async () => {
    const image = `${open}/berth-it/${id}-web:v1`;
    await pushThenForget(image);
    const spec = parseComposeOrThrow(
      `services:\n  web1:\n    image: ${image}\n  web2:\n    image: ${image}\n  db:\n    image: ${BASE_IMAGE}\n    pull_policy: never\n`,
    );
    const { logger, lines } = capture();
    const result = await pullServiceImages(host, spec, logger);
    expect(result['web1']).toMatchObject({ pulled: true });
    expect(result['web2']).toEqual(result['web1']);
    expect(result['db']).toEqual({ pulled: false, durationMs: 0 });
    const starts = lines.filter((l) => l.includes(`pulling ${image} from ${open}`));
    expect(starts).toHaveLength(1);
    expect(JSON.parse(starts[0]!)).toMatchObject({ services: ['web1', 'web2'], image });
  });

  it('fails permanently on a refused password, naming the services, the image and the fix', async () => {
    const image = `${privateRegistry}/berth-it/${id}-api:v1`;
    const auth = parseRegistryAuth(readFileSync(authFile, 'utf8'), authFile);
    const good = auth.get(privateRegistry);
    if (!good) throw new Error(`${authFile} has no entry for ${privateRegistry}`);
    await pushThenForget(image, { ...good, serveraddress: privateRegistry });
    const wrong = new DockerContainerHost({
      registryAuth: parseRegistryAuth(
        JSON.stringify({
          auths: { [privateRegistry]: { username: good.username, password: 'nope-nope' } },
        }),
        'test',
      ),
    });
    const spec = parseComposeOrThrow(
      `services:\n  api:\n    image: ${image}\n  worker:\n    image: ${image}\n`,
    );
    const error = await pullServiceImages(wrong, spec, pino({ level: 'silent' })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PermanentStageError);
    const message = (error as Error).message;
    expect(message).toContain(`services \`api\`, \`worker\`: cannot pull ${image}`);
    expect(message).toContain(
      `the credentials for ${privateRegistry} in the operator's REGISTRY_AUTH_FILE were refused: fix the username or password there`,
    );
    expect(message).not.toContain('nope-nope');
  });
});
