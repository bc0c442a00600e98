import type { PrismaClient } from '@berth/db';
import type { RouteLoader } from './gateway-route.js';

/** Reads one route by its unique hostname. */
export function prismaRouteLoader(prisma: PrismaClient): RouteLoader {
  return async (hostname) => {
    const row = await prisma.route.findUnique({
      where: { hostname },
      select: {
        hostname: true,
        environmentId: true,
        service: true,
        targetHost: true,
        targetPort: true,
        accessMode: true,
      },
    });
    return row ?? null;
  };
}
