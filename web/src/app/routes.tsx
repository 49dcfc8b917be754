import { lazy, Suspense } from 'react';
import { Loading } from '../components/Loading';
import { PageTitle } from '../components/PageTitle';
import { ApiTokensView } from '../features/api-tokens/ApiTokensView';
import { AuditView } from '../features/admin-audit/AuditView';
import { ChartsView } from '../features/admin-charts/ChartsView';
import { PeopleList } from '../features/admin-people/PeopleList';
import { PersonPage } from '../features/admin-people/PersonPage';
import { RolesView } from '../features/admin-roles/RolesView';
import { ChangePasswordForm } from '../features/account/ChangePasswordForm';
import { EmailSection } from '../features/email/EmailSection';
import { AddToCartButton } from '../features/cart/AddToCartButton';
import { CartView } from '../features/cart/CartView';
import { Catalogue } from '../features/catalogue/Catalogue';
import { NewProductForm } from '../features/catalogue/NewProductForm';
import { Home } from '../features/home/Home';
import { SessionsView } from '../features/sessions/SessionsView';
import { SecurityView } from '../features/mfa/SecurityView';
import { AddToWishlist } from '../features/wishlists/AddToWishlist';
import { WishlistsView } from '../features/wishlists/WishlistsView';
import { Link, useRouter } from '../lib/router';
import { useSessionServices } from '../lib/session-react';
import { AdminArea } from './AdminArea';

// GraphiQL and Monaco are large: only the explorer page loads them.
const Explorer = lazy(() => import('../features/explorer/Explorer'));

/** The page for the current path. The app composes the features: the catalogue gets cart and wishlist buttons. */
export function Page() {
  const { path } = useRouter();
  const { explorer } = useSessionServices();
  const person = /^\/admin\/people\/([^/]+)$/.exec(path);
  if (person) {
    return (
      <AdminArea needs="users:read">
        <PersonPage key={person[1]} id={decodeURIComponent(person[1])} />
      </AdminArea>
    );
  }
  switch (path) {
    case '/api-tokens':
      return <ApiTokensView />;
    case '/admin':
      return <AdminArea needs={null}>{null}</AdminArea>;
    case '/admin/people':
      return (
        <AdminArea needs="users:read">
          <PeopleList />
        </AdminArea>
      );
    case '/admin/roles':
      return (
        <AdminArea needs="roles:manage">
          <RolesView />
        </AdminArea>
      );
    case '/admin/audit':
      return (
        <AdminArea needs="audit:read">
          <AuditView />
        </AdminArea>
      );
    case '/admin/charts':
      return (
        <AdminArea needs="audit:read">
          <ChartsView />
        </AdminArea>
      );
    case '/':
      return <Home />;
    case '/products':
      return (
        <Catalogue
          actions={(product) => (
            <>
              <AddToCartButton productId={product.id} productName={product.name} />
              <AddToWishlist productId={product.id} productName={product.name} />
            </>
          )}
        >
          <NewProductForm />
        </Catalogue>
      );
    case '/cart':
      return <CartView />;
    case '/wishlists':
      return <WishlistsView />;
    case '/sessions':
      return <SessionsView />;
    case '/account':
      return (
        <>
          <ChangePasswordForm />
          <EmailSection />
        </>
      );
    case '/security':
      return <SecurityView />;
    case '/explorer':
      if (!explorer) return <NotFound />;
      return (
        <Suspense fallback={<Loading label="Loading the explorer…" />}>
          <Explorer />
        </Suspense>
      );
    default:
      return <NotFound />;
  }
}

function NotFound() {
  return (
    <section>
      <PageTitle>Page not found</PageTitle>
      <p>
        There is no page here. <Link to="/">Go to the start page</Link>.
      </p>
    </section>
  );
}
