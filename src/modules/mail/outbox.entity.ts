import { EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';

/**
 * QUEUED: waiting (or waiting again, after a failed attempt); SENDING: claimed by a worker until
 * next_attempt_at (a worker that died mid-send is retried after that); SENT; FAILED: given up after MAIL_MAX_ATTEMPTS.
 */
export type OutboxStatus = 'QUEUED' | 'SENDING' | 'SENT' | 'FAILED';

/** A mail is a row before it is a message. `payload` is sealed (it may hold a link with a token) and wiped once sent. */
export class OutboxMail {
  id: string = uuidv7();
  template: string;
  userId: string | null;
  payload: string | null;
  status: OutboxStatus = 'QUEUED';
  attempts = 0;
  nextAttemptAt: Date;
  lastError: string | null = null;
  createdAt: Date;
  sentAt: Date | null = null;

  constructor(init: { template: string; userId: string | null; payload: string; now: Date }) {
    this.template = init.template;
    this.userId = init.userId;
    this.payload = init.payload;
    this.nextAttemptAt = init.now;
    this.createdAt = init.now;
  }
}

export const OutboxMailSchema = new EntitySchema<OutboxMail>({
  class: OutboxMail,
  tableName: 'mail_outbox',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    template: { type: 'string', length: 40 },
    userId: { type: 'string', length: 36, fieldName: 'user_id', nullable: true },
    payload: { type: 'text', nullable: true },
    status: { type: 'string', length: 8 },
    attempts: { type: 'integer', default: 0 },
    nextAttemptAt: { type: 'Date', fieldName: 'next_attempt_at' },
    lastError: { type: 'string', length: 200, fieldName: 'last_error', nullable: true },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    sentAt: { type: 'Date', fieldName: 'sent_at', nullable: true },
  },
});
