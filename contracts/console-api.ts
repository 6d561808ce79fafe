import { z } from 'zod';
import { authenticatorConfigConfig, createAuthenticatorConfigBody, updateAuthenticatorConfigBody } from './bi/authenticator-config';
import { createApplicationBody, updateApplicationBody } from './bi/application';
import { emailAddress, safeName } from './bi/common';
import { themeFields, updateThemeBody } from './bi/theme';

/**
 * The Admin Console's JSON API, served by the local cloud under `/console/api`
 * (the SPA itself is served at `/console`, same origin).
 *
 * Access
 * - `POST /console/api/session` signs in and sets the session cookie (httpOnly,
 *   SameSite=Strict, Path=/console; the SPA never sees it). Every other route
 *   answers 401 `unauthorized` without a valid session.
 * - Every request that is not GET must carry the session's CSRF token (from
 *   `SessionResponse.csrf_token`) in the `X-CSRF-Token` header; missing or
 *   wrong: 403 `csrf`. Signing in is the only exception (there is no session yet).
 * - Request bodies are JSON (`Content-Type: application/json`; else 415).
 *
 * Errors (every non-2xx answer except the SSE stream): `ConsoleErrorBody`,
 * i.e. Beyond Identity's `{code, message, details?}`. A 400 names each bad
 * field in a `FieldViolations` detail (`fieldErrors()` turns it into a map).
 * A 429 carries `Retry-After` (seconds).
 *
 * Realms: data lives under `/console/api/realms/{realm_id}/…`; the console
 * starts in `SessionResponse.default_realm_id`. An unknown realm (or one of
 * another tenant) is 404.
 *
 * Success: 200 with the response schema named per route, or 204 with no body
 * (the DELETE routes). Times are RFC 3339 UTC strings.
 */

export const CONSOLE_API_BASE = '/console/api';
/** The header that carries the CSRF token on every non-GET request. */
export const CSRF_HEADER = 'X-CSRF-Token';

// ---------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------

/**
 * Every console API route: method and path (`:name` marks a path parameter).
 * `consolePath(route, params)` fills the parameters in. The server mounts
 * exactly these, and its tests walk this table.
 */
