import type { ReactNode } from 'react';

/**
 * The page's `<title>` and `<h1>` (with the page's main actions beside it). The heading takes
 * focus after client-side navigation (see the layout), so it is focusable by script
 * (tabIndex -1) but not a tab stop.
 */
export function PageTitle({ title, children, actions }: { title: string; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <title>{`${title} · Bindery Console`}</title>
      <h1 className="page-title" tabIndex={-1}>
        {children ?? title}
      </h1>
      {actions && <div className="page-header__actions">{actions}</div>}
    </div>
  );
}
