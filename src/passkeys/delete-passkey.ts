import { getEmbedded } from './embedded';
import { toPasskeyError } from './passkey-error';

/**
 * Deletes a passkey from this browser only (by its local `id`). The cloud credential stays
 * ACTIVE until it is revoked; the SDK makes no network call here.
 *
 * @throws {PasskeyError}
 */
export async function deletePasskey(id: string): Promise<void> {
  const embedded = await getEmbedded();
  try {
    await embedded.deletePasskey(id);
  } catch (error) {
    throw toPasskeyError(error, 'delete');
  }
}
