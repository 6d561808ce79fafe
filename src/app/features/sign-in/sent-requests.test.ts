// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { PasskeyError } from '../../../passkeys/passkey-error';
import { isRequestExpired, readSentRequest, sendRemembered, signInRequestOf, type SignInRequest } from './sent-requests';

/** A request JWT with `claims` (the signature is not checked here: the SDK does that). */
function requestJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${part({ alg: 'RS256', kid: 'k1' })}.${part(claims)}.c2ln`;
}

const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;
const pageUrl = (jwt: string) => `http://localhost:3000/bi-authenticate?request=${jwt}`;

beforeEach(() => {
  localStorage.clear();
});

describe('signInRequestOf', () => {
  it("keys a request by a hash of its JWT, never the JWT, and reads its exp", () => {
    const exp = inFiveMinutes();
    const jwt = requestJwt({ exp, transaction_id: 'tx1', authn: { action: { prove: { transaction_id: 'tx1', nonce: 'n' } } } });
    const request = signInRequestOf(pageUrl(jwt))!;
    expect(request.expiresAt).toBe(exp * 1000);
    expect(request.key).toMatch(/^bindery\.sign-in\.sent\.[0-9a-f]{28}$/);
    expect(request.key).not.toContain(jwt);
    // The same request always gives the same key (a reload finds it); another request another.
    expect(signInRequestOf(pageUrl(jwt))!.key).toBe(request.key);
    expect(signInRequestOf(pageUrl(requestJwt({ exp, transaction_id: 'tx2' })))!.key).not.toBe(request.key);
  });

  it('has no request without a request JWT, and no expiry when the JWT cannot be read', () => {
    expect(signInRequestOf('http://localhost:3000/bi-authenticate')).toBeUndefined();
    expect(signInRequestOf('not a url')).toBeUndefined();
    expect(signInRequestOf(pageUrl('not-a-jwt'))).toMatchObject({ expiresAt: undefined });
    expect(signInRequestOf(pageUrl(requestJwt({ exp: 'soon' })))).toMatchObject({ expiresAt: undefined });
  });

  it('tells an expired request by its exp', () => {
    const request = signInRequestOf(pageUrl(requestJwt({ exp: 1_000 })))!;
    expect(isRequestExpired(request, 999_999)).toBe(false);
    expect(isRequestExpired(request, 1_000_000)).toBe(true);
    expect(isRequestExpired({ key: 'k', expiresAt: undefined })).toBe(false);
    expect(isRequestExpired(undefined)).toBe(false);
  });
});

describe('sendRemembered', () => {
  let jwt: string;
  let request: SignInRequest;
  beforeEach(() => {
    jwt = requestJwt({ exp: inFiveMinutes(), transaction_id: 'tx1' });
    request = signInRequestOf(pageUrl(jwt))!;
  });

  it('remembers "sent" before the proof goes out, and "allowed" once the cloud allowed it', async () => {
    let seenDuring: string | undefined;
    const result = await sendRemembered(request, async () => {
      seenDuring = readSentRequest(request);
      return 'redirect';
    });
    expect(result).toBe('redirect');
    expect(seenDuring).toBe('sent');
    expect(readSentRequest(request)).toBe('allowed');
    // Only the hash and the state are stored, never the request JWT.
    expect(Object.keys(localStorage)).toEqual([request.key]);
    expect(JSON.stringify({ ...localStorage })).not.toContain(jwt);
  });

  it.each([
    ['the cloud refused the proof (it uses a request only to allow it)', new PasskeyError('denied', 'x')],
    ['the passkey is not on this browser', new PasskeyError('passkey_not_found', 'x')],
    ['the SDK found the request expired', new PasskeyError('request_expired', 'x')],
    ["the SDK could not start (the app's server unreachable)", new PasskeyError('app_server_unreachable', 'x')],
  ])('forgets the attempt when nothing was used: %s', async (_, error) => {
    await expect(sendRemembered(request, () => Promise.reject(error))).rejects.toBe(error);
    expect(readSentRequest(request)).toBeUndefined();
  });

  it.each([
    ['no answer', new PasskeyError('network', 'x')],
    ['a 5xx', new PasskeyError('network', 'x', { httpStatus: 502 })],
    ['an answer the SDK could not read', new PasskeyError('sdk_failed', 'x')],
    ['anything unexpected', new Error('boom')],
  ])('keeps "sent" when the cloud may have used the request: %s', async (_, error) => {
    await expect(sendRemembered(request, () => Promise.reject(error))).rejects.toBe(error);
    expect(readSentRequest(request)).toBe('sent');
  });

  it('puts back what was known before a refused attempt', async () => {
    await expect(sendRemembered(request, () => Promise.reject(new PasskeyError('network', 'x')))).rejects.toThrow();
    await expect(sendRemembered(request, () => Promise.reject(new PasskeyError('denied', 'x')))).rejects.toThrow();
    expect(readSentRequest(request)).toBe('sent');
  });

  it('forgets records once their request has expired, and sends without a request to remember', async () => {
    const expired = signInRequestOf(pageUrl(requestJwt({ exp: Math.floor(Date.now() / 1000) - 1 })))!;
    localStorage.setItem(expired.key, JSON.stringify({ state: 'allowed', until: expired.expiresAt }));
    localStorage.setItem('unrelated', 'kept');
    expect(readSentRequest(expired)).toBeUndefined();

    await sendRemembered(request, async () => 'ok');
    expect(localStorage.getItem(expired.key)).toBeNull();
    expect(localStorage.getItem('unrelated')).toBe('kept');

    await expect(sendRemembered(undefined, async () => 'ok')).resolves.toBe('ok');
  });

  it('ignores a damaged record', () => {
    localStorage.setItem(request.key, '{not json');
    expect(readSentRequest(request)).toBeUndefined();
    localStorage.setItem(request.key, JSON.stringify({ state: 'maybe', until: Date.now() + 1000 }));
    expect(readSentRequest(request)).toBeUndefined();
  });
});
