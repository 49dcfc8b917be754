// An open-loop load at a fixed rate: requests leave on a schedule (one every 1/rate s, spread over a keep-alive pool),
// whatever the answers do, and each latency runs from its scheduled start, so queueing behind a slow answer counts
// (autocannon's overallRate instead sends each second's quota in a burst, and its percentiles are whole milliseconds).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { summarize, type Measured } from './stats';

export interface PacedSpec {
  url: string;
  body: string;
  token?: string;
  rate: number;
  /** Sockets in the pool: at most this many requests in flight, the rest wait (and that wait is measured). */
  connections: number;
}

export function paced(spec: PacedSpec, seconds: number): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(spec.body)) };
  if (spec.token) headers.authorization = `Bearer ${spec.token}`;
  const total = Math.max(1, Math.round(spec.rate * seconds));
  const gap = 1000 / spec.rate;
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  let done = 0;
  return new Promise((resolve) => {
    const start = performance.now();
    const finish = () => {
      if (++done < total) return;
      agent.destroy();
      resolve(summarize(latencies, (performance.now() - start) / 1000, errors));
    };
    const fire = (scheduled: number) => {
      const req = http.request(spec.url, { method: 'POST', agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          latencies.push(performance.now() - scheduled);
          if ((res.statusCode ?? 0) >= 300 || text.includes('"errors"')) errors++;
          finish();
        });
      });
      req.on('error', () => (errors++, finish()));
      req.end(spec.body);
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((performance.now() - start) / gap) + 1);
      while (sent < due) fire(start + sent++ * gap);
      if (sent >= total) clearInterval(timer);
    }, 1);
  });
}
