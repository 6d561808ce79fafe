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

describe('redactTokens', () => {
  it('removes query tokens and bearer tokens', () => {
    expect(redactTokens('a?token=abc b&token=def Authorization: Bearer xyz.123')).toBe('a?token=… b&token=… Authorization: Bearer …');
  });
});
