import { QueryClient } from '@tanstack/react-query';
import { ConsoleApiError } from './console-error';

/** How many times a failed query is retried when the failure looks transient. */
const MAX_RETRIES = 2;

/**
 * The console's QueryClient (the app has its own: the two are separate pages). Queries retry only
 * failures that may heal by themselves; a 4xx comes back the same, and a 401 has already sent the
 * admin to the sign-in page.
 */
export function createConsoleQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failureCount, error) => failureCount < MAX_RETRIES && (!(error instanceof ConsoleApiError) || error.isTransient),
      },
      mutations: { retry: false },
    },
  });
}

/** The one QueryClient of the console page, shared by the router's loaders and the React tree. */
export const consoleQueryClient = createConsoleQueryClient();
