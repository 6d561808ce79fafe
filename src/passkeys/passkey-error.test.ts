import { describe, expect, it } from 'vitest';
import { PasskeyError, redactTokens, toPasskeyError } from './passkey-error';

describe('toPasskeyError', () => {
  it('keeps a PasskeyError as is', () => {
    const error = new PasskeyError('unsupported_browser', 'x', { missing: ['indexeddb'] });
    expect(toPasskeyError(error, 'bind')).toBe(error);
  });

  it('maps "no answer" texts of the browsers and the SDK core to network', () => {
    const sdkText =
      'HandleUrl(BindCredential(UaBind(AnyhowWrapper(While invoking authenticator http://c/x:invokeAuthenticator?token=t\n\nCaused by:\n    Failed to send a request.))))';
    for (const text of [sdkText, 'Failed to fetch', 'NetworkError when attempting to fetch resource.', 'Load failed']) {
      expect(toPasskeyError(new TypeError(text), 'bind').code).toBe('network');
    }
  });

  it('reads the status the SDK quotes; 5xx is network, others sdk_failed', () => {
    const unavailable = toPasskeyError(new Error('While invoking authenticator x: The server responded with a 503 error: down'), 'bind');
    expect(unavailable).toMatchObject({ code: 'network', httpStatus: 503 });
    const notFound = toPasskeyError(new Error('While invoking authenticator x: The server responded with a 404 error: not found'), 'bind');
    expect(notFound).toMatchObject({ code: 'sdk_failed', httpStatus: 404 });
  });

  it('maps anything else to sdk_failed with the cause and a readable detail', () => {
    const cause = new Error('Failed to decode a response');
    const error = toPasskeyError(cause, 'bind');
    expect(error).toMatchObject({ code: 'sdk_failed', message: 'The passkey could not be created.', cause });
    expect(error.detail).toBe('Error: Failed to decode a response');
    expect(toPasskeyError('weird', 'list').message).toBe('The passkeys on this browser could not be read.');
  });

  it('maps a failure to load or initialise to sdk_load_failed, which needs a reload', () => {
    const error = toPasskeyError(new Error('wasm trap'), 'load');
    expect(error.code).toBe('sdk_load_failed');
    expect(error.needsReload).toBe(true);
  });

  it('never shows a binding token in the details', () => {
    const error = toPasskeyError(
      new Error('While invoking authenticator http://c/v1/x:invokeAuthenticator?token=s3cr3t&x=1 The server responded with a 410 error'),
      'bind',
    );
    expect(error.detail).not.toContain('s3cr3t');
    expect(error.detail).toContain('token=…&x=1');
  });
});

describe('toPasskeyError while signing in (texts observed from SDK 3.0.6 in Chromium)', () => {
  const observed = {
    credentialNotFound: 'FlattenedError { error_type: CredentialNotFound, associated_data: None }',
    policyDenied: 'FlattenedError { error_type: PolicyDenied, associated_data: None }',
    expired: 'HandleUrl(AuthNJwt(Verify("expired")))',
    expiredContext: 'UrlType(JsonWebToken("Verify(\\"expired\\")"))',
    garbage: 'HandleUrl(AuthNJwt(Decode(Encoding)))',
    garbageContext: 'UrlType(JsonWebToken("Decode(Encoding)"))',
    forged: 'HandleUrl(AuthNJwt(Verify("failed to verify requests JWT: InvalidSignature")))',
    unknownUrl: 'HandleUrl(UnknownUrl)',
    proofUnreachable:
      'HandleUrl(BiAuthenticate(UaAuthenticate(AnyhowWrapper(While authenticating to http://localhost:8787/\n\nCaused by:\n    Failed to send a request.))))',
    proof500:
      'HandleUrl(BiAuthenticate(UaAuthenticate(AnyhowWrapper(While authenticating to http://localhost:8787/\n\nCaused by:\n    The server responded with a 500 error: boom))))',
    keysUnreachable:
      'HandleUrl(AuthNJwt(Verify("failed to fetch jwk for requests JWT: Client(Send(\\"reqwest::Error { kind: Request, source: JsValue(TypeError: Failed to fetch) }\\"))")))',
  };

  it.each([
    ['credentialNotFound', 'passkey_not_found'],
    ['policyDenied', 'denied'],
    ['expired', 'request_expired'],
    ['expiredContext', 'request_expired'],
    ['garbage', 'not_an_authenticate_url'],
    ['garbageContext', 'not_an_authenticate_url'],
    ['forged', 'not_an_authenticate_url'],
    ['unknownUrl', 'not_an_authenticate_url'],
    ['proofUnreachable', 'network'],
    ['proof500', 'network'],
    ['keysUnreachable', 'network'],
  ] as const)('maps %s to %s', (name, code) => {
    const error = toPasskeyError(new Error(observed[name]), 'authenticate');
    expect(error.code).toBe(code);
    expect(error.detail).toContain(observed[name].slice(0, 20));
  });

  it('names the account states the cloud may give instead of a bare deny as denied', () => {
    for (const type of ['UserSuspended', 'UserDeleted', 'DeviceDeleted', 'ClientDenied']) {
      expect(toPasskeyError(new Error(`FlattenedError { error_type: ${type}, associated_data: None }`), 'authenticate').code).toBe('denied');
    }
  });

  it('keeps anything else a plain sign-in failure', () => {
    expect(toPasskeyError(new Error('Failed to decode a response'), 'authenticate')).toMatchObject({
      code: 'sdk_failed',
      message: 'Signing in with the passkey failed.',
    });
  });

  it('reads these names only while signing in (a bind keeps its own mapping)', () => {
    expect(toPasskeyError(new Error('FlattenedError { error_type: PolicyDenied }'), 'bind').code).toBe('sdk_failed');
  });
});

describe('redactTokens', () => {
  it('removes query tokens and bearer tokens', () => {
    expect(redactTokens('a?token=abc b&token=def Authorization: Bearer xyz.123')).toBe('a?token=… b&token=… Authorization: Bearer …');
  });

  it('removes a sign-in request JWT quoted in a URL', () => {
    expect(redactTokens('While authenticating http://app/bi-authenticate?request=eyJ.eyJ.sig\\n')).toBe(
      'While authenticating http://app/bi-authenticate?request=…\\n',
    );
  });
});
