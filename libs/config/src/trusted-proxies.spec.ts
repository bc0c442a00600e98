import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { gatewayConfigSchema } from './schemas.js';

const base = {
  DATABASE_URL: 'postgresql://berth:pw@127.0.0.1:5432/berth',
  REDIS_URL: 'redis://127.0.0.1:6379',
  PREVIEW_LINK_SECRET: 's'.repeat(32),
};

describe('TRUSTED_PROXIES', () => {
  it('trusts no proxy by default and reads a comma list of IPv4 and IPv6 CIDRs', () => {
    expect(loadConfig('berth-gateway', gatewayConfigSchema, base).TRUSTED_PROXIES).toEqual([]);
    const config = loadConfig('berth-gateway', gatewayConfigSchema, {
      ...base,
      TRUSTED_PROXIES: ' 10.0.0.0/8, fd00::/8,192.0.2.1 ',
    });
    expect(config.TRUSTED_PROXIES).toEqual(['10.0.0.0/8', 'fd00::/8', '192.0.2.1/32']);
  });

  it('names a bad entry and shows the form', () => {
    let error: unknown;
    try {
      loadConfig('berth-gateway', gatewayConfigSchema, {
        ...base,
        TRUSTED_PROXIES: '10.0.0.0/8,proxy',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problem = (error as ConfigError).problems.find((p) => p.key === 'TRUSTED_PROXIES');
    expect(problem?.message).toContain('"proxy" is not a CIDR such as 203.0.113.0/24');
  });
});
