import { isIPv6 } from 'node:net';
import { clientKey } from '../auth/rate-limit';

/**
 * The network a client is on, for "a device this account has not used before": an IPv4 /24 or an IPv6 /64,
 * so a phone that moves between addresses of one provider stays the same device.
 */
export function networkOf(ip: string | null): string | null {
  if (!ip) return null;
  const key = clientKey(ip);
  if (isIPv6(ip) && key.endsWith('::/64')) return key;
  const v4 = /^(\d+\.\d+\.\d+)\.\d+$/.exec(key);
  return v4 ? `${v4[1]}.0/24` : key;
}
