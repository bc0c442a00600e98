// What the lifecycle needs from a repository's source: the tree of one commit on local disk,
// its file listing with content hashes (build inputs), and single files read from git.

/** A token, or a function that mints one — called only when a fetch is actually needed. */
export type TokenSource = string | (() => Promise<string>);

export interface CheckoutRequest {
  /** The repository's cache key: a path-safe slug such as `acme--shop` (one mirror per key). */
  cacheKey: string;
  /** HTTPS clone URL without credentials. */
  cloneUrl: string;
  /** Installation token for the clone URL; never logged, never written to disk. */
  token: TokenSource;
  /** Full 40-hex commit SHA to materialise. */
  sha: string;
  /**
   * Fallback when the server refuses to fetch a bare SHA: the PR head ref
   * (`refs/pull/<n>/head`) and the branch are fetched instead, and must contain the SHA.
   */
  prNumber?: number;
  ref?: string;
}

/** The tip of a branch (the base branch images are compared with). */
export interface BranchRequest {
  cacheKey: string;
  cloneUrl: string;
  token: TokenSource;
  /** Branch name, e.g. `main` (a leading `refs/heads/` is dropped). */
  branch: string;
}

export interface SourceRef {
  cacheKey: string;
  sha: string;
}

export interface Checkout extends SourceRef {
  /** Absolute path of the materialised tree; read-only by convention (shared by every stage). */
  dir: string;
  /** False when the tree was already on disk (nothing fetched). */
  fetched: boolean;
}

export interface SourceFile {
  /** Repository-relative POSIX path. */
  path: string;
  /** Git blob id: a content hash that costs no file read. */
  blobSha: string;
  /** Git file mode: 0o100644, 0o100755 or 0o120000 (symlink). */
  mode: number;
}

export interface SourceRepository {
  /** Idempotent: a second call for the same SHA returns the same directory without fetching. */
  checkout(request: CheckoutRequest): Promise<Checkout>;
  /** Every file (blob) of the commit, recursively; submodules are left out. */
  listFiles(ref: SourceRef): Promise<SourceFile[]>;
  /**
   * One regular file of the commit, read from git (never through the working tree, so a symlink
   * cannot point the reader outside the repository). Null when the path does not exist.
   */
  readFile(ref: SourceRef, path: string): Promise<string | null>;
  /**
   * Fetches the branch into the mirror (kept under `refs/berth/heads/<branch>`) and returns its
   * tip's SHA, so `listFiles`/`readFile` can read that commit. Null when the branch does not exist.
   */
  fetchBranch(request: BranchRequest): Promise<string | null>;
  /**
   * The newest commit `ref` shares with `branch` as last fetched (fetchBranch): where the PR was
   * cut from the base, or last merged it. Null when the branch was never fetched, or none.
   */
  mergeBase(ref: SourceRef, branch: string): Promise<string | null>;
  /** Removes all but the `keep` most recently used checkouts of a repository. */
  prune(cacheKey: string, keep: number): Promise<string[]>;
}