export const CONSOLE_API_ROUTES = {
  /** Body `SignInRequest` -> `SessionResponse` + cookie. 400, 401 `invalid_credentials`, 429 `too_many_requests`. */
  signIn: { method: 'POST', path: '/console/api/session' },
  /** -> `SessionResponse` (also how the SPA learns whether it is signed in: 401 if not). */
  getSession: { method: 'GET', path: '/console/api/session' },
  /** -> 204; the session is gone server-side and the cookie cleared. */
  signOut: { method: 'DELETE', path: '/console/api/session' },

  /** Query `ListIdentitiesQuery` -> `ListIdentitiesResponse`. */
  listIdentities: { method: 'GET', path: '/console/api/realms/:realm_id/identities' },
  /** Body `CreateIdentityRequest` -> `IdentityDetail`. 409 `conflict` when the username is taken. */
  createIdentity: { method: 'POST', path: '/console/api/realms/:realm_id/identities' },
  /** -> `IdentityDetail`. */
  getIdentity: { method: 'GET', path: '/console/api/realms/:realm_id/identities/:identity_id' },
  /** Body `UpdateIdentityRequest` -> `IdentityDetail` (also suspend/unsuspend via `status`). 409 on a taken username. */
  updateIdentity: { method: 'PATCH', path: '/console/api/realms/:realm_id/identities/:identity_id' },
  /** -> 204. Its credentials and binding jobs go with it. */
  deleteIdentity: { method: 'DELETE', path: '/console/api/realms/:realm_id/identities/:identity_id' },

  /** Query `ListCredentialsQuery` -> `ListCredentialsResponse` (newest first, a page at a time). */
  listCredentials: { method: 'GET', path: '/console/api/realms/:realm_id/identities/:identity_id/credentials' },
  /** Body `{}` -> `CredentialRow` (REVOKED; revoking twice is fine). */
  revokeCredential: {
    method: 'POST',
    path: '/console/api/realms/:realm_id/identities/:identity_id/credentials/:credential_id/revoke',
  },

  /** -> `ListJobsResponse` (newest first, at most 100). */
  listJobs: { method: 'GET', path: '/console/api/realms/:realm_id/identities/:identity_id/jobs' },
  /**
   * "Add a passkey" -> "Proceed & send email". Body `CreateEmailJobRequest` -> `CreateEmailJobResponse`.
   * 422 `unprocessable_entity` when the identity has no email address, or when the application has no
   * embedded authenticator config (see `ConsoleApplication.can_bind`).
   */
  createEmailJob: { method: 'POST', path: '/console/api/realms/:realm_id/identities/:identity_id/jobs' },
  /** -> `JobRow` (for polling). */
  getJob: { method: 'GET', path: '/console/api/realms/:realm_id/identities/:identity_id/jobs/:job_id' },
  /** Server-Sent Events, see `JOB_EVENTS`. */
  jobEvents: { method: 'GET', path: '/console/api/realms/:realm_id/identities/:identity_id/jobs/:job_id/events' },
  /** Body `{}` -> `JobRow` (REVOKED). 409 `conflict` once COMPLETE or EXPIRED. */
  revokeJob: { method: 'POST', path: '/console/api/realms/:realm_id/identities/:identity_id/jobs/:job_id/revoke' },
  /**
   * "Generate curl for link from the API". Query `BindingLinkCurlQuery` -> `BindingLinkCurlResponse`.
   * Same 422s as `createEmailJob` for the application. Creates nothing.
   */
  bindingLinkCurl: { method: 'GET', path: '/console/api/realms/:realm_id/identities/:identity_id/binding-link-curl' },

  /** Body `CreateBatchRequest` -> `BatchResponse`. */
  createBatch: { method: 'POST', path: '/console/api/realms/:realm_id/batch-jobs' },
  /** -> `BatchResponse` (per-identity results, current job states). */
  getBatch: { method: 'GET', path: '/console/api/realms/:realm_id/batch-jobs/:batch_id' },

  /** -> `ListApplicationsResponse`. */
  listApplications: { method: 'GET', path: '/console/api/realms/:realm_id/applications' },
  /** Body `CreateApplicationRequest` -> `Application` (with `protocol_config.client_secret`, shown only here). */
  createApplication: { method: 'POST', path: '/console/api/realms/:realm_id/applications' },
  /** Body `UpdateApplicationRequest` -> `Application`. */
  updateApplication: { method: 'PATCH', path: '/console/api/realms/:realm_id/applications/:application_id' },
  /** -> `ListAuthenticatorConfigsResponse`. */
  listAuthenticatorConfigs: { method: 'GET', path: '/console/api/realms/:realm_id/authenticator-configs' },
  /** Body `CreateAuthenticatorConfigRequest` -> `AuthenticatorConfig`. */
  createAuthenticatorConfig: { method: 'POST', path: '/console/api/realms/:realm_id/authenticator-configs' },
  /** Body `UpdateAuthenticatorConfigRequest` (a given `config` replaces the old one whole) -> `AuthenticatorConfig`. */
  updateAuthenticatorConfig: {
    method: 'PATCH',
    path: '/console/api/realms/:realm_id/authenticator-configs/:authenticator_config_id',
  },

  /** Query `ListTokensQuery` -> `ListTokensResponse` (the realm's Management API application's live tokens). */
  listTokens: { method: 'GET', path: '/console/api/realms/:realm_id/tokens' },
  /** Body `CreateTokenRequest` -> `CreateTokenResponse` (the token itself, shown only here). */
  createToken: { method: 'POST', path: '/console/api/realms/:realm_id/tokens' },
  /** -> 204. The token stops working at once. */
  revokeToken: { method: 'DELETE', path: '/console/api/realms/:realm_id/tokens/:token_id' },

  /** -> `Theme` (the realm's active theme). */
  getTheme: { method: 'GET', path: '/console/api/realms/:realm_id/theme' },
  /** Body `UpdateThemeRequest` -> `Theme`. */
  updateTheme: { method: 'PATCH', path: '/console/api/realms/:realm_id/theme' },
  /**
   * Query `EmailPreviewQuery` (unsaved edits to preview; omitted fields use the saved theme)
   * -> `EmailPreviewResponse`. The link in it is a placeholder, never a real binding link.
   */
  emailPreview: { method: 'GET', path: '/console/api/realms/:realm_id/theme/email-preview' },
  /**
   * The same preview as an HTML document (`text/html`), for `<iframe sandbox src=…>`: it has its own
   * CSP that allows the email's inline styles and remote logo, which the console page's CSP (and so an
   * `srcdoc` iframe) does not. Same query as `emailPreview`.
   */
  emailPreviewHtml: { method: 'GET', path: '/console/api/realms/:realm_id/theme/email-preview.html' },

  /** Query `ActivityQuery` -> `ActivityResponse` (newest first). */
  listActivity: { method: 'GET', path: '/console/api/realms/:realm_id/activity' },
} as const satisfies Record<string, { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string }>;

