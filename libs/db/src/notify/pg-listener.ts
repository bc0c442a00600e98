import pg from 'pg';
import { parseDatabaseUrl } from '../connection-options.js';

/**
 * LISTEN on a dedicated connection (never a pooled one) and call `onNotify` per notification.
 * Reconnects with backoff; `onNotify` is also called after each (re)connect so nothing that
 * committed while disconnected waits for the next poll.
 */
export function listen(
  databaseUrl: string,
  channels: string[],
  onNotify: (channel: string) => void,
  onError: (error: Error) => void = () => undefined,
): { close: () => Promise<void> } {
  const { schema: _schema, ...connection } = parseDatabaseUrl(databaseUrl);
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = 200;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ ...connection, application_name: 'berth-listen' });
    c.on('notification', (n) => onNotify(n.channel));
    c.on('error', (error) => {
      onError(error);
      schedule();
    });
    try {
      await c.connect();
      for (const channel of channels) await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      client = c;
      delay = 200;
      for (const channel of channels) onNotify(channel);
    } catch (error) {
      onError(error as Error);
      await c.end().catch(() => undefined);
      schedule();
    }
  };
  const schedule = () => {
    if (closed || retry) return;
    const old = client;
    client = undefined;
    void old?.end().catch(() => undefined);
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
    delay = Math.min(delay * 2, 5_000);
  };
  void connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
