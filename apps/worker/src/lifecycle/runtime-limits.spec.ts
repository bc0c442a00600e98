import type { PrismaClient } from '@berth/db';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { hostMemoryAdmission, repositoryCeilings } from './runtime-limits.js';

const MIB = 1024 * 1024;
const logger = pino({ level: 'silent' });
// Never queried here: only the commitment is exercised.
const prisma = {} as PrismaClient;
const config = { HOST_MEMORY_COMMIT_RATIO: 0.5, DOCKER_HOST_NAME: 'local' };

describe('hostMemoryAdmission', () => {
  it('asks the engine only when needed, survives an engine that is down, and keeps the answer', async () => {
    let calls = 0;
    let up = false;
    const engine = {
      memoryTotalBytes: async () => {
        calls++;
        if (!up) throw new Error('engine unreachable');
        return 8192 * MIB;
      },
    };
    const admission = hostMemoryAdmission(prisma, engine, config, logger);
    await expect(admission.capacityBytes()).rejects.toThrow('engine unreachable');
    up = true;
    expect(await admission.capacityBytes()).toBe(4096 * MIB);
    expect(await admission.capacityBytes()).toBe(4096 * MIB);
    expect(calls).toBe(2);
  });

  it('uses HOST_MEMORY_COMMIT_MB without asking the engine', async () => {
    const engine = {
      memoryTotalBytes: async (): Promise<number> => {
        throw new Error('must not be asked');
      },
    };
    const admission = hostMemoryAdmission(
      prisma,
      engine,
      { ...config, HOST_MEMORY_COMMIT_MB: 1000 },
      logger,
    );
    expect(await admission.capacityBytes()).toBe(1000 * MIB);
  });

  it('lets a preview wait ADMISSION_MAX_WAIT_S, an hour by default', () => {
    const engine = { memoryTotalBytes: async () => 0 };
    expect(hostMemoryAdmission(prisma, engine, config, logger).maxWaitMs).toBe(3_600_000);
    const set = { ...config, ADMISSION_MAX_WAIT_S: 90 };
    expect(hostMemoryAdmission(prisma, engine, set, logger).maxWaitMs).toBe(90_000);
  });
});

describe('repositoryCeilings', () => {
  it("takes the repository's settings over the operator's defaults", async () => {
    const ceilings = repositoryCeilings(
      {
        forRepository: async (fullName) => ({
          fullName,
          enabled: true,
          accessMode: 'private',
          allowedVariables: [],
          accessModes: [],
          ipAllowlist: [],
          forkSecrets: false,
          stored: true,
          maxMemoryMb: 512,
          maxServices: 5,
        }),
      },
      {
        MAX_SERVICE_MEMORY_MB: 4096,
        MAX_SERVICE_CPUS: 2,
        MAX_SERVICE_PIDS: 1024,
        MAX_SERVICES: 20,
      },
    );
    expect(await ceilings({ repository: { fullName: 'octo/app' } })).toEqual({
      memoryBytes: 512 * MIB,
      cpus: 2,
      pids: 1024,
      maxServices: 5,
    });
  });
});
