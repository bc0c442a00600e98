import { describe, expect, it } from 'vitest';
import { redeliveryRoot } from './delivery-queries.js';

describe('redeliveryRoot', () => {
  it('is the delivery GitHub sent, however many redeliveries deep', () => {
    expect(redeliveryRoot('d1')).toBe('d1');
    expect(redeliveryRoot('d1:redeliver:1')).toBe('d1');
    expect(redeliveryRoot('d1:redeliver:12')).toBe('d1');
    expect(redeliveryRoot('resync:pr:1:2:abc')).toBe('resync:pr:1:2:abc');
  });
});
