import { isRouteErrorResponse, useRouteError } from 'react-router';
import { errorMessage } from '../lib/console-error';

/** A sentence about a routing error that is safe to show (no stack traces). */
function describeRouteError(error: unknown): string {
  if (isRouteErrorResponse(error)) return `The page answered ${error.status} ${error.statusText}.`.trim();
  return errorMessage(error);
}

/**
 * What a route that failed shows (its data or its code could not load). A full reload, not a
 * revalidation: the usual cause is a chunk that no longer exists after a rebuild, and only a fresh
 * console.html names the new ones.
 */
export function RouteError() {
  const error = useRouteError();
  return (
    <section className="card" role="alert" aria-labelledby="route-error-title">
      <title>Something went wrong · Bindery Console</title>
      <h1 id="route-error-title" tabIndex={-1}>
        Something went wrong
      </h1>
      <p>{describeRouteError(error)}</p>
      <button type="button" className="button" onClick={() => window.location.reload()}>
        Retry
      </button>
    </section>
  );
}

/** The same, for failures above the shell (the session check itself): centred on an empty page. */
export function RootError() {
  return (
    <main id="main" className="console-container site-main console-narrow">
      <RouteError />
    </main>
  );
}
