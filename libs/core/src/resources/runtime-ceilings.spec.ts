import { describe, expect, it } from 'vitest';
import {
  clampLimits,
  describeClamp,
  runtimeCeilings,
  serviceCountProblem,
} from './runtime-ceilings.js';

const MIB = 1024 * 1024;
const defaults = { memoryBytes: 512 * MIB, cpus: 1, pids: 512 };
const ceilings = { memoryBytes: 4096 * MIB, cpus: 2, pids: 1024 };

describe('runtimeCeilings', () => {
  it('takes the repository setting where there is one, else the operator default', () => {
    expect(
      runtimeCeilings(
        { maxMemoryMb: 256, maxServices: 3 },
        { maxMemoryMb: 4096, maxCpus: 2, maxPids: 1024, maxServices: 20 },
      ),
    ).toEqual({ memoryBytes: 256 * MIB, cpus: 2, pids: 1024, maxServices: 3 });
  });
});

describe('clampLimits', () => {
  it('lowers a 200g request to the ceiling and reports it', () => {
    const { limits, clamps } = clampLimits(
      'api',
      { memoryBytes: 200 * 1024 * MIB, cpus: 64, pids: 100 },
      defaults,
      ceilings,
    );
    expect(limits).toEqual({ memoryBytes: 4096 * MIB, cpus: 2, pids: 100 });
    expect(clamps).toEqual([
      { service: 'api', limit: 'memoryBytes', requested: 200 * 1024 * MIB, applied: 4096 * MIB },
      { service: 'api', limit: 'cpus', requested: 64, applied: 2 },
    ]);
    expect(describeClamp(clamps[0]!)).toMatch(
      /^services\.api: memory clamped from 200g to 4g .*--max-memory/,
    );
  });

  it('keeps a request at or below the ceiling as asked', () => {
    const asked = { memoryBytes: 4096 * MIB, cpus: 0.5, pids: 1024 };
    expect(clampLimits('db', asked, defaults, ceilings)).toEqual({ limits: asked, clamps: [] });
  });

  it('lowers a default above a low ceiling without reporting it', () => {
    const low = { memoryBytes: 128 * MIB, cpus: 0.25, pids: 64 };
    expect(clampLimits('web', {}, defaults, low)).toEqual({ limits: low, clamps: [] });
  });
});

describe('serviceCountProblem', () => {
  it('refuses more services than the ceiling, naming services, the limit and the flag', () => {
    const problem = serviceCountProblem(300, 20, 'octo/app');
    expect(problem?.path).toBe('services');
    expect(problem?.message).toContain('at most 20');
    expect(problem?.message).toContain('berth repo set octo/app --max-services 300');
  });

  it('accepts the ceiling itself', () => {
    expect(serviceCountProblem(20, 20, 'octo/app')).toBeUndefined();
  });
});