export type ConsoleRouteName = keyof typeof CONSOLE_API_ROUTES;

/** The parameter names of a route path, e.g. `'realm_id' | 'identity_id'`. */
type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

export type ConsoleRouteParams<R extends ConsoleRouteName> = Record<PathParams<(typeof CONSOLE_API_ROUTES)[R]['path']>, string>;

/**
 * The URL path of a console route, e.g.
 * `consolePath('getIdentity', { realm_id, identity_id })`. Parameters are URL-encoded;
 * `query` entries that are undefined or '' are left out.
 */
export function consolePath<R extends ConsoleRouteName>(
  route: R,
  ...[params, query]: PathParams<(typeof CONSOLE_API_ROUTES)[R]['path']> extends never
    ? [params?: Record<string, never>, query?: Record<string, string | number | undefined>]
    : [params: ConsoleRouteParams<R>, query?: Record<string, string | number | undefined>]
): string {
  const values = (params ?? {}) as Record<string, string>;
  const path = CONSOLE_API_ROUTES[route].path.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

export const CONSOLE_ERROR_CODES = [
  'bad_request', // 400: a field is missing or malformed (FieldViolations name each)
  'unauthorized', // 401: no valid session (sign in again)
  'invalid_credentials', // 401 from signIn: "invalid username or password" (never says which)
  'csrf', // 403: X-CSRF-Token missing or wrong (reload the session)
  'forbidden', // 403
  'not_found', // 404 (a ResourceInfo detail names what)
  'method_not_allowed', // 405
  'conflict', // 409: e.g. username taken, job already complete
  'gone', // 410
  'payload_too_large', // 413
  'unsupported_media_type', // 415: send JSON
  'unprocessable_entity', // 422: e.g. the identity has no email address
  'too_many_requests', // 429: see Retry-After
  'internal_server_error', // 500 (details are in the server log under request_id)
  'service_unavailable', // 503
] as const;

export type ConsoleErrorCode = (typeof CONSOLE_ERROR_CODES)[number];

export const fieldViolationsDetail = z.object({
  type: z.literal('FieldViolations'),
  field_violations: z.array(z.object({ field: z.string(), description: z.string() })),
});

export const resourceInfoDetail = z.object({
  type: z.literal('ResourceInfo'),
  resource_type: z.string(),
  id: z.string(),
  description: z.string(),
});

export const consoleErrorBody = z.object({
  code: z.enum(CONSOLE_ERROR_CODES),
  message: z.string(),
  details: z
    .array(z.union([fieldViolationsDetail, resourceInfoDetail, z.object({ type: z.string() }).loose()]))
    .optional(),
  /** On 500s: the id under which the server logged the failure. */
  request_id: z.string().optional(),
});
export type ConsoleErrorBody = z.infer<typeof consoleErrorBody>;

/** `{field: description}` from a 400's FieldViolations (empty for other errors). */
export function fieldErrors(body: ConsoleErrorBody): Record<string, string> {
  const out: Record<string, string> = {};
  for (const detail of body.details ?? []) {
    if (detail.type !== 'FieldViolations') continue;
    for (const violation of (detail as z.infer<typeof fieldViolationsDetail>).field_violations) {
      out[violation.field] ??= violation.description;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

const id = z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hexadecimal characters');
const time = z.string();

/** Paging: pass `next_page_token` back as `page_token` (with the same `q`) for the next page. */
const pageQuery = {
  page_size: z.coerce.number().int().min(1).max(100).optional(),
  page_token: z.string().optional(),
};

// ---------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------

export const signInRequest = z.object({
  username: z.string().trim().min(1, 'Enter the username.').max(64),
  password: z.string().min(1, 'Enter the password.').max(1024),
});
export type SignInRequest = z.infer<typeof signInRequest>;

export const sessionResponse = z.object({
  admin: z.object({
    id: z.string(),
    username: z.string(),
    /** This sign-in's time. */
    last_sign_in_time: time.nullable(),
  }),
  /** Send it as `X-CSRF-Token` on every non-GET request of this session. */
  csrf_token: z.string(),
  /** The session ends at the latest here (it also ends after 2 hours without a request). */
  expire_time: time,
  tenant: z.object({ id: z.string(), display_name: z.string() }),
  realms: z.array(z.object({ id: z.string(), display_name: z.string() })),
  /** The realm the console opens (the development tenant's realm). */
  default_realm_id: z.string(),
  /** Where the Management API and the token endpoint are (for curl lines and display). */
  cloud: z.object({ api_base_url: z.string(), auth_base_url: z.string() }),
  /** The built-in SMTP capture's inbox (when SMTP_URL is unset); null when mail goes to a real server. */
  inbox: z.object({ url: z.string() }).nullable(),
});
export type SessionResponse = z.infer<typeof sessionResponse>;

// ---------------------------------------------------------------------------
// Identities
// ---------------------------------------------------------------------------

const identityStatus = z.enum(['active', 'suspended']);
const enrollmentStatus = z.enum(['ENROLLED', 'PENDING', 'INVITE_FAILED', 'UNENROLLED']);

export const listIdentitiesQuery = z.object({
  /**
   * Case-insensitive substring of username, display name or email address. No control
   * characters: none can be in what is searched, and a NUL would cut the search's FTS5 phrase.
   */
  q: z
    .string()
    .trim()
    .max(64)
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
    .optional(),
  ...pageQuery,
});
export type ListIdentitiesQuery = z.infer<typeof listIdentitiesQuery>;

export const identityRow = z.object({
  id: z.string(),
  username: z.string(),
  display_name: z.string(),
  email: z.string().nullable(),
  status: identityStatus,
  enrollment_status: enrollmentStatus,
  /** Has at least one ACTIVE credential. */
  passkey_bound: z.boolean(),
  create_time: time,
  update_time: time,
});
export type IdentityRow = z.infer<typeof identityRow>;

export const listIdentitiesResponse = z.object({
  identities: z.array(identityRow),
  total_size: z.number().int(),
  next_page_token: z.string().optional(),
});
export type ListIdentitiesResponse = z.infer<typeof listIdentitiesResponse>;

export const identityDetail = identityRow.extend({
  /** Every trait (`type`, `username`, `primary_email_address`, …). */
  traits: z.record(z.string(), z.string()),
});
export type IdentityDetail = z.infer<typeof identityDetail>;

export const createIdentityRequest = z.object({
  username: safeName,
  display_name: safeName,
  email: emailAddress.optional(),
  status: identityStatus.optional(),
});
export type CreateIdentityRequest = z.infer<typeof createIdentityRequest>;

/** A PATCH: only the given fields change; `email: null` removes the address. */
export const updateIdentityRequest = z.object({
  username: safeName.optional(),
  display_name: safeName.optional(),
  email: emailAddress.nullable().optional(),
  status: identityStatus.optional(),
});
export type UpdateIdentityRequest = z.infer<typeof updateIdentityRequest>;

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

export const credentialRow = z.object({
  id: z.string(),
  state: z.enum(['ACTIVE', 'REVOKED']),
  csr_type: z.string(),
  /** RFC 7638 thumbprint of the passkey's public key. */
  jwk_thumbprint: z.string(),
  create_time: time,
  update_time: time,
});
export type CredentialRow = z.infer<typeof credentialRow>;

/**
 * Newest first: the credentials an admin comes to see or revoke are the recent ones, and an
 * identity can pile up hundreds of revoked ones. Pass `next_page_token` back as `page_token` for
 * the next (older) page.
 */
export const listCredentialsQuery = z.object(pageQuery);
export type ListCredentialsQuery = z.infer<typeof listCredentialsQuery>;

export const listCredentialsResponse = z.object({
  /** Newest first. */
  credentials: z.array(credentialRow),
  /** All of the identity's credentials, on every page. */
  total_size: z.number().int(),
  /** Absent on the last (oldest) page. */
  next_page_token: z.string().optional(),
});
export type ListCredentialsResponse = z.infer<typeof listCredentialsResponse>;

// ---------------------------------------------------------------------------
// Binding jobs
// ---------------------------------------------------------------------------

export const BINDING_JOB_STATES = [
  'LINK_SENT', 'LINK_OPENED', 'REQUEST_DELIVERED', 'COMPLETE', 'EXPIRED', 'FAILED_TO_SEND', 'REVOKED',
] as const;
/** States a job never leaves: the SSE stream ends on them, polling can stop. */
export const TERMINAL_JOB_STATES = ['COMPLETE', 'EXPIRED', 'FAILED_TO_SEND', 'REVOKED'] as const;

export const jobRow = z.object({
  id: z.string(),
  identity_id: z.string(),
  delivery_method: z.enum(['RETURN', 'EMAIL']),
  state: z.enum(BINDING_JOB_STATES),
  /** Why it is in its state, e.g. `email could not be sent: …` for FAILED_TO_SEND, `revoked by admin:…`. */
  state_reason: z.string().nullable(),
  /** `state` is one of TERMINAL_JOB_STATES. */
  terminal: z.boolean(),
  authenticator_config_id: z.string(),
  /** The application that uses that authenticator config, if any. */
  application_id: z.string().nullable(),
  batch_id: z.string().nullable(),
  /** The credential the job created (COMPLETE). */
  credential_id: z.string().nullable(),
  post_binding_redirect_uri: z.string().nullable(),
  create_time: time,
  update_time: time,
  expire_time: time,
  /** EMAIL jobs: the message's delivery (the outbox); null for RETURN. */
  email: z
    .object({
      recipient: z.string(),
      state: z.enum(['queued', 'sent', 'failed', 'cancelled']),
      attempts: z.number().int(),
      /** The last SMTP error (kept after the final failure). */
      last_error: z.string().nullable(),
      sent_time: time.nullable(),
    })
    .nullable(),
});
export type JobRow = z.infer<typeof jobRow>;

export const listJobsResponse = z.object({ jobs: z.array(jobRow) });
export type ListJobsResponse = z.infer<typeof listJobsResponse>;

export const createEmailJobRequest = z.object({
  /** An application of the realm; its (embedded) authenticator config is the job's. */
  application_id: id,
});
export type CreateEmailJobRequest = z.infer<typeof createEmailJobRequest>;

export const createEmailJobResponse = z.object({ job: jobRow });
export type CreateEmailJobResponse = z.infer<typeof createEmailJobResponse>;

/**
 * `jobEvents` is a `text/event-stream` (use `new EventSource(url)`; the cookie goes along):
 * - `event: job`, `data: JobRow` — at once, then whenever the job changes (state, reason, email delivery);
 * - `event: end`, `data: JobStreamEnd` — the last event before the server closes the stream.
 * Call `EventSource.close()` on `end`, or the browser reconnects (which is fine after a `timeout`:
 * a new stream starts with the current state). An unknown job answers 404 JSON instead of a stream.
 */
export const JOB_EVENTS = { job: 'job', end: 'end' } as const;

export const jobStreamEnd = z.object({
  /**
   * `terminal`: the job reached a terminal state; `timeout`: the stream's time is up (reconnect to go on);
   * `gone`: the job (or its identity) was deleted; `signed_out`: the session ended (sign in again).
   */
  reason: z.enum(['terminal', 'timeout', 'gone', 'signed_out']),
});
export type JobStreamEnd = z.infer<typeof jobStreamEnd>;

export const bindingLinkCurlQuery = z.object({ application_id: id });
export type BindingLinkCurlQuery = z.infer<typeof bindingLinkCurlQuery>;

/**
 * The exact Management API call that creates a RETURN job (and so answers a binding link), with the
 * real api_base_url and ids and `$API_TOKEN` where the bearer token goes. No secret is ever in it.
 */
export const bindingLinkCurlResponse = z.object({
  /** The CreateCredentialBindingJob call, multi-line shell. */
  curl: z.string(),
  /** How to get an `$API_TOKEN` (client credentials of the Management API application: `$CLIENT_ID`, `$CLIENT_SECRET`). */
  token_curl: z.string(),
  method: z.literal('POST'),
  url: z.string(),
  body: z.object({ job: z.object({ delivery_method: z.literal('RETURN'), authenticator_config_id: z.string() }) }),
  /** The placeholders used in `curl` and `token_curl`. */
  placeholders: z.array(z.string()),
});
export type BindingLinkCurlResponse = z.infer<typeof bindingLinkCurlResponse>;

// ---------------------------------------------------------------------------
// Batch
// ---------------------------------------------------------------------------

export const createBatchRequest = z.object({
  /** Duplicates are ignored. */
  identity_ids: z.array(id).min(1, 'Select at least one identity.').max(1000, 'Select at most 1000 identities.'),
  application_id: id,
});
export type CreateBatchRequest = z.infer<typeof createBatchRequest>;

export const batchResult = z.object({
  identity_id: z.string(),
  /** Null when the identity no longer exists (or never did). */
  username: z.string().nullable(),
  /** The identity's EMAIL job, when one was created. */
  job: jobRow.nullable(),
  /** Why no job was created for it (unknown identity, no email address). */
  error: z.string().nullable(),
});
export type BatchResult = z.infer<typeof batchResult>;

export const batchResponse = z.object({
  batch: z.object({
    id: z.string(),
    state: z.enum(['RUNNING', 'FAILED', 'PARTIAL_SUCCESS', 'SUCCESS']),
    authenticator_config_id: z.string(),
    create_time: time,
    update_time: time,
  }),
  /** One per requested identity, in request order. */
  results: z.array(batchResult),
  /** Over the created jobs: COMPLETE; FAILED_TO_SEND, REVOKED or EXPIRED; still pending. */
  counts: z.object({ total: z.number().int(), success: z.number().int(), failure: z.number().int(), pending: z.number().int() }),
});
export type BatchResponse = z.infer<typeof batchResponse>;

// ---------------------------------------------------------------------------
// Applications and authenticator configs (Beyond Identity's own shapes)
// ---------------------------------------------------------------------------

const authenticationMethodResponse = z.object({ type: z.string() });

export const authenticatorConfigResponse = z.object({
  id: z.string(),
  realm_id: z.string(),
  tenant_id: z.string(),
  display_name: z.string().optional(),
  config: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('embedded'),
      invoke_url: z.string(),
      trusted_origins: z.array(z.string()),
      invocation_type: z.enum(['automatic', 'manual']),
      authentication_methods: z.array(authenticationMethodResponse).optional(),
    }),
    z.object({
      type: z.literal('hosted_web'),
      trusted_origins: z.array(z.string()),
      authentication_methods: z.array(authenticationMethodResponse),
    }),
  ]),
});
export type AuthenticatorConfigResponse = z.infer<typeof authenticatorConfigResponse>;

