import { describe, expect, it } from 'vitest';
import {
  type BatchChange,
  changeWeight,
  fitsLimits,
  ROUTE53_BATCH_LIMITS,
  splitIntoBatches,
} from './change-batches.js';

const upsert = (key: string, value = 'gateway.example.net'): BatchChange => ({
  action: 'UPSERT',
  key,
  values: [value],
});
const group = (id: string, changes: BatchChange[]) => ({ id, changes });
const ids = (batches: { id: string }[][]): string[][] => batches.map((b) => b.map((g) => g.id));

describe('changeWeight', () => {
  it('counts UPSERT records twice, alias changes as one record, and value characters', () => {
    expect(
      changeWeight([
        upsert('a', 'x'.repeat(10)),
        { action: 'DELETE', key: 'b', values: ['1.2.3.4', '1.2.3.5'] },
        { action: 'CREATE', key: 'c', values: [] },
      ]),
    ).toEqual({ changes: 3, records: 5, valueChars: 24 });
  });

  it('checks Route 53’s documented quotas', () => {
    expect(fitsLimits({ changes: 500, records: 1000, valueChars: 32_000 })).toBe(true);
    expect(fitsLimits({ changes: 501, records: 1002, valueChars: 10 })).toBe(false);
    expect(fitsLimits({ changes: 1, records: 1, valueChars: 32_001 })).toBe(false);
    expect(ROUTE53_BATCH_LIMITS.records).toBe(1000);
  });
});

describe('splitIntoBatches', () => {
  it('packs whole groups in order into one batch while they fit', () => {
    const groups = Array.from({ length: 50 }, (_, i) =>
      group(`g${i}`, [upsert(`h${i}|CNAME`), upsert(`_berth.h${i}|TXT`)]),
    );
    const batches = splitIntoBatches(groups, (g) => g.changes);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(50);
  });

  it('opens a new batch when the record count (UPSERT twice) would pass 1000', () => {
    // 4 records per host pair: 250 groups fit, the 251st starts the next batch.
    const groups = Array.from({ length: 260 }, (_, i) =>
      group(`g${i}`, [upsert(`h${i}|CNAME`), upsert(`_berth.h${i}|TXT`)]),
    );
    const batches = splitIntoBatches(groups, (g) => g.changes);
    expect(batches.map((b) => b.length)).toEqual([250, 10]);
  });

  it('opens a new batch when the value characters would pass 32,000', () => {
    const big = (i: number) => group(`g${i}`, [upsert(`t${i}|TXT`, 'v'.repeat(12_000))]);
    expect(ids(splitIntoBatches([big(1), big(2), big(3)], (g) => g.changes))).toEqual([
      ['g1', 'g2'],
      ['g3'],
    ]);
  });

  it('never puts two changes to one record set in a batch, keeping their order', () => {
    const groups = [
      group('a', [upsert('x|CNAME')]),
      group('b', [upsert('y|CNAME')]),
      group('c', [{ action: 'DELETE', key: 'x|CNAME', values: ['gateway.example.net'] }]),
      group('d', [upsert('z|CNAME')]),
    ];
    expect(ids(splitIntoBatches(groups, (g) => g.changes))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('sends a group bigger than any batch alone', () => {
    const huge = group(
      'huge',
      Array.from({ length: 600 }, (_, i) => upsert(`h${i}|CNAME`)),
    );
    const small = group('small', [upsert('s|CNAME')]);
    expect(ids(splitIntoBatches([small, huge, small], (g) => g.changes))).toEqual([
      ['small'],
      ['huge'],
      ['small'],
    ]);
  });

  it('answers no batches for no groups', () => {
    expect(splitIntoBatches([], () => [])).toEqual([]);
  });
});
