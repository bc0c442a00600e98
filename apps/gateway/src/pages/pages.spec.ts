import { describe, expect, it } from 'vitest';
import { notFoundPage } from '../not-found-page.js';
import { privatePage } from './private-page.js';
import { unavailablePage, upstreamErrorPage } from './upstream-error-page.js';
import { WAKE_RETRY_S, wakingPage } from './waking-page.js';

const EVIL = '<script>alert(1)</script>';

describe('gateway pages', () => {
  it('say what happened and escape every user-controlled value', () => {
    const pages = [
      notFoundPage(EVIL, 'localhost'),
      privatePage(EVIL, 'no-credentials'),
      upstreamErrorPage(EVIL, EVIL, false),
      unavailablePage(EVIL),
      wakingPage(EVIL),
    ];
    for (const page of pages) {
      expect(page).toMatch(/^<!doctype html>/);
      expect(page).not.toContain(EVIL);
      expect(page).toContain('&lt;script&gt;');
    }
  });

  it('private page says how to get in (sign in, or ask an operator for a link) and why not', () => {
    expect(privatePage('web-pr-1-shop.localhost', 'expired')).toContain(
      'ask an operator of this Berth for a share link',
    );
    expect(privatePage('web-pr-1-shop.localhost', 'expired')).toContain('expired');
    expect(privatePage('web-pr-1-shop.localhost', 'revoked')).toContain('revoked by an operator');
    expect(privatePage('web-pr-1-shop.localhost', 'expired')).not.toContain('Berth comment');
  });

  it('upstream page names the service and says the preview may be starting', () => {
    const page = upstreamErrorPage('api-pr-1-shop.localhost', 'api', false);
    expect(page).toContain('<code>api</code> service is not answering');
    expect(page).toContain('may be starting');
    expect(upstreamErrorPage('h', 'api', true)).toContain('did not answer in time');
  });

  it('waking page says the preview is waking up and reloads itself', () => {
    const page = wakingPage('web-pr-1-shop.localhost');
    expect(page).toContain('This preview is waking up');
    expect(page).toContain(`<meta http-equiv="refresh" content="${WAKE_RETRY_S}">`);
  });
});
