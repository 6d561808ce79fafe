import type { MissingCapability } from '../../passkeys/passkey-error';

const capabilityNames: Record<MissingCapability, string> = {
  indexeddb: 'IndexedDB storage',
  webcrypto: 'the Web Crypto API (crypto.subtle)',
};

/** What a browser that cannot hold passkeys lacks, and which browsers work. */
export function UnsupportedBrowserText({ missing }: { missing: readonly MissingCapability[] }) {
  return (
    <>
      It lacks {missing.map((capability) => capabilityNames[capability]).join(' and ')}. Open this page in a current
      version of Chrome, Edge, Firefox or Safari, outside private browsing, over https (or on localhost).
    </>
  );
}
