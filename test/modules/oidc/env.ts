/** Suites that run many flows from one address; the rate-limit test sets real values. */
export const LOOSE_LIMITS = { RATE_OIDC_START_IP_MAX: '1000', RATE_OIDC_CALLBACK_IP_MAX: '1000', RATE_OIDC_EXCHANGE_IP_MAX: '1000' };
