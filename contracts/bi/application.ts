import { z } from 'zod';
import { httpUrl } from './common';

export interface TokenConfiguration {
  expires_after: number;
  token_signing_algorithm?: 'RS256';
  subject_field?: 'id' | 'email' | 'username';
}

/** `protocol_config` of an oauth2 or oidc application. */
export interface ProtocolConfig {
  type: 'oauth2' | 'oidc';
  allowed_scopes?: string[];
  client_id?: string;
  /**
   * Only in the response that creates a confidential application, or the
   * UpdateApplication response that turns a public one confidential: the
   * cloud keeps a hash.
   */
  client_secret?: string;
  confidentiality?: 'confidential' | 'public';
  /**
   * Deprecated in the spec (TokenEndpointAuthMethod): ignored in requests, and
   * in responses always `client_secret_basic` (confidential) or `none` (public).
   */
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'none';
  grant_type?: ('authorization_code' | 'client_credentials')[];
  redirect_uris?: string[];
  token_configuration?: TokenConfiguration;
  /** PkceConfig: `disabled` when left blank; public applications must enable it. */
  pkce?: 'disabled' | 'plain' | 's256';
  token_format?: 'self_contained' | 'referential';
}

/** An application as Beyond Identity returns it. */
export interface Application {
  id: string;
  realm_id: string;
  tenant_id: string;
  resource_server_id?: string;
  authenticator_config_id?: string;
  display_name?: string;
  is_managed: boolean;
  protocol_config?: ProtocolConfig;
}

export const protocolConfig = z.object({
  type: z.enum(['oauth2', 'oidc']),
  allowed_scopes: z.array(z.string().min(1).max(128).regex(/^\S+$/, 'must not contain spaces')).max(200).optional(),
  confidentiality: z.enum(['confidential', 'public']).optional(),
  // Spec, TokenEndpointAuthMethod: "The API will ignore the value of this field
  // in requests." Any value (even one outside the enum) is accepted and then
  // dropped; the cloud derives it from `confidentiality`.
  token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'none']).optional().catch(undefined),
  grant_type: z.array(z.enum(['authorization_code', 'client_credentials'])).optional(),
  redirect_uris: z.array(httpUrl).max(32).optional(),
  token_configuration: z
    .object({
      expires_after: z.number().int().min(0).max(2 ** 32 - 1),
      token_signing_algorithm: z.literal('RS256').optional(),
      subject_field: z.enum(['id', 'email', 'username']).optional(),
    })
    .optional(),
  pkce: z.enum(['disabled', 'plain', 's256']).optional(),
  token_format: z.enum(['self_contained', 'referential']).optional(),
});

const id = z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hexadecimal characters');

/**
 * The body rules that span fields (`allowed_scopes` needs a
 * `resource_server_id`; a public client needs PKCE) are checked by the
 * handlers on the application as it would be stored, so that a PATCH is
 * judged on its merged result: see `server/cloud/applications/protocol-rules.ts`.
 */
export const createApplicationBody = z.object({
  application: z.object({
    display_name: z.string().min(1).max(64),
    resource_server_id: z.string().max(64).optional(),
    authenticator_config_id: id.optional(),
    protocol_config: protocolConfig,
  }),
});

/** A PATCH: given fields replace the old ones; `protocol_config` is merged key by key. */
export const updateApplicationBody = z.object({
  application: z.object({
    display_name: z.string().min(1).max(64).optional(),
    resource_server_id: z.string().max(64).optional(),
    authenticator_config_id: id.optional(),
    protocol_config: protocolConfig.partial().optional(),
  }),
});

export interface ListApplicationsResponse {
  applications: Application[];
  total_size: number;
  next_page_token?: string;
}
