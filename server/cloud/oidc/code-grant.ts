import { SignJWT } from 'jose';
import type { StoredApplication } from '../applications/repository';
import type { CloudDeps } from '../deps';
import { hashSecret, newId, newSecret } from '../../lib/ids';
import { OAuthError } from '../tokens/oauth-error';
import { issuerOf } from './client-app';
import { isVerifier, meetsSetting, pkceSettingOf, verifierMatches } from './pkce';
import type { OidcCode, OidcTransaction } from './repository';
import { SIGNING_ALG } from './signing-keys';

/** An ID token's lifetime when the application sets none. */
export const DEFAULT_TOKEN_SECONDS = 3600;
const REPLAYED = 'authorization code already used';

/**
 * The authorization code grant: exchanges a code from `bi-authenticate` for
 * an ID token and an access token. The code is single use and short-lived; a
 * replayed code is refused and revokes what its first use issued. The PKCE
 * verifier must match the challenge the authorize request carried, if it
 * carried one (see `checkVerifier`), and the redirect URI must be the same one.
 */
export async function codeGrant(deps: CloudDeps, app: StoredApplication, form: URLSearchParams) {
  const code = form.get('code');
  // RFC 6749 §3.2: "Parameters sent without a value MUST be treated as if they were omitted".
  const verifier = form.get('code_verifier') || null;
  if (!code) throw new OAuthError(400, 'invalid_request', 'code is required');
  if (verifier !== null && !isVerifier(verifier)) {
    throw new OAuthError(400, 'invalid_request', 'code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~');
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
  checkVerifier(app, transaction, verifier);
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
 * PKCE at the token endpoint (RFC 7636 §4.6), for the challenge the authorize
 * request carried, whatever the application's `pkce` setting was then: a
 * challenge sent to an application with PKCE disabled is enforced as well.
 * Throws the OAuth error to answer; a mismatch leaves the code unused.
 */
function checkVerifier(app: StoredApplication, transaction: OidcTransaction, verifier: string | null): void {
  // The setting is read again here: a code issued before the application asked for (stronger)
  // PKCE does not get past what it asks for now.
  if (!meetsSetting(pkceSettingOf(app.protocol_config), transaction.code_challenge_method)) {
    throw new OAuthError(400, 'invalid_grant', 'the authorization request did not use the PKCE the application requires');
  }
  if (transaction.code_challenge === null || transaction.code_challenge_method === null) {
    // RFC 9700 §2.1.1 and §4.8.2 (PKCE downgrade): a code_verifier is accepted only for a code
    // whose authorize request carried a challenge. Else a code an attacker obtained without one
    // and injected into the client would pass, with the client's own verifier, as protected.
    if (verifier !== null) throw new OAuthError(400, 'invalid_grant', 'code_verifier sent for a code issued without a code_challenge');
    return;
  }
  if (verifier === null) throw new OAuthError(400, 'invalid_request', 'code_verifier is required: the authorization request carried a code_challenge');
  const stored = { code_challenge: transaction.code_challenge, code_challenge_method: transaction.code_challenge_method };
  if (!verifierMatches(verifier, stored)) throw new OAuthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
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
