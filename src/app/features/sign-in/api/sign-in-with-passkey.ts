import { useMutation } from '@tanstack/react-query';
import { authenticate, type AuthenticateResult } from '../../../../passkeys/authenticate';

export interface SignInVariables {
  /** The sign-in request (the context's `authUrl`). */
  url: string;
  /** The chosen passkey's local `id`. */
  passkeyId: string;
}

/**
 * Signing in with a passkey as a mutation. On success the page must leave with a full
 * navigation to `redirectUrl` (the backend's `/auth/callback`), which `onSuccess` does; the
 * mutation is never retried (the request is single use).
 */
export function useSignInWithPasskey(options: { onSuccess: (result: AuthenticateResult) => void }) {
  return useMutation({
    mutationFn: ({ url, passkeyId }: SignInVariables) => authenticate(url, passkeyId),
    retry: false,
    onSuccess: options.onSuccess,
  });
}
