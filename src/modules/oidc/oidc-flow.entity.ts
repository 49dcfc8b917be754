import { EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';
import { User } from '../user/user.entity';

/** How a finished sign-in reaches the client: the refresh cookie on a same-origin redirect, or a one-time login code. */
export type FlowDelivery = 'COOKIE' | 'CODE';

/** One authorization request in flight: what the callback needs to check the answer. Used once. */
export class OidcFlow {
  id: string = uuidv7();
  /** SHA-256 of the `state` sent to the provider (and kept in the browser's flow cookie). */
  stateHash: string;
  provider: string;
  nonce: string;
  codeVerifier: string;
  /** The validated place to send the browser afterwards: an absolute URL. */
  redirect: string;
  delivery: FlowDelivery;
  /** Set for a link flow: the signed-in user the new identity joins. */
  linkUserId: string | null;
  /** A link flow: SHA-256 of the browser's link cookie, checked again at the callback. */
  bindingHash: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null = null;

  constructor(init: Omit<OidcFlow, 'id' | 'usedAt' | 'createdAt' | 'expiresAt'> & { now: Date; ttlSeconds: number }) {
    this.stateHash = init.stateHash;
    this.provider = init.provider;
    this.nonce = init.nonce;
    this.codeVerifier = init.codeVerifier;
    this.redirect = init.redirect;
    this.delivery = init.delivery;
    this.linkUserId = init.linkUserId;
    this.bindingHash = init.bindingHash;
    this.createdAt = init.now;
    this.expiresAt = new Date(init.now.getTime() + init.ttlSeconds * 1000);
  }
}

export const OidcFlowSchema = new EntitySchema<OidcFlow>({
  class: OidcFlow,
  tableName: 'oidc_flows',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    stateHash: { type: 'string', length: 64, fieldName: 'state_hash', unique: true },
    provider: { type: 'string', length: 32 },
    nonce: { type: 'string', length: 128 },
    codeVerifier: { type: 'string', length: 128, fieldName: 'code_verifier' },
    redirect: { type: 'text' },
    delivery: { type: 'string', length: 8 },
    linkUserId: { kind: 'm:1', entity: () => User, fieldName: 'link_user_id', mapToPk: true, nullable: true, deleteRule: 'cascade' },
    bindingHash: { type: 'string', length: 64, fieldName: 'binding_hash', nullable: true },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    expiresAt: { type: 'Date', fieldName: 'expires_at' },
    usedAt: { type: 'Date', fieldName: 'used_at', nullable: true },
  },
});
