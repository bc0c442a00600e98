import { parseArgs } from 'node:util';
import { parseTtl, SHARE_LINK_TTL_MAX_S, SHARE_LINK_TTL_MIN_S } from '@berth/core';
import type { AdminClient, ShareLinkView } from './admin-client.js';
import { UsageError } from './repo-flags.js';

export const SHARE_USAGE = `  berth share create <owner/name> <pr> [--ttl 1h..7d] [--note <text>]
                                            mint a share link for one preview (default 24h);
                                            printed once: hand it to the tester
  berth share list <owner/name> <pr>        the preview's share links (never their tokens)
  berth share revoke <id>                   stop a link, and every cookie it opened, at once
  berth repo rotate-bypass <owner/name>     a new X-Berth-Bypass secret for the token mode,
                                            printed once; the old one stops working`;

/** `berth share create|list|revoke` (decision 0013). */
export async function shareCommand(
  command: string | undefined,
  args: readonly string[],
  client: () => AdminClient,
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { ttl: { type: 'string' }, note: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (command !== 'create' && (values.ttl !== undefined || values.note !== undefined)) {
    throw new UsageError('--ttl and --note are flags of `berth share create`');
  }
  switch (command) {
    case 'create': {
      const [repository, pr] = target(positionals);
      const created = await client().createShareLink(repository, pr, {
        ...(values.ttl === undefined ? {} : { ttlSeconds: ttlSeconds(values.ttl) }),
        ...(values.note === undefined ? {} : { note: values.note }),
        createdBy: env['USER']?.trim() || 'berth-cli',
      });
      if (values.json) {
        out(JSON.stringify(created, null, 2));
        return 0;
      }
      out(`share link ${created.id} for ${repository}#${pr}, until ${created.expiresAt}:`);
      for (const [service, link] of Object.entries(created.links).sort()) {
        out(`  ${service.padEnd(12)} ${link}`);
      }
      out(`revoke with: berth share revoke ${created.id}`);
      return 0;
    }
    case 'list': {
      const [repository, pr] = target(positionals);
      const { shareLinks } = await client().shareLinks(repository, pr);
      if (values.json) out(JSON.stringify(shareLinks, null, 2));
      else if (!shareLinks.length) out(`${repository}#${pr} has no share links`);
      else for (const link of shareLinks) out(line(link));
      return 0;
    }
    case 'revoke': {
      const [id, ...extra] = positionals;
      if (!id || extra.length)
        throw new UsageError('give one share link id (see `berth share list`)');
      const revoked = await client().revokeShareLink(id);
      out(
        values.json
          ? JSON.stringify(revoked, null, 2)
          : `revoked ${revoked.id} at ${revoked.revokedAt}`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown command \`share ${command ?? ''}\`\n\n${SHARE_USAGE}`);
  }
}

function target(positionals: string[]): [string, number] {
  const [repository, pr, ...extra] = positionals;
  if (!repository || !pr || extra.length) {
    throw new UsageError(
      'give the repository and the pull request: <owner/name> <pr> (e.g. acme/shop 12)',
    );
  }
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repository)) {
    throw new UsageError(
      `repository must be owner/name (e.g. acme/shop), got ${JSON.stringify(repository)}`,
    );
  }
  if (!/^[1-9]\d{0,9}$/.test(pr)) {
    throw new UsageError(`pr must be a pull request number such as 12, got ${JSON.stringify(pr)}`);
  }
  return [repository, Number(pr)];
}

/** `--ttl 1h`, `90m`, `3d`: between 1 hour and 7 days. */
export function ttlSeconds(input: string): number {
  let ms: number;
  try {
    ms = parseTtl(input.trim());
  } catch (error) {
    throw new UsageError(`--ttl: ${(error as Error).message}`);
  }
  const seconds = Math.floor(ms / 1000);
  if (seconds < SHARE_LINK_TTL_MIN_S || seconds > SHARE_LINK_TTL_MAX_S) {
    throw new UsageError(`--ttl: a share link lasts from 1h to 7d, got ${JSON.stringify(input)}`);
  }
  return seconds;
}

function line(link: ShareLinkView): string {
  const note = link.note ? `  "${link.note}"` : '';
  const until = link.status === 'revoked' ? `revoked ${link.revokedAt}` : `until ${link.expiresAt}`;
  return `${link.id}  ${link.status.padEnd(7)}  ${until}  by ${link.createdBy}${note}`;
}
