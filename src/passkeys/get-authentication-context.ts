import { getEmbedded } from './embedded';
import { PasskeyError, toPasskeyError } from './passkey-error';
import type { AuthenticationContext } from './types';

/**
 * Reads a sign-in request before anyone picks a passkey: the SDK verifies the request JWT (its
 * signature against the `jku` keys, `exp`, `nbf`) and answers the application and the URL to
 * authenticate with. Nothing is used up, so a page may call it on load; an expired or forged
 * request is then reported before the person chooses anything.
 *
 * Pass the answer's `authUrl` to `authenticate`: the SDK documents that it may differ from the
 * URL given here.
 *
 * @param url the full URL of the `/bi-authenticate?request=…` page.
 * @throws {PasskeyError} `not_an_authenticate_url`, `request_expired`, `network`,
 *   `unsupported_browser`, `sdk_load_failed`…
 */
export async function getAuthenticationContext(url: string): Promise<AuthenticationContext> {
  const embedded = await getEmbedded();

  let accepted: boolean;
  try {
    accepted = embedded.isAuthenticateUrl(url);
  } catch {
    accepted = false;
  }
  if (!accepted) throw new PasskeyError('not_an_authenticate_url', 'This is not a sign-in request.');

  try {
    return await embedded.getAuthenticationContext(url);
  } catch (error) {
    throw toPasskeyError(error, 'authenticate');
  }
}
