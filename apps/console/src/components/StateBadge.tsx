/** An environment's state as a labelled badge; the colour repeats the word, never replaces it. */
export function StateBadge({ state }: { state: string }) {
  return <span className={`badge badge-${state}`}>{state}</span>;
}
