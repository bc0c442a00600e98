import { describe, expect, it } from 'vitest';
import { BUILD_LOG_MAX_LINE_CHARS, LineTail } from './line-tail.js';

describe('LineTail', () => {
  it('keeps the last lines and counts what it dropped', () => {
    const tail = new LineTail(3);
    for (const line of ['a', 'b', 'c', 'd', 'e']) tail.push(line);
    expect(tail.lines).toEqual(['c', 'd', 'e']);
    expect(tail.dropped).toBe(2);
  });

  it('keeps everything under the bound', () => {
    const tail = new LineTail(3);
    tail.push('only');
    expect(tail.lines).toEqual(['only']);
    expect(tail.dropped).toBe(0);
  });

  it('cuts one overlong line', () => {
    const tail = new LineTail();
    tail.push('x'.repeat(BUILD_LOG_MAX_LINE_CHARS + 10));
    expect(tail.lines[0]).toBe(`${'x'.repeat(BUILD_LOG_MAX_LINE_CHARS)}…`);
  });
});
