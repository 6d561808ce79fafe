import { z } from 'zod';
import { BiError, errorFromResponse, unreachable } from './errors';

/** Where the Management API bearer token comes from. */
export interface ManagementToken {
  /** A token to send now. */
  get(): Promise<string>;
  /**
   * Reports that the API answered 401 to `token`. Returns whether asking
   * `get()` again can give a different token (so a retry is worth it).
   */
  refused(token: string): boolean;
}

/** A fixed `BI_API_TOKEN`: nothing to renew, and a 401 will not go away by retrying. */
export function staticToken(token: string): ManagementToken {
  return { get: async () => token, refused: () => false };
}

export interface ClientCredentialsOptions {
  authBaseUrl: string;
  tenantId: string;
  realmId: string;
  /** The Management API application whose token endpoint mints the token. */
  applicationId: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  clock?: () => Date;
  timeoutMs?: number;
}

/**
 * The scopes the app backend uses, and no more: a leaked token then cannot
 * delete identities or change the tenant. Beyond Identity's Management API
 * application allows every scope and grants the requested subset (RFC 6749
 * §3.3), so asking for these is valid there and in the local cloud.
 */
export const APP_SCOPES = [
  'identities:create',
  'identities:read',
  'credential-binding-jobs:create',
  'credential-binding-jobs:read',
  'credentials:read',
  'credentials:revoke',
] as const;

const tokenResponse = z.object({
  access_token: z.string().min(1),
  // RFC 6749 makes `expires_in` optional; without it, assume a short life and renew early.
  expires_in: z.number().positive().optional(),
});

/** Without `expires_in`, the token is treated as living this long. */
const ASSUMED_LIFETIME_MS = 5 * 60_000;
/** Renew this long before expiry (or at half-life for short-lived tokens), so no request carries a token that dies in flight. */
const RENEW_MARGIN_MS = 60_000;

/**
 * A token from the client credentials grant at
 * `POST {auth_base}/v1/tenants/{t}/realms/{r}/applications/{app}/token`,
 * cached until shortly before it expires. Concurrent callers share one
 * in-flight request; a refused token is dropped so the next `get()` mints a
 * new one (Beyond Identity tokens can be revoked before they expire).
 */
export function clientCredentialsToken(options: ClientCredentialsOptions): ManagementToken {
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? (() => new Date());
  const url =
    `${options.authBaseUrl}/v1/tenants/${encodeURIComponent(options.tenantId)}/realms/${encodeURIComponent(options.realmId)}` +
    `/applications/${encodeURIComponent(options.applicationId)}/token`;
  // RFC 6749 §2.3.1: client id and secret are form-urlencoded before base64.
  const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');
  let cached: { token: string; renewAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function mint(): Promise<string> {
    const operation = 'IssueToken';
    let response: Response;
    let body: unknown;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: APP_SCOPES.join(' ') }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      if (!response.ok) throw await errorFromResponse(operation, response);
      body = await response.json();
    } catch (error) {
      if (error instanceof BiError) throw error;
      if (error instanceof SyntaxError) throw new BiError('cloud_error', { operation, message: 'token response is not JSON' }, { cause: error });
      throw unreachable(operation, error);
    }
    const parsed = tokenResponse.safeParse(body);
    if (!parsed.success) {
      throw new BiError('cloud_error', { operation, status: response.status, message: 'token response has no access_token' }, { cause: parsed.error });
    }
    const lifetimeMs = parsed.data.expires_in !== undefined ? parsed.data.expires_in * 1000 : ASSUMED_LIFETIME_MS;
    const issuedAt = clock().getTime();
    cached = { token: parsed.data.access_token, renewAt: issuedAt + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2) };
    return parsed.data.access_token;
  }

  return {
    get() {
      if (cached && clock().getTime() < cached.renewAt) return Promise.resolve(cached.token);
      inflight ??= mint().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    refused(token) {
      // Only drop the cache if it still holds the refused token: when several
      // requests fail with the same old token, the first one's renewal stands.
      if (cached?.token === token) cached = undefined;
      return true;
    },
  };
}
