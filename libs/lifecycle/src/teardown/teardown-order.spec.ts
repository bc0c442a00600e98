import type { Resource } from '@berth/db';
import { describe, expect, it } from 'vitest';
import { teardownPlan } from './teardown-order.js';

const row = (kind: Resource['kind'], name: string): Resource =>
  ({ id: name, kind, name, provider: 'docker', state: 'created' }) as Resource;

describe('teardownPlan', () => {
  it('removes routes, DNS records, containers, the secret scope, volumes, networks, subnets; keeps images; reports the rest', () => {
    const plan = teardownPlan([
      row('subnet', '10.210.0.0/26'),
      row('network', 'n'),
      row('volume', 'v'),
      row('image', 'i'),
      row('container', 'c'),
      row('route', 'r'),
      row('secret', 's'),
      row('dns_record', 'd'),
      row('database', 'b'),
    ]);
    expect(plan.steps.map((s) => [s.kind, s.rows.map((r) => r.name)])).toEqual([
      ['route', ['r']],
      ['dns_record', ['d']],
      ['container', ['c']],
      ['secret', ['s']],
      ['volume', ['v']],
      ['network', ['n']],
      ['subnet', ['10.210.0.0/26']],
    ]);
    expect(plan.shared.map((r) => r.name)).toEqual(['i']);
    expect(plan.unsupported.map((r) => r.name)).toEqual(['b']);
  });
});
