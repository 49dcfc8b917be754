import type { ReactNode } from 'react';
import { Loading } from '../components/Loading';
import { PageTitle } from '../components/PageTitle';
import { useViewerAccess, type Permission } from '../lib/access';
import { Link } from '../lib/router';

/** The admin pages and the permission each needs (the server checks the same on every field they use). */
export const ADMIN_PAGES: Array<{ to: string; label: string; needs: Permission; what: string }> = [
  { to: '/admin/people', label: 'People', needs: 'users:read', what: 'Find an account; its state, roles, factors, sessions, tokens and trail.' },
  { to: '/admin/roles', label: 'Roles', needs: 'roles:manage', what: 'The permission catalogue; create, edit and delete custom roles.' },
  { to: '/admin/audit', label: 'Audit trail', needs: 'audit:read', what: 'Filter, export and follow the audit trail live.' },
  { to: '/admin/charts', label: 'Activity', needs: 'audit:read', what: 'Sign-ins, failures, rate limits, refresh reuse and sessions per hour.' },
];

/** An admin page: its own navigation (only the pages the viewer may open), or a refusal without the permission. */
export function AdminArea({ needs, children }: { needs: Permission | null; children: ReactNode }) {
  const { loaded, can } = useViewerAccess();
  if (!loaded) return <Loading />;
  const pages = ADMIN_PAGES.filter((p) => can(p.needs));
  if (pages.length === 0 || (needs && !can(needs))) {
    return (
      <section>
        <PageTitle>Not available</PageTitle>
        <p>{needs ? `This page needs the ${needs} permission, which your account does not hold.` : 'The admin area needs users:read, roles:manage or audit:read.'}</p>
      </section>
    );
  }
  return (
    <div className="admin-area">
      <nav aria-label="Admin" className="subnav">
        <ul>
          {pages.map((p) => (
            <li key={p.to}>
              <Link to={p.to}>{p.label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      {children ?? <AdminHome pages={pages} />}
    </div>
  );
}

function AdminHome({ pages }: { pages: typeof ADMIN_PAGES }) {
  return (
    <section aria-labelledby="admin-title">
      <PageTitle id="admin-title">Admin</PageTitle>
      <ul className="cards">
        {pages.map((p) => (
          <li key={p.to}>
            <Link to={p.to}>{p.label}</Link>
            <p className="muted">
              {p.what} Needs <code>{p.needs}</code>.
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
