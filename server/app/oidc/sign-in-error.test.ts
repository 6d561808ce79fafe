import { AuthorizationResponseError, ClientError, ResponseBodyError } from 'openid-client';
import { describe, expect, it } from 'vitest';
import { BiError } from '../bi/errors';
import { SignInError, signInErrorCode } from './sign-in-error';

/** openid-client's errors, built the way it builds them. */
const authorizationError = (query: string) => new AuthorizationResponseError('authorization response from the server is an error', { cause: new URLSearchParams(query) });
const tokenError = (error: string) =>
  new ResponseBodyError('server responded with an error in the response body', {
    cause: { error, error_description: 'x' },
    response: new Response(null, { status: 400 }),
  });

describe('signInErrorCode', () => {
  it.each<[string, unknown, 'denied' | 'expired' | 'failed']>([
    ['error=access_denied on the callback (state already checked)', authorizationError('error=access_denied&state=s'), 'denied'],
    ['error=invalid_request on the callback', authorizationError('error=invalid_request&state=s'), 'failed'],
    ['error=server_error on the callback', authorizationError('error=server_error'), 'failed'],
    ['error=login_required on the callback', authorizationError('error=login_required'), 'failed'],
    ['a missing OIDC cookie', new SignInError('expired', 'no cookie'), 'expired'],
    ['sign-in not configured', new SignInError('failed', 'no client'), 'failed'],
    ['a SignInError that says denied', new SignInError('denied', 'x'), 'denied'],
    ['the token endpoint refusing the code', tokenError('invalid_grant'), 'failed'],
    ['the token endpoint refusing the client', tokenError('invalid_client'), 'failed'],
    ['a token endpoint saying access_denied (not the authorization response)', tokenError('access_denied'), 'failed'],
    ['a state mismatch or an invalid ID token (openid-client ClientError)', new ClientError('unexpected JWT claim value encountered'), 'failed'],
    ['a network failure', new TypeError('fetch failed'), 'failed'],
    ['a management API failure', new BiError('unreachable', { operation: 'GetIdentity' }), 'failed'],
    ['something thrown that is not an Error', 'boom', 'failed'],
  ])('%s → %s', (_what, error, expected) => {
    expect(signInErrorCode(error)).toBe(expected);
  });
});
