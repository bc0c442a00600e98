// Cost telemetry's readings (decision 0025): a running container's counters, read once, and
// the engine's disk usage report.

import type Docker from 'dockerode';
import type { ContainerUsage, DiskUsage } from '../container-host.port.js';
import { isNotFound } from './docker-errors.js';

/** The part of a stats answer cost telemetry reads (cgroup v1 and v2 alike). */
export interface StatsSample {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/**
 * Memory in use as `docker stats` shows it (the CLI's calculateMemUsageUnixNoCache): the
 * cgroup's usage minus its inactive file cache, which the kernel reclaims on demand.
 */
export function memoryInUse(memory: StatsSample['memory_stats']): number {
  const usage = memory?.usage ?? 0;
  const stats = memory?.stats ?? {};
  const v1 = stats['total_inactive_file'];
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats['inactive_file'];
  if (v2 !== undefined && v2 < usage) return usage - v2;
  return usage;
}

export function networkBytes(networks: StatsSample['networks']): number {
  let sum = 0;
  for (const nic of Object.values(networks ?? {})) sum += (nic.rx_bytes ?? 0) + (nic.tx_bytes ?? 0);
  return sum;
}

/** RFC 3339 with nanoseconds → ISO 8601 with milliseconds; undefined for Go's zero time. */
export function engineTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

export async function containerUsage(docker: Docker, id: string): Promise<ContainerUsage | null> {
  const container = docker.getContainer(id);
  let info: Docker.ContainerInspectInfo;
  let stats: StatsSample;
  try {
    // one-shot (API ≥ 1.41): the next reading of the engine's stats collector (it ticks once a
    // second), without waiting for a second one as `docker stats` does for its percentage.
    // Older engines ignore it. Callers read many containers at once: they share a tick.
    [info, stats] = await Promise.all([
      container.inspect(),
      container.stats({ stream: false, 'one-shot': true }) as Promise<StatsSample>,
    ]);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  const startedAt = engineTime(info.State?.StartedAt);
  if (!info.State?.Running || !startedAt) return null;
  return {
    id: info.Id,
    startedAt,
    readAt: engineTime(stats.read) ?? new Date().toISOString(),
    cpuNs: stats.cpu_stats?.cpu_usage?.total_usage ?? 0,
    memoryBytes: memoryInUse(stats.memory_stats),
    networkBytes: networkBytes(stats.networks),
    health: healthOf(info.State.Health?.Status),
    restartCount: info.RestartCount ?? 0,
    memoryLimitBytes: info.HostConfig?.Memory ? info.HostConfig.Memory : null,
  };
}

function healthOf(status: string | undefined): ContainerUsage['health'] {
  return status === 'healthy' || status === 'unhealthy' || status === 'starting' ? status : null;
}

interface DfAnswer {
  Volumes?: {
    Name: string;
    Labels?: Record<string, string> | null;
    UsageData?: { Size?: number };
  }[];
  Images?: {
    Id: string;
    Size?: number;
    SharedSize?: number;
    Labels?: Record<string, string> | null;
  }[];
  Containers?: {
    Id: string;
    ImageID?: string;
    Labels?: Record<string, string> | null;
    SizeRw?: number;
  }[];
  BuildCache?: { Size?: number; Shared?: boolean }[] | null;
}

export async function diskUsage(docker: Docker): Promise<DiskUsage> {
  const df = (await docker.df()) as DfAnswer;
  return {
    volumes: (df.Volumes ?? []).map((v) => ({
      name: v.Name,
      labels: v.Labels ?? {},
      // -1: the engine did not measure it (a volume driver that cannot say).
      sizeBytes: Math.max(0, v.UsageData?.Size ?? 0),
    })),
    images: (df.Images ?? []).map((i) => ({
      id: i.Id,
      sizeBytes: Math.max(0, i.Size ?? 0),
      sharedBytes: i.SharedSize ?? -1,
      labels: i.Labels ?? {},
    })),
    containers: (df.Containers ?? []).map((c) => ({
      id: c.Id,
      labels: c.Labels ?? {},
      imageId: c.ImageID ?? '',
      writableBytes: Math.max(0, c.SizeRw ?? 0),
    })),
    // A shared record's bytes are counted by the record it is shared with (`docker system df`).
    buildCacheBytes: (df.BuildCache ?? []).reduce(
      (sum, record) => sum + (record.Shared ? 0 : Math.max(0, record.Size ?? 0)),
      0,
    ),
  };
}
