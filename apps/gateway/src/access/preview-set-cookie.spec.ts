import { describe, expect, it } from 'vitest';
import { previewSetCookie, previewSetCookies } from './preview-set-cookie.js';

describe('previewSetCookie', () => {
  it('passes an app’s own host-only cookies on byte for byte', () => {
    for (const line of [
      'sid=abc; Path=/; HttpOnly; SameSite=Lax',
      'theme="dark"',
      'a=1;Path=/;Secure;Partitioned;Priority=High',
      'consent=yes; Max-Age=3600; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
      'domainless=1; Path=/domain',
    ]) {
      expect(previewSetCookie(line)).toBe(line);
    }
  });

  it.each([
    ['shared=1; Domain=preview.example.com', 'shared=1'],
    ['shared=1; Path=/; Domain=.preview.example.com; HttpOnly', 'shared=1; Path=/; HttpOnly'],
    ['shared=1;domain=example.com;Path=/', 'shared=1;Path=/'],
    ['shared=1; DOMAIN = example.com ; Secure', 'shared=1; Secure'],
    ['shared=1; Domain; Path=/', 'shared=1; Path=/'],
    ['shared=1; Domain=a.example.com; Domain=b.example.com', 'shared=1'],
    ['shared=1; \tdOmAiN\t=example.com', 'shared=1'],
  ])('strips Domain from %j', (line, kept) => {
    expect(previewSetCookie(line)).toBe(kept);
  });

  it.each([
    'berth_access_0f8e2a517c1d=evil; Path=/',
    'berth_access_0f8e2a517c1d=; Max-Age=0',
    '  berth_access_0f8e2a517c1d=evil',
    '\tberth_access_x=evil',
    'BERTH_ACCESS_0f8e2a517c1d=evil',
    'Berth_Access_x=evil; Domain=example.com',
    // Nameless: a browser stores name "" and sends the value alone, which reads as a Berth cookie.
    '=berth_access_0f8e2a517c1d=evil; Path=/',
    ' = berth_access_0f8e2a517c1d=evil',
    '=BERTH_ACCESS_x=evil',
    'berth_access_0f8e2a517c1d',
    // Cookie-name prefixes and quotes do not hide the name.
    '__Host-berth_access_x=evil; Path=/; Secure',
    '__Secure-BERTH_ACCESS_x=evil; Secure',
    '"berth_access_x"=evil',
  ])('drops %j, which would plant a Berth credential', (line) => {
    expect(previewSetCookie(line)).toBeUndefined();
  });

  it('drops lines a browser would ignore anyway (control characters)', () => {
    expect(previewSetCookie('a=1\u0000; Path=/')).toBeUndefined();
    expect(previewSetCookie('a=1\u007f')).toBeUndefined();
    expect(previewSetCookie('a=1;\tPath=/')).toBe('a=1;\tPath=/');
  });
});

describe('previewSetCookies', () => {
  it('filters a whole header, and removes it when nothing is left', () => {
    expect(
      previewSetCookies([
        'sid=1; Path=/',
        '=berth_access_x=evil',
        'wide=1; Domain=preview.example.com; Path=/',
      ]),
    ).toEqual(['sid=1; Path=/', 'wide=1; Path=/']);
    expect(previewSetCookies(['berth_access_x=evil'])).toBeUndefined();
    expect(previewSetCookies(undefined)).toBeUndefined();
  });
});