export const applicationResponse = z.object({
  id: z.string(),
  realm_id: z.string(),
  tenant_id: z.string(),
  resource_server_id: z.string().optional(),
  authenticator_config_id: z.string().optional(),
  display_name: z.string().optional(),
  is_managed: z.boolean(),
  protocol_config: z
    .object({
      type: z.enum(['oauth2', 'oidc']),
      allowed_scopes: z.array(z.string()).optional(),
      client_id: z.string().optional(),
      /**
       * Only in the answer that issues it: `createApplication` of a confidential client, or an update
       * that makes a client confidential or finds a confidential one without a secret (older clouds left some).
       */
      client_secret: z.string().optional(),
      confidentiality: z.enum(['confidential', 'public']).optional(),
      token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'none']).optional(),
      grant_type: z.array(z.enum(['authorization_code', 'client_credentials'])).optional(),
      redirect_uris: z.array(z.string()).optional(),
      token_configuration: z
        .object({
          expires_after: z.number(),
          token_signing_algorithm: z.literal('RS256').optional(),
          subject_field: z.enum(['id', 'email', 'username']).optional(),
        })
        .optional(),
      pkce: z.enum(['disabled', 'plain', 's256']).optional(),
      token_format: z.enum(['self_contained', 'referential']).optional(),
    })
    .optional(),
});
export type ApplicationResponse = z.infer<typeof applicationResponse>;

