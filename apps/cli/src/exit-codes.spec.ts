import { describe, expect, it } from 'vitest';
import { ApiError } from './admin-client.js';
import { ApiUnreachableError, EXIT, exitCodeOf, RestApiError } from './exit-codes.js';
import { UsageError } from './repo-flags.js';

describe('exit codes', () => {
  it('map each failure to its documented code', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(EXIT.usage);
    expect(exitCodeOf(new ApiUnreachableError('x'))).toBe(EXIT.unreachable);
    expect(exitCodeOf(new RestApiError('x', 401))).toBe(EXIT.auth);
    expect(exitCodeOf(new RestApiError('x', 404))).toBe(EXIT.notFound);
    for (const status of [400, 403, 409, 422, 429, 500, 503]) {
      expect(exitCodeOf(new RestApiError('x', status))).toBe(EXIT.failed);
    }
    // /admin/v1 commands: one code for every refusal, as scripts already read it.
    expect(exitCodeOf(new ApiError('x'))).toBe(EXIT.failed);
    expect(EXIT).toEqual({ ok: 0, failed: 1, usage: 2, notFound: 3, auth: 4, unreachable: 5 });
  });

  it('leave a bug a bug', () => {
    expect(exitCodeOf(new TypeError('undefined is not a function'))).toBeUndefined();
  });
});
