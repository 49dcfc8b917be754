/**
 * Close codes of the WebSocket endpoint. graphql-ws's client retries 4403 (calling connectionParams again,
 * where an app puts its refreshed token) and gives up on 4429; the reason says which case it is.
 */
export const CLOSE = {
  /**
   * TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_REVOKED, ACCOUNT_DISABLED, API_TOKEN_REVOKED, API_TOKEN_EXPIRED and the
   * DPOP_* reasons: the HTTP `reason` strings; PERMISSIONS_CHANGED when the account (or its token) lost a permission it had at connect.
   */
  auth: 4403,
  /**
   * TOO_MANY_SOCKETS (per user, or per address for anonymous sockets, per instance), TOO_MANY_SUBSCRIPTIONS
   * (per socket), RATE_LIMITED (unknown API tokens).
   */
  limit: 4429,
  /** IDLE_TIMEOUT: the socket held no subscription for WS_IDLE_TIMEOUT; a client reconnects when it next subscribes. */
  idle: 1000,
  /** The server is stopping: reconnect (to another instance). */
  goingAway: 1001,
} as const;