export const consoleApplication = z.object({
  application: applicationResponse,
  /** Its authenticator config, when it has one. */
  authenticator_config: authenticatorConfigResponse.nullable(),
  /** "Add a passkey" may use it: it has an `embedded` authenticator config (Invoke URL). */
  can_bind: z.boolean(),
});
export type ConsoleApplication = z.infer<typeof consoleApplication>;

export const listApplicationsResponse = z.object({ applications: z.array(consoleApplication) });
export type ListApplicationsResponse = z.infer<typeof listApplicationsResponse>;

/** Beyond Identity's CreateApplication body: `{application: {display_name, authenticator_config_id?, protocol_config}}`. */
export const createApplicationRequest = createApplicationBody;
export type CreateApplicationRequest = z.input<typeof createApplicationRequest>;
/** Beyond Identity's UpdateApplication body (PATCH; `protocol_config` is merged key by key). */
export const updateApplicationRequest = updateApplicationBody;
export type UpdateApplicationRequest = z.input<typeof updateApplicationRequest>;

export const listAuthenticatorConfigsResponse = z.object({ authenticator_configs: z.array(authenticatorConfigResponse) });
export type ListAuthenticatorConfigsResponse = z.infer<typeof listAuthenticatorConfigsResponse>;

/** Beyond Identity's CreateAuthenticatorConfig body: `{authenticator_config: {display_name?, config}}`. */
export const createAuthenticatorConfigRequest = createAuthenticatorConfigBody;
export type CreateAuthenticatorConfigRequest = z.input<typeof createAuthenticatorConfigRequest>;
/** Beyond Identity's UpdateAuthenticatorConfig body (a given `config` replaces the old one whole). */
export const updateAuthenticatorConfigRequest = updateAuthenticatorConfigBody;
export type UpdateAuthenticatorConfigRequest = z.input<typeof updateAuthenticatorConfigRequest>;
/** The `config` part alone, for forms (embedded: invoke_url, trusted_origins, invocation_type, authentication_methods). */
export const authenticatorConfigInput = authenticatorConfigConfig;

