// Where an image reference points: the registry whose credentials a pull needs. Docker's rule
// (distribution/reference): the first path component is a registry only when it has a `.` or a
// `:`, or is `localhost`; anything else is Docker Hub. Small enough to keep here rather than
// depend on an unmaintained parser package.

/** The host Docker Hub images resolve to, and the key docker's own config files use for it. */
export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = [
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'https://index.docker.io/v1/',
];

export interface ImageReference {
  /** `127.0.0.1:5000`, `ghcr.io`, or `docker.io`. */
  registry: string;
  /** Path inside the registry: `library/postgres`, `acme/api`. */
  repository: string;
  /** Absent when the reference pins a digest only; `latest` when neither is given. */
  tag?: string;
  digest?: string;
}

export function parseImageReference(reference: string): ImageReference {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  // A colon after the last slash is a tag; before it, a registry port.
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const isRegistry = first !== '' && (/[.:]/.test(first) || first === 'localhost');
  const registry = isRegistry ? first : DOCKER_HUB;
  let repository = isRegistry ? rest.slice(slash + 1) : rest;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (tag === undefined && digest === undefined) tag = 'latest';
  return {
    registry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** The keys a credentials file may use for a registry (Docker Hub has several spellings). */
export function registryKeys(registry: string): string[] {
  if (DOCKER_HUB_ALIASES.includes(registry)) return DOCKER_HUB_ALIASES;
  return [registry, `https://${registry}`, `http://${registry}`];
}
