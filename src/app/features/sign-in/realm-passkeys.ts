import type { Passkey } from '../../../passkeys/types';

/** The tenant and realm whose passkeys sign in to this app (`/api/config`). */
export interface AppRealm {
  tenant_id: string;
  realm_id: string;
}

/**
 * The passkeys of this browser that can sign in to this app: those of its tenant and realm. A
 * browser may hold passkeys of other Beyond Identity tenants or realms (other apps); offering
 * those would only end in a refusal.
 *
 * The SDK's local `state` is not used: it is only refreshed by `updatePasskeys()`, which cannot
 * reach its server here (bi-protocol.md), so the cloud's answer is the one that counts.
 */
export function passkeysForRealm(passkeys: readonly Passkey[], realm: AppRealm): Passkey[] {
  return passkeys.filter((passkey) => passkey.tenant.id === realm.tenant_id && passkey.realm.id === realm.realm_id);
}
