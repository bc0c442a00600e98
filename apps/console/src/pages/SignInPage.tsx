import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { signIn } from '../api.js';
import { Status } from '../components/Status.js';

/**
 * Headless sign-in: an API token is exchanged for an HttpOnly session cookie. The token lives
 * in this form's state only until the answer; it is never stored in the browser.
 */
export function SignInPage() {
  const client = useQueryClient();
  const [token, setToken] = useState('');
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
  return (
    <main id="main" className="signin">
      <h1>Sign in to Berth</h1>
      <p>
        Paste an API token (<code>berth token create</code>). The console keeps a session cookie,
        never the token.
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
