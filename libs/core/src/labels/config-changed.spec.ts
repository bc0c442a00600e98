import { describe, expect, it } from 'vitest';
import { configChanged, configDifferences } from './config-changed.js';
import { DEFAULT_CONFIG, type PreviewConfig } from './label-config.js';

const base: PreviewConfig = { ...DEFAULT_CONFIG };

describe('configChanged', () => {
  it('is false for identical configs', () => {
    expect(configChanged(base, { ...base })).toBe(false);
  });

  it('is false for a TTL-only change', () => {
    expect(configChanged(base, { ...base, ttlMs: 3_600_000 })).toBe(false);
  });

  it('is false for approval changes (handled by the approved event)', () => {
    expect(configChanged(base, { ...base, approved: true })).toBe(false);
  });

  it.each<[string, Partial<PreviewConfig>]>([
    ['skip', { skip: true }],
    ['mode', { mode: 'frontend-only' }],
    ['database', { database: 'branch' }],
    ['rebuild', { rebuild: true }],
  ])('is true when %s changes', (field, change) => {
    expect(configChanged(base, { ...base, ...change })).toBe(true);
    expect(configDifferences(base, { ...base, ...change })).toEqual([field]);
  });

  it('un-skipping bumps too', () => {
    expect(configChanged({ ...base, skip: true }, base)).toBe(true);
  });

  it('removing preview:rebuild does not', () => {
    expect(configChanged({ ...base, rebuild: true }, base)).toBe(false);
  });

  it('lists every changed field', () => {
    expect(configDifferences(base, { ...base, skip: true, database: 'branch', ttlMs: 1 })).toEqual([
      'skip',
      'database',
    ]);
  });
});
