import { describe, expect, it } from 'vitest';
import { sameHostLocation } from './same-host-location.js';

const HOST = 'web-pr-1-shop.preview.example.com';
/** Where a browser on the preview would go, by the WHATWG URL parser browsers implement. */
const landsOn = (location: string) => new URL(location, `https://${HOST}/cart`).host;

describe('sameHostLocation', () => {
  it('keeps an ordinary path, query and fragment byte for byte', () => {
    for (const path of ['/', '/cart?x=1#top', '/a/b%2Fc?q=%2F%2Fevil', '/a//b']) {
      expect(sameHostLocation(path)).toBe(path);
    }
  });

  it.each([
    ['//evil.example/', '/evil.example/'],
    ['///evil.example/', '/evil.example/'],
    ['/\\evil.example/', '/evil.example/'],
    ['\\\\evil.example/', '/evil.example/'],
    ['/\\/\\evil.example/?x=1', '/evil.example/?x=1'],
    ['http://evil.example/x', '/http://evil.example/x'],
    ['https:evil.example', '/https:evil.example'],
    ['/\t/evil.example/', '/%09/evil.example/'],
    ['/\n/evil.example/', '/%0A/evil.example/'],
    ['\r\n//evil.example', '/%0D%0A//evil.example'],
    [' //evil.example', '/%20//evil.example'],
    ['/\u0000/evil.example', '/%00/evil.example'],
    ['/\u00e9t\u00e9', '/%C3%A9t%C3%A9'],
    ['*', '/*'],
    ['', '/'],
  ])('%j never leaves the host (→ %s)', (path, location) => {
    expect(sameHostLocation(path)).toBe(location);
    expect(landsOn(sameHostLocation(path))).toBe(HOST);
  });
});
