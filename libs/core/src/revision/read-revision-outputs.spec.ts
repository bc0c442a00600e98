import { describe, expect, it } from 'vitest';
import { readImages, readTestsImage, readWiring } from './read-revision-outputs.js';

const stored = {
  spec: { services: { web: {} }, volumes: {}, berth: {} },
  environment: { api: { DATABASE_PASSWORD: 's3cret', PORT: '3000', BAD: 3 }, junk: 'x' },
  urls: { web: 'http://web-pr-1.localhost:8080', bad: 3 },
  hostnames: { web: 'web-pr-1.localhost' },
  ports: { web: 3000, api: '3000', neg: -1 },
  public: true,
  secrets: { DB_PASSWORD: 's3cret', n: 1 },
};

describe('readWiring', () => {
  it('reads what the wire stage stored, dropping values of the wrong type', () => {
    const wiring = readWiring(stored);
    expect(wiring.wired).toBe(true);
    expect(wiring.spec).toEqual(stored.spec);
    expect(wiring.environment).toEqual({ api: { DATABASE_PASSWORD: 's3cret', PORT: '3000' } });
    expect(wiring.urls).toEqual({ web: 'http://web-pr-1.localhost:8080' });
    expect(wiring.hostnames).toEqual({ web: 'web-pr-1.localhost' });
    expect(wiring.ports).toEqual({ web: 3000 });
    expect(wiring.public).toBe(true);
    expect(wiring.secrets).toEqual({ DB_PASSWORD: 's3cret' });
  });

  it('reads a revision not wired yet as empty and not wired', () => {
    for (const json of [null, undefined, {}, [], 'x']) {
      expect(readWiring(json)).toEqual({
        wired: false,
        environment: {},
        urls: {},
        hostnames: {},
        ports: {},
        public: false,
        secrets: {},
      });
    }
  });

  it('is not wired while any map the stages rely on is missing', () => {
    const { ports: _ports, ...partial } = stored;
    expect(readWiring(partial).wired).toBe(false);
    expect(readWiring({ ...stored, spec: { services: 'x' } }).spec).toBeUndefined();
  });

  it('treats only a literal true as public', () => {
    expect(readWiring({ ...stored, public: 'true' }).public).toBe(false);
  });
});

describe('readImages', () => {
  it('keeps entries something could run, with a duration', () => {
    expect(
      readImages({
        web: { tag: 'berth/shop-web:abc', source: 'cached', durationMs: 0, inputHash: 'abc' },
        api: { tag: 'berth/shop-api:def', source: 'built', durationMs: 900 },
        db: { tag: 'postgres:16', source: 'image' },
        untagged: { tag: '', source: 'built', durationMs: 1 },
        odd: { tag: 'x:1', source: 'pulled', durationMs: 1 },
        junk: 'x',
      }),
    ).toEqual({
      web: { tag: 'berth/shop-web:abc', source: 'cached', durationMs: 0, inputHash: 'abc' },
      api: { tag: 'berth/shop-api:def', source: 'built', durationMs: 900 },
      db: { tag: 'postgres:16', source: 'image', durationMs: 0 },
    });
  });

  it('reads a revision not built yet as no images', () => {
    for (const json of [null, undefined, {}, [], 7]) expect(readImages(json)).toEqual({});
  });
});

describe('readTestsImage', () => {
  const images = {
    web: { tag: 'berth/acme--shop-web:abc', source: 'built', durationMs: 10 },
    'x-berth.tests': { tag: 'berth/acme--shop-x-berth-tests-1a2b3c:def', source: 'cached' },
  };

  it('reads the tests image apart from the services', () => {
    expect(readTestsImage(images)).toEqual({
      tag: 'berth/acme--shop-x-berth-tests-1a2b3c:def',
      source: 'cached',
      durationMs: 0,
    });
    expect(Object.keys(readImages(images))).toEqual(['web']);
  });

  it('is nothing without one, or with one that is not a built image', () => {
    expect(readTestsImage({ web: images.web })).toBeUndefined();
    expect(readTestsImage({ 'x-berth.tests': { tag: 'x', source: 'image' } })).toBeUndefined();
    expect(readTestsImage(null)).toBeUndefined();
  });
});
