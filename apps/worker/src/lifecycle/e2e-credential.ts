import { signShareToken } from '@berth/core';
import type { ShareLinkStore } from '@berth/db';

/**
 * The E2E tests' way through the gateway (BERTH_ACCESS_TOKEN): a share link minted for the one
 * environment, living as long as the tests may run, recorded like any other link so an operator
 * sees it in `berth share list` and can revoke it (decision 0013).
 */
export async function mintE2eCredential(
  links: Pick<ShareLinkStore, 'create'>,
  secret: string,
  environmentId: string,
  ttlSeconds: number,
  now: Date = new Date(),
): Promise<string> {
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  const link = await links.create({
    environmentId,
    createdBy: 'berth:e2e',
    expiresAt,
    note: 'x-berth.tests run',
  });
  return signShareToken(secret, { environmentId, expiresAt, linkId: link.id });
}
