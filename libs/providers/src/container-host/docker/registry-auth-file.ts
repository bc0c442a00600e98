// Reads the operator's registry credentials file (REGISTRY_AUTH_FILE) once, at start-up, so a
// typo stops the worker with a message naming the variable instead of failing every pull.

import { readFile } from 'node:fs/promises';
import { parseRegistryAuth, type RegistryAuth, RegistryAuthError } from '@berth/core';

export async function readRegistryAuthFile(path: string): Promise<RegistryAuth> {
  const source = `REGISTRY_AUTH_FILE ${path}`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new RegistryAuthError(
      `${source} cannot be read (${code}): fix the path, or unset REGISTRY_AUTH_FILE for anonymous pulls`,
    );
  }
  return parseRegistryAuth(text, source);
}
