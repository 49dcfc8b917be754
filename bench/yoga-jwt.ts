// What a user might pick instead: GraphQL Yoga 5 + @graphql-yoga/plugin-jwt answering `{ me { id username } }`
// from a prepared better-sqlite3 statement. Creates its own SQLite file (argv[2]) with tokengate's users table and
// the bench user, then prints {"url","token"}: an HS256 access token shaped like tokengate's, signed with JWT_SECRET.
import argon2 from 'argon2';
import Database from 'better-sqlite3';
import { createHash, createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt, { type JwtPayload, type VerifyOptions } from 'jsonwebtoken';
import { loadConfig } from '../src/config';
import { BENCH_USER } from './gql';
import { exitOnDisconnect } from './proc';

// graphql-yoga's typings augment graphql's GraphQLErrorExtensions with `http.headers: Record<string, string>`, and
// an augmentation applies to the whole program: src/errors.ts (Apollo's `Map` headers) would stop typechecking.
// So Yoga and its JWT plugin are loaded untyped, and the little used here is declared by hand, from their typings.
interface JwtContext {
  jwt?: { payload: JwtPayload; token: { value: string; prefix?: string } };
}
type TokenLookup = (params: { request: Request }) => unknown;
interface YogaModule {
  createSchema(opts: { typeDefs: string; resolvers: Record<string, Record<string, (parent: unknown, args: unknown, ctx: JwtContext) => unknown>> }): unknown;
  createYoga(opts: { schema: unknown; logging: boolean; graphiql: boolean; landingPage: boolean; plugins: unknown[] }): http.RequestListener;
}
interface JwtPluginModule {
  // Typed `(signingKey: string)`, but the value goes straight to jsonwebtoken.verify, which takes a KeyObject
  // (a string would be turned into a new KeyObject on every request).
  createInlineSigningKeyProvider(signingKey: KeyObject): (kid?: string) => KeyObject;
  extractFromHeader(opts: { name: string; prefix?: string }): TokenLookup;
  useJWT(opts: {
    signingKeyProviders: [(kid?: string) => KeyObject];
    tokenLookupLocations: [TokenLookup];
    tokenVerification: VerifyOptions;
    reject: { missingToken: boolean; invalidToken: boolean };
  }): unknown;
}
const { createSchema, createYoga } = require('graphql-yoga') as YogaModule;
const { createInlineSigningKeyProvider, extractFromHeader, useJWT } = require('@graphql-yoga/plugin-jwt') as JwtPluginModule;

const ISSUER = 'tokengate';
const AUDIENCE = 'tokengate';

/** The users table exactly as tokengate's init migration creates it on SQLite (read back from sqlite_master). */
const USERS_DDL = [
  "CREATE TABLE `users` (`id` varchar(36), `username` varchar(32) not null, `username_key` varchar(32) not null, `password_hash` varchar(255) not null, `role` varchar(16) not null default 'USER', `is_active` boolean not null default '1', `created_at` datetime not null, `updated_at` datetime not null, primary key (`id`))",
  'CREATE UNIQUE INDEX `users_username_key_unique` on `users` (`username_key`)',
].join(';\n');

interface UserRow {
  id: string;
  username: string;
}

async function openDatabase(file: string): Promise<{ db: Database.Database; userId: string }> {
  const db = new Database(file);
  // The pragmas tokengate's ORM sets on each connection (src/db/orm.ts).
  for (const pragma of ['journal_mode = WAL', 'busy_timeout = 5000', 'foreign_keys = ON', 'synchronous = FULL']) db.pragma(pragma);
  db.exec(USERS_DDL);
  // Same row as tokengate's bench user: argon2id hash with the server's parameters, timestamps as epoch ms (MikroORM on SQLite).
  const hash = await argon2.hash(BENCH_USER.password, { type: argon2.argon2id, ...loadConfig(process.env).argon2 });
  const userId = randomUUID();
  const now = Date.now();
  db.prepare('insert into users (id, username, username_key, password_hash, role, is_active, created_at, updated_at) values (?, ?, ?, ?, ?, 1, ?, ?)')
    .run(userId, BENCH_USER.username, BENCH_USER.username.toLowerCase(), hash, 'USER', now, now);
  return { db, userId };
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const secret = process.env.JWT_SECRET;
  if (!file || !secret) throw new TypeError('usage: JWT_SECRET=… yoga-jwt.ts <sqlite file>');
  const key = createSecretKey(Buffer.from(secret));
  const { db, userId } = await openDatabase(file);
  const byId = db.prepare<[string], UserRow>('select id, username from users where id = ? and is_active = 1');

  const schema = createSchema({
    typeDefs: 'type User { id: ID! username: String! } type Query { me: User }',
    resolvers: {
      Query: {
        me: (_parent, _args, ctx) => {
          const sub = ctx.jwt?.payload.sub;
          return sub ? (byId.get(sub) ?? null) : null;
        },
      },
    },
  });
  const yoga = createYoga({
    schema,
    logging: false,
    graphiql: false,
    landingPage: false,
    plugins: [
      useJWT({
        signingKeyProviders: [createInlineSigningKeyProvider(key)],
        tokenLookupLocations: [extractFromHeader({ name: 'authorization', prefix: 'Bearer' })],
        // The checks tokengate makes: HS256 only, issuer, audience, expiry with 30 s tolerance.
        tokenVerification: { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, clockTolerance: 30 },
        // Like tokengate: no token is anonymous (me = null), a bad token is an error.
        reject: { missingToken: false, invalidToken: true },
      }),
    ],
  });

  const claims = { sub: userId, sid: randomUUID(), jti: randomUUID() };
  const kid = createHash('sha256').update(key.export()).digest('base64url'); // as long as tokengate's RFC 7638 kid
  const token = jwt.sign(claims, key, { algorithm: 'HS256', expiresIn: 86_400 /* outlives any run */, issuer: ISSUER, audience: AUDIENCE, header: { alg: 'HS256', typ: 'at+jwt', kid } });

  const server = http.createServer(yoga);
  exitOnDisconnect();
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}/graphql`, token }) + '\n');
  });
}

main().catch((err) => {
  process.stderr.write(`yoga-jwt peer failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
