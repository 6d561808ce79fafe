import { getEmbedded } from './embedded';
import { PasskeyError, toPasskeyError } from './passkey-error';
import type { BindPasskeyResponse } from './types';

/** Progress of `bindPasskey`: `loading` while the SDK starts, `binding` once the SDK call runs. */
export type BindPhase = 'loading' | 'binding';

/**
 * Creates a passkey in this browser from a binding link: the `:invokeAuthenticator?token=` link,
 * or the `/bind?api_base_url=https…` URL (see `toSdkBindUrl`). Call it only from a person's
 * click: the link is single use, and mail scanners open links.
 *
 * @throws {PasskeyError} `not_a_binding_link` when the SDK refuses the URL; otherwise the
 *   mapped SDK failure (`network`, `sdk_failed`, `unsupported_browser`, `sdk_load_failed`…).
 */
export async function bindPasskey(
  link: string,
  options: { onProgress?: (phase: BindPhase) => void } = {},
): Promise<BindPasskeyResponse> {
  options.onProgress?.('loading');
  const embedded = await getEmbedded();

  let accepted: boolean;
  try {
    accepted = embedded.isBindPasskeyUrl(link);
  } catch {
    accepted = false;
  }
  if (!accepted) throw new PasskeyError('not_a_binding_link', 'This is not a binding link.');

  options.onProgress?.('binding');
  try {
    return await embedded.bindPasskey(link);
  } catch (error) {
    throw toPasskeyError(error, 'bind');
  }
}
