import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, ApiError, type SecretEntry, unwrap } from '../api.js';
import { ConfirmAction } from '../components/ConfirmAction.js';
import { Status } from '../components/Status.js';
import { localTime } from '../format.js';

/**
 * A repository's secret scopes (decision 0031): names, kinds and update times only. An admin
 * sets or replaces a value write-only: the field is a password input, emptied once sent, and
 * the api never answers a value, so none can be shown.
 */
export function SecretsSection({
  owner,
  name,
  canSet,
}: {
  owner: string;
  name: string;
  canSet: boolean;
}) {
  const path = { params: { path: { owner, name } } };
  const list = useQuery({
    queryKey: ['secrets', owner, name],
    queryFn: async () => unwrap(await api.GET('/api/v1/repositories/{owner}/{name}/secrets', path)),
  });
  return (
    <section aria-labelledby="secrets-title">
      <h2 id="secrets-title">Secrets</h2>
      <p className="muted">Names only: a value is never shown, here or anywhere else.</p>
      {list.isPending ? (
        <Status kind="loading">Loading secret names…</Status>
      ) : list.isError ? (
        <Status kind="error">
          {list.error instanceof ApiError && list.error.status === 409
            ? `Secrets are off on this control plane: ${list.error.message}`
            : `Could not load the secret names: ${list.error.message}`}
        </Status>
      ) : list.data.secrets.length === 0 ? (
        <Status kind="empty">No secret reaches this repository&apos;s previews.</Status>
      ) : (
        <ul className="cards" aria-label="Secrets">
          {list.data.secrets.map((secret) => (
            <SecretRow
              key={`${secret.scope}/${secret.name}`}
              secret={secret}
              owner={owner}
              name={name}
              canSet={canSet}
            />
          ))}
        </ul>
      )}
      {canSet ? <SetSecret owner={owner} name={name} /> : null}
    </section>
  );
}

function SecretRow({
  secret,
  owner,
  name,
  canSet,
}: {
  secret: SecretEntry;
  owner: string;
  name: string;
  canSet: boolean;
}) {
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const remove = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.DELETE('/api/v1/repositories/{owner}/{name}/secrets/{scope}/{key}', {
          params: { path: { owner, name, scope: secret.scope, key: secret.name } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['secrets', owner, name] }),
  });
  return (
    <li className="card" data-secret={secret.name}>
      <div className="card-main">
        <code>{secret.name}</code>
        <span className="badge">{secret.scope}</span>
      </div>
      <dl className="env-facts">
        <div>
          <dt>Kind</dt>
          <dd>
            {secret.kind === 'reference' ? `reference to ${secret.reference ?? '?'}` : 'value'}
          </dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>{localTime(secret.updatedAt)}</dd>
        </div>
      </dl>
      {canSet ? (
        <button
          type="button"
          className="secondary"
          aria-label={`Remove ${secret.scope} secret ${secret.name}`}
          disabled={remove.isPending}
          onClick={() => setAsking(true)}
        >
          Remove
        </button>
      ) : null}
      {remove.isError ? <Status kind="error">Not removed: {remove.error.message}</Status> : null}
      <ConfirmAction
        open={asking}
        title={`Remove ${secret.name}?`}
        confirmLabel="Remove"
        danger
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          remove.mutate();
        }}
      >
        <p>
          Previews deployed from now on no longer get it ({secret.scope} scope). Running ones keep
          theirs until redeployed.
        </p>
      </ConfirmAction>
    </li>
  );
}

function SetSecret({ owner, name }: { owner: string; name: string }) {
  const client = useQueryClient();
  const [scope, setScope] = useState('repository');
  const [pr, setPr] = useState('');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const set = useMutation({
    mutationFn: async (input: { scope: string; key: string; value: string }) =>
      unwrap(
        await api.PUT('/api/v1/repositories/{owner}/{name}/secrets/{scope}/{key}', {
          params: { path: { owner, name, scope: input.scope, key: input.key } },
          body: { value: input.value },
        }),
      ),
    onSuccess: async (change) => {
      setSaid({
        ok: true,
        text: `Set ${change.scope}/${change.name}; its value is not shown again.`,
      });
      await client.invalidateQueries({ queryKey: ['secrets', owner, name] });
    },
    onError: (error) => setSaid({ ok: false, text: `Not set: ${error.message}` }),
  });
  // The mutation would keep its variables (the value) for as long as the page lives: once it
  // has answered (said above), it is forgotten.
  const { isSuccess, isError, reset } = set;
  useEffect(() => {
    if (isSuccess || isError) reset();
  }, [isSuccess, isError, reset]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaid(null);
    const where = scope === 'pr' ? `pr-${pr.trim()}` : scope;
    set.mutate({ scope: where, key: key.trim(), value });
    // The value leaves the page's state at once: nothing keeps it once it is sent.
    setValue('');
  };
  return (
    <form className="settings-form" onSubmit={submit} aria-labelledby="set-secret-title">
      <h3 id="set-secret-title">Set or replace a secret</h3>
      <div className="field">
        <label htmlFor="secret-scope">Scope</label>
        <select id="secret-scope" value={scope} onChange={(event) => setScope(event.target.value)}>
          <option value="repository">This repository</option>
          <option value="installation">Every repository of {owner}</option>
          <option value="pr">One pull request</option>
        </select>
      </div>
      {scope === 'pr' ? (
        <div className="field">
          <label htmlFor="secret-pr">Pull request number</label>
          <input
            id="secret-pr"
            inputMode="numeric"
            required
            pattern="[0-9]+"
            value={pr}
            onChange={(event) => setPr(event.target.value)}
          />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="secret-name">Name</label>
        <input
          id="secret-name"
          required
          autoComplete="off"
          value={key}
          onChange={(event) => setKey(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="secret-value">Value (write-only)</label>
        <input
          id="secret-value"
          type="password"
          required
          autoComplete="new-password"
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
      </div>
      <div className="field-buttons">
        <button type="submit" disabled={set.isPending}>
          {set.isPending ? 'Saving…' : 'Set secret'}
        </button>
      </div>
      <div role="status" className="outcome" data-testid="secret-outcome">
        {said?.ok ? said.text : null}
      </div>
      {said && !said.ok ? <Status kind="error">{said.text}</Status> : null}
    </form>
  );
}
