import { describe, expect, it } from 'vitest';
import {
  PREFLIGHT_MAX_AGE_S,
  preflightAllowHeaders,
  previewOriginHostname,
} from './cors-preflight.js';

describe('previewOriginHostname', () => {
  it('names the host of an http(s) origin on the port the request came in on', () => {
    const web = 'web-pr-1-shop.preview.example.com';
    expect(previewOriginHostname(`https://${web}`, 'api-pr-1-shop.preview.example.com')).toBe(web);
    expect(previewOriginHostname(`https://${web}`, 'api.example.com:443')).toBe(web);
    expect(previewOriginHostname(`http://${web}:8080`, 'api.example.com:8080')).toBe(web);
    expect(previewOriginHostname(`http://${web}`, 'api.example.com:80')).toBe(web);
    expect(previewOriginHostname(`http://${web}`, 'api.example.com')).toBe(web);
  });

  it.each([
    ['https://web.example.com:8443', 'api.example.com'], // another port
    ['https://web.example.com', 'api.example.com:80'],
    ['http://web.example.com', 'api.example.com:8080'],
    ['http://web.example.com:8080', 'api.example.com'],
    ['null', 'api.example.com'], // opaque origin (sandboxed frame, file:)
    ['', 'api.example.com'],
    ['https://WEB.example.com', 'api.example.com'], // not how browsers serialise it
    ['https://web.example.com/', 'api.example.com'],
    ['https://user@web.example.com', 'api.example.com'],
    ['https://web.example.com, https://evil.example', 'api.example.com'],
    ['ws://web.example.com', 'api.example.com'],
    ['file:///etc/passwd', 'api.example.com'],
  ])('refuses %j (Host %s)', (origin, host) => {
    expect(previewOriginHostname(origin, host)).toBeUndefined();
  });
});

describe('preflightAllowHeaders', () => {
  const origin = 'https://web-pr-1-shop.preview.example.com';

  it('allows the origin with credentials, echoing the requested method and headers', () => {
    expect(
      preflightAllowHeaders({ origin, method: 'POST', headers: 'content-type,x-request-id' }),
    ).toEqual({
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, x-request-id',
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    });
    expect(PREFLIGHT_MAX_AGE_S).toBeLessThanOrEqual(600);
    expect(
      preflightAllowHeaders({ origin, method: 'DELETE', headers: undefined }),
    ).not.toHaveProperty('access-control-allow-headers');
    expect(preflightAllowHeaders({ origin, method: 'PUT', headers: ' ' })).not.toHaveProperty(
      'access-control-allow-headers',
    );
  });

  it('answers nothing to a method or header list that is not made of HTTP tokens', () => {
    expect(
      preflightAllowHeaders({ origin, method: 'GET, POST', headers: undefined }),
    ).toBeUndefined();
    expect(preflightAllowHeaders({ origin, method: '', headers: undefined })).toBeUndefined();
    expect(preflightAllowHeaders({ origin, method: 'POST', headers: 'a b' })).toBeUndefined();
    expect(preflightAllowHeaders({ origin, method: 'POST', headers: 'x;y' })).toBeUndefined();
  });
});
