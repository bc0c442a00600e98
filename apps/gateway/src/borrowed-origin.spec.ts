import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { mapBorrowedOrigin } from './borrowed-origin.js';

const map = { 'http://web.pr-1.localhost:8080': 'http://web.pr-0.localhost:8080' };

describe('mapBorrowedOrigin', () => {
  it('presents the PR’s frontend as the base’s, and maps the CORS answer back', () => {
    const request: IncomingHttpHeaders = { origin: 'http://web.pr-1.localhost:8080' };
    const back = mapBorrowedOrigin(request, map);
    expect(request.origin).toBe('http://web.pr-0.localhost:8080');
    const answer: IncomingHttpHeaders = {
      'access-control-allow-origin': 'http://web.pr-0.localhost:8080',
    };
    back?.(answer);
    expect(answer['access-control-allow-origin']).toBe('http://web.pr-1.localhost:8080');
  });

  it('leaves other origins, and requests without one, alone', () => {
    const other: IncomingHttpHeaders = { origin: 'https://evil.example' };
    expect(mapBorrowedOrigin(other, map)).toBeNull();
    expect(other.origin).toBe('https://evil.example');
    expect(mapBorrowedOrigin({}, map)).toBeNull();
    expect(mapBorrowedOrigin({ origin: 'http://web.pr-1.localhost:8080' }, null)).toBeNull();
  });
});
