import { describe, expect, it } from 'vitest';
import { hashOneTimeCode, newOneTimeCode } from './one-time-code.js';
import { openSignInFlow, sealSignInFlow, type SignInFlow } from './sign-in-flow.js';
import { githubAllowed, oidcAllowed, type SsoPolicy } from './sso-allow.js';
import { SIGN_IN_SCOPE, signSsoSession, verifySsoSession } from './sso-session-cookie.js';

const SECRET = 'sso-unit-test-secret-0123456789';
const NOW = new Date('2026-12-02T12:00:00Z');
const LATER = new Date('2026-12-02T13:00:00Z');
const ENV = '0f8e2a51-7c1d-4b2e-9a3f-5d6c7b8a9e01';

describe('SSO session cookie', () => {
  const value = signSsoSession(SECRET, { sessionId: 's-1', scope: ENV, expiresAt: LATER });

  it('opens its own environment until it expires', () => {
    expect(verifySsoSession(SECRET, value, ENV, NOW)).toEqual({
      ok: true,
      sessionId: 's-1',
      expiresAt: LATER,
    });
    expect(verifySsoSession(SECRET, value, ENV, LATER)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses another scope, another secret, and any edited byte', () => {
    expect(verifySsoSession(SECRET, value, SIGN_IN_SCOPE, NOW).ok).toBe(false);
    expect(verifySsoSession(`${SECRET}x`, value, ENV, NOW).ok).toBe(false);
    const [payload, mac] = value.split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ s: 's-1', e: ENV, x: 9_999_999_999 }),
      'utf8',
    ).toString('base64url');
    expect(verifySsoSession(SECRET, `${forged}.${mac}`, ENV, NOW).ok).toBe(false);
    expect(verifySsoSession(SECRET, `${payload}x.${mac}`, ENV, NOW).ok).toBe(false);
    expect(verifySsoSession(SECRET, 'garbage', ENV, NOW).ok).toBe(false);
  });
});

describe('sign-in flow (state, nonce, PKCE verifier)', () => {
  const flow: SignInFlow = {
    provider: 'oidc',
    state: 'state-abc',
    nonce: 'nonce-xyz',
    codeVerifier: 'verifier-123',
    environmentId: ENV,
    previewHost: 'web.pr-1-shop-abc.preview.example.com',
    returnPath: '/cart',
    expiresAt: LATER,
  };
  const cookie = sealSignInFlow(SECRET, flow);

  it('gives the flow back when the provider echoes its state', () => {
    expect(openSignInFlow(SECRET, cookie, { provider: 'oidc', state: 'state-abc' }, NOW)).toEqual({
      ok: true,
      flow,
    });
  });

  it.each([
    ['another state', cookie, 'oidc', 'state-abd', 'state-mismatch'],
    ['no state', cookie, 'oidc', undefined, 'state-mismatch'],
    ['another provider', cookie, 'github', 'state-abc', 'wrong-provider'],
    ['no cookie', undefined, 'oidc', 'state-abc', 'no-flow'],
    ['a forged cookie', `${cookie}x`, 'oidc', 'state-abc', 'no-flow'],
  ] as const)('refuses %s', (_what, value, provider, state, reason) => {
    expect(openSignInFlow(SECRET, value, { provider, state }, NOW)).toEqual({ ok: false, reason });
  });

  it('refuses a flow that outlived its window', () => {
    expect(openSignInFlow(SECRET, cookie, { provider: 'oidc', state: 'state-abc' }, LATER)).toEqual(
      { ok: false, reason: 'expired' },
    );
  });
});

describe('one-time codes', () => {
  it('are random and stored only as a hash', () => {
    const a = newOneTimeCode();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newOneTimeCode()).not.toBe(a);
    expect(hashOneTimeCode(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOneTimeCode(a)).not.toContain(a);
  });
});

describe('who SSO lets in', () => {
  const policy: SsoPolicy = {
    allowedEmails: ['Ada@Example.org'],
    allowedDomains: ['corp.example'],
    allowedGroups: ['previewers'],
  };

  it('lets GitHub readers and configured members in, nobody else', () => {
    expect(githubAllowed({ permission: 'read' })).toBe(true);
    expect(githubAllowed({ permission: 'admin' })).toBe(true);
    expect(githubAllowed({ permission: 'none' })).toBe(false);
    expect(githubAllowed({ permission: 'none', member: false })).toBe(false);
    expect(githubAllowed({ permission: 'none', member: true })).toBe(true);
  });

  it('admits OIDC users by verified email, domain or group', () => {
    expect(oidcAllowed(policy, { email: 'ada@example.org', emailVerified: true })).toBe(true);
    expect(oidcAllowed(policy, { email: 'bob@corp.example', emailVerified: true })).toBe(true);
    expect(oidcAllowed(policy, { email: 'x@y.example', groups: ['previewers'] })).toBe(true);
  });

  it('refuses unverified emails, look-alike domains and everyone when nothing is set', () => {
    expect(oidcAllowed(policy, { email: 'ada@example.org', emailVerified: false })).toBe(false);
    expect(oidcAllowed(policy, { email: 'ada@example.org' })).toBe(false);
    expect(oidcAllowed(policy, { email: 'x@evilcorp.example', emailVerified: true })).toBe(false);
    expect(oidcAllowed(policy, { email: 'x@sub.corp.example', emailVerified: true })).toBe(false);
    expect(oidcAllowed(policy, { groups: ['other'] })).toBe(false);
    const none: SsoPolicy = { allowedEmails: [], allowedDomains: [], allowedGroups: [] };
    expect(oidcAllowed(none, { email: 'ada@example.org', emailVerified: true })).toBe(false);
  });
});

describe('sign-in host session', () => {
  it('carries the identity until it expires, and nothing forged', async () => {
    const { openSignInSession, sealSignInSession } = await import('./sign-in-session.js');
    const identity = {
      sessionId: 's-9',
      provider: 'oidc' as const,
      subject: 'sub-1',
      login: 'ada@example.org',
      email: 'ada@example.org',
      emailVerified: true,
      groups: ['previewers'],
      expiresAt: LATER,
    };
    const value = sealSignInSession(SECRET, identity);
    expect(openSignInSession(SECRET, value, NOW)).toEqual(identity);
    expect(openSignInSession(SECRET, value, LATER)).toBeUndefined();
    expect(openSignInSession(`${SECRET}!`, value, NOW)).toBeUndefined();
    // A preview session cookie is not a sign-in host session, even with the same secret.
    const preview = signSsoSession(SECRET, { sessionId: 's-9', scope: ENV, expiresAt: LATER });
    expect(openSignInSession(SECRET, preview, NOW)).toBeUndefined();
  });
});

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 from a fresh verifier', async () => {
    const { createHash } = await import('node:crypto');
    const { newPkcePair } = await import('./one-time-code.js');
    const { verifier, challenge } = newPkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(newPkcePair().verifier).not.toBe(verifier);
  });
});
