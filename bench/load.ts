// The load generator: runs autocannon jobs sent over IPC and answers with one Measured per spec.
import autocannon, { type Request } from 'autocannon';
import type { JsonWebKey } from 'node:crypto';
import { dpopSigner } from './dpop';
import { refreshBody } from './gql';
import { exitOnDisconnect } from './proc';
import { paced } from './paced';
import { summarize, type Measured } from './stats';

export interface LoadSpec {
  url: string;
  connections: number;
  body?: string;
  token?: string;
  /** A fixed rate (req/s), sent open-loop by paced(); latencies from each request's scheduled start. */
  overallRate?: number;
  /** Refresh mode: one live refresh token per session; each request spends one and stores its successor. */
  refreshTokens?: string[];
  /** DPoP mode: the token is bound to this key (private JWK); every request carries a fresh proof signed with it. */
  dpopKey?: JsonWebKey;
}

/** Specs run side by side; a warm-up run (discarded) precedes the measured one, which is time- or count-bound. */
export interface LoadJob {
  specs: LoadSpec[];
  warmup: number;
  duration?: number;
  amount?: number;
}

function request(spec: LoadSpec, failures: { n: number }, pool?: string[]): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (spec.token) headers.authorization = `${spec.dpopKey ? 'DPoP' : 'Bearer'} ${spec.token}`;
  if (spec.dpopKey) {
    const proof = dpopSigner(spec.dpopKey);
    // A proof is single-use: each request signs its own (in this process, on the load generator's core).
    const setupRequest = (req: Request) => ({ ...req, headers: { ...headers, dpop: proof('POST', spec.url, spec.token) } });
    return { method: 'POST', headers, body: spec.body, setupRequest, onResponse: (status, body) => void (status < 300 && body.includes('"errors"') && failures.n++) };
  }
  if (!pool) {
    return { method: 'POST', headers, body: spec.body, onResponse: (status, body) => void (status < 300 && body.includes('"errors"') && failures.n++) };
  }
  return {
    method: 'POST',
    headers,
    // A session leaves the pool while its request is in flight, so no token is ever presented twice.
    setupRequest: (req) => ({ ...req, body: refreshBody(pool.shift() ?? 'tgr_pool_ran_dry') }),
    onResponse: (status, body) => {
      let next: string | undefined;
      try {
        next = JSON.parse(body)?.data?.refreshToken?.refreshToken;
      } catch {
        next = undefined;
      }
      if (next) pool.push(next);
      else if (status < 300) failures.n++; // non-2xx is counted by autocannon already
    },
  };
}

function cannon(spec: LoadSpec, limit: { duration: number } | { amount: number }, pool?: string[]): Promise<Measured> {
  if (spec.overallRate && spec.body && 'duration' in limit) {
    return paced({ url: spec.url, body: spec.body, token: spec.token, rate: spec.overallRate, connections: spec.connections }, limit.duration);
  }
  const failures = { n: 0 };
  const latencies: number[] = [];
  const rate = spec.overallRate ? { overallRate: spec.overallRate } : {};
  return new Promise((resolve, reject) => {
    const opts = { url: spec.url, connections: spec.connections, pipelining: 1, timeout: 10, ...rate, ...limit, requests: [request(spec, failures, pool)] };
    const instance = autocannon(opts, (err, res) => {
      if (err) return reject(err);
      resolve(summarize(latencies, res.duration, res.non2xx + res.errors + failures.n));
    });
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

async function run(job: LoadJob): Promise<Measured[]> {
  const pools = job.specs.map((s) => (s.refreshTokens ? [...s.refreshTokens] : undefined));
  if (job.warmup > 0) await Promise.all(job.specs.map((s, i) => cannon(s, { duration: job.warmup }, pools[i])));
  const limit = job.amount ? { amount: job.amount } : { duration: job.duration ?? 5 };
  return Promise.all(job.specs.map((s, i) => cannon(s, limit, pools[i])));
}

exitOnDisconnect();
process.on('message', (job: LoadJob) => {
  run(job).then(
    (results) => process.send!({ results }),
    (err: unknown) => process.send!({ error: String(err) }),
  );
});
process.send!({ ready: true });
