import type { Context } from '../../context';
import type { ForbiddenReason } from '../../errors';
import type { User } from '../user/user.entity';
import { permissionNotHeld } from './account-guard';
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
 * What a User owns (cart, wishlists, sessions): the viewer's own, or with `permission` that of an account
 * holding no permission the viewer lacks (permissionNotHeld: reading is an action too).
 */
const ownOrOutranked =
  (permission: Permission, own: Policy = () => null): Policy =>
  async (input) => {
    const { ctx, viewer, grant, source } = input;
    const user = source as Pick<User, 'id' | 'role'>;
    if (user.id === viewer.id) return own(input);
    const g = await grant();
    if (!g.effective.has(permission)) return { reason: shortfallOf(g, permission), missing: permission };
    // Once per account and request: a page asking for cart and wishlists reads each account's roles once.
    let seen = outranked.get(ctx);
    if (!seen) outranked.set(ctx, (seen = new Map()));
    let missing = seen.get(user.id);
    if (!missing) seen.set(user.id, (missing = permissionNotHeld(ctx.em, { user: viewer, permissions: g.effective }, user)));
    const lacking = await missing;
    return lacking ? { reason: 'PERMISSION_NOT_HELD', missing: lacking } : null;
  };
const outranked = new WeakMap<Context, Map<string, Promise<Permission | null>>>();

/** A person signed in with a session's access token, never an API token. */
const sessionToken: Policy = ({ ctx }) => (ctx.auth.apiToken ? { reason: 'API_TOKEN_NOT_ALLOWED' } : null);

/**
 * The policies @policy may name. Each is a function of the request and the object: no database work beyond the
 * viewer and grant the request loads anyway, except the other account's permissions when one is reached.
 */
export const POLICIES: Record<string, Policy> = {
  /** The viewer's own cart and wishlists, or (carts:read) those of an account holding no permission the viewer lacks. */
  owner: ownOrOutranked('carts:read'),
  /** The viewer's own roles and permissions, or anyone's with users:read (or roles:manage, to see what it changes). */
  self: selfOr('users:read', 'roles:manage'),
  /** The viewer's own e-mail address and its state, or anyone's with users:read (not roles:manage). */
  contact: selfOr('users:read'),
  /** The viewer's own sessions (from a session, never an API token), or (sessions:manage) an outranked account's. */
  ownSessions: ownOrOutranked('sessions:manage', sessionToken),
  /**
   * A person signed in with a session's access token (login, register, refresh or a provider sign-in), never
   * an API token: what changes how the account is reached (password, identities, tokens, deletion).
   */
  sessionToken,
};
