/** Tells gateways a route changed (an ioredis client fits: `publish(ROUTES_CHANNEL, hostname)`). */
export interface RoutePublisher {
  publish(channel: string, message: string): Promise<unknown>;
}
