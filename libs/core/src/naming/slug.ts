/**
 * Lowercase ASCII slug: [a-z0-9-], no leading/trailing dash, no double dash.
 * Accents are folded (`Café` → `cafe`); other non-ASCII characters become separators, so the
 * result may be empty — callers that need a non-empty name use `stableSlug`.
 */
export function slugify(input: string): string {
  return input
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * A slug that is never empty and never lossy in a way that could merge two inputs: when
 * `slugify` would change the (lowercased) input, a short hash of the lowercased input is
 * appended, so `my.repo` and `my_repo` stay distinct. Case is folded on purpose: GitHub owner
 * and repository names are case-insensitive.
 */
export function stableSlug(input: string, hash: (s: string) => string): string {
  const lower = input.toLowerCase();
  const slug = slugify(input);
  if (slug === lower && slug !== '') return slug;
  return slug === '' ? `x-${hash(lower)}` : `${slug}-${hash(lower)}`;
}
