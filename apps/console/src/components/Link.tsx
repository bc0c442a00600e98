import type { ReactNode } from 'react';
import { hrefOf, navigate, type Route } from '../router.js';

/** A link to a console page: a real href (new tab, copy link) that navigates in place. */
export function Link({ to, children }: { to: Route; children: ReactNode }) {
  return (
    <a
      href={hrefOf(to)}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
