import type { ReactNode } from 'react';

/**
 * The console's list table: a scrollable wrapper, a caption for screen readers, one header
 * cell per column and, with `actions`, a last column whose header is read as "Actions".
 * The rows are the children.
 */
export function DataTable({ caption, columns, actions = false, children }: { caption: string; columns: readonly string[]; actions?: boolean; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A row's action button, described by the row's header cell (`describedBy`) so "Revoke" says what it revokes. */
export function RowAction({
  describedBy,
  onClick,
  disabled,
  children,
}: {
  describedBy: string;
  onClick: () => void;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <button type="button" className="button button--secondary button--small" aria-describedby={describedBy} onClick={onClick} disabled={disabled}>
      {children}
    </button>
  );
}
