import { Client } from 'pg';
import type { Logger } from '../../lib/logger';
import { parseEvent, type LiveBus } from './live.bus';

const RECONNECT_MS = 1000;

/** LISTEN on one dedicated connection (a pooled one would be handed back and lose it); NOTIFY through it too. */
export async function openPostgresBus(url: string, channel: string, logger: Logger): Promise<LiveBus> {
  let handlers: Parameters<LiveBus['subscribe']>[0] | undefined;
  let client: Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new Client({ connectionString: url });
    next.on('error', (err) => logger.warn('live bus: postgresql error', { message: err.message }));
    next.on('notification', (msg) => {
      const event = msg.channel === channel && msg.payload ? parseEvent(msg.payload) : null;
      if (event) handlers?.event(event);
    });
    next.on('end', () => {
      // Only a connection that was live reconnects; a failed attempt is retried by reconnect() itself.
      if (client !== next) return;
      client = null;
      if (!closed) retry = setTimeout(reconnect, RECONNECT_MS);
    });
    try {
      await next.connect();
      await next.query(`LISTEN "${channel}"`);
    } catch (err) {
      await next.end().catch(() => undefined);
      throw err;
    }
    client = next;
  };
  const reconnect = () =>
    connect().then(
      // Notifications sent while we were away are gone: re-check every socket.
      () => handlers?.resync(),
      (err: Error) => {
        logger.warn('live bus: reconnect failed', { message: err.message });
        if (!closed) retry = setTimeout(reconnect, RECONNECT_MS);
      },
    );
  await connect();

  return {
    kind: 'postgresql',
    publish: async (event) => {
      if (!client) throw new Error('live bus: not connected to PostgreSQL');
      await client.query('select pg_notify($1, $2)', [channel, JSON.stringify(event)]);
    },
    subscribe: (h) => void (handlers = h),
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
