import { updateApplicationBody, type Application, type ProtocolConfig } from '../../../contracts/bi/application';
import { conflict, found } from '../../lib/api-error';
import { hashSecret, newSecret } from '../../lib/ids';
import { defineOperation } from '../http/operation';
import { assertCallerHolds, assertProtocolRules, authMethodFor, grantableScopes } from './protocol-rules';
import { publicApplication, type StoredApplication } from './repository';

export const updateApplication = defineOperation({
  id: 'UpdateApplication',
  method: 'patch',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/applications/:application_id',
  scope: 'applications:update',
  level: 'realm',
  body: updateApplicationBody,
  write: ({ params, body, deps, principal, now }): Application => {
    const { applications, authenticatorConfigs, audit } = deps.repos;
    const current = found(applications.get(params.realm_id!, params.application_id!), 'Application', params.application_id!);
    // Spec, Application.is_managed: "Managed applications may not be modified
    // by the user." The Management API application's grant type, scopes and
    // secret are what every management client signs in with: one PATCH to
    // them locked every admin out of the tenant. Refused as DeleteApplication
    // refuses them.
    if (current.is_managed) throw conflict('managed applications cannot be modified', { type: 'Application', id: current.id });
    const patch = body.application;
    // token_endpoint_auth_method is ignored in requests (spec, TokenEndpointAuthMethod).
    const { token_endpoint_auth_method: _ignored, ...protocolPatch } = Object.fromEntries(
      Object.entries(patch.protocol_config ?? {}).filter(([, v]) => v !== undefined),
    ) as Partial<ProtocolConfig>;
    const protocol: ProtocolConfig | undefined = current.protocol_config ? { ...current.protocol_config, ...protocolPatch } : undefined;
    if (protocol) protocol.token_endpoint_auth_method = authMethodFor(protocol.confidentiality);
    // An empty resource_server_id removes the reference (the repository stores none).
    const resourceServerId = patch.resource_server_id !== undefined ? patch.resource_server_id || undefined : current.resource_server_id;
    // The rules are judged on the merged result: a PATCH that drops the
    // resource server must also drop the scopes it granted.
    assertProtocolRules({ ...(resourceServerId ? { resource_server_id: resourceServerId } : {}), ...(protocol ? { protocol_config: protocol } : {}) });
    if (patch.authenticator_config_id) {
      found(authenticatorConfigs.get(current.realm_id, patch.authenticator_config_id), 'AuthenticatorConfig', patch.authenticator_config_id);
    }

    // Spec, client_secret: "present only when confidentiality is
    // `confidential`". A client that becomes confidential (or is
    // confidential with no secret, as the old code left one) gets a new
    // secret, returned in this response only and stored hashed, as on
    // create; without it the application could never authenticate. One that
    // becomes public loses its secret's hash.
    const confidential = protocol !== undefined && protocol.confidentiality !== 'public';
    const secret = confidential && !current.client_secret_hash ? newSecret(36) : undefined;
    const { client_secret_hash: currentHash, resource_server_id: _currentServer, ...rest } = current;
    let secretHash: string | undefined;
    if (secret) secretHash = hashSecret(secret);
    else if (protocol === undefined || confidential) secretHash = currentHash;
    const next: StoredApplication = {
      ...rest,
      ...(resourceServerId ? { resource_server_id: resourceServerId } : {}),
      ...(patch.display_name !== undefined ? { display_name: patch.display_name } : {}),
      ...(patch.authenticator_config_id !== undefined ? { authenticator_config_id: patch.authenticator_config_id } : {}),
      ...(protocol ? { protocol_config: protocol } : {}),
      ...(secretHash ? { client_secret_hash: secretHash } : {}),
    };
    // What this update makes mintable: everything, when it issues a secret; else what it adds.
    const before = new Set(grantableScopes(current));
    assertCallerHolds(grantableScopes(next).filter((scope) => secret !== undefined || !before.has(scope)), principal.scopes);
    applications.update(next, now);

    const secretChange = secret ? 'issued' : currentHash && !secretHash ? 'removed' : undefined;
    audit.record(
      {
        tenant_id: current.tenant_id,
        realm_id: current.realm_id,
        actor: principal.actor,
        action: 'application.update',
        resource_type: 'Application',
        resource_id: current.id,
        detail: { fields: Object.keys(patch), ...(secretChange ? { client_secret: secretChange } : {}) },
      },
      now,
    );
    const updated = publicApplication(applications.get(current.realm_id, current.id)!);
    return secret ? { ...updated, protocol_config: { ...updated.protocol_config!, client_secret: secret } } : updated;
  },
});
