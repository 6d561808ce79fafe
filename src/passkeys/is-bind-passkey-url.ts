import { getEmbedded } from './embedded';

/**
 * Whether the SDK takes `url` as a binding link. An https `/bind?api_base_url=` URL is only
 * accepted when its host is in the allowed domains (bi-protocol.md, "URL shapes").
 *
 * @throws {PasskeyError} when the SDK cannot start.
 */
export async function isBindPasskeyUrl(url: string): Promise<boolean> {
  const embedded = await getEmbedded();
  try {
    return embedded.isBindPasskeyUrl(url);
  } catch {
    return false;
  }
}
