// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, stubApi } from '../../lib/testing/fetch-stub';
import type { Passkey } from '../../passkeys/types';
import { renderRoute } from '../testing/render-route';
import { PasskeysRoute } from './passkeys';

const passkeys = vi.hoisted(() => ({
  getPasskeys: vi.fn(),
  deletePasskey: vi.fn(),
  missingCapabilities: vi.fn((): string[] => []),
}));
vi.mock('../../passkeys/get-passkeys', () => ({ getPasskeys: passkeys.getPasskeys }));
vi.mock('../../passkeys/delete-passkey', () => ({ deletePasskey: passkeys.deletePasskey }));
vi.mock('../../passkeys/browser-support', () => ({ missingCapabilities: passkeys.missingCapabilities, assertBrowserSupport: vi.fn() }));

const me = { identity_id: 'ident-ann', username: 'ann', display_name: 'Ann Lee' };

function passkey(id: string, passkeyId: string, identity: { id: string; username: string }): Passkey {
  return {
    id,
    passkeyId,
    created: '2030-01-01T10:00:00Z',
    state: 'Active',
    tenant: { id: 't', displayName: 'Tenant' },
    realm: { id: 'r', displayName: 'Realm' },
    identity: { ...identity, displayName: identity.username.toUpperCase() },
    theme: { logoUrlLight: '', logoUrlDark: '' },
  };
}

const credential = (id: string, state: 'ACTIVE' | 'REVOKED' = 'ACTIVE') => ({
  id,
  state,
  create_time: '2030-01-01T10:00:00Z',
  update_time: '2030-01-01T10:00:00Z',
  jwk_thumbprint: `thumb-${id}`,
});

beforeEach(() => {
  passkeys.getPasskeys.mockReset().mockResolvedValue([
    passkey('local-1', 'cred-1', { id: 'ident-ann', username: 'ann' }),
    passkey('local-2', 'cred-x', { id: 'ident-bob', username: 'bob' }),
  ]);
  passkeys.deletePasskey.mockReset().mockResolvedValue(undefined);
  passkeys.missingCapabilities.mockReset().mockReturnValue([]);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('/passkeys', () => {
  it('lists this browser’s passkeys and the account’s credentials, marking what belongs together', async () => {
    stubApi({
      'GET /api/me': () => json(me),
      'GET /api/me/credentials': () => json({ credentials: [credential('cred-1'), credential('cred-2', 'REVOKED')] }),
    });
    renderRoute(<PasskeysRoute />, { path: '/passkeys', url: '/passkeys' });

    const local = screen.getByRole('region', { name: 'On this browser' });
    const annItem = (await within(local).findByText('ANN')).closest('li')!;
    expect(within(annItem).getByText('Your account')).toBeTruthy();
    const bobItem = within(local).getByText('BOB').closest('li')!;
    expect(within(bobItem).queryByText('Your account')).toBeNull();

    const cloud = await screen.findByRole('region', { name: 'Your account’s credentials' });
    const cred1 = (await within(cloud).findByText('cred-1')).closest('li')!;
    expect(within(cred1).getByText('On this browser')).toBeTruthy();
    const cred2 = within(cloud).getByText('cred-2').closest('li')!;
    expect(within(cred2).queryByText('On this browser')).toBeNull();
    expect(within(cred2).queryByRole('button', { name: /Revoke/ })).toBeNull();
  });

  it('deletes a passkey from this browser after a confirmation', async () => {
    stubApi({ 'GET /api/me': () => apiError(401, 'unauthenticated') });
    renderRoute(<PasskeysRoute />, { path: '/passkeys', url: '/passkeys' });

    fireEvent.click(await screen.findByRole('button', { name: 'Delete the passkey for bob' }));
    expect(passkeys.deletePasskey).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Delete passkey' }));
    await vi.waitFor(() => expect(passkeys.deletePasskey).toHaveBeenCalledWith('local-2'));
    await vi.waitFor(() => expect(passkeys.getPasskeys).toHaveBeenCalledTimes(2));
    expect(screen.getByText(/Sign in to see and revoke/)).toBeTruthy();
  });

  it('revokes a cloud credential after a confirmation', async () => {
    const api = stubApi({
      'GET /api/me': () => json(me),
      'GET /api/me/credentials': () => json({ credentials: [credential('cred-1')] }),
      'POST /api/me/credentials/cred-1/revoke': () => new Response(null, { status: 204 }),
    });
    renderRoute(<PasskeysRoute />, { path: '/passkeys', url: '/passkeys' });

    fireEvent.click(await screen.findByRole('button', { name: 'Revoke credential cred-1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Revoke credential' }));
    await vi.waitFor(() => expect(api.calls('POST /api/me/credentials/cred-1/revoke')).toHaveLength(1));
    await vi.waitFor(() => expect(api.calls('GET /api/me/credentials').length).toBeGreaterThanOrEqual(2));
  });

  it('says when this browser cannot hold passkeys, without starting the SDK', async () => {
    stubApi({ 'GET /api/me': () => apiError(401, 'unauthenticated') });
    passkeys.missingCapabilities.mockReturnValue(['webcrypto']);
    renderRoute(<PasskeysRoute />, { path: '/passkeys', url: '/passkeys' });
    expect((await screen.findByRole('alert')).textContent).toContain('the Web Crypto API');
    expect(passkeys.getPasskeys).not.toHaveBeenCalled();
  });
});
