import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api-error';
import { PasskeyError } from '../../../passkeys/passkey-error';
import { classifyBindFailure, failureFromApiError, failureFromLinkState } from './bind-failure';

const usable = { ok: true as const, preview: { state: 'usable' as const } };
const sdkFailure = new PasskeyError('sdk_failed', 'The passkey could not be created.', {
  cause: new Error('While invoking authenticator http://c/x?token=secret The server responded with a 403 error'),
});

describe('failureFromLinkState', () => {
  it('maps each preview state', () => {
    expect(failureFromLinkState('usable')).toBeNull();
    expect(failureFromLinkState('expired')).toEqual({ kind: 'expired' });
    expect(failureFromLinkState('used')).toEqual({ kind: 'used' });
    expect(failureFromLinkState('revoked')).toEqual({ kind: 'revoked' });
    expect(failureFromLinkState('invalid')).toEqual({ kind: 'not_a_binding_link' });
  });
});

describe('failureFromApiError (getting or previewing a link)', () => {
  it.each([
    ['unauthenticated', 'signed_out'],
    ['invalid_request', 'not_a_binding_link'],
    ['not_found', 'not_a_binding_link'],
    ['cloud_unreachable', 'cloud_unreachable'],
    // No HTTP answer from the app's own server: that server, not Beyond Identity.
    ['network', 'server_unreachable'],
    ['internal_error', 'server_error'],
    ['cloud_error', 'server_error'],
    ['rate_limited', 'server_error'],
  ] as const)('%s → %s', (code, kind) => {
    expect(failureFromApiError(new ApiError(code, 'x')).kind).toBe(kind);
  });
});

describe('classifyBindFailure (after the SDK failed)', () => {
  it('believes the backend about the link, whatever the SDK said', () => {
    for (const state of ['expired', 'used', 'revoked'] as const) {
      expect(classifyBindFailure(sdkFailure, { ok: true, preview: { state } })).toEqual({ kind: state });
    }
    expect(classifyBindFailure(new PasskeyError('network', 'x'), { ok: true, preview: { state: 'used' } })).toEqual({ kind: 'used' });
    expect(classifyBindFailure(sdkFailure, { ok: true, preview: { state: 'invalid' } })).toEqual({ kind: 'not_a_binding_link' });
  });

  it('with a usable link, a network hint from the SDK means the cloud was unreachable', () => {
    expect(classifyBindFailure(new PasskeyError('network', 'x'), usable)).toEqual({ kind: 'cloud_unreachable' });
  });

  it('when the preview cannot reach the cloud either, the cloud is unreachable', () => {
    expect(classifyBindFailure(sdkFailure, { ok: false, error: new ApiError('cloud_unreachable', 'x') })).toEqual({ kind: 'cloud_unreachable' });
  });

  it("when the preview gets no answer from the app's own server, that server is unreachable, whatever the SDK said", () => {
    const down = { ok: false as const, error: new ApiError('network', 'x') };
    expect(classifyBindFailure(sdkFailure, down)).toEqual({ kind: 'server_unreachable' });
    expect(classifyBindFailure(new PasskeyError('network', 'x'), down)).toEqual({ kind: 'server_unreachable' });
  });

  it("the SDK not reaching the app's server for its settings names that server, not the cloud", () => {
    const noConfig = new PasskeyError('app_server_unreachable', 'x', { cause: new ApiError('network', 'x') });
    expect(classifyBindFailure(noConfig, usable)).toEqual({ kind: 'server_unreachable' });
    // No preview to ask (sign-up's link, signed out): the SDK's hint alone.
    expect(classifyBindFailure(noConfig, { ok: false, error: undefined })).toEqual({ kind: 'server_unreachable' });
  });

  it('settings the app server refused are an SDK failure, not an unreachable server', () => {
    const refused = new PasskeyError('config_failed', 'x', { cause: new ApiError('invalid-response', 'x') });
    expect(classifyBindFailure(refused, usable)).toMatchObject({ kind: 'sdk_failed', needsReload: false });
  });

  it('otherwise it is an SDK failure, with redacted details', () => {
    const failure = classifyBindFailure(sdkFailure, usable);
    expect(failure.kind).toBe('sdk_failed');
    if (failure.kind !== 'sdk_failed') return;
    expect(failure.detail).toContain('403');
    expect(failure.detail).not.toContain('secret');
    expect(failure.needsReload).toBe(false);

    const plain = classifyBindFailure(new Error('boom ?token=abc'), { ok: false, error: new ApiError('internal_error', 'x') });
    expect(plain).toEqual({ kind: 'sdk_failed', detail: 'Error: boom ?token=…', needsReload: false });
  });

  it('a failed SDK start needs a reload', () => {
    expect(classifyBindFailure(new PasskeyError('sdk_load_failed', 'x', { cause: new Error('wasm') }), usable)).toMatchObject({
      kind: 'sdk_failed',
      needsReload: true,
    });
  });

  it('browser and link-shape failures need no backend', () => {
    expect(classifyBindFailure(new PasskeyError('unsupported_browser', 'x', { missing: ['webcrypto'] }), usable)).toEqual({
      kind: 'unsupported_browser',
      missing: ['webcrypto'],
    });
    expect(classifyBindFailure(new PasskeyError('not_a_binding_link', 'x'), usable)).toEqual({ kind: 'not_a_binding_link' });
  });
});
