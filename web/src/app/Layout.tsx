import type { ReactNode } from 'react';
import { CartCount } from '../features/cart/CartCount';
import { LogoutButton } from '../features/auth/LogoutButton';
import { ADMIN_AREA, useViewerAccess } from '../lib/access';
import { Link, useRouter } from '../lib/router';
import { useAuth, useSessionServices } from '../lib/session-react';

/** Skip link, header with the main navigation, the page in <main>. */
export function Layout({ signedIn, children }: { signedIn: boolean; children: ReactNode }) {
  const { explorer } = useSessionServices();
  const auth = useAuth();
  const { path } = useRouter();
  const wide = signedIn && path === '/explorer';
  // Leaving the explorer reloads the page, so the app's stricter content security policy applies again.
  const reload = path === '/explorer';
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <p className="brand">
          <a href="/app/">tokengate</a>
        </p>
        {signedIn && (
          <nav aria-label="Main">
            <ul>
              <li>
                <Link to="/" reload={reload}>
                  Home
                </Link>
              </li>
              <li>
                <Link to="/products" reload={reload}>
                  Products
                </Link>
              </li>
              <li>
                <Link to="/cart" reload={reload}>
                  <CartCount />
                </Link>
              </li>
              <li>
                <Link to="/wishlists" reload={reload}>
                  Wishlists
                </Link>
              </li>
              <li>
                <Link to="/sessions" reload={reload}>
                  Sessions
                </Link>
              </li>
              <li>
                <Link to="/account" reload={reload}>
                  Password
                </Link>
              </li>
              <li>
                <Link to="/security" reload={reload}>
                  Security
                </Link>
              </li>
              <li>
                <Link to="/api-tokens" reload={reload}>
                  API tokens
                </Link>
              </li>
              <AdminLink reload={reload} />
              {explorer && (
                <li>
                  {/* A full page load: the explorer page has its own content security policy. */}
                  <Link to="/explorer" reload>
                    Explorer
                  </Link>
                </li>
              )}
            </ul>
          </nav>
        )}
        {auth.status === 'signedIn' && (
          <div className="who">
            <span>
              Signed in as <strong>{auth.viewer.username}</strong>
            </span>
            <LogoutButton />
          </div>
        )}
      </header>
      <main id="main" className={wide ? 'wide' : undefined} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** "Admin" only for a viewer holding one of the admin area's permissions (the server refuses the rest anyway). */
function AdminLink({ reload }: { reload: boolean }) {
  const { can } = useViewerAccess();
  if (!ADMIN_AREA.some(can)) return null;
  return (
    <li>
      <Link to="/admin" reload={reload}>
        Admin
      </Link>
    </li>
  );
}
