import { getEmbedded } from './embedded';
import { toPasskeyError } from './passkey-error';
import type { Passkey } from './types';

/**
 * The passkeys stored in this browser (any identity, any tenant). No network call.
 *
 * @throws {PasskeyError}
 */
export async function getPasskeys(): Promise<Passkey[]> {
  const embedded = await getEmbedded();
  try {
    return await embedded.getPasskeys();
  } catch (error) {
    throw toPasskeyError(error, 'list');
  }
}
