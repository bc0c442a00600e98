// The Repository page's settings form: what the operator typed, turned into the PATCH body of
// `PATCH /api/v1/repositories/:owner/:name/settings` (only the fields that changed; an emptied
// field is `null`, back to Berth's default). The api validates; this only reads the form.

export const TEXT_FIELDS = ['composePath', 'baseBranch', 'slackChannel'] as const;
export const NUMBER_FIELDS = [
  'defaultTtlHours',
  'idleSleepHours',
  'maxMemoryMb',
  'maxCpus',
  'maxPids',
  'maxServices',
] as const;
export const CHOICE_FIELDS = ['accessMode', 'defaultDbMode'] as const;

export type FieldName =
  | (typeof TEXT_FIELDS)[number]
  | (typeof NUMBER_FIELDS)[number]
  | (typeof CHOICE_FIELDS)[number]
  | 'ipAllowlist';

export type SettingsForm = Record<FieldName, string>;

/** The form's starting values from the settings as the api answered them. */
export function formOf(settings: Readonly<Record<string, unknown>>): SettingsForm {
  const text = (key: string) => {
    const value = settings[key];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  };
  const list = settings['ipAllowlist'];
  return {
    composePath: text('composePath'),
    baseBranch: text('baseBranch'),
    slackChannel: text('slackChannel'),
    defaultTtlHours: text('defaultTtlHours'),
    idleSleepHours: text('idleSleepHours'),
    maxMemoryMb: text('maxMemoryMb'),
    maxCpus: text('maxCpus'),
    maxPids: text('maxPids'),
    maxServices: text('maxServices'),
    accessMode: text('accessMode'),
    defaultDbMode: text('defaultDbMode'),
    ipAllowlist: Array.isArray(list) ? list.join('\n') : '',
  };
}

/** The fields that changed between `before` and `after`, or the problems that stop a PATCH. */
export function settingsPatch(
  before: SettingsForm,
  after: SettingsForm,
): { patch: Record<string, unknown>; problems: { field: FieldName; message: string }[] } {
  const patch: Record<string, unknown> = {};
  const problems: { field: FieldName; message: string }[] = [];
  for (const field of [...TEXT_FIELDS, ...CHOICE_FIELDS]) {
    const value = after[field].trim();
    if (value === before[field].trim()) continue;
    // accessMode has no default to go back to: an empty choice is no change.
    if (value === '' && field === 'accessMode') continue;
    patch[field] = value === '' ? null : value;
  }
  for (const field of NUMBER_FIELDS) {
    const value = after[field].trim();
    if (value === before[field].trim()) continue;
    if (value === '') {
      patch[field] = null;
      continue;
    }
    const number = Number(value);
    if (!Number.isFinite(number)) problems.push({ field, message: 'must be a number' });
    else patch[field] = number;
  }
  const lines = (text: string) =>
    text
      .split(/[\n,]/)
      .map((line) => line.trim())
      .filter(Boolean);
  const allowlist = lines(after.ipAllowlist);
  if (allowlist.join('\n') !== lines(before.ipAllowlist).join('\n')) {
    patch['ipAllowlist'] = allowlist;
  }
  return { patch, problems };
}
