import { useMutation } from '@tanstack/react-query';
import { signupResponse, type SignupRequest, type SignupResponse } from '../../../../../contracts/app-api';
import { paths } from '../../../../lib/paths';
import { request } from '../../../../lib/request';

/**
 * `POST /api/signup`: creates the identity and answers the new person (`me`) and their first
 * RETURN binding link (`binding`), which must stay in memory (never in a URL). It starts no
 * session: the person signs in with the new passkey (the link's `post_binding_redirect_uri`
 * leads to `/auth/login`).
 *
 * @throws {ApiError} `username_taken` (409), `invalid_request` with `fields`, `rate_limited`…
 */
export function signup(body: SignupRequest): Promise<SignupResponse> {
  return request(paths.api.signup, { method: 'POST', body, validate: signupResponse });
}

/** Sign-up as a mutation. The session (`['me']`) is left as it is: sign-up does not sign in. */
export function useSignup(options: { onSuccess?: (data: SignupResponse) => void } = {}) {
  return useMutation({
    mutationFn: signup,
    onSuccess: (data) => options.onSuccess?.(data),
  });
}
