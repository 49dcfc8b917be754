import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { TestServer } from './server';

export const wsUrl = (server: TestServer) => server.url.replace(/^http/, 'ws');

export interface Closed {
  code: number;
  reason: string;
}

/** A raw graphql-transport-ws socket: send frames by hand, read every message, learn how it closed. */
export class RawSocket {
  readonly messages: any[] = [];
  readonly closed: Promise<Closed>;
  readonly opened: Promise<void>;
  private readonly ws: WebSocket;
  private waiters: Array<() => void> = [];

  constructor(url: string, headers: Record<string, string> = {}, protocol = 'graphql-transport-ws') {
    this.ws = new WebSocket(url, protocol, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, headers: res.headers })));
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    this.ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Opens, sends connection_init and waits for the ack (or the close). */
  async init(payload?: Record<string, unknown>): Promise<'ack' | Closed> {
    await this.opened;
    this.send({ type: 'connection_init', ...(payload ? { payload } : {}) });
    return Promise.race([this.next((m) => m.type === 'connection_ack').then(() => 'ack' as const), this.closed]);
  }

  subscribe(id: string, query: string, variables?: Record<string, unknown>): void {
    this.send({ id, type: 'subscribe', payload: { query, variables } });
  }

  /** The first message (already received or coming) that matches. */
  next(match: (m: any) => boolean, ms = 5000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message in ${ms} ms; got ${JSON.stringify(this.messages)}`)), ms);
      const look = () => {
        const found = this.messages.find(match);
        if (found) {
          clearTimeout(timer);
          this.messages.splice(this.messages.indexOf(found), 1);
          resolve(found);
        } else this.waiters.push(look);
      };
      look();
    });
  }

  close(): void {
    this.ws.close();
  }

  get raw(): WebSocket {
    return this.ws;
  }
}

/** graphql-ws's own client, as an app would use it. */
export function wsClient(server: TestServer, connectionParams: () => Record<string, unknown> | Promise<Record<string, unknown>>, extra: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return createClient({ url: wsUrl(server), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: false, ...extra });
}

/** Resolves when `ms` passes; for asserting that nothing arrives. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
