import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api-error';
import { PasskeyError } from '../../../passkeys/passkey-error';
import { classifySignInFailure } from './sign-in-failure';

describe('classifySignInFailure', () => {
  it.each([
    ['not_an_authenticate_url', 'not_a_sign_in_request'],
    ['request_expired', 'expired'],
    ['passkey_not_found', 'no_passkey'],
    ['denied', 'denied'],
    ['network', 'cloud_unreachable'],
  ] as const)('maps %s to %s', (code, kind) => {
    expect(classifySignInFailure(new PasskeyError(code, 'x'))).toEqual({ kind });
  });

  it('keeps what the browser lacks', () => {
    expect(classifySignInFailure(new PasskeyError('unsupported_browser', 'x', { missing: ['webcrypto'] }))).toEqual({
      kind: 'unsupported_browser',
      missing: ['webcrypto'],
    });
  });

  it('says a failed SDK start needs a reload, and other SDK failures do not', () => {
    expect(classifySignInFailure(new PasskeyError('sdk_load_failed', 'x', { cause: new Error('wasm') }))).toEqual({
      kind: 'sdk_failed',
      detail: 'Error: wasm',
      needsReload: true,
    });
    expect(classifySignInFailure(new PasskeyError('sdk_failed', 'Signing in failed.', { cause: new Error('Failed to decode a response') }))).toEqual({
      kind: 'sdk_failed',
      detail: 'Error: Failed to decode a response',
      needsReload: false,
    });
  });

  it("words the app server's failures as the server's, never as Beyond Identity's", () => {
    expect(classifySignInFailure(new ApiError('network', 'The server could not be reached.'))).toEqual({
      kind: 'server_error',
      message: 'The server could not be reached.',
    });
  });

  it('redacts a request JWT from anything unexpected', () => {
    expect(classifySignInFailure(new Error('boom at /bi-authenticate?request=eyJ.x.y'))).toEqual({
      kind: 'sdk_failed',
      detail: 'Error: boom at /bi-authenticate?request=…',
      needsReload: false,
    });
  });
});
