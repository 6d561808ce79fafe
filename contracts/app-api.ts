import { z } from 'zod';

/**
 * The app backend's JSON API (`/api/*`), shared by the SPA and the backend.
 * Every error is `{ error: { code, message, request_id? } }` with one of
 * `AppErrorCode`; the SPA names each code in its own words.
 */

export const APP_ERROR_CODES = [
  'invalid_request', // a field is missing or malformed (details name it)
  'unauthenticated', // no (valid) session
  'username_taken', // sign-up: the username exists (HTTP 409)
  'not_found', // the thing asked for does not exist (or is not yours)
  'rate_limited', // too many requests; retry later (HTTP 429)
  'cloud_unreachable', // Beyond Identity (or the local cloud) did not answer (HTTP 502)
  'cloud_error', // Beyond Identity answered with an error the app cannot explain (HTTP 502)
  'internal_error', // a bug on our side (HTTP 500); logged with request_id
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export const appErrorBody = z.object({
  error: z.object({
    code: z.enum(APP_ERROR_CODES),
    message: z.string(),
    request_id: z.string().optional(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});
export type AppErrorBody = z.infer<typeof appErrorBody>;

/** `GET /api/config`: what the browser needs to know about the Beyond Identity setup. */
export const appConfigResponse = z.object({
  /** For `Embedded.initialize({allowedDomains})`: bare host names of the BI API and auth hosts. */
  allowed_domains: z.array(z.string()),
  /** Whether `/auth/login` (sign in with a passkey) is available. */
  sign_in: z.boolean(),
  /** The tenant and realm whose passkeys sign in to this app (to pick among a browser's passkeys). */
  tenant_id: z.string(),
  realm_id: z.string(),
});
export type AppConfigResponse = z.infer<typeof appConfigResponse>;

/** The signed-in person. */
export const meResponse = z.object({
  identity_id: z.string(),
  username: z.string(),
  display_name: z.string(),
  email: z.string().optional(),
});
export type MeResponse = z.infer<typeof meResponse>;

/** `POST /api/signup`. */
export const signupRequest = z.object({
  username: z
    .string()
    .trim()
    .min(1, 'Enter a username.')
    .max(64, 'Use at most 64 characters.')
    .regex(/^[^{}[\]<>;:?\\/|*^%$#=~`!\s]+$/, 'Use letters, digits, dots, dashes or underscores.'),
  email: z.string().trim().max(254).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Enter an email address like ann@example.com.'),
  display_name: z
    .string()
    .trim()
    .min(1, 'Enter your name.')
    .max(64, 'Use at most 64 characters.')
    .regex(/^[^{}[\]<>;:?\\/|*^%$#=~`!]*$/, 'Leave out these characters: {}[]<>;:?\\/|*^%$#=~`!'),
});
export type SignupRequest = z.infer<typeof signupRequest>;

/** A RETURN binding link handed to the signed-in person's browser (never put in a URL). */
export const bindingLinkResponse = z.object({
  link: z.string(),
  job_id: z.string(),
  expire_time: z.string(),
});
export type BindingLinkResponse = z.infer<typeof bindingLinkResponse>;

/**
 * `POST /api/signup` answers the new person and their first binding link. It
 * starts no session: the person signs in with the new passkey (the link's
 * `post_binding_redirect_uri` leads to `/auth/login`), the same path as any
 * later sign-in. `binding` is null when the account was created but Beyond
 * Identity could not make the link: the account exists (201), and only an
 * EMAIL link can still reach it.
 */
export const signupResponse = z.object({ me: meResponse, binding: bindingLinkResponse.nullable() });
export type SignupResponse = z.infer<typeof signupResponse>;

/** `POST /api/me/binding-link`: an optional same-origin path to go to after binding. */
export const bindingLinkRequest = z.object({
  post_binding_redirect_path: z
    .string()
    .regex(/^\/(?!\/)[^\s\\]*$/, 'Use a path on this site, like /passkeys.')
    .max(512)
    .optional(),
});
export type BindingLinkRequest = z.infer<typeof bindingLinkRequest>;

/**
 * `POST /api/email-link`: someone on a new device, by username. Only the username: Beyond
 * Identity's ListIdentities supports no other filter ("Currently, the only supported filter is
 * `traits.username eq`"), and the app must work against it unchanged.
 */
export const emailLinkRequest = z.object({
  username: z.string().trim().min(1, 'Enter your username.').max(254),
});
export type EmailLinkRequest = z.infer<typeof emailLinkRequest>;

/** The same answer whether or not an account matched (no account enumeration). */
export const emailLinkResponse = z.object({ message: z.string() });
export type EmailLinkResponse = z.infer<typeof emailLinkResponse>;

/** A cloud credential of the signed-in person. */
export const credentialSummary = z.object({
  id: z.string(),
  state: z.enum(['ACTIVE', 'REVOKED']),
  create_time: z.string(),
  update_time: z.string(),
  jwk_thumbprint: z.string(),
});
export type CredentialSummary = z.infer<typeof credentialSummary>;

export const credentialsResponse = z.object({ credentials: z.array(credentialSummary) });
export type CredentialsResponse = z.infer<typeof credentialsResponse>;

/** The parameters of an EMAIL binding link, as the cloud's redirect puts them on `/bind`. */
export const bindLinkParams = z.object({
  api_base_url: z.string(),
  tenant_id: z.string(),
  realm_id: z.string(),
  identity_id: z.string(),
  job_id: z.string(),
  token: z.string(),
});
export type BindLinkParams = z.infer<typeof bindLinkParams>;

/**
 * `POST /api/binding-link/preview`: whose passkey a link creates and whether
 * it can still be used. Never consumes the link.
 */
export const previewRequest = z.union([
  bindLinkParams,
  // The signed-in person's own RETURN link, by job id (the token stays in the browser's memory).
  z.object({ job_id: z.string(), own: z.literal(true) }),
]);
export type PreviewRequest = z.infer<typeof previewRequest>;

export const LINK_STATES = ['usable', 'expired', 'used', 'revoked', 'invalid'] as const;
export type LinkState = (typeof LINK_STATES)[number];

export const previewResponse = z.object({
  state: z.enum(LINK_STATES),
  /** Present when the link is usable: whose passkey it creates. */
  identity: z.object({ username: z.string(), display_name: z.string() }).optional(),
  realm: z.object({ display_name: z.string() }).optional(),
  expire_time: z.string().optional(),
});
export type PreviewResponse = z.infer<typeof previewResponse>;
