import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';

/** The viewer's permissions (the server decides; the UI only hides what would be refused). */
const ViewerAccessDocument = graphql(`
  query ViewerAccess {
    me {
      id
      permissions
    }
  }
`);

export type Permission = 'users:read' | 'users:manage' | 'roles:manage' | 'sessions:manage' | 'audit:read' | 'api-tokens:manage' | (string & {});

/** `can('users:manage')`, and whether the answer is known yet. */
export function useViewerAccess(): { loaded: boolean; permissions: string[]; can: (permission: Permission) => boolean } {
  const { data } = useQuery(ViewerAccessDocument, { fetchPolicy: 'cache-and-network' });
  const permissions = data?.me.permissions ?? [];
  return { loaded: Boolean(data), permissions, can: (permission) => permissions.includes(permission) };
}

/** The admin area opens for any of these. */
export const ADMIN_AREA: Permission[] = ['users:read', 'roles:manage', 'audit:read'];
