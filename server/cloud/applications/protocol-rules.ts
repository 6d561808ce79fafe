import type { Application, ProtocolConfig } from '../../../contracts/bi/application';
import { ApiError, invalidParameters, type FieldViolation } from '../../lib/api-error';

const PROTOCOL = 'application.protocol_config';

/**
 * Scopes an `oidc` application may list without a resource server. Spec,
 * allowed_scopes (OIDC): "OIDC requests may accept OpenID Connect standard
 * scopes as well as resource server scopes, but the OpenID Connect scopes
 * should not be defined on the application itself. Currently, the only
 * OpenID Connect supported scope is `openid`." A "should not", and `openid`
 * grants no access to any API (the token endpoint grants nothing to an
 * application without a resource server, see `grantableScopes`), so it is
 * tolerated: existing OIDC clients, the seeded app among them, list it.
 */
const OIDC_STANDARD_SCOPES: ReadonlySet<string> = new Set(['openid']);

/**
 * Spec, TokenEndpointAuthMethod: "In responses, confidential applications will
 * always have `client_secret_basic` and public applications will always have
 * `none`." Confidentiality has no default in the spec; ours is `confidential`.
 */
export function authMethodFor(confidentiality: ProtocolConfig['confidentiality']): 'client_secret_basic' | 'none' {
  return confidentiality === 'public' ? 'none' : 'client_secret_basic';
}

/**
 * Throws a 400 naming each field when an application, as it would be stored
 * (the whole body on create, the merged result on update), breaks a rule the
 * spec states across fields:
 * - allowed_scopes: "If this application does not reference a resource
 *   server, then this application can only be used for authentication and
 *   thereby `scopes` must necessarily be empty."
 * - PkceConfig: `disabled` "is the default state if the `pkce` field is left
 *   blank. Please note that public OIDC and OAuth2 configured applications
 *   MUST enable PKCE support."
 */
export function assertProtocolRules(app: Pick<Application, 'resource_server_id' | 'protocol_config'>): void {
  const protocol = app.protocol_config;
  if (!protocol) return;
  const violations: FieldViolation[] = [];
  if (!app.resource_server_id) {
    const tolerated = protocol.type === 'oidc' ? OIDC_STANDARD_SCOPES : new Set<string>();
    const refused = (protocol.allowed_scopes ?? []).filter((scope) => !tolerated.has(scope));
    if (refused.length > 0) {
      violations.push({
        field: `${PROTOCOL}.allowed_scopes`,
        description: `must be empty when the application references no resource_server_id (got ${refused.join(' ')})`,
      });
    }
  }
  if (protocol.confidentiality === 'public' && (protocol.pkce ?? 'disabled') === 'disabled') {
    violations.push({ field: `${PROTOCOL}.pkce`, description: 'public applications must enable PKCE (plain or s256)' });
  }
  if (violations.length > 0) throw invalidParameters(violations);
}

/**
 * The scopes the token endpoint may put in a Management API token for this
 * application: none at all without a resource server (the spec's
 * allowed_scopes rule above), whatever `allowed_scopes` holds. Checked again
 * at issuance because rows written before the rule was enforced may break it.
 */
export function grantableScopes(app: Pick<Application, 'resource_server_id' | 'protocol_config'>): readonly string[] {
  return app.resource_server_id ? (app.protocol_config?.allowed_scopes ?? []) : [];
}

/**
 * A caller hands an application only scopes it holds itself. The application's
 * secret mints tokens with every scope it may be granted, so a token holding
 * only `applications:create` (or `applications:update`) that could list any
 * scope would make itself an administrator. `handedOver` is what this request
 * makes mintable: all the application's grantable scopes when it issues a
 * secret, else only the ones it adds. 403, as for a scope the token lacks.
 */
export function assertCallerHolds(handedOver: readonly string[], callerScopes: ReadonlySet<string>): void {
  const beyond = handedOver.filter((scope) => !callerScopes.has(scope));
  if (beyond.length > 0) {
    throw new ApiError(403, 'forbidden', `an application cannot be granted scopes the caller does not hold: ${beyond.join(' ')}`);
  }
}
