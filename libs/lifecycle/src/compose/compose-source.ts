// Finds and reads a revision's compose file(s) from git: the operator's configured path, else
// the names Docker Compose looks for and the override file beside it; then every repository file
// the compose file names (env_file, extends, configs, secrets), so the pure parse can read them.

import {
  COMPOSE_FILE_NAMES,
  type ComposeFile,
  OVERRIDE_FILE_NAMES,
  composeNotFoundMessage,
  parseComposeFiles,
} from '@berth/core';
import type { Checkout, SourceRepository } from '@berth/providers';
import { PermanentStageError } from '../pipeline/stage-handler.js';

/** No compose file at the commit: a push that adds one fixes it, a retry never does. */
export class ComposeNotFoundError extends PermanentStageError {
  override readonly name = 'ComposeNotFoundError';
}

export interface ComposeSource {
  /** The compose file, then its override file when there is one. */
  files: ComposeFile[];
  /** Every other repository file the compose files name, as read at the commit (null: absent). */
  repoFiles: ReadonlyMap<string, string | null>;
  /** `compose.yaml + compose.override.yml at abc123def456`, for messages. */
  label: string;
}

/** Rounds of "read what the last parse asked for" (extends chains are the only reason for > 1). */
const MAX_FETCH_ROUNDS = 8;

export async function readComposeSource(
  source: SourceRepository,
  checkout: Checkout,
  repository: string,
  options: { composePath?: string; profiles?: readonly string[] } = {},
): Promise<ComposeSource> {
  const at = checkout.sha.slice(0, 12);
  const files: ComposeFile[] = [];
  if (options.composePath !== undefined) {
    const text = await source.readFile(checkout, options.composePath);
    if (text === null) {
      throw new ComposeNotFoundError(composeNotFoundMessage(repository, at, options.composePath));
    }
    files.push({ path: options.composePath, text });
  } else {
    const main = await firstFound(source, checkout, COMPOSE_FILE_NAMES);
    if (!main) throw new ComposeNotFoundError(composeNotFoundMessage(repository, at));
    files.push(main);
    const override = await firstFound(source, checkout, OVERRIDE_FILE_NAMES);
    if (override) files.push(override);
  }

  const repoFiles = new Map<string, string | null>();
  for (let round = 0; round < MAX_FETCH_ROUNDS; round++) {
    const wanted = new Set<string>();
    parseComposeFiles(files, {
      readFile: (path) => {
        if (repoFiles.has(path)) return repoFiles.get(path) ?? null;
        wanted.add(path);
        return null;
      },
      ...(options.profiles ? { profiles: options.profiles } : {}),
    });
    if (wanted.size === 0) break;
    await Promise.all(
      [...wanted].map(async (path) => repoFiles.set(path, await source.readFile(checkout, path))),
    );
  }
  return { files, repoFiles, label: `${files.map((f) => f.path).join(' + ')} at ${at}` };
}

async function firstFound(
  source: SourceRepository,
  checkout: Checkout,
  names: readonly string[],
): Promise<ComposeFile | undefined> {
  for (const path of names) {
    const text = await source.readFile(checkout, path);
    if (text !== null) return { path, text };
  }
  return undefined;
}
