import { describe, expect, it } from 'vitest';
import { credentialFor, parseRegistryAuth, RegistryAuthError } from './registry-auth.js';

const SOURCE = 'REGISTRY_AUTH_FILE /etc/berth/auth.json';

describe('parseRegistryAuth', () => {
  it('reads username/password and base64 auth entries, keyed by host', () => {
    const auth = parseRegistryAuth(
      JSON.stringify({
        auths: {
          '127.0.0.1:5001': { username: 'ci', password: 's3cret' },
          'https://ghcr.io/v2/': { auth: Buffer.from('bot:tok:en').toString('base64') },
          'https://index.docker.io/v1/': { username: 'hub', password: 'pw' },
        },
      }),
      SOURCE,
    );
    expect(credentialFor(auth, '127.0.0.1:5001')).toEqual({ username: 'ci', password: 's3cret' });
    expect(credentialFor(auth, 'ghcr.io')).toEqual({ username: 'bot', password: 'tok:en' });
    expect(credentialFor(auth, 'docker.io')).toEqual({ username: 'hub', password: 'pw' });
    expect(credentialFor(auth, 'quay.io')).toBeNull();
  });

  it.each([
    ['not json', /REGISTRY_AUTH_FILE \/etc\/berth\/auth.json is not valid JSON/],
    ['{"ghcr.io": {}}', /must be a JSON object with "auths"/],
    [
      '{"auths": {"ghcr.io": {"username": "x"}}}',
      /auths\["ghcr.io"\] needs "username" and "password"/,
    ],
    [
      '{"auths": {"ghcr.io": {"auth": "bm9jb2xvbg=="}}}',
      /auth must be base64 of "username:password"/,
    ],
  ])('names the file and the fix for %s', (text, message) => {
    const error = (() => {
      try {
        parseRegistryAuth(text, SOURCE);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(RegistryAuthError);
    expect((error as Error).message).toMatch(message);
  });

  it('never puts a credential in its messages', () => {
    const text = '{"auths": {"ghcr.io": {"username": "visible-user", "password": ""}}}';
    expect(() => parseRegistryAuth(text, SOURCE)).toThrow(/needs "username"/);
    try {
      parseRegistryAuth('{"auths": {"ghcr.io": {"auth": "c2VjcmV0LW5vLWNvbG9u"}}}', SOURCE);
    } catch (e) {
      expect((e as Error).message).not.toContain('secret-no-colon');
    }
  });
});
