import { parseComposeDuration } from '../units/duration.js';
import { isMap, scalar, stringList, typeName } from './fields.js';
import { type HealthTest, type HealthcheckSpec } from './model.js';
import { type ProblemList, childPath } from './problems.js';

const KNOWN = new Set([
  'test',
  'interval',
  'timeout',
  'retries',
  'start_period',
  'start_interval',
  'disable',
]);
const DURATIONS = [
  ['interval', 'intervalMs'],
  ['timeout', 'timeoutMs'],
  ['start_period', 'startPeriodMs'],
  ['start_interval', 'startIntervalMs'],
] as const;

function parseTest(value: unknown, path: string, problems: ProblemList): HealthTest | undefined {
  if (typeof value === 'string') return { kind: 'CMD-SHELL', command: value };
  if (!Array.isArray(value)) {
    problems.add(
      path,
      `expected a string or a list starting with CMD, CMD-SHELL or NONE, got ${typeName(value)}`,
    );
    return undefined;
  }
  const [kind, ...rest] = stringList(value, path, problems);
  if (kind === 'NONE') return { kind: 'NONE' };
  if (kind === 'CMD' && rest.length > 0) return { kind: 'CMD', argv: rest };
  if (kind === 'CMD-SHELL' && rest.length === 1)
    return { kind: 'CMD-SHELL', command: rest[0] as string };
  problems.add(
    path,
    'the list must be [CMD, program, args…], [CMD-SHELL, "shell command"] or [NONE]',
  );
  return undefined;
}

export function parseHealthcheck(
  value: unknown,
  path: string,
  problems: ProblemList,
): HealthcheckSpec | undefined {
  if (!isMap(value)) {
    problems.add(path, `expected a mapping, got ${typeName(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN.has(key))
      problems.add(
        childPath(path, key),
        `unknown healthcheck key; known: ${[...KNOWN].join(', ')}`,
      );
  }
  if (value.disable === true) return { test: { kind: 'NONE' } };
  if (value.test === undefined) {
    problems.add(childPath(path, 'test'), 'a healthcheck needs a `test` (or `disable: true`)');
    return undefined;
  }
  const test = parseTest(value.test, childPath(path, 'test'), problems);
  if (!test) return undefined;
  const spec: HealthcheckSpec = { test };
  for (const [key, field] of DURATIONS) {
    if (value[key] === undefined) continue;
    const text = scalar(value[key], childPath(path, key), problems);
    if (text === undefined) continue;
    try {
      spec[field] = parseComposeDuration(text);
    } catch (error) {
      problems.add(childPath(path, key), (error as Error).message);
    }
  }
  if (value.retries !== undefined) {
    if (Number.isSafeInteger(value.retries) && (value.retries as number) >= 0)
      spec.retries = value.retries as number;
    else problems.add(childPath(path, 'retries'), 'retries must be a whole number ≥ 0');
  }
  return spec;
}
