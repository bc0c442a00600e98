// Real engine + test database: built images nobody uses are removed once unused past the
// retention period (their ledger rows marked deleted), while the newest of a service, the newest
// base image, an image a container uses and an image without Berth's marks all stay. The dry run
// lists exactly what the real run removes. Everything carries berth.image-it=<run>.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABEL_ENV, LABEL_MANAGED } from '@berth/core';
import { type PrismaClient, ReconcileQueries, ResourceLedger } from '@berth/db';
import type { DockerContainerHost } from '@berth/providers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEnvironment } from '../commands/commands.int-support.js';
import { DEBIAN_IMAGE, testDatabase, testHost } from '../replicate/shop-fixture.int-support.js';
import { Reconciler } from './reconciler.js';

const run = `imgit${randomBytes(3).toString('hex')}`;
const SCOPE = { 'berth.image-it': run };
const H = 3_600_000;

let host: DockerContainerHost;
let prisma: PrismaClient;
let ledger: ResourceLedger;
let context: string;
const tag = (what: string) => `berth-it/${run}-${what}:1`;

/** A tiny image (no RUN step) with Berth's labels, or none, and its ledger row aged `hours`. */
async function image(what: string, hours: number | null, extra: Record<string, string> = {}) {
  await writeFile(join(context, 'Dockerfile'), `FROM ${DEBIAN_IMAGE}\nLABEL it.what=${what}\n`);
  const managed = hours !== null;
  await host.buildImage({
    contextDir: context,
    tag: tag(what),
    labels: managed
      ? { ...SCOPE, [LABEL_MANAGED]: 'true', 'berth.repo': 'acme/shop', ...extra }
      : { ...SCOPE },
  });
  if (!managed) return;
  const row = await ledger.plan({
    kind: 'image',
    provider: 'docker',
    name: tag(what),
    environmentId: null,
    metadata: extra['it.base'] ? { base: { branch: 'main', sha: 'a'.repeat(40) } } : {},
  });
  await ledger.markCreated(row.id);
  await prisma.$executeRaw`UPDATE resources SET updated_at = now() - make_interval(hours => ${hours}) WHERE id = ${row.id}::uuid`;
}

beforeAll(async () => {
  host = await testHost();
  prisma = testDatabase();
  ledger = new ResourceLedger(prisma, run);
  context = await mkdtemp(join(tmpdir(), 'berth-image-it-'));
  await image('api-old', 200, { 'berth.service': 'api' });
  await image('api-used', 300, { 'berth.service': 'api' });
  await image('api-new', 100, { 'berth.service': 'api' });
  await image('web-base', 400, { 'berth.service': 'web', 'it.base': '1' });
  await image('web-old', 150, { 'berth.service': 'web' });
  await image('web-new', 90, { 'berth.service': 'web' });
  await image('unmarked', null);
  // A container (never started) of a ready preview runs one of the old images: both stay (an
  // unowned container would be an orphan, removed first, and its image after it).
  const { env } = await seedEnvironment(prisma, { state: 'ready' });
  const repo = await prisma.repository.findUniqueOrThrow({ where: { id: env.repositoryId } });
  await host.docker.createContainer({
    name: `${run}-uses`,
    Image: tag('api-used'),
    Labels: { ...SCOPE, [LABEL_MANAGED]: 'true', [LABEL_ENV]: `${repo.fullName}#1` },
  });
}, 120_000);

afterAll(async () => {
  await host?.removeContainer(`${run}-uses`).catch(() => undefined);
  for (const what of [
    'api-old',
    'api-used',
    'api-new',
    'web-base',
    'web-old',
    'web-new',
    'unmarked',
  ]) {
    await host?.removeImage(tag(what)).catch(() => undefined);
  }
  await prisma?.resource.deleteMany({ where: { host: run } });
  if (context) await rm(context, { recursive: true, force: true });
});

function reconciler(images = { retentionMs: 72 * H, keepPerService: 1, budgetBytes: 0 }) {
  return new Reconciler({
    host,
    queries: new ReconcileQueries(prisma, run),
    graceMs: 1_000,
    scope: SCOPE,
    logger: pino({ level: 'silent' }),
    images,
  });
}

describe('image retention', () => {
  it('budgets the bytes each image holds on its own, not the base layers they share', async () => {
    // Label-only images on one Debian base: each is the base's full size, none holds a byte of
    // its own, so a 1 MB budget removes nothing (adding full sizes would remove all it could).
    const dry = await reconciler({
      retentionMs: 10_000 * H,
      keepPerService: 1,
      budgetBytes: 1_048_576,
    }).run({ dryRun: true });
    expect(dry.imageRemovals).toEqual([]);
    expect(dry.inventory.images.bytes).toBe(0);
    expect(dry.imageBytesKept).toBe(0);
  });

  it('removes only images unused past retention; the dry run says exactly which', async () => {
    const dry = await reconciler().run({ dryRun: true });
    const planned = dry.imageRemovals.flatMap((r) => r.tags).sort();
    expect(planned).toEqual([tag('api-old'), tag('web-old')]);
    for (const removal of dry.imageRemovals) {
      expect(removal.sizeBytes).toBeGreaterThan(1_048_576);
      expect(removal.ownBytes).toBe(0);
    }

    const real = await reconciler().run();
    expect(real.failures).toEqual([]);
    expect(real.imageRemovals.flatMap((r) => r.tags).sort()).toEqual(planned);
    for (const what of ['api-old', 'web-old']) {
      expect(await host.imageExists(tag(what))).toBe(false);
    }
    for (const what of ['api-used', 'api-new', 'web-base', 'web-new', 'unmarked']) {
      expect(await host.imageExists(tag(what))).toBe(true);
    }
    const rows = await prisma.resource.findMany({ where: { host: run, kind: 'image' } });
    const state = Object.fromEntries(rows.map((r) => [r.name, r.state]));
    expect(state[tag('api-old')]).toBe('deleted');
    expect(state[tag('api-new')]).toBe('created');

    // Nothing more to do, however long after: the live preview's container keeps its image.
    await new Promise((r) => setTimeout(r, 1_500));
    const again = await reconciler().run();
    expect(again.imageRemovals).toEqual([]);
    expect(await host.imageExists(tag('api-used'))).toBe(true);
  });
});
