import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appManifest, githubWebUrl, newAppUrl } from './app-manifest.js';
import { checkSetupState, issueSetupState, readCookie } from './setup-state.js';

const key = randomBytes(32);

describe('setup state', () => {
  it('accepts the state it issued, from the browser holding the cookie', () => {
    const state = issueSetupState(key);
    expect(checkSetupState(key, state, state)).toEqual({ ok: true });
  });

  it('refuses another browser, a forged or foreign state, and an expired one', () => {
    const state = issueSetupState(key);
    expect(checkSetupState(key, state, undefined)).toMatchObject({ ok: false, reason: /browser/ });
    expect(checkSetupState(key, state, issueSetupState(key))).toMatchObject({ ok: false });
    const foreign = issueSetupState(randomBytes(32));
    expect(checkSetupState(key, foreign, foreign)).toMatchObject({
      ok: false,
      reason: /not issued by this Berth/,
    });
    const tampered = state.replace(/^\d+/, '9999999999');
    expect(checkSetupState(key, tampered, tampered)).toMatchObject({ ok: false });
    const old = issueSetupState(key, Date.now() - 2 * 3_600_000);
    expect(checkSetupState(key, old, old)).toMatchObject({ ok: false, reason: /an hour/ });
    expect(checkSetupState(key, undefined, undefined)).toMatchObject({ ok: false });
  });

  it('reads one cookie from a Cookie header', () => {
    expect(readCookie('a=1; berth_setup_state=x%3Dy; b=2', 'berth_setup_state')).toBe('x=y');
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });
});

describe('App manifest', () => {
  it('asks for exactly the permissions and events Berth uses, with its own URLs', () => {
    expect(appManifest({ publicUrl: 'https://berth.example.com/', name: 'Berth' })).toEqual({
      name: 'Berth',
      url: 'https://berth.example.com',
      hook_attributes: { url: 'https://berth.example.com/webhooks/github', active: true },
      redirect_url: 'https://berth.example.com/setup/github/callback',
      callback_urls: ['https://berth.example.com/api/console/session/github/callback'],
      public: false,
      default_permissions: {
        pull_requests: 'write',
        issues: 'write',
        contents: 'read',
        statuses: 'write',
        checks: 'write',
        metadata: 'read',
        members: 'read',
      },
      default_events: ['pull_request', 'issue_comment', 'check_run', 'push'],
    });
  });

  it('posts to github.com, a GHES host or the emulator, for a user or an organization', () => {
    expect(githubWebUrl('https://api.github.com')).toBe('https://github.com');
    expect(githubWebUrl('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
    expect(githubWebUrl('http://127.0.0.1:4010')).toBe('http://127.0.0.1:4010');
    expect(newAppUrl('https://github.com', 's')).toBe(
      'https://github.com/settings/apps/new?state=s',
    );
    expect(newAppUrl('https://github.com', 's', 'acme')).toBe(
      'https://github.com/organizations/acme/settings/apps/new?state=s',
    );
  });
});
