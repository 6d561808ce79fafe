import { getEmbedded } from './embedded';
import { PasskeyError, toPasskeyError } from './passkey-error';

/** What the app needs from a successful sign-in. */
export interface AuthenticateResult {
  /** The application's `redirect_uri` with `code` and `state`: the app backend's `/auth/callback`. */
  redirectUrl: string;
  /** A displayable message the cloud may send on success. */
  message: string | undefined;
}

/**
 * Signs in with a passkey of this browser: the SDK proves possession of the passkey's key to the
 * cloud for the sign-in request in `url`. Call it only from a person's click: the request is
 * single use.
 *
 * @param url the sign-in request (`authUrl` of `getAuthenticationContext`, or the full
 *   `/bi-authenticate?request=…` URL).
 * @param passkeyId the passkey's local `id` from `getPasskeys()`, NOT its cloud `passkeyId`
 *   (SDK 3.0.6 answers `CredentialNotFound` for the latter; observed in Chromium).
 * @throws {PasskeyError} `denied`, `passkey_not_found`, `request_expired`,
 *   `not_an_authenticate_url`, `network`, `sdk_failed`…
 */
export async function authenticate(url: string, passkeyId: string): Promise<AuthenticateResult> {
  const embedded = await getEmbedded();

  let accepted: boolean;
  try {
    accepted = embedded.isAuthenticateUrl(url);
  } catch {
    accepted = false;
  }
  if (!accepted) throw new PasskeyError('not_an_authenticate_url', 'This is not a sign-in request.');

  let redirectUrl: string;
  let message: string | undefined;
  try {
    ({ redirectUrl, message } = await embedded.authenticate(url, passkeyId));
  } catch (error) {
    throw toPasskeyError(error, 'authenticate');
  }
  // The page navigates to it: never to a script or data URL, whatever the response said.
  if (!/^https?:\/\//i.test(redirectUrl)) {
    throw new PasskeyError('sdk_failed', 'Signing in with the passkey failed.', {
      cause: new Error(`unexpected redirect URL scheme: ${redirectUrl.split(':')[0] ?? ''}`),
    });
  }
  return { redirectUrl, message };
}
