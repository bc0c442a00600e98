import Docker from 'dockerode';
import type { CliEnv } from '../cli-context.js';
import { type CheckResult, fail, ok, reason, within, workerSetting } from './check.js';

// The engine the worker drives (DOCKER_HOST, else the local socket): it answers, its version,
// and whether its cgroups enforce the per-service ceilings Berth sets (memory, CPU, pids).
// dockerode directly: the doctor runs on the operator's host, never inside the api.

export async function checkDocker(env: CliEnv): Promise<CheckResult> {
  const host = workerSetting(env, 'DOCKER_HOST');
  let docker: Docker;
  try {
    docker = new Docker(host ? connection(host) : socketFromDefault());
  } catch (error) {
    return fail(
      'docker',
      reason(error),
      'set DOCKER_HOST to unix:///path/docker.sock or tcp://host:port',
    );
  }
  const where = host ?? 'unix:///var/run/docker.sock';
  let info: EngineInfo;
  try {
    info = (await within(5_000, 'Docker', docker.info())) as EngineInfo;
  } catch (error) {
    return fail(
      'docker',
      `the Docker engine at ${where} does not answer (${reason(error)})`,
      host
        ? 'start the engine on that host, or fix DOCKER_HOST'
        : 'start Docker (`systemctl start docker`), add this user to the docker group, or set DOCKER_HOST',
    );
  }
  const missing = [
    info.MemoryLimit ? undefined : 'memory',
    info.CpuCfsQuota ? undefined : 'CPU quota',
    info.PidsLimit ? undefined : 'pids',
  ].filter((x): x is string => x !== undefined);
  const engine = `Docker ${info.ServerVersion ?? '?'} at ${where}, cgroup v${info.CgroupVersion ?? '?'} (${info.CgroupDriver ?? '?'})`;
  if (missing.length) {
    return fail(
      'docker',
      `${engine} cannot enforce ${missing.join(', ')} limits: previews would run without them`,
      'enable the cgroup controllers (cgroup v2, or kernel arguments cgroup_enable=memory swapaccount=1) and restart Docker',
    );
  }
  return ok('docker', `${engine}; memory, CPU and pids limits enforced`);
}

interface EngineInfo {
  ServerVersion?: string;
  CgroupVersion?: string;
  CgroupDriver?: string;
  MemoryLimit?: boolean;
  CpuCfsQuota?: boolean;
  PidsLimit?: boolean;
}

function socketFromDefault(): Docker.DockerOptions {
  return { socketPath: '/var/run/docker.sock' };
}

/** DOCKER_HOST's forms, as the worker's client reads them (libs/providers docker-client.ts). */
function connection(dockerHost: string): Docker.DockerOptions {
  const url = new URL(dockerHost);
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: url.pathname };
    case 'tcp:':
    case 'http:':
      return { protocol: 'http', host: url.hostname, port: url.port || '2375' };
    case 'https:':
      return { protocol: 'https', host: url.hostname, port: url.port || '2376' };
    default:
      throw new Error(`DOCKER_HOST ${dockerHost}: unsupported scheme ${url.protocol}`);
  }
}
