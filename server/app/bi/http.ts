import type { ZodType } from 'zod';
import { BiError, errorFromResponse, unreachable } from './errors';
import type { ManagementToken } from './management-token';

export interface BiHttpOptions {
  apiBaseUrl: string;
  tenantId: string;
  realmId: string;
  token: ManagementToken;
  fetch?: typeof fetch;
  /** Per request, including reading the body. */
  timeoutMs?: number;
}

export interface BiHttp {
  /**
   * A Management API call under the configured realm, e.g. `GET /identities/{id}`.
   * A 401 drops the cached token and retries once with a fresh one.
   */
  management<T>(operation: string, method: 'GET' | 'POST', path: string, schema: ZodType<T>, body?: unknown): Promise<T>;
  /** A call authorised by a binding token instead of the management token (`:getInfo`). */
  withBindingToken<T>(operation: string, path: string, bindingToken: string, schema: ZodType<T>): Promise<T>;
}

/** Returned by `send` to ask for one retry with a fresh token. */
const RETRY = Symbol('retry');

const ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * A path segment for an id. Ids are checked, not only encoded: `..` encodes
 * to itself, and a URL parser would resolve it, so an id taken from a
 * request could otherwise steer a management call to another resource.
 * An id of a shape Beyond Identity never issues names nothing: `not_found`.
 */
export function idSegment(id: string): string {
  if (!ID.test(id)) throw new BiError('not_found', { operation: 'id check', message: 'malformed id' });
  return id;
}

/** True when `id` could be a Beyond Identity id (see `idSegment`). */
export function isWellFormedId(id: string): boolean {
  return ID.test(id);
}

/** Path ids that come from our configuration, not from the caller: a 400 naming them is a misconfiguration. */
const CONFIGURED_IDS = new Set(['tenant_id', 'realm_id']);

/**
 * Runs a call that looks resources up by the ids in its path and sends
 * nothing else a caller chose (GetIdentity, GetCredentialBindingJob,
 * RevokeCredential, `:getInfo`). For such a call a 400 can only be the cloud
 * refusing one of those ids: Beyond Identity, like the local cloud, refuses
 * ids of a shape it never issues, a narrower shape than `idSegment` lets
 * through. Such an id names nothing, so it is `not_found`, as `idSegment`
 * says of the ids it refuses itself; the 400 stays the cause, for the log.
 * A 400 naming the tenant or realm (our configuration) stays `bad_request`,
 * and every other failure (5xx, no answer, a wrong shape) is unchanged.
 */
export async function lookup<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof BiError && error.code === 'bad_request' && !error.upstream.fields?.some((field) => CONFIGURED_IDS.has(field))) {
      throw new BiError('not_found', error.upstream, { cause: error });
    }
    throw error;
  }
}

/**
 * The HTTP layer of the Beyond Identity client: base URL, bearer tokens,
 * timeouts (`AbortSignal.timeout`, 5 s by default), status → `BiError`
 * mapping and response validation. Redirects are never followed: an API that
 * redirects is misconfigured, and following would resend the token elsewhere.
 */
export function createBiHttp(options: BiHttpOptions): BiHttp {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const realmBase = `${options.apiBaseUrl}/v1/tenants/${idSegment(options.tenantId)}/realms/${idSegment(options.realmId)}`;

  async function send<T>(
    operation: string,
    method: string,
    url: string,
    bearer: string,
    schema: ZodType<T>,
    body: unknown,
    allowRetry: () => boolean,
  ): Promise<T | typeof RETRY> {
    let response: Response;
    let json: unknown;
    try {
      response = await doFetch(url, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status === 401 && allowRetry()) {
        await response.body?.cancel();
        return RETRY;
      }
      if (!response.ok) throw await errorFromResponse(operation, response);
      json = await response.json();
    } catch (error) {
      if (error instanceof BiError) throw error;
      if (error instanceof SyntaxError) {
        throw new BiError('cloud_error', { operation, message: 'response is not JSON' }, { cause: error });
      }
      // fetch rejects with a TypeError on network failures and a TimeoutError/AbortError on the timeout.
      throw unreachable(operation, error);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new BiError('cloud_error', { operation, status: response.status, message: 'unexpected response shape' }, { cause: parsed.error });
    }
    return parsed.data;
  }

  return {
    async management<T>(operation: string, method: 'GET' | 'POST', path: string, schema: ZodType<T>, body?: unknown): Promise<T> {
      const url = realmBase + path;
      const first = await options.token.get();
      const result = await send(operation, method, url, first, schema, body, () => options.token.refused(first));
      if (result !== RETRY) return result;
      // Once only: a second 401 is a real refusal (a revoked client, a token without the scope…).
      return (await send(operation, method, url, await options.token.get(), schema, body, () => false)) as T;
    },
    async withBindingToken<T>(operation: string, path: string, bindingToken: string, schema: ZodType<T>): Promise<T> {
      return (await send(operation, 'POST', realmBase + path, bindingToken, schema, undefined, () => false)) as T;
    },
  };
}
