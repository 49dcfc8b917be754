import Redis from 'ioredis';
import { redactUrl } from '../../lib/env';
import type { Logger } from '../../lib/logger';
import { parseEvent, type LiveBus } from './live.bus';

/** Two connections: a subscribed Redis connection can issue nothing but (un)subscribe. */
export async function openRedisBus(url: string, channel: string, logger: Logger): Promise<LiveBus> {
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const sub = new Redis(url, { lazyConnect: true });
  for (const client of [pub, sub]) client.on('error', (err: Error) => logger.warn('live bus: redis error', { message: err.message }));
  try {
    await Promise.all([pub.connect(), sub.connect()]);
    await sub.subscribe(channel);
  } catch (err) {
    pub.disconnect();
    sub.disconnect();
    throw new Error(`REDIS_URL: cannot connect to ${redactUrl(url)} (${(err as Error).message})`);
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
      await Promise.allSettled([sub.quit(), pub.quit()]);
    },
  };
}
