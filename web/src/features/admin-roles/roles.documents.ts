import { graphql } from '../../gql';

export const AdminRolesDocument = graphql(`
  query AdminRoles {
    permissionCatalogue {
      name
      description
      sessionOnly
    }
    roles {
      name
      description
      permissions
      builtIn
      holderCount
    }
  }
`);

export const CreateRoleDocument = graphql(`
  mutation AdminCreateRole($name: String!, $permissions: [String!]!, $description: String) {
    createRole(name: $name, permissions: $permissions, description: $description) {
      name
      description
      permissions
      builtIn
      holderCount
    }
  }
`);

export const UpdateRoleDocument = graphql(`
  mutation AdminUpdateRole($name: String!, $permissions: [String!]!, $description: String) {
    updateRole(name: $name, permissions: $permissions, description: $description) {
      name
      description
      permissions
      builtIn
      holderCount
    }
  }
`);

export const DeleteRoleDocument = graphql(`
  mutation AdminDeleteRole($name: String!) {
    deleteRole(name: $name)
  }
`);
