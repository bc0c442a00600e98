import {
  type ComposeFile,
  type ComposeProblem,
  type ComposeSpec,
  type EnvironmentIdentity,
  type RepoFileReader,
  composeOutline,
  composeProblemLines,
  ComposeError,
  environmentKey,
  parseComposeFiles,
  previewHostname,
  previewUrl,
  templateContext,
  TemplateError,
} from '@berth/core';
import { parse as parseYaml } from 'yaml';
import { PermanentStageError } from '../pipeline/stage-handler.js';
import type { PreviewSettings } from './preview-settings.js';

/**
 * A compose file Berth cannot provision from; the message lists every problem with its key path.
 * Permanent: the same file fails the same way, so it is not retried.
 */
export class ComposeFileError extends PermanentStageError {
  override readonly name = 'ComposeFileError';
  constructor(
    readonly file: string,
    readonly problems: readonly ComposeProblem[],
    /** The files as read: the problems are placed on their lines (check run annotations). */
    files?: readonly ComposeFile[],
  ) {
    super(
      `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `- ${p.path}: ${p.message}`).join('\n'),
    );
    if (files && files.length > 0) {
      this.details = { annotations: composeProblemLines(files, problems) };
    }
  }
}

export interface PreviewAddresses {
  /** Every compose service → its preview URL (only exposed ones get routed). */
  urls: Record<string, string>;
  /** Every compose service → its hostname (`{service}.{environment label}.{base domain}`). */
  hostnames: Record<string, string>;
}

/** URLs and hostnames for every service name, from the identity alone. */
export function previewAddresses(
  id: EnvironmentIdentity,
  services: readonly string[],
  settings: PreviewSettings,
): PreviewAddresses {
  const urls: Record<string, string> = {};
  const hostnames: Record<string, string> = {};
  for (const service of services) {
    hostnames[service] = previewHostname(id, service, settings.BASE_DOMAIN);
    urls[service] = previewUrl(id, service, {
      baseDomain: settings.BASE_DOMAIN,
      scheme: settings.PREVIEW_URL_SCHEME,
      ...(settings.PREVIEW_URL_PORT === undefined ? {} : { port: settings.PREVIEW_URL_PORT }),
    });
  }
  return { urls, hostnames };
}

export interface LoadComposeInput {
  /** One compose file's text (as `compose.yaml`), or `files` (a file and its override). */
  text?: string;
  files?: readonly ComposeFile[];
  /** Where it came from (`compose.yaml at abc123`), for messages. */
  file: string;
  /** Repository files the compose file names (env_file, extends, configs, secrets). */
  readFile?: RepoFileReader;
  /** Enabled compose profiles; default none. */
  profiles?: readonly string[];
  id: EnvironmentIdentity;
  /** Operator variables (COMPOSE_VARIABLES_FILE). */
  variables: Readonly<Record<string, string>>;
  settings: PreviewSettings;
  /** Values for `x-berth.secrets`, given the declared names (read before the full parse). */
  secrets: (names: readonly string[]) => Readonly<Record<string, string>>;
  branch?: string;
  headSha?: string;
}

export interface LoadedCompose extends PreviewAddresses {
  spec: ComposeSpec;
  /** Where it came from (`compose.yaml + compose.override.yml at abc123`), for messages. */
  file: string;
  warnings: ComposeProblem[];
  envKey: string;
}

/**
 * The compose model for one environment: service names first (no interpolation needed), then
 * their URLs, then the full parse with operator variables and the per-environment template
 * (`x-berth.variables` rendered with urls/hosts/secrets/env). Every problem → ComposeFileError.
 */
export function loadCompose(input: LoadComposeInput): LoadedCompose {
  const files = input.files ?? [{ path: 'compose.yaml', text: input.text ?? '' }];
  const tree = {
    ...(input.readFile ? { readFile: input.readFile } : {}),
    ...(input.profiles ? { profiles: input.profiles } : {}),
  };
  let outline: { services: string[]; berthSecrets: string[] };
  try {
    outline = composeOutline(files, tree);
  } catch (error) {
    if (error instanceof ComposeError) {
      throw new ComposeFileError(input.file, error.problems, files);
    }
    throw error;
  }
  const addresses = previewAddresses(input.id, outline.services, input.settings);
  const secrets = input.secrets(outline.berthSecrets);
  const envKey = environmentKey(input.id.repository.fullName, input.id.pr);
  let template;
  try {
    template = templateContext({
      envKey,
      pr: input.id.pr,
      urls: addresses.urls,
      secrets,
      ...(input.branch === undefined ? {} : { branch: input.branch }),
      ...(input.headSha === undefined ? {} : { headSha: input.headSha }),
    });
  } catch (error) {
    if (error instanceof TemplateError) {
      throw new ComposeFileError(
        input.file,
        [{ path: error.where, message: error.message }],
        files,
      );
    }
    throw error;
  }
  const parsed = parseComposeFiles(files, { variables: input.variables, template, ...tree });
  if (!parsed.ok) throw new ComposeFileError(input.file, parsed.problems, files);
  return { spec: parsed.spec, file: input.file, warnings: parsed.warnings, envKey, ...addresses };
}

/**
 * `x-berth.secrets` as written, before the full parse (which needs their values to render
 * `x-berth.variables`). Malformed entries are skipped here; the full parse reports them.
 */
export function declaredSecretNames(text: string): string[] {
  let root: unknown;
  try {
    root = parseYaml(text, { maxAliasCount: 100 });
  } catch {
    return [];
  }
  const ext = (root as { 'x-berth'?: { secrets?: unknown } } | null)?.['x-berth'];
  const list = ext && typeof ext === 'object' ? ext.secrets : undefined;
  return Array.isArray(list)
    ? [...new Set(list.filter((n): n is string => typeof n === 'string'))]
    : [];
}
