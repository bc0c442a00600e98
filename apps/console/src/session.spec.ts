import { describe, expect, it } from 'vitest';
import { powersOf } from './session.js';

describe('what a session may do', () => {
  it('follows the token’s scope and repository restriction', () => {
    expect(powersOf({ scope: 'read', repository: null })).toEqual({
      write: false,
      admin: false,
      operator: false,
    });
    expect(powersOf({ scope: 'write', repository: 'acme/shop' })).toEqual({
      write: true,
      admin: false,
      operator: false,
    });
    expect(powersOf({ scope: 'admin', repository: 'acme/*' })).toEqual({
      write: true,
      admin: true,
      operator: false,
    });
    expect(powersOf({ scope: 'admin', repository: null }).operator).toBe(true);
  });
});
