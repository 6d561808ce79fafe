import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-error';

/** How many times a failed query is retried when the failure looks transient. */
const MAX_RETRIES = 2;

/** The one QueryClient of the page; shared by the router's loaders and the React tree. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // Retry only what may heal by itself (unreachable server, 5xx). Retrying a 4xx or a
      // malformed answer just delays the error message people need to see.
      retry: (failureCount, error) =>
        failureCount < MAX_RETRIES && (!(error instanceof ApiError) || error.isTransient),
    },
  },
});
