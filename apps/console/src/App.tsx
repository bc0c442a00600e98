import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { currentSession, signOut } from './api.js';
import { Nav } from './components/Nav.js';
import { Status } from './components/Status.js';
import { DeliveriesPage } from './pages/DeliveriesPage.js';
import { EnvironmentPage } from './pages/EnvironmentPage.js';
import { EnvironmentsPage } from './pages/EnvironmentsPage.js';
import { RepositoriesPage } from './pages/RepositoriesPage.js';
import { RepositoryPage } from './pages/RepositoryPage.js';
import { SignInPage } from './pages/SignInPage.js';
import { SystemPage } from './pages/SystemPage.js';
import { hrefOf, navigate, type Route, useRoute } from './router.js';
import { type Powers, powersOf } from './session.js';

// The chart library is most of the bundle's weight: only the Costs page loads it.
const CostsPage = lazy(async () => ({ default: (await import('./pages/CostsPage.js')).CostsPage }));

/** The shell: who is signed in, the page the URL names, or the sign-in page. */
export function App() {
  const route = useRoute();
  const client = useQueryClient();
  const session = useQuery({ queryKey: ['session'], queryFn: currentSession });

  if (session.isPending) return <Status kind="loading">Checking your session…</Status>;
  if (session.isError) {
    return <Status kind="error">Could not reach Berth: {session.error.message}</Status>;
  }
  if (!session.data) return <SignInPage />;
  const powers = powersOf(session.data);

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <a
          className="brand"
          href={hrefOf({ page: 'environments' })}
          onClick={(event) => {
            event.preventDefault();
            navigate({ page: 'environments' });
          }}
        >
          Berth
        </a>
        <span className="who">
          {session.data.name} · {session.data.scope}
          {session.data.repository ? ` · ${session.data.repository}` : ''}
        </span>
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            await signOut();
            // Nothing the session loaded outlives it; the shell shows the sign-in page.
            client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
            client.setQueryData(['session'], null);
          }}
        >
          Sign out
        </button>
      </header>
      <Nav route={route} />
      <main id="main">
        <Page route={route} powers={powers} restriction={session.data.repository} />
      </main>
    </>
  );
}

function Page({
  route,
  powers,
  restriction,
}: {
  route: Route;
  powers: Powers;
  restriction: string | null;
}) {
  switch (route.page) {
    case 'environment':
      return <EnvironmentPage id={route.id} canWrite={powers.write} />;
    case 'repositories':
      return <RepositoriesPage restriction={restriction} />;
    case 'repository':
      return <RepositoryPage fullName={route.fullName} powers={powers} />;
    case 'costs':
      return (
        <Suspense fallback={<Status kind="loading">Loading the costs page…</Status>}>
          <CostsPage />
        </Suspense>
      );
    case 'deliveries':
      return <DeliveriesPage powers={powers} />;
    case 'system':
      return <SystemPage powers={powers} />;
    case 'environments':
      return <EnvironmentsPage />;
  }
}
