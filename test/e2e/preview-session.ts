import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SHARE_TOKEN_PARAM, shareLink } from '@berth/core';
import {
  ControlPlane,
  type ControlPlaneOptions,
  type EnvironmentView,
  httpRequest,
  type PullRecord,
  waitFor,
} from '@berth/testing';
import Docker from 'dockerode';
import { testServices } from '../support/test-services.js';

const docker = new Docker();

/**
 * Acts as a reviewer's browser on one preview: a share link minted once through the admin api
 * (as `berth share create` does), opened once per host (302 + Set-Cookie), then cookies.
 */
export class PreviewBrowser {
  private readonly cookies = new Map<string, string>();
  private token: Promise<string> | undefined;

  constructor(
    private readonly plane: ControlPlane,
    private readonly environment: Pick<EnvironmentView, 'prNumber'> & { repository?: unknown },
  ) {}

  /** The minted link's token: one link opens every service of the environment. */
  private mint(): Promise<string> {
    this.token ??= (async () => {
      const { links } = await this.plane.mintShareLink(
        String(this.environment.repository),
        this.environment.prNumber,
        { note: 'e2e preview browser' },
      );
      const first = Object.values(links)[0];
      const token = first ? new URL(first).searchParams.get(SHARE_TOKEN_PARAM) : null;
      if (!token) throw new Error(`minted share link carries no token: ${JSON.stringify(links)}`);
      return token;
    })();
    return this.token;
  }

  /** Opens the share link once per host, like clicking the link an operator handed out. */
  async login(url: string): Promise<void> {
    const host = new URL(url).host;
    if (this.cookies.has(host)) return;
    const res = await this.plane.viaGateway(shareLink(url, await this.mint()));
    if (res.status !== 302) throw new Error(`share link for ${host}: ${res.status} ${res.body}`);
    const setCookie = [res.headers['set-cookie'] ?? []].flat()[0];
    if (!setCookie) throw new Error(`share link for ${host} set no cookie`);
    this.cookies.set(host, setCookie.split(';')[0] ?? '');
  }

  async request(
    url: string,
    options: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) {
    await this.login(url);
    const host = new URL(url).host;
    return this.plane.viaGateway(url, {
      ...options,
      headers: { cookie: this.cookies.get(host) ?? '', ...options.headers },
    });
  }
}

/** Containers of one PR's environment, by the labels Berth puts on everything. */
export async function containersOf(repository: string, pr: number) {
  return docker.listContainers({
    all: true,
    filters: { label: [`berth.repo=${repository}`, `berth.pr=${pr}`] },
  });
}

export async function resourcesOf(repository: string, pr: number) {
  const filters = { label: [`berth.repo=${repository}`, `berth.pr=${pr}`] };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return { containers, networks, volumes: volumes.Volumes ?? [] };
}

/** Runs a command in a service's container and returns its stdout. */
export async function execIn(containerId: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  // Strip Docker's 8-byte multiplexing headers.
  const raw = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let i = 0; i + 8 <= raw.length;) {
    const size = raw.readUInt32BE(i + 4);
    if (raw[i] === 1) out.push(raw.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(out).toString('utf8');
}

export async function serviceContainer(repository: string, pr: number, service: string) {
  const found = (await containersOf(repository, pr)).find(
    (c) => c.Labels['berth.service'] === service,
  );
  if (!found) throw new Error(`no ${service} container for ${repository}#${pr}`);
  return found;
}

export function uniqueRepoName(): string {
  return `shop${randomBytes(3).toString('hex')}`;
}

export function composeVariablesFile(root: string): string {
  const file = `${root}scripts/bootstrap/images.env`;
  readFileSync(file); // fail early with ENOENT naming the file
  return file;
}

/** The web page's embedded config: where the browser code will send API calls. */
export function apiUrlFromPage(html: string): string {
  const match = /<script id="shop-config" type="application\/json">([^<]*)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error(`no shop-config in page:\n${html.slice(0, 500)}`);
  return (JSON.parse(match[1]) as { apiPublicUrl: string }).apiPublicUrl;
}

export function envUrl(env: EnvironmentView, service: string): string {
  const url = env.urls?.[service];
  if (!url)
    throw new Error(`environment ${env.id} has no URL for ${service}: ${JSON.stringify(env.urls)}`);
  return url;
}

export { httpRequest };

/** Last-resort cleanup: force-remove every container, network and volume with the label. */
export async function removeByLabel(label: string): Promise<void> {
  const filters = { label: [label] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }
  for (const n of await docker.listNetworks({ filters })) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
  }
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) {
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => undefined);
  }
}

/**
 * A control plane over the test services with the shop's fixture images, logging at info
 * (BERTH_E2E_LOGS=1 echoes the apps' logs), as the end-to-end specs start it.
 */
export function startPlane(
  root: string,
  appEnv?: ControlPlaneOptions['appEnv'],
): Promise<ControlPlane> {
  const { databaseUrl, redisUrl } = testServices();
  return ControlPlane.start({
    root,
    databaseUrl,
    redisUrl,
    composeVariablesFile: composeVariablesFile(root),
    logLevel: 'info',
    echoLogs: process.env['BERTH_E2E_LOGS'] === '1',
    ...(appEnv ? { appEnv } : {}),
  });
}

/**
 * A spec's end: its open PRs closed and awaited to destroyed (teardown is the product's to do),
 * then anything labelled for the repository removed by force, and the plane stopped.
 */
export async function stopPlane(
  plane: ControlPlane | undefined,
  repository: string,
  prs: readonly PullRecord[],
): Promise<void> {
  for (const pr of prs.filter((p) => p.state === 'open')) {
    await plane?.github.closePullRequest(pr, { merged: false }).catch(() => undefined);
  }
  for (const pr of prs) {
    await plane
      ?.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 })
      .catch(() => undefined);
  }
  await removeByLabel(`berth.repo=${repository}`).catch(() => undefined);
  await plane?.stop();
}

/** A PR's sticky comment once it matches: a sink delivers it shortly after the state moves. */
export function commentMatching(
  plane: ControlPlane,
  repository: string,
  pr: number,
  pattern: RegExp,
): Promise<string> {
  return waitFor(
    `#${pr}'s comment to match ${pattern}`,
    async () => {
      const body = plane.github.comments(repository, pr).at(-1)?.body ?? '';
      return pattern.test(body) ? body : undefined;
    },
    60_000,
  );
}