// ---------------------------------------------------------------------------
// API tokens (of the realm's Management API application)
// ---------------------------------------------------------------------------

export const listTokensQuery = z.object(pageQuery);
export type ListTokensQuery = z.infer<typeof listTokensQuery>;

export const tokenRow = z.object({
  id: z.string(),
  display_name: z.string().nullable(),
  scopes: z.array(z.string()),
  /** The token's last 8 characters, to tell tokens apart. */
  token_suffix: z.string(),
  issue_time: time,
  expire_time: time,
});
export type TokenRow = z.infer<typeof tokenRow>;

export const listTokensResponse = z.object({
  /** The Management API application the tokens belong to. */
  application_id: z.string(),
  /** The scopes a new token may have (the application's `allowed_scopes`). */
  allowed_scopes: z.array(z.string()),
  /** The longest lifetime a new token may have, in seconds. */
  max_lifetime_seconds: z.number().int(),
  /** Unexpired, unrevoked tokens, oldest first. */
  tokens: z.array(tokenRow),
  total_size: z.number().int(),
  next_page_token: z.string().optional(),
});
export type ListTokensResponse = z.infer<typeof listTokensResponse>;

export const createTokenRequest = z.object({
  display_name: z.string().trim().min(1).max(64).optional(),
  /** A subset of `ListTokensResponse.allowed_scopes`; duplicates are ignored. */
  scopes: z.array(z.string().min(1).max(128)).min(1, 'Choose at least one scope.').max(200),
  /** Defaults to, and may not exceed, `max_lifetime_seconds`. */
  lifetime_seconds: z.number().int().min(60).optional(),
});
export type CreateTokenRequest = z.infer<typeof createTokenRequest>;

