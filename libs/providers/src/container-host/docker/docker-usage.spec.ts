import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { diskUsage, engineTime, memoryInUse, networkBytes } from './docker-usage.js';

describe('docker-usage readings', () => {
  it('subtracts the inactive file cache like `docker stats` (cgroup v1, then v2)', () => {
    // Measured on dockerd 20.10 (cgroup v1): 178065408 − 50352128 = 121.8 MiB, as the CLI showed.
    expect(
      memoryInUse({ usage: 178_065_408, stats: { total_inactive_file: 50_352_128, cache: 1 } }),
    ).toBe(127_713_280);
    expect(memoryInUse({ usage: 1_000, stats: { inactive_file: 300 } })).toBe(700);
    // A cache larger than the usage (never subtracted below zero), or no stats at all.
    expect(memoryInUse({ usage: 100, stats: { total_inactive_file: 500 } })).toBe(100);
    expect(memoryInUse(undefined)).toBe(0);
  });

  it('adds received and sent bytes over every interface', () => {
    expect(networkBytes({ eth0: { rx_bytes: 736, tx_bytes: 64 }, eth1: { rx_bytes: 200 } })).toBe(
      1_000,
    );
    expect(networkBytes(undefined)).toBe(0);
  });

  it('reads the engine’s nanosecond times to the millisecond, and Go’s zero time as none', () => {
    expect(engineTime('2026-12-04T08:07:21.979760097Z')).toBe('2026-12-04T08:07:21.979Z');
    expect(engineTime('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(engineTime(undefined)).toBeUndefined();
  });

  it('reads images with their labels and shared bytes, and the build cache without shared records', async () => {
    // The engine's /system/df answer, as Docker 24 with BuildKit gives it.
    const answer = {
      Images: [{ Id: 'sha256:a', Size: 320, SharedSize: 300, Labels: { 'berth.managed': 'true' } }],
      Volumes: [],
      Containers: [],
      BuildCache: [
        { Size: 40, Shared: false },
        { Size: 25, Shared: true },
      ],
    };
    const engine = { df: async () => answer } as unknown as Docker; // only df is read
    expect(await diskUsage(engine)).toEqual({
      images: [
        { id: 'sha256:a', sizeBytes: 320, sharedBytes: 300, labels: { 'berth.managed': 'true' } },
      ],
      volumes: [],
      containers: [],
      buildCacheBytes: 40,
    });
    // Docker 20.10 without BuildKit: no build cache at all.
    const classic = { df: async () => ({ ...answer, BuildCache: null }) } as unknown as Docker;
    expect((await diskUsage(classic)).buildCacheBytes).toBe(0);
  });
});
