import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api-error';
import { PasskeyError } from '../../../passkeys/passkey-error';
import { classifyAuthenticateFailure, classifySignInFailure, failureOfSentRequest } from './sign-in-failure';

describe('classifySignInFailure', () => {
  it.each([
    ['not_an_authenticate_url', 'not_a_sign_in_request'],
    ['request_expired', 'expired'],
    ['passkey_not_found', 'no_passkey'],
    ['denied', 'denied'],
    ['network', 'cloud_unreachable'],
    ['app_server_unreachable', 'server_unreachable'],
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
    expect(classifySignInFailure(new ApiError('internal_error', 'Something went wrong on our side.', { status: 500 }))).toEqual({
      kind: 'server_error',
      message: 'Something went wrong on our side.',
    });
  });

  it("names the app's server when it did not answer at all: its config read, or the SDK start that needs it", () => {
    expect(classifySignInFailure(new ApiError('network', 'The server could not be reached.'))).toEqual({ kind: 'server_unreachable' });
    const sdkStart = new PasskeyError('app_server_unreachable', 'The app server could not be reached.', {
      cause: new ApiError('network', 'The server could not be reached.'),
    });
    expect(classifySignInFailure(sdkStart)).toEqual({ kind: 'server_unreachable' });
  });

  it('redacts a request JWT from anything unexpected', () => {
    expect(classifySignInFailure(new Error('boom at /bi-authenticate?request=eyJ.x.y'))).toEqual({
      kind: 'sdk_failed',
      detail: 'Error: boom at /bi-authenticate?request=…',
      needsReload: false,
    });
  });
});

describe('classifyAuthenticateFailure', () => {
  const first = { unansweredBefore: false };

  it.each([
    ['no answer at all', new PasskeyError('network', 'x', { cause: new Error('Caused by: Failed to send a request.') }), { kind: 'cloud_unreachable' }],
    ['the SDK settings did not load', new PasskeyError('config_failed', 'x'), { kind: 'sdk_failed', detail: 'x', needsReload: false }],
    ['the SDK did not start', new PasskeyError('sdk_load_failed', 'x', { cause: new Error('wasm') }), { kind: 'sdk_failed', detail: 'Error: wasm', needsReload: true }],
    ['an expired request', new PasskeyError('request_expired', 'x'), { kind: 'expired' }],
    ['an unknown passkey', new PasskeyError('passkey_not_found', 'x'), { kind: 'no_passkey' }],
    ["the app's server unreachable (the SDK did not start)", new PasskeyError('app_server_unreachable', 'x'), { kind: 'server_unreachable' }],
    ['a refusal of the first attempt', new PasskeyError('denied', 'x'), { kind: 'denied' }],
  ] as const)('before the cloud used the request (%s): keeps its own next step', (_, error, failure) => {
    expect(classifyAuthenticateFailure(error, first)).toEqual(failure);
  });

  it.each([
    ['a 5xx answer', new PasskeyError('network', 'x', { httpStatus: 502, cause: new Error('The server responded with a 502 error') }), 'Error: The server responded with a 502 error'],
    ['an answer the SDK could not read', new PasskeyError('sdk_failed', 'x', { cause: new Error('Failed to decode a response') }), 'Error: Failed to decode a response'],
    ['an unexpected redirect URL', new PasskeyError('sdk_failed', 'x', { cause: new Error('unexpected redirect URL scheme: javascript') }), 'Error: unexpected redirect URL scheme: javascript'],
    ['anything unexpected', new Error('boom at /bi-authenticate?request=eyJ.x.y'), 'Error: boom at /bi-authenticate?request=…'],
  ] as const)('after the cloud may have used the request (%s): request_used, with the details', (_, error, detail) => {
    expect(classifyAuthenticateFailure(error, first)).toEqual({ kind: 'request_used', detail });
  });

  it('a refusal after an unanswered attempt is not blamed on the passkey: the cloud may have used the request', () => {
    const denied = new PasskeyError('denied', 'x', { cause: new Error('FlattenedError { error_type: PolicyDenied, associated_data: None }') });
    expect(classifyAuthenticateFailure(denied, { unansweredBefore: true })).toEqual({
      kind: 'request_used',
      detail: 'Error: FlattenedError { error_type: PolicyDenied, associated_data: None }',
    });
    // Still no answer: Retry stays.
    expect(classifyAuthenticateFailure(new PasskeyError('network', 'x'), { unansweredBefore: true })).toEqual({ kind: 'cloud_unreachable' });
  });

  describe('a refusal, worded from what the page knows of the request', () => {
    const denied = new PasskeyError('denied', 'x', { cause: new Error('FlattenedError { error_type: PolicyDenied, associated_data: None }') });
    const detail = 'Error: FlattenedError { error_type: PolicyDenied, associated_data: None }';

    it.each(['sent', 'allowed'] as const)(
      'this tab sent a proof for the request before the page was reloaded (%s): request_used, not the passkey',
      (sentEarlier) => {
        expect(classifyAuthenticateFailure(denied, { unansweredBefore: false, sentEarlier })).toEqual({
          kind: 'request_used',
          detail,
          sentEarlier: true,
        });
      },
    );

    it('the request JWT is past its exp (the cloud transaction lasts as long): expired, whatever else is known', () => {
      expect(classifyAuthenticateFailure(denied, { unansweredBefore: false, requestExpired: true })).toEqual({ kind: 'expired' });
      expect(classifyAuthenticateFailure(denied, { unansweredBefore: true, sentEarlier: 'sent', requestExpired: true })).toEqual({ kind: 'expired' });
    });

    it('nothing sent before and not expired: the passkey was refused', () => {
      expect(classifyAuthenticateFailure(denied, { unansweredBefore: false, sentEarlier: undefined, requestExpired: false })).toEqual({ kind: 'denied' });
    });

    it('only a refusal reads the earlier proof: other failures keep their own next step', () => {
      const earlier = { unansweredBefore: false, sentEarlier: 'sent', requestExpired: false } as const;
      expect(classifyAuthenticateFailure(new PasskeyError('network', 'x'), earlier)).toEqual({ kind: 'cloud_unreachable' });
      expect(classifyAuthenticateFailure(new PasskeyError('passkey_not_found', 'x'), earlier)).toEqual({ kind: 'no_passkey' });
    });
  });
});

describe('failureOfSentRequest', () => {
  it('a request this tab already signed in with is used before anyone clicks; one only sent may still work', () => {
    expect(failureOfSentRequest('allowed')).toEqual({ kind: 'request_used', detail: undefined, sentEarlier: true });
    expect(failureOfSentRequest('sent')).toBeUndefined();
    expect(failureOfSentRequest(undefined)).toBeUndefined();
  });
});