export const createTokenResponse = z.object({
  token: tokenRow,
  /** The bearer token. Shown only in this answer: the cloud keeps a hash. */
  access_token: z.string(),
});
export type CreateTokenResponse = z.infer<typeof createTokenResponse>;

// ---------------------------------------------------------------------------
// Theme
// ---------------------------------------------------------------------------

export const themeResponse = z.object({
  /** Absent while the realm uses the default theme (the first update creates it). */
  id: z.string().optional(),
  tenant_id: z.string(),
  realm_id: z.string(),
  create_time: time.optional(),
  update_time: time.optional(),
  email_realm_name: z.string(),
  logo_url_light: z.string(),
  logo_url_dark: z.string(),
  support_url: z.string(),
  button_color: z.string(),
  button_text_color: z.string(),
  /** `{realm}` becomes `email_realm_name`; absent: Bindery's default subject. */
  email_subject: z.string().optional(),
});
export type ThemeResponse = z.infer<typeof themeResponse>;

/** Beyond Identity's UpdateTheme body: `{theme: {logo_url_light?, logo_url_dark?, support_url?, email_subject?, …}}`. */
export const updateThemeRequest = updateThemeBody;
export type UpdateThemeRequest = z.input<typeof updateThemeRequest>;

/** Theme fields to preview before saving (as query parameters); each is validated like UpdateTheme's. */
export const emailPreviewQuery = themeFields;
export type EmailPreviewQuery = z.infer<typeof emailPreviewQuery>;

