// Live updates under load: the memory of idle authenticated sockets, and addToCart → cartChanged delay with them open.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { percentile } from './stats';

export interface LiveFigures {
  sockets: number;
  bytesPerSocket: number;
  /** From sending the mutation to the event: the mutation's own time included. */
  delays: number[];
  p50: number;
  p99: number;
  /** From the mutation's answer to the event (0 when the event came first): what the live path adds. */
  afterAnswer: { p50: number; p99: number };
}

const PASSWORD = 'Quartz-lantern-7741';
const SOCKETS_PER_USER = 10; // the per-user, per-instance default limit

async function gql(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  const json = (await res.json()) as { data?: any; errors?: unknown };
  if (!json.data) throw new Error(`live bench: ${query.slice(0, 40)} failed: ${JSON.stringify(json.errors)}`);
  return json.data;
}

/** Opens a socket, authenticates it and starts cartChanged; resolves once the subscription is sent. */
function openSocket(wsUrl: string, accessToken: string, onEvent: () => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
    ws.once('error', reject);
    ws.once('close', (code, reason) => reject(new Error(`live bench: socket closed ${code} ${reason}`)));
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { accessToken } })));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: 'cart', type: 'subscribe', payload: { query: 'subscription { cartChanged { itemCount } }' } }));
        ws.removeAllListeners('close');
        resolve(ws);
      } else if (msg.type === 'next') onEvent();
    });
  });
}

/** `sockets` idle sockets (10 per user), their memory per socket on the server, then `samples` timed cart changes. */
export async function measureLive(url: string, heldBytes: () => Promise<number>, sockets: number, samples: number): Promise<LiveFigures> {
  const wsUrl = url.replace(/^http/, 'ws');
  const users = Math.ceil(sockets / SOCKETS_PER_USER);
  const tokens: string[] = [];
  for (let i = 0; i < users; i++) {
    const input = { username: `live_${i}_${Date.now().toString(36)}`, password: PASSWORD };
    tokens.push((await gql(url, 'mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }', { i: input })).register.accessToken);
  }
  const productId = (await gql(url, '{ products(first: 1) { edges { node { id } } } }', {})).products.edges[0].node.id;
  const waiting = new Map<number, () => void>();
  const before = await heldBytes();
  const open: WebSocket[] = [];
  for (let i = 0; i < sockets; i++) {
    const user = i % users;
    open.push(await openSocket(wsUrl, tokens[user], () => waiting.get(user)?.()));
  }
  const after = await heldBytes();

  const delays: number[] = [];
  const afterAnswer: number[] = [];
  for (let n = 0; n < samples; n++) {
    const user = n % users;
    const started = performance.now();
    let heardAt = 0;
    const heard = new Promise<void>((resolve) => waiting.set(user, () => resolve(void (heardAt ||= performance.now()))));
    await gql(url, 'mutation ($p: ID!, $q: Int!) { setCartQuantity(productId: $p, quantity: $q) { itemCount } }', { p: productId, q: 1 + (Math.floor(n / users) % 2) }, tokens[user]);
    const answered = performance.now();
    await heard;
    delays.push(heardAt - started);
    afterAnswer.push(Math.max(0, heardAt - answered));
    waiting.delete(user);
  }
  for (const ws of open) ws.terminate();
  const sorted = [...delays].sort((a, b) => a - b);
  const sortedAfter = [...afterAnswer].sort((a, b) => a - b);
  return {
    sockets,
    bytesPerSocket: (after - before) / sockets,
    delays,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    afterAnswer: { p50: percentile(sortedAfter, 50), p99: percentile(sortedAfter, 99) },
  };
}
