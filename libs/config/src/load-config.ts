import { type z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error.js';

type Env = Record<string, string | undefined>;

/** Parse env against a schema; blank strings count as unset so `FOO=` means "use the default". */
export function loadConfig<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: Env = process.env,
): z.infer<S> {
  const input: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(service, toProblems(schema, result.error));
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
