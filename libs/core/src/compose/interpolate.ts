import { childPath } from './problems.js';

/**
 * Compose variable interpolation over string values, given a variables map (never
 * process.env — the caller decides what a repository may see):
 *
 *   $$              a literal `$`
 *   $VAR  ${VAR}    the value; unset → empty string plus a warning (as compose does)
 *   ${VAR:-default} default when VAR is unset or empty     ${VAR-default}  … when unset
 *   ${VAR:?message} error when VAR is unset or empty       ${VAR?message}  … when unset
 *   ${VAR:+other}   `other` when VAR is set and non-empty  ${VAR+other}    … when set
 *
 * Defaults and alternatives may themselves contain interpolations (`${A:-${B}}`).
 */

export class InterpolationError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'InterpolationError';
  }
}

export interface InterpolationContext {
  variables: Readonly<Record<string, string>>;
  /** Called for each unset variable substituted by an empty string. */
  onUnset?: (name: string, path: string) => void;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const MAX_DEPTH = 10;

export function interpolate(
  input: string,
  context: InterpolationContext,
  path = '',
  depth = 0,
): string {
  if (depth > MAX_DEPTH) {
    throw new InterpolationError(path, `interpolation nested deeper than ${MAX_DEPTH} levels`);
  }
  let out = '';
  let i = 0;
  while (i < input.length) {
    const dollar = input.indexOf('$', i);
    if (dollar === -1) {
      out += input.slice(i);
      break;
    }
    out += input.slice(i, dollar);
    const next = input[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(input, dollar + 2);
      if (close === -1) {
        throw new InterpolationError(
          path,
          `unterminated \`\${\` in \`${input}\`: close it with \`}\` or write \`$$\` for a literal \`$\``,
        );
      }
      out += expandBraced(input.slice(dollar + 2, close), context, path, depth);
      i = close + 1;
      continue;
    }
    const name = NAME.exec(input.slice(dollar + 1));
    if (name) {
      out += lookup(name[0], context, path);
      i = dollar + 1 + name[0].length;
      continue;
    }
    // A lone `$` (e.g. `cost: 5$`) is kept, as compose does.
    out += '$';
    i = dollar + 1;
  }
  return out;
}

/** Index of the `}` closing a `${` whose body starts at `start`, honoring nested `${…}`. */
function matchingBrace(input: string, start: number): number {
  let depth = 1;
  for (let i = start; i < input.length; i++) {
    if (input[i] === '$' && input[i + 1] === '$') {
      i++;
    } else if (input[i] === '$' && input[i + 1] === '{') {
      depth++;
      i++;
    } else if (input[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function lookup(name: string, context: InterpolationContext, path: string): string {
  const value = Object.hasOwn(context.variables, name) ? context.variables[name] : undefined;
  if (value === undefined) {
    context.onUnset?.(name, path);
    return '';
  }
  return value;
}

function expandBraced(
  body: string,
  context: InterpolationContext,
  path: string,
  depth: number,
): string {
  const name = NAME.exec(body)?.[0];
  if (!name) {
    throw new InterpolationError(
      path,
      `invalid interpolation \`\${${body}}\`: a variable name is letters, digits and \`_\`, not starting with a digit`,
    );
  }
  const rest = body.slice(name.length);
  const has = Object.hasOwn(context.variables, name);
  const value = has ? (context.variables[name] as string) : undefined;
  if (rest === '') return lookup(name, context, path);

  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (!op) {
    throw new InterpolationError(
      path,
      `invalid interpolation \`\${${body}}\`: after the name use one of :- - :? ? :+ +`,
    );
  }
  const arg = rest.slice(op.length);
  const set = op.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
  switch (op) {
    case ':-':
    case '-':
      return set ? (value as string) : interpolate(arg, context, path, depth + 1);
    case ':+':
    case '+':
      return set ? interpolate(arg, context, path, depth + 1) : '';
    default: {
      if (set) return value as string;
      const reason = interpolate(arg, context, path, depth + 1);
      throw new InterpolationError(
        path,
        `required variable ${name} is ${has ? 'empty' : 'not set'}${reason ? `: ${reason}` : ''}`,
      );
    }
  }
}

/**
 * Interpolates every string scalar of a parsed YAML tree (values, not keys), returning a new
 * tree — aliases share objects, so mutating in place would interpolate a shared value twice.
 * Errors are collected with their key path instead of stopping at the first.
 */
export function interpolateTree(
  node: unknown,
  context: InterpolationContext,
  path: string,
  onError: (error: InterpolationError) => void,
): unknown {
  if (typeof node === 'string') {
    try {
      return interpolate(node, context, path);
    } catch (error) {
      if (error instanceof InterpolationError) {
        onError(error);
        return node;
      }
      throw error;
    }
  }
  if (Array.isArray(node)) {
    return node.map((item, index) =>
      interpolateTree(item, context, childPath(path, index), onError),
    );
  }
  if (node !== null && typeof node === 'object') {
    // fromEntries defines own properties, so a `__proto__` key cannot reach the prototype.
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        key,
        interpolateTree(value, context, childPath(path, key), onError),
      ]),
    );
  }
  return node;
}
