import { useMutation } from '@tanstack/react-query';
import { authenticate, type AuthenticateResult } from '../../../../passkeys/authenticate';
import { sendRemembered, type SignInRequest } from '../sent-requests';

export interface SignInVariables {
  /** The sign-in request (the context's `authUrl`). */
  url: string;
  /** The chosen passkey's local `id`. */
  passkeyId: string;
  /**
   * The page's sign-in request (`signInRequestOf` of its URL), to remember in this browser that a
   * proof was sent for it: a used request, reloaded or opened in another tab, then reads as used,
   * not as a refusal.
   */
  request?: SignInRequest | undefined;
}

/**
 * Signing in with a passkey as a mutation. On success the page must leave with a full
 * navigation to `redirectUrl` (the backend's `/auth/callback`), which `onSuccess` does; the
 * mutation is never retried (the request is single use), and what became of the proof is kept
 * in `localStorage` (see sent-requests.ts).
 */
export function useSignInWithPasskey(options: { onSuccess: (result: AuthenticateResult) => void }) {
  return useMutation({
    mutationFn: ({ url, passkeyId, request }: SignInVariables) => sendRemembered(request, () => authenticate(url, passkeyId)),
    retry: false,
    onSuccess: options.onSuccess,
  });
}
