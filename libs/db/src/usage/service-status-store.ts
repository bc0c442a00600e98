import type { PrismaClient } from '../generated.js';

/** One service's container as the usage sampler last saw it. */
export interface ServiceStatusRow {
  service: string;
  container: string;
  /** The engine's word: running, exited, restarting, paused, created, dead. */
  state: string;
  health: string | null;
  restarts: number;
  /** Percent of one core over the last sample window; null until there are two readings. */
  cpuPercent: number | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  sampledAt: Date;
}

/**
 * Per-service status (issue 13), written by the worker's usage sampler each pass and read by
 * the api for the console: the api never asks Docker (decision 0033).
 */
export class ServiceStatusStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** An environment's services as seen now: the rows given, and no other. */
  async replace(environmentId: string, rows: readonly ServiceStatusRow[]): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.serviceStatus.deleteMany({
        where: { environmentId, service: { notIn: rows.map((r) => r.service) } },
      }),
      ...rows.map((row) => {
        const data = {
          container: row.container,
          state: row.state,
          health: row.health,
          restarts: row.restarts,
          cpuPercent: row.cpuPercent,
          memoryBytes: row.memoryBytes === null ? null : BigInt(row.memoryBytes),
          memoryLimitBytes: row.memoryLimitBytes === null ? null : BigInt(row.memoryLimitBytes),
          sampledAt: row.sampledAt,
        };
        return this.prisma.serviceStatus.upsert({
          where: { environmentId_service: { environmentId, service: row.service } },
          create: { environmentId, service: row.service, ...data },
          update: data,
        });
      }),
    ]);
  }

  async forEnvironment(environmentId: string): Promise<ServiceStatusRow[]> {
    const rows = await this.prisma.serviceStatus.findMany({
      where: { environmentId },
      orderBy: { service: 'asc' },
    });
    return rows.map((r) => ({
      service: r.service,
      container: r.container,
      state: r.state,
      health: r.health,
      restarts: r.restarts,
      cpuPercent: r.cpuPercent,
      memoryBytes: r.memoryBytes === null ? null : Number(r.memoryBytes),
      memoryLimitBytes: r.memoryLimitBytes === null ? null : Number(r.memoryLimitBytes),
      sampledAt: r.sampledAt,
    }));
  }
}
