import * as oidc from 'openid-client';
import type { AppConfig, SignInClient } from '../config';

/** The OIDC side of sign-in: the issuer, the redirect URI and the discovered configuration. */
export interface OidcClient {
  /** `{auth_base}/v1/tenants/{t}/realms/{r}/applications/{app}`: Beyond Identity's issuer shape, and the local cloud's. */
  issuer: string;
  /** `${APP_PUBLIC_URL}/auth/callback`: registered at the application, and sent byte for byte to authorize and token. */
  redirectUri: string;
  /**
   * The openid-client configuration from discovery. Discovered on first use
   * and cached; concurrent callers share one request, and a failed discovery
   * is forgotten, so the next sign-in tries again.
   */
  configuration(): Promise<oidc.Configuration>;
}

export interface OidcClientOptions {
  bi: Pick<AppConfig['bi'], 'authBaseUrl' | 'tenantId' | 'realmId' | 'applicationId'>;
  client: SignInClient;
  publicUrl: string;
  /** Seam for tests; the global `fetch` otherwise. */
  fetch?: typeof fetch;
  /** Per request (discovery, token, userinfo); 5 s like the management client. */
  timeoutSeconds?: number;
}

/** Loopback hosts as `URL.hostname` spells them (IPv6 keeps its brackets). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The application's issuer identifier. Ids were checked for shape by the config, so they are safe path segments. */
export function issuerOf(bi: OidcClientOptions['bi']): string {
  return `${bi.authBaseUrl}/v1/tenants/${bi.tenantId}/realms/${bi.realmId}/applications/${bi.applicationId}`;
}

/**
 * Whether openid-client may speak plain http to this issuer. It refuses http
 * by default, rightly: codes, client secrets and tokens would cross the
 * network in clear. The local cloud serves its auth base on
 * `http://localhost:{port}`, which never leaves the machine, so http is
 * allowed there and nowhere else (Beyond Identity itself is https only).
 * The allowance covers the endpoints the loopback issuer's discovery names.
 */
export function allowsHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:' && LOOPBACK_HOSTS.has(issuer.hostname);
}

/** Builds the OIDC client of the sign-in application; nothing is fetched until the first `configuration()`. */
export function createOidcClient(options: OidcClientOptions): OidcClient {
  const issuer = new URL(issuerOf(options.bi));
  const doFetch = options.fetch;
  const { clientId, clientSecret, tokenEndpointAuthMethod } = options.client;
  const auth = tokenEndpointAuthMethod === 'client_secret_post' ? oidc.ClientSecretPost(clientSecret) : oidc.ClientSecretBasic(clientSecret);
  let pending: Promise<oidc.Configuration> | undefined;

  const discover = () =>
    oidc.discovery(issuer, clientId, { client_secret: clientSecret }, auth, {
      timeout: options.timeoutSeconds ?? 5,
      ...(allowsHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
      // The cast: openid-client types a body as `Uint8Array<ArrayBufferLike>`, which TypeScript's
      // BodyInit (ArrayBuffer-backed views only) does not name; fetch takes it all the same.
      ...(doFetch ? { [oidc.customFetch]: (url: string, init: oidc.CustomFetchOptions) => doFetch(url, init as RequestInit) } : {}),
    });

  return {
    issuer: issuer.href,
    redirectUri: `${options.publicUrl}/auth/callback`,
    configuration() {
      pending ??= discover().catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
      return pending;
    },
  };
}
