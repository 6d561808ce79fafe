import { isRouteErrorResponse, useRouteError } from 'react-router';
import { AppShell } from '../components/app-shell';

/** A sentence about a routing error that is safe to show (no stack traces). */
function describeRouteError(error: unknown): string {
  if (isRouteErrorResponse(error)) return `The page answered ${error.status} ${error.statusText}.`.trim();
  if (error instanceof Error && error.message) return error.message;
  return 'An unexpected error occurred.';
}

/** Error screen for anything a route throws, including a route module that failed to load. */
export function RootError() {
  const error = useRouteError();
  return (
    <AppShell>
      <title>Something went wrong · Bindery</title>
      <section className="card" role="alert" aria-labelledby="root-error-title">
        <h1 id="root-error-title">Something went wrong</h1>
        <p>{describeRouteError(error)}</p>
        {/* A full reload, not a revalidation: the usual cause here is a route chunk that no
            longer exists after a deploy, and only a fresh index.html points at the new ones. */}
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Retry
        </button>
      </section>
    </AppShell>
  );
}
