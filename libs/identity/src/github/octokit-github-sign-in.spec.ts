// GitHub sign-in against the emulator's OAuth web flow (GitHub's wire format, nothing of ours
// stubbed): authorize with state and PKCE, exchange with the verifier, GET /user, membership.
import { type GitHubEmulator, startGitHubEmulator } from '@berth/testing';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OctokitGitHubSignIn } from './octokit-github-sign-in.js';

let gh: GitHubEmulator;
let signIn: OctokitGitHubSignIn;
const REDIRECT = 'http://auth.preview.test:8080/callback/github';

beforeAll(async () => {
  gh = await startGitHubEmulator();
  signIn = new OctokitGitHubSignIn({
    baseUrl: gh.url,
    oauthClient: async () => gh.oauthClient,
    appKey: async () => ({ appId: gh.app.id, privateKey: gh.app.privateKey }),
  });
});
afterAll(async () => gh.stop());

/** What the browser does: follow the authorize URL to the redirect with code and state. */
async function authorize(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('OctokitGitHubSignIn', () => {
  it('learns who signed in through the web flow with state and PKCE', async () => {
    gh.signInAs('octocat');
    const { verifier, challenge } = pkce();
    const url = await signIn.authorizationUrl({
      redirectUrl: REDIRECT,
      state: 'st-1',
      codeChallenge: challenge,
    });
    expect(new URL(url).pathname).toBe('/login/oauth/authorize');
    const back = await authorize(url);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code') ?? '';
    const user = await signIn.signedInUser({ code, redirectUrl: REDIRECT, codeVerifier: verifier });
    expect(user).toMatchObject({ login: 'octocat', id: expect.any(Number) });
    // The code worked once.
    await expect(
      signIn.signedInUser({ code, redirectUrl: REDIRECT, codeVerifier: verifier }),
    ).rejects.toThrow(/bad_verification_code/);
  });

  it('refuses a code exchanged without the right PKCE verifier', async () => {
    gh.signInAs('octocat');
    const { challenge } = pkce();
    const back = await authorize(
      await signIn.authorizationUrl({
        redirectUrl: REDIRECT,
        state: 's',
        codeChallenge: challenge,
      }),
    );
    await expect(
      signIn.signedInUser({
        code: back.searchParams.get('code') ?? '',
        redirectUrl: REDIRECT,
        codeVerifier: pkce().verifier,
      }),
    ).rejects.toThrow(/code_verifier/);
  });

  it('asks the repository permission with the installation token (404 = none)', async () => {
    await gh.createRepository({ owner: 'acme', name: 'perm', files: { 'README.md': '#\n' } });
    gh.setPermission('acme/perm', 'tri', 'triage');
    const ask = (login: string) =>
      signIn.permission({ installationId: gh.installationId, owner: 'acme', repo: 'perm', login });
    expect(await ask('tri')).toBe('triage');
    gh.signInAs('nobody-here'); // makes the account exist, with no role
    expect(await ask('nobody-here')).toBe('none');
    expect(await ask('ghost-without-account')).toBe('none');
  });

  it('asks org and team membership with the installation token', async () => {
    gh.addOrgMember('acme', 'mona', 'qa');
    gh.addOrgMember('acme', 'hubot');
    const ask = (login: string, team?: string) =>
      signIn.isMember({
        installationId: gh.installationId,
        org: 'acme',
        login,
        ...(team ? { team } : {}),
      });
    expect(await ask('mona')).toBe(true);
    expect(await ask('hubot')).toBe(true);
    expect(await ask('mona', 'qa')).toBe(true);
    expect(await ask('hubot', 'qa')).toBe(false);
    expect(await ask('stranger')).toBe(false);
  });
});
