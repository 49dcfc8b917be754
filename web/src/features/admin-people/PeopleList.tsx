import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import type { UserOrder } from '../../gql/graphql';
import { describeError } from '../../lib/errors';
import { formatDateTime, formatOptional } from '../../lib/format';
import { Link } from '../../lib/router';
import { AdminUsersDocument } from './people.documents';

const PAGE = 20;
const ORDERS: Array<{ value: UserOrder; label: string }> = [
  { value: 'CREATED_ASC', label: 'Oldest account first' },
  { value: 'CREATED_DESC', label: 'Newest account first' },
  { value: 'LAST_SIGN_IN_DESC', label: 'Last signed in first' },
];

/** Every account (users:read): search by username or e-mail, order, page with cursors (a stack of them for "Previous"). */
export function PeopleList() {
  const [search, setSearch] = useState('');
  const [orderBy, setOrderBy] = useState<UserOrder>('CREATED_ASC');
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1];
  const { data, loading, error } = useQuery(AdminUsersDocument, { variables: { first: PAGE, after, search: search || null, orderBy }, fetchPolicy: 'cache-and-network' });

  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setSearch(String(form.get('search')).trim().slice(0, 100));
    setOrderBy(String(form.get('orderBy')) as UserOrder);
    setCursors([null]);
  };
  const users = data?.users;
  const page = cursors.length;
  return (
    <section aria-labelledby="people-title">
      <PageTitle id="people-title">People</PageTitle>
      <form className="inline-form filters" role="search" aria-label="Find people" onSubmit={onSearch}>
        <div className="field">
          <label htmlFor="people-search">Username or e-mail contains</label>
          <input id="people-search" name="search" type="search" maxLength={100} defaultValue={search} />
        </div>
        <div className="field">
          <label htmlFor="people-order">Order</label>
          <select id="people-order" name="orderBy" defaultValue={orderBy}>
            {ORDERS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="primary">
          Search
        </Button>
      </form>
      {error && !data && <Alert>{describeError(error).message}</Alert>}
      {loading && !data && <Loading />}
      {users && (
        <>
          <p role="status" className="muted">
            {users.totalCount === 1 ? '1 account' : `${users.totalCount} accounts`}
            {search && ` matching “${search}”`}, page {page}.
          </p>
          <table className="data">
            <caption className="visually-hidden">Accounts, {ORDERS.find((o) => o.value === orderBy)?.label.toLowerCase()}</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">E-mail</th>
                <th scope="col">State</th>
                <th scope="col">Roles</th>
                <th scope="col">Created</th>
                <th scope="col">Last sign-in</th>
              </tr>
            </thead>
            <tbody>
              {users.edges.map(({ node: u }) => (
                <tr key={u.id}>
                  <th scope="row">
                    <Link to={`/admin/people/${encodeURIComponent(u.id)}`}>{u.username}</Link>
                  </th>
                  <td>{u.email ? `${u.email}${u.emailVerified ? '' : ' (not verified)'}` : '—'}</td>
                  <td>{u.isActive ? 'Active' : 'Deactivated'}</td>
                  <td>{u.roles.join(', ')}</td>
                  <td>{formatDateTime(u.createdAt)}</td>
                  <td>{formatOptional(u.lastSignInAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav aria-label="People pages" className="actions">
            <Button disabled={page === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              Previous page
            </Button>
            <Button disabled={!users.pageInfo.hasNextPage} onClick={() => setCursors((c) => [...c, users.pageInfo.endCursor ?? null])}>
              Next page
            </Button>
          </nav>
        </>
      )}
    </section>
  );
}
