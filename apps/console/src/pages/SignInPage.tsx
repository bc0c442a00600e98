import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { providerSignInUrl, signIn, signInProviders } from '../api.js';
import { Status } from '../components/Status.js';

/**
 * Sign-in: with GitHub or the OIDC provider when the operator configured them (a full-page
 * round trip through the provider; the api maps the person to a role, decision 0035), or with
 * an API token for headless use. Either way the browser keeps only an HttpOnly session cookie;
 * the token lives in this form's state until the answer and is never stored.
 */
export function SignInPage() {
  const client = useQueryClient();
  const [token, setToken] = useState('');
  const providers = useQuery({ queryKey: ['sign-in-providers'], queryFn: signInProviders });
  const mutation = useMutation({
    mutationFn: signIn,
    onSuccess: async (session) => {
      setToken('');
      client.setQueryData(['session'], session);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate(token);
  };
  const offered = [
    ...(providers.data?.github ? [{ id: 'github' as const, label: 'GitHub' }] : []),
    ...(providers.data?.oidc ? [{ id: 'oidc' as const, label: providers.data.oidc.name }] : []),
  ];
  return (
    <main id="main" className="signin">
      <h1>Sign in to Berth</h1>
      {offered.map((provider) => (
        // A plain GET form: the provider's login is a full-page navigation, not a fetch.
        <form key={provider.id} method="get" action={providerSignInUrl(provider.id)}>
          <button type="submit">Sign in with {provider.label}</button>
        </form>
      ))}
      {providers.isError ? (
        <Status kind="error">Could not load the sign-in options: {providers.error.message}</Status>
      ) : null}
      <p>
        {offered.length > 0 ? 'Or paste' : 'Paste'} an API token (<code>berth token create</code>).
        The console keeps a session cookie, never the token.
      </p>
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {mutation.isError ? <Status kind="error">{mutation.error.message}</Status> : null}
    </main>
  );
}
