import { unauthorized } from '../../lib/api-error';
import type { Principal } from '../deps';
import type { TokenRepository } from '../tokens/repository';

/**
 * Resolves `Authorization: Bearer …` to a principal. Missing, unknown,
 * expired and revoked tokens are all the same 401, as in Beyond Identity:
 * the caller learns nothing about which tokens exist.
 */
export function createAuthenticator(tokens: TokenRepository, clock: () => Date) {
  return (header: string | undefined): Principal => {
    const match = header ? /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header) : null;
    if (!match) throw unauthorized();
    const row = tokens.findByToken(match[1]!);
    if (!row || row.revoke_time !== null || row.expires * 1000 <= clock().getTime()) throw unauthorized();
    return {
      tokenId: row.id,
      tenantId: row.tenant_id,
      realmId: row.realm_id,
      applicationId: row.application_id,
      scopes: new Set(row.scopes.split(' ')),
      actor: `token:${row.id}`,
    };
  };
}
