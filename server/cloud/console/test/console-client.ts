import { CSRF_HEADER, sessionResponse, type SessionResponse } from '../../../../contracts/console-api';
import type { CloudConfig } from '../../deps';
import type { ConsoleOptions } from '../mount';
import type { ScryptCost } from '../password';
import { createAdmin } from '../seed-admin';
import { SESSION_COOKIE } from '../session';
import { createTestCloud, type TestCloud } from '../../test/harness';

/**
 * A cheap scrypt cost for admins made by tests that are not about hashing:
 * each stored hash carries its own cost, so sign-in verifies it as stored.
 * (The seeded admin and the hash-format test use the real cost.)
 */
export const TEST_SCRYPT_COST: ScryptCost = { ln: 10, r: 8, p: 1 };
export const ADMIN = { username: 'root', password: 'correct horse battery staple' };

/**
 * Tests read loosely typed JSON bodies (as the harness's do); the contract's
 * schemas type them where a test cares. The lint rule is relaxed for
 * `server/*\/test/**`, which this folder's depth does not match.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface ConsoleResponse<T = Json> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface ConsoleRequestOptions {
  body?: unknown;
  rawBody?: string;
  /** The session cookie to send: the client's by default, `null` for none. */
  cookie?: string | null;
  /** The CSRF token to send on non-GET requests: the session's by default, `null` for none. */
  csrf?: string | null;
  headers?: Record<string, string>;
}

/** A browser's view of the console: the session cookie (httpOnly) and the CSRF token from the session. */
export class ConsoleClient {
  cookie: string | undefined;
  session: SessionResponse | undefined;

  constructor(readonly t: TestCloud) {}

  get realm(): string {
    return this.t.tenant.realm_id;
  }

  /** `/console/api/realms/{dev realm}` + `path`. */
  realmPath(path = ''): string {
    return `/console/api/realms/${this.realm}${path}`;
  }

  async request<T = Json>(method: string, path: string, options: ConsoleRequestOptions = {}): Promise<ConsoleResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const cookie = options.cookie === undefined ? this.cookie : options.cookie;
    if (cookie) headers.cookie = `${SESSION_COOKIE}=${cookie}`;
    const csrf = options.csrf === undefined ? this.session?.csrf_token : options.csrf;
    if (method !== 'GET' && csrf) headers[CSRF_HEADER] = csrf;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await this.t.cloud.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json') && text !== '' ? JSON.parse(text) : undefined;
    return { status: response.status, body: json as T, text, headers: response.headers };
  }

  get = <T = Json>(path: string, options?: ConsoleRequestOptions) => this.request<T>('GET', path, options);
  post = <T = Json>(path: string, body?: unknown, options?: ConsoleRequestOptions) => this.request<T>('POST', path, { ...options, body });
  patch = <T = Json>(path: string, body?: unknown, options?: ConsoleRequestOptions) => this.request<T>('PATCH', path, { ...options, body });
  del = <T = Json>(path: string, options?: ConsoleRequestOptions) => this.request<T>('DELETE', path, options);

  /** Signs in; on success keeps the cookie and the session (validated against the contract). */
  async signIn(username = ADMIN.username, password = ADMIN.password): Promise<ConsoleResponse> {
    const response = await this.post('/console/api/session', { username, password }, { cookie: null, csrf: null });
    if (response.status === 200) {
      this.cookie = sessionCookie(response.headers);
      this.session = sessionResponse.parse(response.body);
    }
    return response;
  }
}

/** The session id from a response's Set-Cookie, or undefined. */
export function sessionCookie(headers: Headers): string | undefined {
  const line = headers.getSetCookie().find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
  return line?.slice(SESSION_COOKIE.length + 1).split(';')[0] || undefined;
}

/** A fresh test cloud with an admin (`ADMIN`, cheap hash) in the dev tenant, and a client for it. */
export function createConsoleTest(options: ConsoleOptions = {}, config: Partial<CloudConfig> = {}) {
  const t = createTestCloud({ config, console: { distDir: '/nonexistent-dist', ...options } });
  const admin = createAdmin(
    t.cloud.deps,
    { tenantId: t.tenant.tenant_id, username: ADMIN.username, password: ADMIN.password, actor: 'test', cost: TEST_SCRYPT_COST },
    new Date(),
  );
  return { t, admin, client: new ConsoleClient(t) };
}

/** Signed in already. */
export async function signedInConsole(options: ConsoleOptions = {}) {
  const test = createConsoleTest(options);
  const response = await test.client.signIn();
  if (response.status !== 200) throw new Error(`sign-in answered ${response.status}: ${response.text}`);
  return test;
}
