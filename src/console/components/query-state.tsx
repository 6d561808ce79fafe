import { errorMessage } from '../lib/console-error';

/** "Loading …" while a query has no data yet; announced politely. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="status status--pending" role="status">
      Loading {what}…
    </p>
  );
}

/** A query that failed, with a retry (the query's own refetch). */
export function LoadError({ what, error, onRetry, retrying }: { what: string; error: unknown; onRetry: () => void; retrying: boolean }) {
  return (
    <div className="status status--error" role="alert">
      <p>
        Could not load {what}. {errorMessage(error)}
      </p>
      <button type="button" className="button" onClick={onRetry} disabled={retrying} aria-busy={retrying || undefined}>
        Retry
      </button>
    </div>
  );
}
