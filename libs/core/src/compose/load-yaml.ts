import { parseDocument } from 'yaml';
import { isMap, typeName } from './fields.js';
import { ComposeError, ProblemList } from './problems.js';

/** Aliases are rare in compose files; a handful is plenty and bounds "billion laughs" expansion. */
export const MAX_ALIAS_COUNT = 50;
export const MAX_COMPOSE_BYTES = 512 * 1024;

/**
 * YAML → plain data, safely: size-capped, duplicate keys refused, merge keys (`<<`) on, alias
 * expansion bounded, unknown tags read as plain strings (warned, never executed).
 */
export function loadYaml(text: string, problems: ProblemList): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_COMPOSE_BYTES) {
    problems.add('(file)', `the compose file is larger than ${MAX_COMPOSE_BYTES / 1024} KiB`);
    return undefined;
  }
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors)
      problems.add('(yaml)', error.message.split('\n')[0] ?? error.message);
    return undefined;
  }
  // e.g. an unknown tag like `!!js/function`: read as a plain string, never executed.
  for (const warning of doc.warnings)
    problems.warn('(yaml)', warning.message.split('\n')[0] ?? warning.message);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    problems.add(
      '(yaml)',
      `${(error as Error).message}: the file uses more than ${MAX_ALIAS_COUNT} alias expansions; inline some anchors`,
    );
    return undefined;
  }
}

/**
 * The service names of a compose file, read without interpolation — enough to derive every
 * service's preview URL before the full parse (which may need those URLs as variables).
 */
export function composeServiceNames(text: string): string[] {
  const problems = new ProblemList();
  const root = loadYaml(text, problems);
  if (root !== undefined && !(isMap(root) && isMap(root.services))) {
    problems.add(
      'services',
      `expected a mapping of service name to service, got ${typeName(isMap(root) ? root.services : root)}`,
    );
  }
  if (problems.problems.length > 0) throw new ComposeError(problems.problems);
  return Object.keys((root as { services: Record<string, unknown> }).services);
}
