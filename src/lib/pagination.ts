import { BadUserInputError } from '../errors';
import { isUuid } from './ids';

export const PAGE_MAX = 100;

/** Page sizes are 1 to PAGE_MAX; anything else is the caller's mistake. */
export function checkFirst(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > PAGE_MAX) {
    throw new BadUserInputError('first', `first must be between 1 and ${PAGE_MAX}.`);
  }
  return first;
}

/** Opaque cursors: base64url of "<kind>:<uuid>", so a cursor from one list is refused by another. */
export const encodeCursor = (kind: string, id: string): string => Buffer.from(`${kind}:${id}`).toString('base64url');

export function decodeCursor(kind: string, cursor: string): string {
  const decoded = /^[A-Za-z0-9_-]{1,100}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const id = decoded.startsWith(`${kind}:`) ? decoded.slice(kind.length + 1) : '';
  if (!isUuid(id)) throw new BadUserInputError('after', 'after is not a cursor from this API.');
  return id;
}

/** Relay-style edges over id-ordered nodes. */
export const edgesOf = <T extends { id: string }>(kind: string, nodes: T[]) => nodes.map((node) => ({ cursor: encodeCursor(kind, node.id), node }));

export const pageInfoOf = (kind: string, nodes: { id: string }[], hasNextPage: boolean) => ({
  hasNextPage,
  endCursor: nodes.length ? encodeCursor(kind, nodes[nodes.length - 1].id) : null,
});
