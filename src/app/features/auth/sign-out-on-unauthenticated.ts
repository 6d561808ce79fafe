import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { isApiError } from '../../../lib/api-error';
import { meKeys } from './api/get-me';

/**
 * When any request of the page answers 401 `unauthenticated` (the session cookie expired, or
 * the backend cleared it because its identity is gone), the session query is read again, so
 * every part of the page that shows "signed in" learns it is not. Without this, a page keeps
 * its signed-in state and offers a Retry that can only fail. `['me']` itself never fails with
 * 401 (signed out is `null`), so this cannot loop.
 */
export function useSignOutOnUnauthenticated(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const check = (error: unknown) => {
      if (isApiError(error, 'unauthenticated')) void queryClient.invalidateQueries({ queryKey: meKeys.all() });
    };
    const offQueries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') check(event.action.error);
    });
    const offMutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') check(event.action.error);
    });
    return () => {
      offQueries();
      offMutations();
    };
  }, [queryClient]);
}
