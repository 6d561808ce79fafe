import { z } from 'zod';
import { httpOrigin, httpUrl } from './common';

export type AuthenticationMethod = { type: 'email_one_time_password' | 'software_passkey' | 'webauthn_passkey' };

/** The `embedded` config: the app hosts the SDK at its Invoke URL. */
export interface EmbeddedConfig {
  type: 'embedded';
  invoke_url: string;
  trusted_origins: string[];
  invocation_type: 'automatic' | 'manual';
  authentication_methods?: AuthenticationMethod[];
}

/** The `hosted_web` config: Beyond Identity hosts the authenticator. */
export interface HostedWebConfig {
  type: 'hosted_web';
  trusted_origins: string[];
  authentication_methods: AuthenticationMethod[];
}

export type AuthenticatorConfigBody = EmbeddedConfig | HostedWebConfig;

/** An authenticator config as Beyond Identity returns it. */
export interface AuthenticatorConfig {
  id: string;
  realm_id: string;
  tenant_id: string;
  display_name?: string;
  config: AuthenticatorConfigBody;
}

const authenticationMethods = z.array(
  z.object({ type: z.enum(['email_one_time_password', 'software_passkey', 'webauthn_passkey']) }),
);

export const authenticatorConfigConfig = z.discriminatedUnion(
  'type',
  [
    z.object({
      type: z.literal('embedded'),
      invoke_url: httpUrl,
      trusted_origins: z.array(httpOrigin).max(32),
      invocation_type: z.enum(['automatic', 'manual']).default('automatic'),
      authentication_methods: authenticationMethods.optional(),
    }),
    z.object({
      type: z.literal('hosted_web'),
      trusted_origins: z.array(httpOrigin).max(32),
      authentication_methods: authenticationMethods,
    }),
  ],
  { error: 'type must be "embedded" or "hosted_web"' },
);

const displayName = z.string().min(1).max(64);

export const createAuthenticatorConfigBody = z.object({
  authenticator_config: z.object({
    display_name: displayName.optional(),
    config: authenticatorConfigConfig,
  }),
});

/** A PATCH: a given `config` replaces the old one whole. */
export const updateAuthenticatorConfigBody = z.object({
  authenticator_config: z.object({
    display_name: displayName.optional(),
    config: authenticatorConfigConfig.optional(),
  }),
});

export interface ListAuthenticatorConfigsResponse {
  authenticator_configs: AuthenticatorConfig[];
  total_size: number;
  next_page_token?: string;
}
