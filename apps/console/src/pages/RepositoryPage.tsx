import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ApiError, type RepositorySettings, unwrap } from '../api.js';
import { ConfirmAction } from '../components/ConfirmAction.js';
import { Link } from '../components/Link.js';
import { Status } from '../components/Status.js';
import type { Powers } from '../session.js';
import {
  type FieldName,
  formOf,
  NUMBER_FIELDS,
  type SettingsForm,
  settingsPatch,
} from '../settings-form.js';
import { SecretsSection } from './SecretsSection.js';
import { ceilings, Fact, hours } from './RepositoriesPage.js';

/** One repository: its operator settings (edited by an admin), enable/disable, and secrets. */
export function RepositoryPage({ fullName, powers }: { fullName: string; powers: Powers }) {
  const [owner = '', name = ''] = fullName.split('/');
  const path = { params: { path: { owner, name } } };
  const settings = useQuery({
    queryKey: ['repository', fullName],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/repositories/{owner}/{name}/settings', path)),
  });
  return (
    <article aria-labelledby="repository-title">
      <p className="back">
        <Link to={{ page: 'repositories' }}>← All repositories</Link>
      </p>
      <h1 id="repository-title">
        {fullName}
        {settings.data ? (
          <span className={`badge ${settings.data.enabled ? 'badge-ready' : 'badge-failed'}`}>
            {settings.data.enabled ? 'enabled' : 'disabled'}
          </span>
        ) : null}
      </h1>
      {settings.isPending ? (
        <Status kind="loading">Loading its settings…</Status>
      ) : settings.isError ? (
        <Status kind="error">
          {settings.error instanceof ApiError && settings.error.status === 404
            ? 'No such repository, or not one your token may see.'
            : `Could not load its settings: ${settings.error.message}`}
        </Status>
      ) : (
        <>
          <Summary repo={settings.data} />
          {powers.admin ? (
            <>
              <EnableToggle repo={settings.data} owner={owner} name={name} />
              <SettingsEditor repo={settings.data} owner={owner} name={name} />
            </>
          ) : (
            <p className="muted">
              Your token may read these settings; changing them needs an <code>admin</code> token.
            </p>
          )}
        </>
      )}
      <SecretsSection owner={owner} name={name} canSet={powers.admin} />
    </article>
  );
}

function Summary({ repo }: { repo: RepositorySettings }) {
  return (
    <dl className="facts" aria-label="Settings now">
      <Fact label="Stored" value={repo.configured ? 'yes' : "no: Berth's defaults"} />
      <Fact label="Compose file" value={repo.composePath ?? 'default'} />
      <Fact label="Base branch" value={repo.baseBranch ?? 'default'} />
      <Fact label="Access" value={repo.accessMode} />
      <Fact label="TTL" value={hours(repo.defaultTtlHours)} />
      <Fact
        label="Sleep when idle"
        value={repo.idleSleepHours === 0 ? 'never' : hours(repo.idleSleepHours)}
      />
      <Fact label="Database" value={repo.defaultDbMode ?? 'default'} />
      <Fact label="Ceilings" value={ceilings(repo)} />
      <Fact label="IP allowlist" value={repo.ipAllowlist.join(', ') || 'none'} />
      <Fact
        label="Slack channel"
        value={typeof repo['slackChannel'] === 'string' ? repo['slackChannel'] : 'none'}
      />
    </dl>
  );
}

function EnableToggle({
  repo,
  owner,
  name,
}: {
  repo: RepositorySettings;
  owner: string;
  name: string;
}) {
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const enable = !repo.enabled;
  const mutation = useMutation({
    mutationFn: async () => {
      const path = { params: { path: { owner, name } } };
      return unwrap(
        enable
          ? await api.POST('/api/v1/repositories/{owner}/{name}/enable', path)
          : await api.POST('/api/v1/repositories/{owner}/{name}/disable', path),
      );
    },
    onSuccess: (updated) => {
      client.setQueryData(['repository', repo.fullName], updated);
      void client.invalidateQueries({ queryKey: ['repositories'] });
    },
  });
  return (
    <section aria-labelledby="enable-title">
      <h2 id="enable-title">Previews</h2>
      <p>
        {repo.enabled
          ? 'Pull requests of this repository get previews.'
          : 'Deliveries of this repository are ignored: no new previews.'}
      </p>
      <button
        type="button"
        className={enable ? '' : 'danger'}
        disabled={mutation.isPending}
        onClick={() => setAsking(true)}
      >
        {enable ? 'Enable previews' : 'Disable previews'}
      </button>
      <div role="status" className="outcome">
        {mutation.isSuccess
          ? `Previews are now ${mutation.data.enabled ? 'enabled' : 'disabled'}.`
          : null}
      </div>
      {mutation.isError ? (
        <Status kind="error">That did not work: {mutation.error.message}</Status>
      ) : null}
      <ConfirmAction
        open={asking}
        title={`${enable ? 'Enable' : 'Disable'} previews for ${repo.fullName}?`}
        confirmLabel={enable ? 'Enable' : 'Disable'}
        danger={!enable}
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          mutation.mutate();
        }}
      >
        <p>
          {enable
            ? 'Its next delivery builds a preview. A missed one can be redelivered from Deliveries.'
            : 'Its deliveries are ignored from now on (closes still tear previews down). Running previews stay until destroyed.'}
        </p>
      </ConfirmAction>
    </section>
  );
}

