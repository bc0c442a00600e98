import { describe, expect, it } from 'vitest';
import { parseImageReference } from './image-reference.js';

describe('parseImageReference', () => {
  it.each([
    ['postgres', { registry: 'docker.io', repository: 'library/postgres', tag: 'latest' }],
    ['postgres:16', { registry: 'docker.io', repository: 'library/postgres', tag: '16' }],
    ['acme/api:1.2', { registry: 'docker.io', repository: 'acme/api', tag: '1.2' }],
    ['ghcr.io/acme/api', { registry: 'ghcr.io', repository: 'acme/api', tag: 'latest' }],
    [
      '127.0.0.1:5000/berth-fixture/node:24',
      { registry: '127.0.0.1:5000', repository: 'berth-fixture/node', tag: '24' },
    ],
    ['localhost/app:dev', { registry: 'localhost', repository: 'app', tag: 'dev' }],
    [
      'registry.example.com:5443/team/app@sha256:abc',
      { registry: 'registry.example.com:5443', repository: 'team/app', digest: 'sha256:abc' },
    ],
    [
      'redis:7@sha256:abc',
      { registry: 'docker.io', repository: 'library/redis', tag: '7', digest: 'sha256:abc' },
    ],
  ])('%s', (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });
});
