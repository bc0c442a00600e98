import type { SleepResult, WakeResult } from '@berth/lifecycle';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SleepMetrics, wokenBy } from './sleep-metrics.js';

const woken = (ms: number): WakeResult => ({
  status: 'woken',
  environmentId: 'e',
  ms,
  started: ['api'],
  readyMs: { api: ms },
});

describe('SleepMetrics', () => {
  it('counts sleeps by reason, wakes by who asked, their durations and failures', async () => {
    const metrics = new SleepMetrics(async () => 3, 'local');
    // Recorded before the registry exists: a wake can finish before /metrics is up.
    metrics.recordWake(woken(4_200), 'gateway');
    const registry = new Registry();
    metrics.register(registry);
    metrics.recordSweep({
      host: 'local',
      checked: 5,
      slept: 2,
      skipped: 0,
      failures: 0,
      durationMs: 9,
    });
    metrics.recordSweep({
      host: 'local',
      checked: 1,
      slept: 0,
      skipped: 0,
      failures: 1,
      durationMs: 9,
    });
    metrics.recordSweepError();
    const asleep = (already: boolean): SleepResult => ({
      status: 'asleep',
      environmentId: 'e',
      sleptAt: '2026-01-01T00:00:00.000Z',
      stopped: ['pr-1-api'],
      already,
    });
    metrics.recordSleep(asleep(false));
    metrics.recordSleep(asleep(true)); // asked twice: one sleep
    metrics.recordSleep({ status: 'refused', environmentId: 'e', reason: 'not ready' });
    metrics.recordWake(woken(12_600), 'alice');
    metrics.recordWake({ status: 'awake', environmentId: 'e', reason: 'not asleep' }, 'gateway');
    metrics.recordWakeFailure('gateway');
    const text = await registry.metrics();
    expect(text).toContain('berth_sleep_slept_total{reason="idle"} 2');
    expect(text).toContain('berth_sleep_slept_total{reason="operator"} 1');
    expect(text).toContain('berth_sleep_woken_total{by="gateway"} 1');
    expect(text).toContain('berth_sleep_woken_total{by="operator"} 1');
    expect(text).toContain('berth_sleep_wake_failures_total{by="gateway"} 1');
    expect(text).toContain('berth_sleep_idle_sweeps_total{outcome="ok"} 1');
    expect(text).toContain('berth_sleep_idle_sweeps_total{outcome="failures"} 1');
    expect(text).toContain('berth_sleep_idle_sweeps_total{outcome="error"} 1');
    expect(text).toContain('berth_sleep_wake_duration_seconds_bucket{le="4"} 0');
    expect(text).toContain('berth_sleep_wake_duration_seconds_bucket{le="5"} 1');
    expect(text).toContain('berth_sleep_wake_duration_seconds_bucket{le="15"} 2');
    expect(text).toContain('berth_sleep_wake_duration_seconds_count 2');
    expect(text).toContain('berth_sleep_wake_duration_seconds_sum 16.8');
    expect(text).toContain('berth_sleep_asleep{host="local"} 3');
  });

  it('shows -1 asleep when the state store does not answer', async () => {
    const registry = new Registry();
    new SleepMetrics(() => Promise.reject(new Error('down')), 'h1').register(registry);
    expect(await registry.metrics()).toContain('berth_sleep_asleep{host="h1"} -1');
  });

  it('names the gateway, and everyone else an operator (bounded label values)', () => {
    expect(wokenBy('gateway')).toBe('gateway');
    expect(wokenBy('admin')).toBe('operator');
    expect(wokenBy('octocat')).toBe('operator');
  });
});
