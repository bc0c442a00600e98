// Shared set-up for this driver's integration tests: a unique environment label per test file,
// and clean-up of everything carrying it (containers, networks, volumes, images).

import { randomBytes } from 'node:crypto';
import { DockerContainerHost } from './docker-container-host.js';

export const BASE_IMAGE = 'berth-fixture/debian:bookworm';

export interface TestEnv {
  host: DockerContainerHost;
  id: string;
  labels: { 'berth.env': string; 'berth.test': string };
  /** A name unique to this test run: `berth-it-<id>-<suffix>`. */
  name(suffix: string): string;
  cleanup(): Promise<void>;
}

export async function testEnv(): Promise<TestEnv> {
  const host = new DockerContainerHost();
  await host.ping();
  if (!(await host.imageExists(BASE_IMAGE))) {
    throw new Error(`${BASE_IMAGE} is missing: run scripts/bootstrap/images.sh first`);
  }
  const id = `it${randomBytes(4).toString('hex')}`;
  const labels = { 'berth.env': id, 'berth.test': 'providers-docker' };
  return {
    host,
    id,
    labels,
    name: (suffix) => `berth-it-${id}-${suffix}`,
    cleanup: async () => {
      const found = await host.listByLabels({ 'berth.env': id });
      for (const c of found.containers) await host.removeContainer(c.name);
      for (const n of found.networks) await host.removeNetwork(n.name);
      for (const v of found.volumes) await host.removeVolume(v.name);
      const images = await host.docker.listImages({ filters: { label: [`berth.env=${id}`] } });
      for (const image of images) {
        for (const tag of image.RepoTags ?? []) await host.removeImage(tag);
      }
    },
  };
}
