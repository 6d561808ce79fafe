import { useEffect, useRef, type ReactNode } from 'react';

export interface FailureAlertProps {
  /** A stable name of the failure (`data-failure`); focus moves here whenever it changes. */
  kind: string;
  title: string;
  /** The sentence saying what happened (and what it means). */
  children: ReactNode;
  /** The next step: links or buttons. */
  actions?: ReactNode;
}

/**
 * One failure of a page: a heading, a sentence and the next step, announced as an alert.
 * Keyboard and screen-reader users land on the explanation, not on a button that vanished.
 */
export function FailureAlert({ kind, title, children, actions }: FailureAlertProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [kind]);
  return (
    <div ref={ref} className="outcome outcome--error" role="alert" tabIndex={-1} data-failure={kind}>
      <h2>{title}</h2>
      <p>{children}</p>
      {actions && <div className="actions">{actions}</div>}
    </div>
  );
}
