import { useMutation, useQueryClient } from '@tanstack/react-query';
import { signupResponse, type SignupRequest, type SignupResponse } from '../../../../../contracts/app-api';
import { paths } from '../../../../lib/paths';
import { request } from '../../../../lib/request';
import { meKeys } from './get-me';

/**
 * `POST /api/signup`: creates the identity, signs the person in and answers their first
 * RETURN binding link (`binding`), which must stay in memory (never in a URL).
 *
 * @throws {ApiError} `username_taken` (409), `invalid_request` with `fields`, `rate_limited`…
 */
export function signup(body: SignupRequest): Promise<SignupResponse> {
  return request(paths.api.signup, { method: 'POST', body, validate: signupResponse });
}

/** Sign-up as a mutation; on success the session (`['me']`) holds the new person. */
export function useSignup(options: { onSuccess?: (data: SignupResponse) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signup,
    onSuccess: (data) => {
      queryClient.setQueryData(meKeys.all(), data.me);
      options.onSuccess?.(data);
    },
  });
}
