import type { StackShape } from '../compose/stack-shape.js';
import type { DatabasePlan } from '../database/database-mode.js';
import type { ComposeSpec } from '../compose/model.js';

/**
 * What the build stage leaves on `Revision.images`: per compose service, the image to run.
 * Services with `image:` appear with `source: 'image'`.
 */
export type RevisionImages = Record<
  string,
  {
    tag: string;
    source: 'built' | 'cached' | 'image';
    /** Build time when built, 0 otherwise. */
    durationMs: number;
    /** The build-input hash the tag carries (built/cached services). */
    inputHash?: string;
    /**
     * Repository mounts not declared `rw` (bind mounts, configs, file secrets) whose files the
     * derived image holds: the replicate stage mounts each read-only from a volume filled from
     * that image. A `file` is also staged at `staged` in the image (a volume holds directories).
     */
    readOnlyMounts?: ReadOnlyRepoMount[];
  }
>;

// A type, not an interface: stored JSON casts to it (interfaces have no index signature).
export type ReadOnlyRepoMount = {
  target: string;
  kind: 'dir' | 'file';
  /** For a file: the image directory holding it alone, and its name there. */
  staged?: { dir: string; name: string };
};

/**
 * What the wire stage leaves on `Revision.wiring`: the revision's config unit, computed once and
 * given to every container. Contains generated credentials: never returned by the API, never
 * logged, never put in a PR comment.
 */
export interface RevisionWiring {
  /** The compose model after interpolation and `{{ }}` templating. */
  spec: ComposeSpec;
  /** Per service: the full environment its container gets. */
  environment: Record<string, Record<string, string>>;
  /** Exposed service → public URL. */
  urls: Record<string, string>;
  /** Exposed service → hostname (one DNS label under the base domain). */
  hostnames: Record<string, string>;
  /** Exposed service → container port the gateway routes to. */
  ports: Record<string, number>;
  /** x-berth.public: no access control in front of the URLs. */
  public: boolean;
  /**
   * Where the secrets go: `spec` and `environment` hold a marker per secret (nonce + name), and
   * replicate swaps in the values of the environment's secret scope (issue 9). No value is stored
   * here.
   */
  secretRefs?: { nonce: string; names: string[] };
  /**
   * Revisions wired before secret scopes: the generated values themselves. Read only to reuse
   * them once (a database initialised with a password keeps working) and to redact them.
   */
  secrets?: Record<string, string>;
  /**
   * The database service's data for this revision (issue 10): kept, branched from a base state
   * or started empty, decided by the wire stage; replicate carries it out.
   */
  database?: DatabasePlan & {
    /** Its state volumes (name, compose key, mount target). */
    volumes: { name: string; key: string; target: string }[];
  };
  /**
   * A stack shape other than the full stack (`preview:frontend-only`): the PR runs `own`; the
   * URLs of `borrowed` services lead to the base environment's containers.
   */
  shape?: StackShape & {
    base: { environmentId: string; headSha: string; branch: string };
  };
}
