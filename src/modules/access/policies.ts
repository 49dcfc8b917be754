import type { Context } from '../../context';
import type { ForbiddenReason } from '../../errors';
import type { User } from '../user/user.entity';
import { shortfallOf, type Grant } from './grant';
import type { Permission } from './permissions';

/** What a policy sees: the request, its signed-in viewer and grant, and the object whose field is asked for. */
export interface PolicyInput {
  ctx: Context;
  viewer: User;
  /** Loaded on first use (once per request): a policy that can decide without permissions never reads them. */
  grant(): Promise<Grant>;
  source: unknown;
  typeName: string;
}

/** null: allowed. Otherwise why not, and the one permission that would have allowed it (if any). */
export type PolicyRefusal = { reason: ForbiddenReason; missing?: Permission } | null;
export type Policy = (input: PolicyInput) => PolicyRefusal | Promise<PolicyRefusal>;

/** The account a field's object belongs to: a User itself, or anything with a userId. */
function ownerOf(typeName: string, source: unknown): string | undefined {
  const object = source as { id?: unknown; userId?: unknown } | null;
  const id = typeName === 'User' ? object?.id : object?.userId;
  return typeof id === 'string' ? id : undefined;
}

/** The viewer's own object, or anyone's with one of `permissions` (a refusal names the first). */
const selfOr =
  (...permissions: Permission[]): Policy =>
  async ({ viewer, grant, source, typeName }) => {
    if (ownerOf(typeName, source) === viewer.id) return null;
    const g = await grant();
    return permissions.some((p) => g.effective.has(p)) ? null : { reason: shortfallOf(g, permissions[0]), missing: permissions[0] };
  };

/**
 * The policies @policy may name. Each is a plain function of the request and the object: no database work
 * beyond the viewer and grant the request loads anyway.
 */
export const POLICIES: Record<string, Policy> = {
  /** The viewer's own cart and wishlists, or anyone's with carts:read. */
  owner: selfOr('carts:read'),
  /** The viewer's own roles and permissions, or anyone's with users:read (or roles:manage, to see what it changes). */
  self: selfOr('users:read', 'roles:manage'),
  /** The viewer's own e-mail address and its state, or anyone's with users:read (not roles:manage). */
  contact: selfOr('users:read'),
  /** The viewer's own sessions, or anyone's with sessions:manage. */
  ownSessions: selfOr('sessions:manage'),
  /**
   * A person signed in with a session's access token (login, register, refresh or a provider sign-in), never
   * an API token: what changes how the account is reached (password, identities, tokens, deletion).
   */
  sessionToken: ({ ctx }) => (ctx.auth.apiToken ? { reason: 'API_TOKEN_NOT_ALLOWED' } : null),
};
