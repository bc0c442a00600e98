import { readFileSync } from 'node:fs';
import { environmentIdentity, parseComposeOrThrow, renderServiceEnvironments } from '@berth/core';
import { describe, expect, it } from 'vitest';
import type { RevisionImages } from '../pipeline/revision-outputs.js';
import { oneShotsToRun, otherSlot } from './beside-serving.js';
import { replicatePlan } from './container-plan.js';

const shopCompose = readFileSync(
  new URL('../../../../examples/shop/docker-compose.yml', import.meta.url),
  'utf8',
);
const spec = parseComposeOrThrow(shopCompose, { variables: { SHOP_DB_PASSWORD: 'pw' } });
const environment = renderServiceEnvironments(spec, {
  envKey: 'acme/shop#7',
  pr: 7,
  urls: {},
  secrets: {},
});
const images = (tags: Record<string, string> = {}): RevisionImages =>
  Object.fromEntries(
    Object.keys(spec.services).map((s) => [
      s,
      { tag: tags[s] ?? `img/${s}:1`, source: 'image', durationMs: 0 },
    ]),
  );
const plan = (tags?: Record<string, string>, slot = 0) =>
  replicatePlan(environmentIdentity('acme/shop', 7, slot), spec, images(tags), environment);

describe('oneShotsToRun', () => {
  it('is empty when every one-shot runs as the serving revision ran it: applied in place', () => {
    expect(oneShotsToRun(plan(), plan({ api: 'img/api:2', web: 'img/web:2' }))).toEqual([]);
  });

  it('names a one-shot whose container changed: a migration to run beside the serving one', () => {
    expect(oneShotsToRun(plan(), plan({ migrate: 'img/migrate:2' }))).toEqual(['migrate']);
  });

  it('names a one-shot the serving revision did not have', () => {
    const serving = plan();
    const { migrate: _gone, ...services } = serving.services;
    expect(oneShotsToRun({ ...serving, services }, plan())).toEqual(['migrate']);
  });
});

describe('otherSlot', () => {
  it('alternates between the two slots', () => {
    expect(otherSlot(0)).toBe(1);
    expect(otherSlot(1)).toBe(0);
    expect(plan(undefined, 1).slot).toBe(1);
  });
});
