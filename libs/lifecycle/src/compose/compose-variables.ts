import { readFile } from 'node:fs/promises';
import { parse } from 'dotenv';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Operator-wide compose interpolation variables (COMPOSE_VARIABLES_FILE: `KEY=value` lines,
 * dotenv syntax — comments, quotes, `export KEY=`). No file configured → no variables. A file
 * that is configured but unreadable is an error, never silently empty: the compose file's
 * defaults would then quietly pick other images.
 */
export async function readComposeVariables(
  path: string | undefined,
): Promise<Record<string, string>> {
  if (!path) return {};
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `COMPOSE_VARIABLES_FILE ${path} cannot be read (${code}): fix the path or unset COMPOSE_VARIABLES_FILE`,
    );
  }
  return parseComposeVariables(text, path);
}

export function parseComposeVariables(
  text: string,
  where = 'COMPOSE_VARIABLES_FILE',
): Record<string, string> {
  const values = parse(text);
  const bad = Object.keys(values).filter((key) => !NAME.test(key));
  if (bad.length > 0) {
    throw new Error(
      `${where}: variable names are letters, digits and _ (not starting with a digit): ${bad.join(', ')}`,
    );
  }
  return values;
}
