// Real engine: networks in an allocated subnet (IPAM), reuse, a mismatched range, a range another
// network already holds, and the full network inventory with subnets.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkSubnetMismatchError, SubnetInUseError } from '../container-host.errors.js';
import { testEnv, type TestEnv } from './int-spec-support.js';

// TEST-NET-style private range no default Docker pool hands out and no other test uses.
const RANGE = '10.251.17';
let env: TestEnv;

beforeAll(async () => {
  env = await testEnv();
});

afterAll(async () => {
  await env?.cleanup();
});

describe('ensureNetwork with a subnet', () => {
  it('creates the bridge in the allocated range with the given gateway, and reuses it', async () => {
    const name = env.name('sub-a');
    const subnet = { cidr: `${RANGE}.0/26`, gateway: `${RANGE}.1` };
    const first = await env.host.ensureNetwork({ name, labels: env.labels, subnet });
    expect(first.created).toBe(true);
    const info = await env.host.docker.getNetwork(name).inspect();
    expect(info.IPAM?.Config).toEqual([{ Subnet: `${RANGE}.0/26`, Gateway: `${RANGE}.1` }]);
    const again = await env.host.ensureNetwork({ name, labels: env.labels, subnet });
    expect(again).toEqual({ id: first.id, name, created: false });
  });

  it('refuses to reuse a network of that name in another range, naming both', async () => {
    const name = env.name('sub-a');
    const error = await env.host
      .ensureNetwork({ name, labels: env.labels, subnet: { cidr: `${RANGE}.128/26` } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkSubnetMismatchError);
    expect((error as Error).message).toContain(
      `exists with subnet ${RANGE}.0/26, not the allocated ${RANGE}.128/26`,
    );
  });

  it('says the range is in use when another network holds an overlapping one', async () => {
    const error = await env.host
      .ensureNetwork({
        name: env.name('sub-b'),
        labels: env.labels,
        subnet: { cidr: `${RANGE}.32/27` },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubnetInUseError);
    expect(error).toMatchObject({ network: env.name('sub-b'), cidr: `${RANGE}.32/27` });
    const left = await env.host.listByLabels({ 'berth.env': env.id });
    expect(left.networks.map((n) => n.name)).toEqual([env.name('sub-a')]);
  });

  it('lists every network with its subnets, labelled or not', async () => {
    const all = await env.host.listNetworks();
    expect(all.find((n) => n.name === env.name('sub-a'))).toMatchObject({
      subnets: [`${RANGE}.0/26`],
      labels: { 'berth.managed': 'true', 'berth.env': env.id },
    });
    const bridge = all.find((n) => n.name === 'bridge');
    expect(bridge?.labels['berth.managed']).toBeUndefined();
    expect(bridge?.subnets.length).toBeGreaterThan(0);
    const labelled = await env.host.listByLabels({ 'berth.env': env.id });
    expect(labelled.networks[0]?.subnets).toEqual([`${RANGE}.0/26`]);
  });
});
