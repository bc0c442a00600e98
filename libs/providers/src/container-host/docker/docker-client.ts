// Builds the dockerode client and names the endpoint it talks to (for error messages).

import Docker from 'dockerode';

export interface DockerClientOptions {
  /** `unix:///var/run/docker.sock`, `tcp://10.0.0.5:2375`, …; unset = dockerode's own default
   * (DOCKER_HOST from the environment, else the local socket). */
  dockerHost?: string;
  /** Pin the Engine API version (e.g. `v1.41`); unset = the engine's own. */
  apiVersion?: string;
}

export function createDockerClient(options: DockerClientOptions = {}): Docker {
  const base: Docker.DockerOptions = options.apiVersion ? { version: options.apiVersion } : {};
  if (!options.dockerHost) return new Docker(base);
  return new Docker({ ...base, ...parseDockerHost(options.dockerHost) });
}

export function parseDockerHost(dockerHost: string): Docker.DockerOptions {
  let url: URL;
  try {
    url = new URL(dockerHost);
  } catch {
    throw new Error(
      `DOCKER_HOST ${JSON.stringify(dockerHost)} is not a URL: use unix:///path/to/docker.sock or tcp://host:port`,
    );
  }
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: url.pathname };
    case 'tcp:':
    case 'http:':
      return { protocol: 'http', host: url.hostname, port: url.port || '2375' };
    case 'https:':
      return { protocol: 'https', host: url.hostname, port: url.port || '2376' };
    default:
      throw new Error(
        `DOCKER_HOST ${JSON.stringify(dockerHost)}: unsupported scheme ${url.protocol} (use unix:// or tcp://)`,
      );
  }
}

/** Where the client actually connects, read back from the modem (it resolves DOCKER_HOST). */
export function describeEndpoint(docker: Docker): string {
  const modem = docker.modem as {
    socketPath?: unknown;
    host?: unknown;
    port?: unknown;
    protocol?: unknown;
  };
  if (typeof modem.socketPath === 'string' && modem.socketPath) return `unix://${modem.socketPath}`;
  // docker-modem 5 resolves its default socket lazily (a function: Docker Desktop's
  // ~/.docker/run/docker.sock when it exists, else this one).
  if (typeof modem.socketPath === 'function') return 'unix:///var/run/docker.sock';
  const scheme = modem.protocol === 'https' ? 'https' : 'tcp';
  return `${scheme}://${String(modem.host)}:${String(modem.port ?? '')}`;
}
