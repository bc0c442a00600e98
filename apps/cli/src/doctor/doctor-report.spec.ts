import { describe, expect, it } from 'vitest';
import { fail, ok, skip } from './check.js';
import { checkConfig } from './config-check.js';
import { describeReport } from './doctor-command.js';

describe('berth doctor report', () => {
  it('one line per check, the fix under each failure, and a verdict', () => {
    const lines = describeReport({
      ok: false,
      checks: [
        ok('api', 'http://127.0.0.1:3000 answers; token valid, scope admin'),
        fail('redis', 'Redis at 127.0.0.1:1 is not answering', 'start Redis, or fix REDIS_URL'),
        skip('route53', 'DNS_PROVIDER is not route53'),
      ],
    });
    expect(lines).toEqual([
      'ok    api      http://127.0.0.1:3000 answers; token valid, scope admin',
      'FAIL  redis    Redis at 127.0.0.1:1 is not answering',
      '               fix: start Redis, or fix REDIS_URL',
      'skip  route53  DNS_PROVIDER is not route53',
      '\n1 check(s) failed: redis',
    ]);
    expect(describeReport({ ok: true, checks: [ok('api', 'fine')] }).at(-1)).toBe(
      '\nall checks passed',
    );
  });

  it('the config check says what the worker would refuse at boot, by variable', () => {
    const result = checkConfig({
      DATABASE_URL: 'postgresql://berth:berth@127.0.0.1:5432/berth',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PREVIEW_LINK_SECRET: 'x'.repeat(32),
      DNS_PROVIDER: 'route53',
      SECRET_BACKEND: 'aws',
    });
    expect(result.status).toBe('fail');
    expect(result.detail).toContain(
      'ROUTE53_HOSTED_ZONE_ID: is required with DNS_PROVIDER=route53',
    );
    expect(result.fix).toMatch(
      /^set .*ROUTE53_HOSTED_ZONE_ID.* in the control plane's environment/,
    );
  });
});
