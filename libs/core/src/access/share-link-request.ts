import { z } from 'zod';

/** Share links last 1 hour to 7 days (decision 0013); 24 hours unless asked otherwise. */
export const SHARE_LINK_TTL_MIN_S = 3_600;
export const SHARE_LINK_TTL_MAX_S = 7 * 86_400;
export const SHARE_LINK_TTL_DEFAULT_S = 86_400;

const schema = z
  .object({
    ttlSeconds: z
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .min(SHARE_LINK_TTL_MIN_S, 'must be at least 3600 (1h)')
      .max(SHARE_LINK_TTL_MAX_S, 'must be at most 604800 (7d)')
      .default(SHARE_LINK_TTL_DEFAULT_S),
    note: z
      .string({ error: 'must be text' })
      .trim()
      .min(1, 'must not be empty (leave it out instead)')
      .max(200, 'must be at most 200 characters')
      .optional(),
    createdBy: z
      .string({ error: 'must be text' })
      .trim()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      .default('admin'),
  })
  .strict();

export type ShareLinkRequest = z.infer<typeof schema>;

/** Validates `POST …/share-links`; every problem names its field. */
export function parseShareLinkRequest(
  input: unknown,
): { ok: true; request: ShareLinkRequest } | { ok: false; problems: string[] } {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, request: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `${issue.keys.join(', ')}: unknown field; known: ttlSeconds, note, createdBy`
        : `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`,
    ),
  };
}
