import { getEmbedded } from './embedded';

/**
 * Whether the SDK takes `url` as a sign-in request (`{invoke_url}/bi-authenticate?request=…`).
 * It only looks at the URL's shape: a malformed or expired request JWT still passes, and
 * `getAuthenticationContext` is what reads it.
 *
 * @throws {PasskeyError} when the SDK cannot start.
 */
export async function isAuthenticateUrl(url: string): Promise<boolean> {
  const embedded = await getEmbedded();
  try {
    return embedded.isAuthenticateUrl(url);
  } catch {
    return false;
  }
}
