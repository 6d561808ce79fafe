import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { StoredApplication } from '../applications/repository';
import type { CloudDeps } from '../deps';
import { hashSecret, newId, newSecret } from '../../lib/ids';
import { OAuthError } from '../tokens/oauth-error';
import { issuerOf } from './client-app';
import type { OidcCode } from './repository';
import { SIGNING_ALG } from './signing-keys';

const DEFAULT_TOKEN_SECONDS = 3600;
const REPLAYED = 'authorization code already used';

/**
 * The authorization code grant: exchanges a code from `bi-authenticate` for
 * an ID token and an access token. The code is single use and short-lived; a
 * replayed code is refused and revokes what its first use issued. The PKCE
 * verifier must hash to the challenge the authorize request carried, and the
 * redirect URI must be the same one.
 */
export async function codeGrant(deps: CloudDeps, app: StoredApplication, form: URLSearchParams) {
  const code = form.get('code');
  const verifier = form.get('code_verifier');
  if (!code) throw new OAuthError(400, 'invalid_request', 'code is required');
  if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) {
    throw new OAuthError(400, 'invalid_request', 'code_verifier (43 to 128 characters) is required');
  }
  const now = deps.clock();
  const codeHash = hashSecret(code);
  const record = deps.repos.oidc.getCode(codeHash);
  if (!record || record.application_id !== app.id) throw new OAuthError(400, 'invalid_grant', 'unknown authorization code');
  if (record.used_time) {
    await deps.write(() => revokeReplayed(deps, app, record, now));
    throw new OAuthError(400, 'invalid_grant', REPLAYED);
  }
  if (record.expire_time <= now.toISOString()) throw new OAuthError(400, 'invalid_grant', 'authorization code expired');
  const transaction = deps.repos.oidc.getTransaction(record.transaction_id)!;
  if (form.get('redirect_uri') !== transaction.redirect_uri) throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  if (challenge !== transaction.code_challenge) throw new OAuthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
  const identity = deps.repos.identities.get(app.realm_id, record.identity_id, now);
  if (!identity) throw new OAuthError(400, 'invalid_grant', 'the identity no longer exists');
  // The proof may be up to a minute old: suspension or revocation since then still counts.
  if (identity.status === 'suspended') throw new OAuthError(400, 'invalid_grant', 'the identity is suspended');
  const credential = deps.repos.credentials.get(identity.realm_id, identity.id, record.credential_id);
  if (credential?.state !== 'ACTIVE') throw new OAuthError(400, 'invalid_grant', 'the passkey has been revoked');

  const lifetime = app.protocol_config?.token_configuration?.expires_after || DEFAULT_TOKEN_SECONDS;
  const accessToken = newSecret(32);
  const refusal = await deps.write(() => {
    // A replay that raced the first use: both saw the code unused above, and the first has
    // committed since (earlier in this group commit, or in one before). It is a replay all the
    // same, so it revokes what the first use issued, here where it learns of it; a refusal is
    // returned, not thrown, so that the revocation commits.
    if (deps.repos.oidc.getCode(codeHash)?.used_time) {
      revokeReplayed(deps, app, record, now);
      return REPLAYED;
    }
    // Checked again where the token is written: a revocation or suspension
    // committed since the checks above (earlier in this group commit) counts.
    if (deps.repos.identities.get(app.realm_id, record.identity_id, now)?.status !== 'active') return 'the identity is suspended or no longer exists';
    if (deps.repos.credentials.get(identity.realm_id, identity.id, record.credential_id)?.state !== 'ACTIVE') return 'the passkey has been revoked';
    // Single use, whatever the reads above saw: the conditional update decides.
    if (!deps.repos.oidc.useCode(codeHash, now)) return 'authorization code already used or expired';
    deps.repos.oidc.insertAccessToken({
      token_hash: hashSecret(accessToken),
      code_hash: codeHash,
      application_id: app.id,
      identity_id: identity.id,
      scope: transaction.scope,
      expire_time: new Date(now.getTime() + lifetime * 1000).toISOString(),
      create_time: now.toISOString(),
    });
    return undefined;
  });
  if (refusal) throw new OAuthError(400, 'invalid_grant', refusal);

  const key = await deps.signingKeys.current(now);
  const iat = Math.floor(now.getTime() / 1000);
  const idToken = await new SignJWT({
    auth_time: record.auth_time,
    ...(transaction.client_nonce ? { nonce: transaction.client_nonce } : {}),
    preferred_username: identity.traits.username,
    name: identity.display_name,
    ...(identity.traits.primary_email_address ? { email: identity.traits.primary_email_address } : {}),
  })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(issuerOf(deps, app))
    .setSubject(identity.id)
    .setAudience(app.protocol_config!.client_id!)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .setJti(newId())
    .sign(key.privateKey);
  return { access_token: accessToken, token_type: 'Bearer', expires_in: lifetime, id_token: idToken, scope: transaction.scope };
}

/**
 * A code presented again: what its first use issued is revoked (RFC 6749 §4.1.2: the code may have
 * been stolen, and either party may be the thief). Call inside a write unit.
 */
function revokeReplayed(deps: CloudDeps, app: StoredApplication, code: OidcCode, now: Date): void {
  const revoked = deps.repos.oidc.revokeTokensOfCode(code.code_hash, now);
  deps.repos.audit.record(
    { tenant_id: app.tenant_id, realm_id: app.realm_id, actor: `application:${app.id}`, action: 'sign_in.code_replay', resource_type: 'Application', resource_id: app.id, identity_id: code.identity_id, detail: { revoked_tokens: revoked } },
    now,
  );
}
