import { describe, expect, it } from 'vitest';
import { isBatchRejection, isRetryableRoute53Error, withRetries } from './route53-retry.js';

const named = (name: string, extra: object = {}): Error =>
  Object.assign(new Error(name), { name }, extra);

describe('isRetryableRoute53Error', () => {
  it('retries throttling, PriorRequestNotComplete, 5xx and network failures', () => {
    expect(isRetryableRoute53Error(named('Throttling'))).toBe(true);
    expect(isRetryableRoute53Error(named('PriorRequestNotComplete'))).toBe(true);
    expect(isRetryableRoute53Error(named('Whatever', { $metadata: { httpStatusCode: 503 } }))).toBe(
      true,
    );
    expect(isRetryableRoute53Error(named('Error', { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableRoute53Error(named('TimeoutError'))).toBe(true);
  });

  it('does not retry what another try cannot fix', () => {
    expect(isRetryableRoute53Error(named('InvalidChangeBatch'))).toBe(false);
    expect(
      isRetryableRoute53Error(named('NoSuchHostedZone', { $metadata: { httpStatusCode: 404 } })),
    ).toBe(false);
    expect(
      isRetryableRoute53Error(named('AccessDenied', { $metadata: { httpStatusCode: 403 } })),
    ).toBe(false);
    expect(isRetryableRoute53Error(named('AbortError'))).toBe(false);
    expect(isRetryableRoute53Error('Throttling')).toBe(false);
  });

  it('tells a refused batch content from other errors', () => {
    expect(isBatchRejection(named('InvalidChangeBatch'))).toBe(true);
    expect(isBatchRejection(named('InvalidInput'))).toBe(true);
    expect(isBatchRejection(named('Throttling'))).toBe(false);
  });
});

describe('withRetries', () => {
  const policy = { maxAttempts: 4, baseMs: 1, capMs: 4 };

  it('retries until the call succeeds, reporting each wait', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await withRetries(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(named('Throttling')) : Promise.resolve('done');
      },
      policy,
      ({ waitMs }) => waits.push(waitMs),
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it('gives up after maxAttempts with the last error, and at once on a final one', async () => {
    let calls = 0;
    await expect(
      withRetries(() => {
        calls += 1;
        return Promise.reject(named('Throttling'));
      }, policy),
    ).rejects.toThrow('Throttling');
    expect(calls).toBe(4);

    calls = 0;
    await expect(
      withRetries(() => {
        calls += 1;
        return Promise.reject(named('InvalidChangeBatch'));
      }, policy),
    ).rejects.toThrow('InvalidChangeBatch');
    expect(calls).toBe(1);
  });
});
