import { useMutation } from '@tanstack/react-query';
import { emailLinkResponse, type EmailLinkRequest, type EmailLinkResponse } from '../../../../../contracts/app-api';
import { paths } from '../../../../lib/paths';
import { request } from '../../../../lib/request';

/**
 * `POST /api/email-link`: asks for an EMAIL binding link for a username.
 * The answer is the same whether or not an account matched (no account enumeration).
 *
 * @throws {ApiError} `rate_limited` (with `retryAfterSeconds`), `invalid_request`…
 */
export function sendEmailLink(body: EmailLinkRequest): Promise<EmailLinkResponse> {
  return request(paths.api.emailLink, { method: 'POST', body, validate: emailLinkResponse });
}

/** `sendEmailLink` as a mutation. */
export function useSendEmailLink() {
  return useMutation({ mutationFn: sendEmailLink });
}
