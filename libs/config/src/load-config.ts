import { readFileSync } from 'node:fs';
import { type z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { SECRET_KEYS } from './secrets.js';

type Env = Record<string, string | undefined>;

/** Parse env against a schema; blank strings count as unset so `FOO=` means "use the default". */
export function loadConfig<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: Env = process.env,
): z.infer<S> {
  const input: Env = {};
  const fileProblems: ConfigProblem[] = [];
  for (const key of Object.keys(schema.shape)) {
    const value = env[key] ?? fromFile(key, env, fileProblems);
    if (value !== undefined && value.trim() !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success && fileProblems.length === 0) return result.data;
  const problems = result.success ? [] : toProblems(schema, result.error);
  throw new ConfigError(service, [...fileProblems, ...problems]);
}

/**
 * `<KEY>_FILE` for secrets (Docker and Kubernetes mount secrets as files): the file's content,
 * without its final newline, when `<KEY>` itself is unset.
 */
function fromFile(key: string, env: Env, problems: ConfigProblem[]): string | undefined {
  if (!SECRET_KEYS.has(key)) return undefined;
  const path = env[`${key}_FILE`];
  if (path === undefined || path.trim() === '') return undefined;
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    problems.push({
      key: `${key}_FILE`,
      message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    });
    return undefined;
  }
}

function toProblems(schema: z.ZodObject, error: z.ZodError): ConfigProblem[] {
  const shape = schema.shape as Record<string, z.ZodType>;
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '(root)');
    if (seen.has(key)) continue; // one line per variable is enough to act on
    seen.add(key);
    const hint = shape[key]?.description;
    problems.push({ key, message: issue.message, ...(hint ? { hint } : {}) });
  }
  return problems.sort((a, b) => a.key.localeCompare(b.key));
}
