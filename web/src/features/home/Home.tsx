import { useQuery } from '@apollo/client/react';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { graphql } from '../../gql';
import { describeError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { Link } from '../../lib/router';

const MeDocument = graphql(`
  query Me {
    me {
      id
      username
      roles
      permissions
      isActive
      createdAt
    }
  }
`);

/** The signed-in home: who you are, according to the server (`me`), and where to go. */
export function Home() {
  const { data, loading, error } = useQuery(MeDocument, { fetchPolicy: 'cache-and-network' });
  if (loading && !data) return <Loading />;
  if (error && !data) return <Alert>{describeError(error).message}</Alert>;
  const me = data!.me;
  return (
    <section aria-labelledby="home-title" className="home">
      <PageTitle id="home-title">Hello, {me.username}</PageTitle>
      <dl className="facts" data-testid="me">
        <dt>Username</dt>
        <dd>{me.username}</dd>
        <dt>Roles</dt>
        <dd>{me.roles.join(', ')}</dd>
        <dt>Permissions</dt>
        <dd>{me.permissions.length ? me.permissions.join(', ') : 'those of every signed-in user'}</dd>
        <dt>Account</dt>
        <dd>{me.isActive ? 'Active' : 'Deactivated'}</dd>
        <dt>Member since</dt>
        <dd>{formatDateTime(me.createdAt)}</dd>
        <dt>User id</dt>
        <dd>
          <code>{me.id}</code>
        </dd>
      </dl>
      <ul className="cards">
        <li>
          <Link to="/products">Browse the products</Link>
        </li>
        <li>
          <Link to="/cart">Your cart</Link>
        </li>
        <li>
          <Link to="/wishlists">Your wishlists</Link>
        </li>
        <li>
          <Link to="/sessions">Where you are signed in</Link>
        </li>
        <li>
          <Link to="/account">Change your password</Link>
        </li>
      </ul>
    </section>
  );
}
