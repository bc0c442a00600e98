import { environmentIdentity, parseComposeOrThrow } from '@berth/core';
import { describe, expect, it } from 'vitest';
import type { RevisionImages } from '../pipeline/revision-outputs.js';
import { PermanentStageError } from '../pipeline/stage-handler.js';
import { replicatePlan } from './container-plan.js';

const MIB = 1024 * 1024;
const id = environmentIdentity('acme/big', 3);
const ceilings = { memoryBytes: 1024 * MIB, cpus: 1, pids: 256, maxServices: 3 };

function plan(compose: string, limits = ceilings) {
  const spec = parseComposeOrThrow(compose);
  const names = Object.keys(spec.services);
  const images: RevisionImages = Object.fromEntries(
    names.map((s) => [s, { tag: `img/${s}:1`, source: 'image', durationMs: 0 }]),
  );
  const environment = Object.fromEntries(names.map((s) => [s, {}]));
  return replicatePlan(id, spec, images, environment, { ceilings: limits });
}

describe('replicatePlan under the repository ceilings', () => {
  it('clamps a 200g request (deploy, mem_limit, cpus, pids_limit) and reports each', () => {
    const p = plan(`
services:
  hog:
    image: x
    deploy: { resources: { limits: { memory: 200g, cpus: '8' } } }
  old:
    image: x
    mem_limit: 2g
    pids_limit: 100000
  small:
    image: x
    mem_limit: 64m
`);
    expect(p.services['hog']?.container.limits).toEqual({
      memoryBytes: 1024 * MIB,
      cpus: 1,
      pids: 256,
    });
    expect(p.services['old']?.container.limits).toEqual({
      memoryBytes: 1024 * MIB,
      cpus: 1,
      pids: 256,
    });
    expect(p.services['small']?.container.limits?.memoryBytes).toBe(64 * MIB);
    expect(p.clamps).toEqual([
      { service: 'hog', limit: 'memoryBytes', requested: 200 * 1024 * MIB, applied: 1024 * MIB },
      { service: 'hog', limit: 'cpus', requested: 8, applied: 1 },
      { service: 'old', limit: 'memoryBytes', requested: 2048 * MIB, applied: 1024 * MIB },
      { service: 'old', limit: 'pids', requested: 100000, applied: 256 },
    ]);
  });

  it('resolves every limit, so admission can sum the memory that will be set', () => {
    const p = plan('services:\n  a: { image: x }\n');
    expect(p.services['a']?.container.limits).toEqual({
      memoryBytes: 512 * MIB,
      cpus: 1,
      pids: 256,
    });
    expect(p.clamps).toEqual([]);
  });

  it('refuses more services than the ceiling as a permanent spec problem', () => {
    const compose = `services:\n${['a', 'b', 'c', 'd'].map((s) => `  ${s}: { image: x }`).join('\n')}\n`;
    expect(() => plan(compose)).toThrow(PermanentStageError);
    expect(() => plan(compose)).toThrow(/^services: 4 services, .*at most 3.*--max-services 4/);
  });
});