const LABELS: Record<FieldName, string> = {
  composePath: 'Compose file path',
  baseBranch: 'Base branch',
  accessMode: 'Access mode',
  defaultTtlHours: 'TTL (hours)',
  idleSleepHours: 'Sleep when idle after (hours, 0 never)',
  defaultDbMode: 'Database mode',
  maxMemoryMb: 'Memory ceiling (MiB)',
  maxCpus: 'CPU ceiling',
  maxPids: 'Process ceiling',
  maxServices: 'Service ceiling',
  slackChannel: 'Slack channel',
  ipAllowlist: 'IP allowlist (one CIDR a line)',
};

const NUMERIC = new Set<FieldName>(NUMBER_FIELDS);

const CHOICES: Partial<Record<FieldName, [string, string][]>> = {
  accessMode: [
    ['private', 'private'],
    ['public', 'public'],
  ],
  defaultDbMode: [
    ['', "Berth's default"],
    ['fresh', 'fresh'],
    ['branch', 'branch'],
    ['snapshot', 'snapshot'],
  ],
};

function SettingsEditor({
  repo,
  owner,
  name,
}: {
  repo: RepositorySettings;
  owner: string;
  name: string;
}) {
  const client = useQueryClient();
  const start = formOf(repo);
  const [form, setForm] = useState<SettingsForm>(start);
  const [problems, setProblems] = useState<{ field: FieldName; message: string }[]>([]);
  const [message, setMessage] = useState('');
  const mutation = useMutation({
    mutationFn: async (patch: Record<string, unknown>) =>
      unwrap(
        await api.PATCH('/api/v1/repositories/{owner}/{name}/settings', {
          params: { path: { owner, name } },
          body: patch,
        }),
      ),
    onSuccess: (updated, patch) => {
      client.setQueryData(['repository', repo.fullName], updated);
      void client.invalidateQueries({ queryKey: ['repositories'] });
      setForm(formOf(updated));
      setMessage(`Saved: ${Object.keys(patch).join(', ')}.`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMessage('');
    const { patch, problems: found } = settingsPatch(start, form);
    setProblems(found);
    if (found.length) return;
    if (Object.keys(patch).length === 0) {
      setMessage('Nothing changed.');
      return;
    }
    mutation.mutate(patch);
  };
  const problemOf = (field: FieldName) => problems.find((p) => p.field === field)?.message;
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Change settings</h2>
      <p className="muted">An emptied field goes back to Berth&apos;s default.</p>
      <form className="settings-form" onSubmit={submit}>
        {(Object.keys(LABELS) as FieldName[]).map((field) => {
          const id = `setting-${field}`;
          const problem = problemOf(field);
          const common = {
            id,
            value: form[field],
            'aria-invalid': problem ? true : undefined,
            'aria-describedby': problem ? `${id}-problem` : undefined,
          };
          const change = (value: string) => setForm({ ...form, [field]: value });
          const choices = CHOICES[field];
          return (
            <div className="field" key={field}>
              <label htmlFor={id}>{LABELS[field]}</label>
              {choices ? (
                <select {...common} onChange={(event) => change(event.target.value)}>
                  {choices.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              ) : field === 'ipAllowlist' ? (
                <textarea {...common} rows={3} onChange={(event) => change(event.target.value)} />
              ) : (
                <input
                  {...common}
                  inputMode={NUMERIC.has(field) ? 'decimal' : undefined}
                  onChange={(event) => change(event.target.value)}
                />
              )}
              {problem ? (
                <p id={`${id}-problem`} className="field-problem">
                  {problem}
                </p>
              ) : null}
            </div>
          );
        })}
        <div className="field-buttons">
          <button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      </form>
      <div role="status" className="outcome" data-testid="settings-outcome">
        {message}
      </div>
      {mutation.isError ? <Status kind="error">Not saved: {mutation.error.message}</Status> : null}
    </section>
  );
}
