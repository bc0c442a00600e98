import { environmentDomain, environmentIdentity } from '@berth/core';
import { describe, expect, it } from 'vitest';
import { parseComposeVariables } from './compose-variables.js';
import {
  ComposeFileError,
  declaredSecretNames,
  loadCompose,
  previewAddresses,
} from './load-compose.js';
import type { PreviewSettings } from './preview-settings.js';

const id = environmentIdentity('acme/shop', 7);
const settings: PreviewSettings = { BASE_DOMAIN: 'example.com', PREVIEW_URL_SCHEME: 'https' };
/** `pr-7-shop-<hash of acme/shop>.example.com` */
const envDomain = environmentDomain(id, 'example.com');
const text = `
services:
  web:
    image: \${WEB_IMAGE:-nginx}
    environment: { API: '\${API_PUBLIC_URL}' }
    ports: ['3000']
  api:
    image: api
    ports: ['3001']
x-berth:
  secrets: [db_password, db_password]
  variables: { API_PUBLIC_URL: '{{ urls.api }}' }
`;

describe('previewAddresses', () => {
  it('derives URL and hostname per service, with the gateway port when set', () => {
    expect(previewAddresses(id, ['web'], settings)).toEqual({
      urls: { web: `https://web.${envDomain}` },
      hostnames: { web: `web.${envDomain}` },
    });
    expect(
      previewAddresses(id, ['web'], {
        ...settings,
        PREVIEW_URL_SCHEME: 'http',
        PREVIEW_URL_PORT: 8080,
      }).urls,
    ).toEqual({ web: `http://web.${envDomain}:8080` });
  });
});

describe('declaredSecretNames', () => {
  it('reads x-berth.secrets as written, de-duplicated; anything odd → none', () => {
    expect(declaredSecretNames(text)).toEqual(['db_password']);
    expect(declaredSecretNames('x-berth: { secrets: [a, 7bad, 3] }')).toEqual(['a', '7bad']);
    expect(declaredSecretNames('services: {}')).toEqual([]);
    expect(declaredSecretNames(': : :\n\t-')).toEqual([]);
  });
});

describe('loadCompose', () => {
  const base = { text, file: 'docker-compose.yml at abc', id, settings, secrets: () => ({}) };

  it('interpolates operator variables and per-environment templates', () => {
    const loaded = loadCompose({ ...base, variables: { WEB_IMAGE: 'local/web:1' } });
    expect(loaded.spec.services['web']?.image).toBe('local/web:1');
    expect(loaded.spec.services['web']?.environment).toEqual({
      API: `https://api.${envDomain}`,
    });
    expect(loaded.envKey).toBe('acme/shop#7');
  });

  it('throws every problem with its key path', () => {
    let error: unknown;
    try {
      loadCompose({
        ...base,
        text: 'services:\n  web:\n    image: x\n    privileged: true\n    bogus: 1\n',
        variables: {},
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComposeFileError);
    const message = (error as Error).message;
    expect(message).toMatch(/^docker-compose\.yml at abc has 2 problems:/);
    expect(message).toContain('- services.web.privileged:');
    expect(message).toContain('- services.web.bogus:');
  });

  it('reports a file without services as a problem, not a crash', () => {
    expect(() => loadCompose({ ...base, text: 'just text', variables: {} })).toThrow(
      ComposeFileError,
    );
  });
});

describe('parseComposeVariables', () => {
  it('parses dotenv lines', () => {
    expect(parseComposeVariables('# images\nA=1\nexport B="two words"\n')).toEqual({
      A: '1',
      B: 'two words',
    });
  });

  it('refuses names compose cannot use', () => {
    expect(() => parseComposeVariables('1A=x\n')).toThrow(/1A/);
  });
});
