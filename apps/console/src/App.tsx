import { useQuery, useQueryClient } from '@tanstack/react-query';
import { currentSession, signOut } from './api.js';
import { Status } from './components/Status.js';
import { EnvironmentPage } from './pages/EnvironmentPage.js';
import { EnvironmentsPage } from './pages/EnvironmentsPage.js';
import { SignInPage } from './pages/SignInPage.js';
import { hrefOf, navigate, useRoute } from './router.js';

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
      <main id="main">
        {route.page === 'environment' ? (
          <EnvironmentPage id={route.id} canWrite={session.data.scope !== 'read'} />
        ) : (
          <EnvironmentsPage />
        )}
      </main>
    </>
  );
}
