// GitHub's page/per_page pagination with an RFC 8288 `link` header (rel next/last/first/prev).
export interface Page<T> {
  items: T[];
  link: string | undefined;
}

export function paginate<T>(all: readonly T[], query: URLSearchParams, pageUrl: string): Page<T> {
  const perPage = Math.min(100, intParam(query, 'per_page', 30));
  const page = intParam(query, 'page', 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const at = (n: number): string => {
    const url = new URL(pageUrl);
    for (const [k, v] of query) url.searchParams.set(k, v);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.toString()}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${at(page - 1)}; rel="prev"`);
  if (page < last) rels.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (page > 1) rels.push(`${at(1)}; rel="first"`);
  return { items, link: rels.length ? rels.join(', ') : undefined };
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  // GitHub ignores nonsense values rather than rejecting them.
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}
