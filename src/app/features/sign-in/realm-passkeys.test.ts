import { describe, expect, it } from 'vitest';
import type { Passkey } from '../../../passkeys/types';
import { passkeysForRealm } from './realm-passkeys';

const passkey = (id: string, tenant: string, realm: string): Passkey => ({
  id,
  passkeyId: `cred-${id}`,
  created: '2030-01-01T00:00:00Z',
  state: 'Active',
  tenant: { id: tenant, displayName: 'T' },
  realm: { id: realm, displayName: 'R' },
  identity: { id: `i-${id}`, username: id, displayName: id },
  theme: { logoUrlLight: '', logoUrlDark: '' },
});

describe('passkeysForRealm', () => {
  it("keeps only the app's tenant and realm, in order", () => {
    const all = [passkey('a', 'ten1', 'realm1'), passkey('b', 'ten1', 'other'), passkey('c', 'other', 'realm1'), passkey('d', 'ten1', 'realm1')];
    expect(passkeysForRealm(all, { tenant_id: 'ten1', realm_id: 'realm1' }).map((p) => p.id)).toEqual(['a', 'd']);
  });

  it('ignores the local state (only the cloud knows whether a passkey still works)', () => {
    const revoked = { ...passkey('a', 'ten1', 'realm1'), state: 'Revoked' as const };
    expect(passkeysForRealm([revoked], { tenant_id: 'ten1', realm_id: 'realm1' })).toHaveLength(1);
  });
});
