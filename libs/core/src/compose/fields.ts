import { type ProblemList, childPath } from './problems.js';

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Describes a YAML value's type for error messages. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** Scalars as compose reads them: numbers and booleans become their YAML text. */
export function scalar(value: unknown, path: string, problems: ProblemList): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  problems.add(path, `expected a string, got ${typeName(value)}`);
  return undefined;
}

export function stringList(value: unknown, path: string, problems: ProblemList): string[] {
  if (!Array.isArray(value)) {
    problems.add(path, `expected a list of strings, got ${typeName(value)}`);
    return [];
  }
  const out: string[] = [];
  value.forEach((item, index) => {
    const text = scalar(item, childPath(path, index), problems);
    if (text !== undefined) out.push(text);
  });
  return out;
}

/**
 * Splits a command string into argv the way compose does (POSIX shell quoting, no expansion):
 * `sh -c "echo hi"` → [`sh`, `-c`, `echo hi`].
 */
export function shellSplit(input: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < input.length && '"\\$`\n'.includes(input[i + 1] as string)) {
        current += input[++i];
      } else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inArg = true;
    } else if (c === '\\' && i + 1 < input.length) {
      current += input[++i];
      inArg = true;
    } else if (/\s/.test(c)) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in \`${input}\``);
  if (inArg) args.push(current);
  return args;
}

/** `command`/`entrypoint`: a list (exec form) or a string split shell-style. */
export function commandLine(
  value: unknown,
  path: string,
  problems: ProblemList,
): string[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return stringList(value, path, problems);
  if (typeof value === 'string') {
    try {
      return shellSplit(value);
    } catch (error) {
      problems.add(path, `${(error as Error).message}: close the quote or use the list form`);
      return undefined;
    }
  }
  problems.add(path, `expected a string or a list of strings, got ${typeName(value)}`);
  return undefined;
}

const ENV_KEY = /^[^=\0]+$/;

/**
 * `environment`/`build.args`/`labels` in list (`KEY=value`, `KEY`) or map form. A bare `KEY`
 * (or a null map value) takes its value from `variables`, as compose takes it from the shell;
 * unset, it is left out with a warning.
 */
export function keyValues(
  value: unknown,
  path: string,
  problems: ProblemList,
  variables: Readonly<Record<string, string>>,
): Record<string, string> {
  // A Map, so a `__proto__` key is just a key.
  const out = new Map<string, string>();
  const put = (key: string, raw: unknown, at: string): void => {
    if (!ENV_KEY.test(key) || key.trim() !== key) {
      problems.add(at, `invalid key \`${key}\`: no \`=\`, NUL or surrounding spaces`);
      return;
    }
    if (raw === null || raw === undefined) {
      if (Object.hasOwn(variables, key)) out.set(key, variables[key] as string);
      else
        problems.warn(
          at,
          `${key} has no value and no variable of that name is set; it is left out`,
        );
      return;
    }
    const text = scalar(raw, at, problems);
    if (text !== undefined) out.set(key, text);
  };
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const at = childPath(path, index);
      const text = scalar(item, at, problems);
      if (text === undefined) return;
      const eq = text.indexOf('=');
      if (eq === -1) put(text, null, at);
      else put(text.slice(0, eq), text.slice(eq + 1), at);
    });
  } else if (isMap(value)) {
    for (const [key, raw] of Object.entries(value)) put(key, raw, childPath(path, key));
  } else if (value !== null && value !== undefined) {
    problems.add(path, `expected a list of KEY=value or a mapping, got ${typeName(value)}`);
  }
  return Object.fromEntries(out);
}
