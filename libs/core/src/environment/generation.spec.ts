import { describe, expect, it } from 'vitest';
import { INITIAL_GENERATION, isSuperseded, nextGeneration } from './generation.js';

const none = { headShaChanged: false, configChanged: false, reopened: false };

describe('nextGeneration', () => {
  it('keeps the generation when nothing relevant changed', () => {
    expect(nextGeneration(3, none)).toBe(3);
  });

  it.each(['headShaChanged', 'configChanged', 'reopened'] as const)('bumps once on %s', (field) => {
    expect(nextGeneration(3, { ...none, [field]: true })).toBe(4);
  });

  it('bumps once even when everything changed', () => {
    expect(nextGeneration(3, { headShaChanged: true, configChanged: true, reopened: true })).toBe(
      4,
    );
  });

  it('starts from 0 to give the initial generation', () => {
    expect(nextGeneration(0, { ...none, headShaChanged: true })).toBe(INITIAL_GENERATION);
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('rejects %s', (g) => {
    expect(() => nextGeneration(g, none)).toThrow(/current generation/);
  });
});

describe('isSuperseded', () => {
  it('is true only for older generations', () => {
    expect(isSuperseded(1, 2)).toBe(true);
    expect(isSuperseded(2, 2)).toBe(false);
  });

  it('throws for a job newer than its environment', () => {
    expect(() => isSuperseded(3, 2)).toThrow(/newer than the environment's 2/);
  });

  it.each([
    [0, 1],
    [1, 0],
    [1.5, 2],
    [Number.NaN, 1],
  ])('rejects invalid generations (%s, %s)', (job, current) => {
    expect(() => isSuperseded(job, current)).toThrow(/generation must be an integer/);
  });
});
