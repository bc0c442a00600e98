import { describe, expect, it } from 'vitest';
import { BERTH } from './index.js';
describe('core', () => {
  it('names', () => {
    expect(BERTH).toBe('berth');
  });
});
