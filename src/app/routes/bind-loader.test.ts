// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryClient } from '../../lib/query-client';
import { json, stubApi } from '../../lib/testing/fetch-stub';
import { bindingLinkKeys } from '../features/binding/api/binding-link-keys';
import { emailLinkParams, emailLinkUrl } from '../testing/email-link';
import { bindLoader } from './bind-loader';

// The SDK is replaced at the src/passkeys seam: this is about what the loader asks for.
const passkeys = vi.hoisted(() => ({ preloadEmbedded: vi.fn() }));
vi.mock('../../passkeys/embedded', () => ({ preloadEmbedded: passkeys.preloadEmbedded, getEmbedded: vi.fn() }));

const params = emailLinkParams;
const usablePreview = { state: 'usable', identity: { username: 'ann', display_name: 'Ann Lee' }, realm: { display_name: 'Bindery Dev' }, expire_time: '2030-01-02T03:04:05Z' };

function backend() {
  return stubApi({
    'GET /api/me': () => json({ error: { code: 'unauthenticated', message: 'Sign in.' } }, 401),
    'GET /api/config': () => json({ allowed_domains: ['localhost'], sign_in: true, tenant_id: 'ten1', realm_id: 'realm1' }),
    'POST /api/binding-link/preview': () => json(usablePreview),
  });
}

const load = (url: string) => bindLoader({ request: new Request(new URL(url, window.location.origin)) });

beforeEach(() => {
  passkeys.preloadEmbedded.mockReset().mockResolvedValue(undefined);
});

afterEach(() => {
  queryClient.clear();
  vi.unstubAllGlobals();
});

describe('bindLoader', () => {
  it("starts the SDK, and asks for an email link's preview as the page opens, before the page renders", async () => {
    const api = backend();
    expect(load(emailLinkUrl())).toBeNull();

    await vi.waitFor(() => expect(queryClient.getQueryData(bindingLinkKeys.preview('job1'))).toEqual(usablePreview));
    expect(api.calls('POST /api/binding-link/preview').map((call) => call.body)).toEqual([params]);
    expect(passkeys.preloadEmbedded).toHaveBeenCalledTimes(1);
    expect(api.calls('GET /api/me')).toHaveLength(1);
    expect(api.calls('GET /api/config')).toHaveLength(1);
  });

  it('asks for no preview without a whole email link (a RETURN link is previewed by its page, once known)', async () => {
    const api = backend();
    load('/bind');
    load('/bind?next=/passkeys');
    const { token: _token, ...withoutToken } = params;
    load(`/bind?${new URLSearchParams(withoutToken).toString()}`);

    await vi.waitFor(() => expect(passkeys.preloadEmbedded).toHaveBeenCalled());
    await vi.waitFor(() => expect(api.calls('GET /api/config')).toHaveLength(1));
    expect(api.calls('POST /api/binding-link/preview')).toHaveLength(0);
  });
});
