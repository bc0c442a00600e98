import { hrefOf, NAV_PAGES, navigate, type Route, sectionOf } from '../router.js';

/** The pages, as links: the current one is marked for screen readers and by more than colour. */
export function Nav({ route }: { route: Route }) {
  const current = sectionOf(route);
  return (
    <nav aria-label="Console" className="nav">
      <ul>
        {NAV_PAGES.map(({ page, label }) => (
          <li key={page}>
            <a
              href={hrefOf({ page })}
              aria-current={page === current ? 'page' : undefined}
              onClick={(event) => {
                // A modified click opens a new tab as usual.
                if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                event.preventDefault();
                navigate({ page });
              }}
            >
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
