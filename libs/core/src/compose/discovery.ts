/**
 * Where a repository's compose file is, when the operator has not set a path: the names Docker
 * Compose itself looks for, in its order (compose-go's `DefaultFileNames`), and the override
 * file it layers on top (the first of `DefaultOverrideFileNames` that exists beside it).
 */
export const COMPOSE_FILE_NAMES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yml',
  'docker-compose.yaml',
] as const;

export const OVERRIDE_FILE_NAMES = [
  'compose.override.yml',
  'compose.override.yaml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
] as const;

/** What a repository without a compose file is told: every name tried and how to point elsewhere. */
export function composeNotFoundMessage(repository: string, at: string, explicit?: string): string {
  if (explicit !== undefined) {
    return `${repository} has no ${explicit} at ${at} (the repository's configured compose path): add the file, or change the compose path in the repository's Berth settings`;
  }
  return `${repository} has no compose file at ${at}: looked for ${COMPOSE_FILE_NAMES.join(', ')} at the repository root. Add one, or set the compose path in the repository's Berth settings`;
}
