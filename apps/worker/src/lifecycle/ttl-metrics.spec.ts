import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TtlMetrics } from './ttl-metrics.js';

const report = (over: Partial<Parameters<TtlMetrics['record']>[0]> = {}) => ({
  host: 'local',
  checked: 7,
  warned: 0,
  expired: 0,
  skipped: 0,
  failures: 0,
  displayUpdated: 0,
  durationMs: 250,
  ...over,
});

describe('TtlMetrics', () => {
  it('counts sweeps by outcome, warnings, expiries, extensions and failures', async () => {
    const metrics = new TtlMetrics(() => 1_700_000_000_500);
    const registry = new Registry();
    metrics.record(report({ warned: 2 }));
    metrics.register(registry);
    metrics.record(report({ warned: 1, expired: 2, failures: 1, checked: 4, durationMs: 1_500 }));
    metrics.recordError();
    metrics.recordExtension({
      status: 'extended',
      environmentId: 'e1',
      expiresAt: '2026-01-01T00:00:00.000Z',
      previousExpiresAt: null,
    });
    metrics.recordExtension({ status: 'refused', environmentId: 'e2', reason: 'closed' });
    const text = await registry.metrics();
    expect(text).toContain('berth_ttl_sweeps_total{outcome="ok"} 1');
    expect(text).toContain('berth_ttl_sweeps_total{outcome="failures"} 1');
    expect(text).toContain('berth_ttl_sweeps_total{outcome="error"} 1');
    expect(text).toContain('berth_ttl_warned_total 3');
    expect(text).toContain('berth_ttl_expired_total 2');
    expect(text).toContain('berth_ttl_extended_total 1');
    expect(text).toContain('berth_ttl_command_failures_total 1');
    expect(text).toContain('berth_ttl_last_sweep_duration_seconds 1.5');
    expect(text).toContain('berth_ttl_last_sweep_timestamp_seconds 1700000001');
    expect(text).toContain('berth_ttl_last_sweep_checked 4');
  });

  it('shows zeros before the first sweep', async () => {
    const registry = new Registry();
    new TtlMetrics().register(registry);
    const text = await registry.metrics();
    expect(text).toContain('berth_ttl_expired_total 0');
    expect(text).toContain('berth_ttl_last_sweep_timestamp_seconds 0');
  });
});
