import { describe, expect, it } from 'vitest';
import { parseComposeOrThrow } from '../compose/parse-compose.js';
import {
  renderServiceEnvironments,
  templateContext,
  urlVariableName,
} from './preview-environment.js';

const values = {
  envKey: 'acme/shop#7',
  pr: 7,
  branch: 'feature/x',
  headSha: 'a'.repeat(40),
  urls: { web: 'https://web-pr-7-shop.example.com', api: 'http://api-pr-7-shop.localhost:8080' },
  secrets: { db_password: 'p@ss' },
};

describe('templateContext', () => {
  it('exposes urls, hosts, secrets and env', () => {
    expect(templateContext(values)).toEqual({
      urls: values.urls,
      hosts: { web: 'web-pr-7-shop.example.com', api: 'api-pr-7-shop.localhost:8080' },
      secrets: { db_password: 'p@ss' },
      env: { key: 'acme/shop#7', pr: '7', branch: 'feature/x', sha: 'a'.repeat(40) },
    });
  });

  it('rejects relative URLs', () => {
    expect(() => templateContext({ ...values, urls: { web: '/relative' } })).toThrow(
      /urls.web: `\/relative` is not an absolute URL/,
    );
  });
});

describe('renderServiceEnvironments', () => {
  const spec = parseComposeOrThrow(`
services:
  web: { image: x, ports: ['3000'], environment: { API_URL: '{{ urls.api }}', PORT: '3000' } }
  api:
    image: x
    ports: ['3001']
    environment:
      CORS_ORIGIN: '{{ urls.web }}'
      DATABASE_URL: 'postgres://shop:{{ secrets.db_password }}@db/shop'
      BRANCH: '{{ env.branch }}'
  db: { image: x }
`);

  it('renders placeholders and injects BERTH_* variables into every service', () => {
    const env = renderServiceEnvironments(spec, values);
    expect(env.web).toEqual({
      API_URL: 'http://api-pr-7-shop.localhost:8080',
      PORT: '3000',
      BERTH_ENV: 'acme/shop#7',
      BERTH_PR: '7',
      BERTH_URL_API: 'http://api-pr-7-shop.localhost:8080',
      BERTH_URL_WEB: 'https://web-pr-7-shop.example.com',
    });
    expect(env.api?.DATABASE_URL).toBe('postgres://shop:p@ss@db/shop');
    expect(env.api?.BRANCH).toBe('feature/x');
    expect(env.db).toMatchObject({ BERTH_ENV: 'acme/shop#7', BERTH_PR: '7' });
  });

  it('names service and key for an unknown placeholder', () => {
    const bad = parseComposeOrThrow(
      "services:\n  web: { image: x, environment: { API: '{{ env.region }}' } }",
    );
    expect(() => renderServiceEnvironments(bad, values)).toThrow(
      /^services\.web\.environment\.API: unknown placeholder `\{\{ env\.region \}\}`; known: env\.branch/,
    );
  });

  it('names the service when a URL is missing from the values', () => {
    expect(() =>
      renderServiceEnvironments(spec, { ...values, urls: { web: 'https://w' } }),
    ).toThrow(/^services\.web\.environment\.API_URL: unknown placeholder `\{\{ urls\.api \}\}`/);
  });

  it('refuses reserved BERTH_ keys', () => {
    const bad = parseComposeOrThrow(
      'services:\n  web: { image: x, environment: { BERTH_ENV: spoof } }',
    );
    expect(() => renderServiceEnvironments(bad, values)).toThrow(
      /services.web.environment.BERTH_ENV: .*reserved/,
    );
  });

  it('refuses two services mapping to one URL variable', () => {
    expect(() =>
      renderServiceEnvironments(spec, {
        ...values,
        urls: { 'api-v2': 'http://a', api_v2: 'http://b' },
      }),
    ).toThrow(/BERTH_URL_API_V2/);
  });

  it('urlVariableName upper-cases and replaces separators', () => {
    expect(urlVariableName('api')).toBe('BERTH_URL_API');
    expect(urlVariableName('my-web.v2')).toBe('BERTH_URL_MY_WEB_V2');
  });
});
