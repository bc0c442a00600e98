import { parseBuild } from './build.js';
import { commandLine, isMap, keyValues, scalar, typeName } from './fields.js';
import type { BuildSpec } from './model.js';
import { type ProblemList, childPath } from './problems.js';

/**
 * `x-berth.tests`: the repository's end-to-end tests, run by Berth against the preview once it is
 * ready, reported as the `Berth / e2e` check run (a branch protection rule can require it).
 *
 * ```yaml
 * x-berth:
 *   tests:
 *     image: registry.example.com/shop-e2e:1   # the test runner image, or instead:
 *     # build: ./e2e                           # built from the repository like a service's
 *     command: ["npm", "test"]                 # list or shell-style string; default: the image's
 *     timeout: 10m                             # 30s … 60m; default 10m
 *     environment: { SUITE: smoke }            # extra env; Berth adds BERTH_URL_* and the credential
 * ```
 */
export interface E2eTestSpec {
  /** A runner image to pull; exactly one of `image` and `build`. */
  image?: string;
  /**
   * Built by the build stage like a service's `build:` (content-hash tag, confinement, cache),
   * without build secrets; the revision's images hold the tag (`E2E_TESTS_IMAGE`).
   */
  build?: BuildSpec;
  command?: string[];
  timeoutSeconds: number;
  environment: Record<string, string>;
}

export const E2E_DEFAULT_TIMEOUT_S = 600;
export const E2E_MIN_TIMEOUT_S = 30;
export const E2E_MAX_TIMEOUT_S = 3_600;
const KNOWN = ['image', 'build', 'command', 'timeout', 'environment'];
/** The key of the tests image among a revision's images; `readImages` leaves it out. */
export const E2E_TESTS_IMAGE = 'x-berth.tests';

/** `x-berth.tests` before `build` is read: that needs the compose file's directory and variables. */
export interface RawE2eTestSpec extends Omit<E2eTestSpec, 'build'> {
  /** The raw `build:` value, parsed by `resolveE2eTestsBuild`. */
  buildRaw?: unknown;
}
/** Berth's own variables: a compose file may not set them (they carry the credential). */
const RESERVED_ENV = /^BERTH_/;

export function parseE2eTests(value: unknown, problems: ProblemList): RawE2eTestSpec | undefined {
  const path = 'x-berth.tests';
  if (value === undefined || value === null) return undefined;
  if (!isMap(value)) {
    problems.add(path, `expected a mapping like { image: …, command: … }, got ${typeName(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN.includes(key)) {
      problems.add(childPath(path, key), `unknown key; known: ${KNOWN.join(', ')}`);
    }
  }
  const hasImage = value.image !== undefined && value.image !== null;
  const hasBuild = value.build !== undefined && value.build !== null;
  let image: string | undefined;
  if (hasImage && hasBuild) {
    problems.add(
      path,
      'give either `image` (a runner image to pull) or `build` (built from this repository), not both',
    );
    return undefined;
  }
  if (!hasImage && !hasBuild) {
    problems.add(
      childPath(path, 'image'),
      'required: the image that runs the tests, or `build: ./e2e` to build it from the repository',
    );
  } else if (hasImage) image = scalar(value.image, childPath(path, 'image'), problems);
  const command = commandLine(value.command, childPath(path, 'command'), problems);
  const timeoutSeconds =
    value.timeout === undefined
      ? E2E_DEFAULT_TIMEOUT_S
      : parseTimeout(value.timeout, childPath(path, 'timeout'), problems);
  const environment =
    value.environment === undefined
      ? {}
      : keyValues(value.environment, childPath(path, 'environment'), problems, {});
  for (const key of Object.keys(environment)) {
    if (RESERVED_ENV.test(key)) {
      problems.add(
        childPath(childPath(path, 'environment'), key),
        'names starting with BERTH_ are set by Berth (URLs and the access credential); rename it',
      );
      delete environment[key];
    }
  }
  if ((image === undefined && !hasBuild) || timeoutSeconds === undefined) return undefined;
  return {
    ...(image !== undefined ? { image } : { buildRaw: value.build }),
    ...(command ? { command } : {}),
    timeoutSeconds,
    environment,
  };
}

/**
 * `x-berth.tests.build` read with a service's rules (context inside the repository, no
 * privileged keys, args interpolated by the caller). Build secrets are refused: the test image
 * runs beside the preview with its URLs and credential, and gets what else it needs at run time.
 */
export function resolveE2eTestsBuild(
  raw: RawE2eTestSpec | undefined,
  problems: ProblemList,
  variables: Readonly<Record<string, string>>,
  baseDir: string,
): E2eTestSpec | undefined {
  if (!raw) return undefined;
  const { buildRaw, ...rest } = raw;
  if (buildRaw === undefined) return rest;
  const path = 'x-berth.tests.build';
  if (isMap(buildRaw) && buildRaw.secrets !== undefined) {
    problems.add(
      childPath(path, 'secrets'),
      'the tests image is built without secrets; give the tests what they need at run time under `x-berth.tests.environment`',
    );
    return undefined;
  }
  const build = parseBuild(buildRaw, path, problems, variables, baseDir);
  return build ? { ...rest, build } : undefined;
}

const DURATION = /^(\d+)\s*(s|m|h)?$/;

/** `90`, `90s`, `10m`, `1h` → seconds, within E2E_MIN_TIMEOUT_S … E2E_MAX_TIMEOUT_S. */
function parseTimeout(value: unknown, path: string, problems: ProblemList): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const match = DURATION.exec(text.trim());
  if (!match) {
    problems.add(path, `expected a duration like 90s, 10m or 1h, got ${JSON.stringify(value)}`);
    return undefined;
  }
  const unit = match[2] === 'h' ? 3_600 : match[2] === 'm' ? 60 : 1;
  const seconds = Number(match[1]) * unit;
  if (seconds < E2E_MIN_TIMEOUT_S || seconds > E2E_MAX_TIMEOUT_S) {
    problems.add(
      path,
      `${text.trim()} is outside ${E2E_MIN_TIMEOUT_S}s … ${E2E_MAX_TIMEOUT_S / 60}m; pick a timeout in that range`,
    );
    return undefined;
  }
  return seconds;
}