export const emailPreviewResponse = z.object({
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  /** The placeholder that stands where the binding link goes (not a usable link). */
  link: z.string(),
});
export type EmailPreviewResponse = z.infer<typeof emailPreviewResponse>;

// ---------------------------------------------------------------------------
// Activity (the audit log)
// ---------------------------------------------------------------------------

export const activityQuery = z.object({
  identity_id: id.optional(),
  page_size: z.coerce.number().int().min(1).max(200).optional(),
  /** Pass `next_before` back for the next (older) page. */
  before: z.coerce.number().int().min(1).optional(),
});
export type ActivityQuery = z.infer<typeof activityQuery>;

export const auditEvent = z.object({
  seq: z.number().int(),
  create_time: time,
  /** `admin:{username}` (console), `token:{id}` (Management API), `application:{id}`, `mail`, `system:seed`, `anonymous`, … */
  actor: z.string(),
  /** `{resource}.{verb}`, e.g. `identity.create`, `credential_binding_job.create`, `console.sign_in_failed`. */
  action: z.string(),
  resource_type: z.string(),
  resource_id: z.string(),
  identity_id: z.string().nullable(),
  realm_id: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEventRow = z.infer<typeof auditEvent>;

export const activityResponse = z.object({
  events: z.array(auditEvent),
  /** Null on the last page. */
  next_before: z.number().int().nullable(),
});
export type ActivityResponse = z.infer<typeof activityResponse>;
