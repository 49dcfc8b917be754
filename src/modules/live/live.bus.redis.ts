import Redis from 'ioredis';
import { redactUrl } from '../../lib/env';
import type { Logger } from '../../lib/logger';
import { parseEvent, type LiveBus } from './live.bus';

/**
 * Two connections: a subscribed Redis connection can issue nothing but (un)subscribe. When Redis is `required`
 * (it holds the rate limits too) an unreachable one stops the start; otherwise the bus starts disconnected, keeps
 * reconnecting, and re-checks every socket once it is back (events published meanwhile are lost, as in any outage).
 */
export async function openRedisBus(url: string, channel: string, logger: Logger, required = true): Promise<LiveBus> {
  // disconnect() of a connection that never came up leaves a 2 s timer (ioredis waits for a close that already happened).
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, disconnectTimeout: 100 });
  const sub = new Redis(url, { lazyConnect: true, disconnectTimeout: 100 });
  for (const client of [pub, sub]) client.on('error', (err: Error) => logger.warn('live bus: redis error', { message: err.message }));
  try {
    await Promise.all([pub.connect(), sub.connect()]);
    await sub.subscribe(channel);
  } catch (err) {
    if (required) {
      pub.disconnect();
      sub.disconnect();
      throw new Error(`REDIS_URL: cannot connect to ${redactUrl(url)} (${(err as Error).message})`);
    }
    logger.warn('live bus: redis unreachable at start; live events stay on this instance until it connects', { url: redactUrl(url), message: (err as Error).message });
    // ioredis resubscribes only to channels it once subscribed: ask now, it is queued until the connection is up.
    void sub.subscribe(channel).catch(() => undefined);
  }
  let handlers: Parameters<LiveBus['subscribe']>[0] | undefined;
  // ioredis resubscribes after a reconnect by itself; what was published meanwhile is lost, so re-check every socket.
  sub.on('ready', () => handlers?.resync());
  sub.on('message', (_channel: string, raw: string) => {
    const event = parseEvent(raw);
    if (event) handlers?.event(event);
  });
  return {
    kind: 'redis',
    publish: async (event) => void (await pub.publish(channel, JSON.stringify(event))),
    subscribe: (h) => void (handlers = h),
    close: async () => {
      // quit() on a connection that is not up would wait in the offline queue; there is nothing to flush then.
      await Promise.allSettled([sub, pub].map((c) => (c.status === 'ready' ? c.quit() : c.disconnect())));
    },
  };
}
