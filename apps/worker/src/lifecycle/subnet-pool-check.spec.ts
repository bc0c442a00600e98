import type { NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import { ConfigError } from '@berth/config';
import type { ListedNetwork } from '@berth/providers';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { checkSubnetPool, interfaceAddresses } from './subnet-pool-check.js';

type Interfaces = ReturnType<typeof networkInterfaces>;
const nic = (address: string, cidr: string, family: 'IPv4' | 'IPv6' = 'IPv4') =>
  ({
    address,
    cidr,
    family,
    netmask: '',
    mac: '',
    internal: false,
    scopeid: 0,
  }) as NetworkInterfaceInfo;

const HOST: Interfaces = {
  lo: [nic('127.0.0.1', '127.0.0.1/8'), nic('::1', '::1/128', 'IPv6')],
  eth0: [nic('192.0.2.2', '192.0.2.2/24')],
  docker0: [nic('172.17.0.1', '172.17.0.1/16')],
};
const BRIDGE: ListedNetwork = { id: 'b', name: 'bridge', labels: {}, subnets: ['172.17.0.0/16'] };

function check(pool: string, networks: ListedNetwork[] | Error, interfaces: Interfaces = HOST) {
  const logs: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(line) });
  const run = checkSubnetPool({
    service: 'berth-worker',
    pool,
    logger,
    interfaces,
    containerHost: {
      listNetworks: () =>
        networks instanceof Error ? Promise.reject(networks) : Promise.resolve(networks),
    },
  });
  return { run, logs };
}

async function failure(run: Promise<void>): Promise<ConfigError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('interfaceAddresses', () => {
  it('keeps IPv4 addresses with their interface names', () => {
    expect(interfaceAddresses(HOST)).toEqual([
      { name: 'lo', cidr: '127.0.0.1/8' },
      { name: 'eth0', cidr: '192.0.2.2/24' },
      { name: 'docker0', cidr: '172.17.0.1/16' },
    ]);
  });
});

describe('checkSubnetPool', () => {
  it('passes a pool nothing on the host uses', async () => {
    await expect(check('10.210.0.0/16', [BRIDGE]).run).resolves.toBeUndefined();
  });

  it('refuses a pool over a host interface, naming SUBNET_POOL, the interface and the fix', async () => {
    const error = await failure(check('192.0.2.0/25', [BRIDGE]).run);
    expect(error.problems).toEqual([
      {
        key: 'SUBNET_POOL',
        message:
          '192.0.2.0/25 overlaps host interface eth0 (192.0.2.2/24); set SUBNET_POOL to a ' +
          'private range nothing on this host uses (e.g. 10.210.0.0/16) or remove the ' +
          'overlapping network',
      },
    ]);
    expect(error.message).toMatch(/^berth-worker: configuration is invalid \(1 problem\):/);
  });

  it("refuses a pool over a Docker network Berth does not own, not over Berth's own", async () => {
    const corp: ListedNetwork = { id: 'c', name: 'corp', labels: {}, subnets: ['10.210.64.0/20'] };
    const own: ListedNetwork = {
      id: 'o',
      name: 'berth-acme--shop-pr-1',
      labels: { 'berth.managed': 'true' },
      subnets: ['10.210.0.0/26'],
    };
    const withBridge: Interfaces = { ...HOST, 'br-0123': [nic('10.210.0.1', '10.210.0.1/26')] };
    await expect(check('10.210.0.0/16', [BRIDGE, own], withBridge).run).resolves.toBeUndefined();
    const error = await failure(check('10.210.0.0/16', [BRIDGE, own, corp], withBridge).run);
    expect(error.problems[0]?.message).toContain('Docker network corp (10.210.64.0/20)');
    expect(error.problems[0]?.message).not.toContain('br-0123');
  });

  it('still checks interfaces when the engine does not answer, and says so', async () => {
    const down = check('172.16.0.0/12', new Error('connect ECONNREFUSED'));
    const error = await failure(down.run);
    expect(error.problems[0]?.message).toContain('host interface docker0 (172.17.0.1/16)');
    expect(down.logs.join('')).toContain('checked against host interfaces only');
    await expect(
      check('10.210.0.0/16', new Error('connect ECONNREFUSED')).run,
    ).resolves.toBeUndefined();
  });

  it("does not refuse the bridges of this host's previews while the engine is down", async () => {
    // Only the engine can say whose a br-… bridge is; with it down they are most likely Berth's.
    const previews: Interfaces = {
      ...HOST,
      'br-7c93e4696e7d': [nic('10.210.0.65', '10.210.0.65/26')],
    };
    const down = check('10.210.0.0/16', new Error('connect ECONNREFUSED'), previews);
    await expect(down.run).resolves.toBeUndefined();
    expect(down.logs.join('')).toContain('not br-… bridges');
  });
});
