import { describe, expect, it } from 'vitest';
import { type ComposeProblem } from './index.js';
import { parseComposeOrThrow, parseCompose } from './parse-compose.js';
import { applyShape } from './stack-shape.js';

const template = {
  urls: { web: 'https://web.pr-1.example.com', api: 'https://api.pr-1.example.com' },
  hosts: {},
  secrets: { db_password: 'pw' },
  env: {},
};

const shop = (shapes: string) => `
services:
  web:
    image: web:1
    environment: { API_PUBLIC_URL: '\${API_PUBLIC_URL}' }
    depends_on: [api]
    volumes: [web-cache:/cache]
  api:
    image: api:1
    depends_on:
      db: { condition: service_healthy }
    expose: [3001]
  db:
    image: postgres:15
    volumes: [db-data:/var/lib/postgresql/data]
volumes:
  db-data:
  web-cache:
x-berth:
  expose: [web, api]
  ports: { web: 3000, api: 3001 }
  database: { service: db, seed: { service: api, command: [seed] } }
  variables:
    API_PUBLIC_URL: '{{ urls.api }}'
${shapes}
`;

describe('applyShape', () => {
  const spec = parseComposeOrThrow(shop('  shapes: { frontend-only: [web] }'), {
    variables: {},
    template,
  });

  it('keeps the full stack as it is', () => {
    expect(applyShape(spec, 'full-stack')).toEqual({ spec });
  });

  it('runs only the shape’s services and borrows the rest', () => {
    const shaped = applyShape(spec, 'frontend-only');
    expect(shaped.shape).toEqual({ name: 'frontend-only', own: ['web'], borrowed: ['api', 'db'] });
    expect(Object.keys(shaped.spec.services)).toEqual(['web']);
    // A dependency on a borrowed service is the base's to satisfy: dropped here.
    expect(shaped.spec.services.web?.dependsOn).toEqual({});
    expect(Object.keys(shaped.spec.volumes)).toEqual(['web-cache']);
    // The database is borrowed: no database of its own to plan.
    expect(shaped.spec.berth.database).toBeUndefined();
    // Every exposed service keeps its URL: the borrowed ones lead to the base.
    expect(shaped.spec.berth.expose).toEqual(['web', 'api']);
  });

  it('runs the full stack with a warning when the compose file declares no such shape', () => {
    const plain = parseComposeOrThrow(shop(''), { variables: {}, template });
    const shaped = applyShape(plain, 'frontend-only');
    expect(shaped.shape).toBeUndefined();
    expect(shaped.spec).toBe(plain);
    expect(shaped.warning).toMatch(/declares no `x-berth.shapes.frontend-only`.*full stack runs/);
  });
});

describe('x-berth.shapes', () => {
  const problems = (shapes: string): ComposeProblem[] => {
    const result = parseCompose(shop(shapes), { variables: {}, template });
    return result.ok ? [] : result.problems;
  };

  it('names an unknown service or shape, and an empty list', () => {
    expect(problems('  shapes: { frontend-only: [web, nope] }')).toEqual([
      expect.objectContaining({
        path: 'x-berth.shapes.frontend-only[1]',
        message: expect.stringMatching(/unknown service `nope`/),
      }),
    ]);
    expect(problems('  shapes: { backend-only: [api] }')).toEqual([
      expect.objectContaining({
        path: 'x-berth.shapes.backend-only',
        message: expect.stringMatching(/unknown shape; known: frontend-only/),
      }),
    ]);
    expect(problems('  shapes: { frontend-only: [] }')).toEqual([
      expect.objectContaining({ path: 'x-berth.shapes.frontend-only' }),
    ]);
  });
});
