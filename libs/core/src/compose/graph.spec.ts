import { describe, expect, it } from 'vitest';
import { startOrder } from './graph.js';
import { type Dependency, type ServiceSpec } from './model.js';

function svc(name: string, dependsOn: Record<string, Dependency['condition']> = {}): ServiceSpec {
  return {
    name,
    image: 'x',
    environment: {},
    ports: [],
    dependsOn: Object.fromEntries(
      Object.entries(dependsOn).map(([dep, condition]) => [dep, { condition, required: true }]),
    ),
    restart: { name: 'no' },
    mounts: [],
    limits: {},
    capAdd: [],
    labels: {},
  };
}

function services(...list: ServiceSpec[]): { services: Record<string, ServiceSpec> } {
  return { services: Object.fromEntries(list.map((s) => [s.name, s])) };
}

describe('startOrder', () => {
  it('layers the shop: data stores, then migrate, then apps', () => {
    const plan = startOrder(
      services(
        svc('web'),
        svc('api', { migrate: 'service_completed_successfully', redis: 'service_healthy' }),
        svc('worker', { migrate: 'service_completed_successfully', redis: 'service_healthy' }),
        svc('migrate', { db: 'service_healthy' }),
        svc('db'),
        svc('redis'),
      ),
    );
    expect(plan).toEqual({
      layers: [['db', 'redis', 'web'], ['migrate'], ['api', 'worker']],
      oneShot: ['migrate'],
    });
  });

  it('is deterministic regardless of declaration order', () => {
    const a = startOrder(services(svc('b', { a: 'service_started' }), svc('a'), svc('c')));
    const b = startOrder(services(svc('c'), svc('a'), svc('b', { a: 'service_started' })));
    expect(a).toEqual(b);
  });

  it('handles diamonds and long chains', () => {
    const plan = startOrder(
      services(
        svc('top', { left: 'service_started', right: 'service_healthy' }),
        svc('left', { base: 'service_started' }),
        svc('right', { base: 'service_completed_successfully' }),
        svc('base'),
      ),
    );
    expect(plan.layers).toEqual([['base'], ['left', 'right'], ['top']]);
    expect(plan.oneShot).toEqual(['base']);
  });

  it('handles an empty spec', () => {
    expect(startOrder({ services: {} })).toEqual({ layers: [], oneShot: [] });
  });

  it('throws on cycles and unknown dependencies (parseCompose reports them first)', () => {
    expect(() =>
      startOrder(services(svc('a', { b: 'service_started' }), svc('b', { a: 'service_started' }))),
    ).toThrow(/cycle among: a, b/);
    expect(() => startOrder(services(svc('a', { ghost: 'service_started' })))).toThrow(
      /unknown service `ghost`/,
    );
  });

  it('scales to many services quickly', () => {
    const list = Array.from({ length: 500 }, (_, i) =>
      svc(`s${i}`, i > 0 ? { [`s${i - 1}`]: 'service_started' } : {}),
    );
    const plan = startOrder(services(...list));
    expect(plan.layers).toHaveLength(500);
  });
});
