import {
  defaultRepositorySettings,
  PREVIEW_ACCESS_MODES,
  type PreviewAccessMode,
  type RepositorySettings,
  type RepositorySettingsPatch,
} from '@berth/core';
import type { PrismaClient } from '../generated.js';

type Row = NonNullable<Awaited<ReturnType<PrismaClient['repositorySettings']['findUnique']>>>;

/**
 * Operator policy per repository (`repository_settings`), read by every stage that needs it
 * through `forRepository`: a repository without a row gets Berth's defaults, never an error.
 */
export class RepositorySettingsStore {
  constructor(private readonly prisma: PrismaClient) {}

  async forRepository(fullName: string): Promise<RepositorySettings> {
    const row = await this.prisma.repositorySettings.findUnique({
      where: { fullName: fullName.toLowerCase() },
    });
    return row ? fromRow(row) : defaultRepositorySettings(fullName);
  }

  /** Applies an operator's (already validated) change; creates the row on first use. */
  async update(fullName: string, patch: RepositorySettingsPatch): Promise<RepositorySettings> {
    const key = fullName.toLowerCase();
    const data = {
      ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
      ...(patch.composePath === undefined ? {} : { composePath: patch.composePath }),
      ...(patch.baseBranch === undefined ? {} : { baseBranch: patch.baseBranch }),
      ...(patch.accessMode === undefined ? {} : { accessMode: patch.accessMode }),
      ...(patch.defaultTtlHours === undefined ? {} : { defaultTtlHours: patch.defaultTtlHours }),
      ...(patch.idleSleepHours === undefined ? {} : { idleSleepHours: patch.idleSleepHours }),
      ...(patch.defaultDbMode === undefined ? {} : { defaultDbMode: patch.defaultDbMode }),
      ...(patch.maxMemoryMb === undefined ? {} : { maxMemoryMb: patch.maxMemoryMb }),
      ...(patch.maxCpus === undefined ? {} : { maxCpus: patch.maxCpus }),
      ...(patch.maxPids === undefined ? {} : { maxPids: patch.maxPids }),
      ...(patch.maxServices === undefined ? {} : { maxServices: patch.maxServices }),
      ...(patch.allowedVariables === undefined
        ? {}
        : { allowedVariables: [...new Set(patch.allowedVariables)].sort() }),
      ...(patch.accessModes === undefined ? {} : { accessModes: patch.accessModes }),
      ...(patch.ipAllowlist === undefined ? {} : { ipAllowlist: patch.ipAllowlist }),
      ...(patch.forkSecrets === undefined ? {} : { forkSecrets: patch.forkSecrets }),
      ...(patch.buildSecrets === undefined
        ? {}
        : { buildSecrets: [...new Set(patch.buildSecrets)].sort() }),
      ...(patch.slackChannel === undefined ? {} : { slackChannel: patch.slackChannel }),
      ...ssoData(patch),
    };
    const row = await this.prisma.repositorySettings.upsert({
      where: { fullName: key },
      create: { fullName: key, ...data },
      update: data,
    });
    return fromRow(row);
  }

  /**
   * Replaces the bypass secret's hash (`berth repo rotate-bypass`); the old secret stops working
   * as soon as gateways drop their cached routes. Creates the row on first use.
   */
  async setBypassTokenHash(fullName: string, hash: string): Promise<RepositorySettings> {
    const key = fullName.toLowerCase();
    const row = await this.prisma.repositorySettings.upsert({
      where: { fullName: key },
      create: { fullName: key, bypassTokenHash: hash },
      update: { bypassTokenHash: hash },
    });
    return fromRow(row);
  }

  /** Every repository with stored settings, by name. */
  async list(): Promise<RepositorySettings[]> {
    const rows = await this.prisma.repositorySettings.findMany({ orderBy: { fullName: 'asc' } });
    return rows.map(fromRow);
  }

  /** Back to the defaults; true when a row was removed. */
  async remove(fullName: string): Promise<boolean> {
    const { count } = await this.prisma.repositorySettings.deleteMany({
      where: { fullName: fullName.toLowerCase() },
    });
    return count > 0;
  }
}

function fromRow(row: Row): RepositorySettings {
  const optional = <K extends string, V>(key: K, value: V | null) =>
    (value === null ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return {
    fullName: row.fullName,
    enabled: row.enabled,
    accessMode: row.accessMode,
    allowedVariables: row.allowedVariables,
    accessModes: accessModesOf(row.accessModes),
    ipAllowlist: row.ipAllowlist,
    forkSecrets: row.forkSecrets,
    stored: true,
    ...optional('bypassTokenHash', row.bypassTokenHash),
    ...optional('ssoGithubOrg', row.ssoGithubOrg),
    ...optional('ssoGithubTeam', row.ssoGithubTeam),
    ...(row.ssoAllowedEmails.length ? { ssoAllowedEmails: row.ssoAllowedEmails } : {}),
    ...(row.ssoAllowedDomains.length ? { ssoAllowedDomains: row.ssoAllowedDomains } : {}),
    ...(row.ssoAllowedGroups.length ? { ssoAllowedGroups: row.ssoAllowedGroups } : {}),
    ...(row.buildSecrets.length ? { buildSecrets: row.buildSecrets } : {}),
    ...optional('composePath', row.composePath),
    ...optional('baseBranch', row.baseBranch),
    ...optional('defaultTtlHours', row.defaultTtlHours),
    ...optional('idleSleepHours', row.idleSleepHours),
    ...optional('slackChannel', row.slackChannel),
    ...optional(
      'defaultDbMode',
      // Stored before `seed-from-production` was renamed `snapshot`.
      (row.defaultDbMode === 'seed-from-production' ? 'snapshot' : row.defaultDbMode) as
        RepositorySettings['defaultDbMode'] | null,
    ),
    ...optional('maxMemoryMb', row.maxMemoryMb),
    ...optional('maxCpus', row.maxCpus),
    ...optional('maxPids', row.maxPids),
    ...optional('maxServices', row.maxServices),
  };
}

/** Only the modes this version knows: a value written by a newer Berth is ignored, not trusted. */
export function accessModesOf(values: readonly string[]): PreviewAccessMode[] {
  return PREVIEW_ACCESS_MODES.filter((mode) => values.includes(mode));
}

/** The SSO columns of a change (decision 0014): null clears the org or team. */
function ssoData(patch: RepositorySettingsPatch) {
  return {
    ...(patch.ssoGithubOrg === undefined ? {} : { ssoGithubOrg: patch.ssoGithubOrg }),
    ...(patch.ssoGithubTeam === undefined ? {} : { ssoGithubTeam: patch.ssoGithubTeam }),
    ...(patch.ssoAllowedEmails === undefined ? {} : { ssoAllowedEmails: patch.ssoAllowedEmails }),
    ...(patch.ssoAllowedDomains === undefined
      ? {}
      : { ssoAllowedDomains: patch.ssoAllowedDomains }),
    ...(patch.ssoAllowedGroups === undefined ? {} : { ssoAllowedGroups: patch.ssoAllowedGroups }),
  };
}
