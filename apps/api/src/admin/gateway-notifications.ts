import { RouteStore } from '@berth/db';
import { ROUTES_CHANNEL, SHARE_LINKS_CHANNEL } from '@berth/queue';
import type { Stores } from '@berth/runtime';
import { Logger } from '@nestjs/common';

const logger = new Logger('admin');

/**
 * Tells every gateway at once what an operator changed: their cached routes of a repository
 * (which carry its access settings), or a revoked share link. The change is already stored;
 * should Redis be down, gateways still pick it up within their cache lifetime (routes 60 s,
 * revocations 60 s), so a failed publish is logged, not returned as a failure.
 */
export class GatewayNotifications {
  private readonly routes: RouteStore;

  constructor(private readonly stores: Stores) {
    this.routes = new RouteStore(stores.prisma);
  }

  async repositoryAccessChanged(repository: string): Promise<void> {
    try {
      const hostnames = await this.routes.hostnamesOfRepository(repository);
      await Promise.all(hostnames.map((host) => this.stores.redis.publish(ROUTES_CHANNEL, host)));
    } catch (error) {
      logger.warn({ msg: 'could not tell gateways about an access change', repository, error });
    }
  }

  async shareLinkRevoked(linkId: string): Promise<void> {
    try {
      await this.stores.redis.publish(SHARE_LINKS_CHANNEL, linkId);
    } catch (error) {
      logger.warn({ msg: 'could not tell gateways about a revoked share link', linkId, error });
    }
  }
}
