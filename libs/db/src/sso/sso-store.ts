import type { SsoPolicy, SsoProvider } from '@berth/core';
import type { PrismaClient } from '../generated.js';
import { pullRequestEnvironment } from '../environments/pull-request-environment.js';

/** Postgres NOTIFY channel: a session was revoked (gateways re-read the revocation list). */
export const SSO_REVOCATIONS_CHANNEL = 'berth_sso_revocations';

export interface SsoSessionRow {
  id: string;
  environmentId: string | null;
  provider: string;
  subject: string;
  login: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export interface NewSsoSession {
  environmentId: string | null;
  provider: SsoProvider;
  subject: string;
  login: string;
  expiresAt: Date;
}

/** What the sign-in host needs to decide about one environment. */
export interface SsoTarget {
  environmentId: string;
  prNumber: number;
  /** owner/name as GitHub spells it. */
  repository: string;
  owner: string;
  name: string;
  installationId: number;
  /** The repository's accessModes (operator settings). */
  modes: string[];
  policy: SsoPolicy;
}

/** A redeemed one-time code: the preview session it names and where to send the browser. */
export interface RedeemedCode {
  session: SsoSessionRow;
  returnPath: string;
}

/** Which sessions a listing or revocation is about: one person's, one environment's, or one. */
export type SsoSessionFilter = { login: string } | { environmentId: string } | { id: string };

/**
 * SSO sessions and one-time codes (decision 0014). Read on sign-in and code exchange only:
 * gateways check every request against signed cookies and an in-memory revocation list.
 */
export class SsoStore {
  constructor(private readonly prisma: PrismaClient) {}

  createSession(session: NewSsoSession): Promise<SsoSessionRow> {
    return this.prisma.ssoSession.create({
      data: { ...session, login: session.login.toLowerCase() },
    });
  }

  /** A live (unexpired, unrevoked) session by id, or null. */
  liveSession(id: string, now: Date): Promise<SsoSessionRow | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.prisma.ssoSession.findFirst({
      where: { id, revokedAt: null, expiresAt: { gt: now } },
    });
  }

  async issueCode(code: {
    codeHash: string;
    sessionId: string;
    hostname: string;
    returnPath: string;
    expiresAt: Date;
  }): Promise<void> {
    await this.prisma.ssoCode.create({ data: code });
  }

  /**
   * Consumes a code in one statement (DELETE … RETURNING): of two concurrent redemptions only
   * one gets a row. Expired codes, codes for another host and codes of revoked sessions give
   * null; they are consumed all the same.
   */
  async redeemCode(codeHash: string, hostname: string, now: Date): Promise<RedeemedCode | null> {
    const rows = await this.prisma.$queryRaw<
      Array<{ session_id: string; hostname: string; return_path: string; expires_at: Date }>
    >`DELETE FROM sso_codes WHERE code_hash = ${codeHash}
      RETURNING session_id, hostname, return_path, expires_at`;
    const row = rows[0];
    if (!row || row.hostname !== hostname || row.expires_at.getTime() <= now.getTime()) {
      return null;
    }
    const session = await this.liveSession(row.session_id, now);
    return session ? { session, returnPath: row.return_path } : null;
  }

  /** Deletes codes that expired unredeemed (housekeeping; they are refused anyway). */
  async deleteExpiredCodes(now: Date): Promise<number> {
    const { count } = await this.prisma.ssoCode.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  }

  /** Ids of sessions revoked at or after `since` that have not expired yet. */
  async revokedSince(
    since: Date,
    now: Date,
  ): Promise<Array<{ id: string; revokedAt: Date; expiresAt: Date }>> {
    const rows = await this.prisma.ssoSession.findMany({
      where: { revokedAt: { gte: since }, expiresAt: { gt: now } },
      select: { id: true, revokedAt: true, expiresAt: true },
    });
    return rows.map((row) => ({ ...row, revokedAt: row.revokedAt ?? since }));
  }

  /** Live sessions of one person or one environment, newest first. */
  list(filter: SsoSessionFilter, now: Date): Promise<SsoSessionRow[]> {
    return this.prisma.ssoSession.findMany({
      where: { ...where(filter), revokedAt: null, expiresAt: { gt: now } },
      orderBy: { createdAt: 'desc' },
    });
  }

  /**
   * Revokes the live sessions matching the filter and tells every gateway (NOTIFY in the same
   * transaction, so a gateway never re-reads before the change is visible). Safe to repeat.
   */
  async revoke(filter: SsoSessionFilter, now: Date): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.ssoSession.updateMany({
        where: { ...where(filter), revokedAt: null, expiresAt: { gt: now } },
        data: { revokedAt: now },
      });
      if (count > 0) await tx.$executeRaw`SELECT pg_notify(${SSO_REVOCATIONS_CHANNEL}, '')`;
      return count;
    });
  }

  /** The environment an SSO sign-in is for, with its repository's policy; null when unknown. */
  async target(environmentId: string): Promise<SsoTarget | null> {
    if (!UUID.test(environmentId)) return null;
    const env = await this.prisma.environment.findUnique({
      where: { id: environmentId },
      select: {
        id: true,
        prNumber: true,
        destroyedAt: true,
        repository: { select: { fullName: true, owner: true, name: true, installationId: true } },
      },
    });
    if (!env || env.destroyedAt) return null;
    const settings = await this.prisma.repositorySettings.findUnique({
      where: { fullName: env.repository.fullName.toLowerCase() },
    });
    return {
      environmentId: env.id,
      prNumber: env.prNumber,
      repository: env.repository.fullName,
      owner: env.repository.owner,
      name: env.repository.name,
      installationId: Number(env.repository.installationId),
      modes: settings?.accessModes ?? [],
      policy: {
        ...(settings?.ssoGithubOrg ? { githubOrg: settings.ssoGithubOrg } : {}),
        ...(settings?.ssoGithubTeam ? { githubTeam: settings.ssoGithubTeam } : {}),
        allowedEmails: settings?.ssoAllowedEmails ?? [],
        allowedDomains: settings?.ssoAllowedDomains ?? [],
        allowedGroups: settings?.ssoAllowedGroups ?? [],
      },
    };
  }

  /** The environment of `owner/name#pr` (for `berth sessions --env`), or null. */
  async environmentOf(repository: string, prNumber: number): Promise<string | null> {
    return (await pullRequestEnvironment(this.prisma, repository, prNumber))?.id ?? null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function where(filter: SsoSessionFilter) {
  return 'login' in filter ? { login: filter.login.toLowerCase() } : filter;
}
