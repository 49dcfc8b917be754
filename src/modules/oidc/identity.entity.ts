import { EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';
import { User } from '../user/user.entity';

/** An account at an OpenID Connect provider, (provider, subject), linked to one tokengate user. */
export class Identity {
  id: string = uuidv7();
  userId: string;
  /** The provider's id in OIDC_PROVIDERS. */
  provider: string;
  /** The ID token's `sub`: stable and unique per provider; e-mail addresses are never used to match. */
  subject: string;
  /** The e-mail the provider reported when the identity was last used, for display only. */
  email: string | null;
  createdAt: Date;
  lastUsedAt: Date;

  constructor(init: { userId: string; provider: string; subject: string; email: string | null; now: Date }) {
    this.userId = init.userId;
    this.provider = init.provider;
    this.subject = init.subject;
    this.email = init.email;
    this.createdAt = init.now;
    this.lastUsedAt = init.now;
  }
}

export const IdentitySchema = new EntitySchema<Identity>({
  class: Identity,
  tableName: 'user_identities',
  uniques: [{ properties: ['provider', 'subject'], name: 'user_identities_provider_subject_unique' }],
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    userId: { kind: 'm:1', entity: () => User, fieldName: 'user_id', mapToPk: true, deleteRule: 'cascade' },
    provider: { type: 'string', length: 32 },
    subject: { type: 'string', length: 255 },
    email: { type: 'string', length: 320, nullable: true },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    lastUsedAt: { type: 'Date', fieldName: 'last_used_at' },
  },
});
