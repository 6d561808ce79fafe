import { unauthorized } from '../../lib/api-error';
import type { Principal } from '../deps';
import type { TokenRepository } from '../tokens/repository';

/**
 * Resolves `Authorization: Bearer …` to a principal. Missing, unknown,
 * expired and revoked tokens are all the same 401, as in Beyond Identity:
 * the caller learns nothing about which tokens exist.
 */
export function createAuthenticator(tokens: TokenRepository, clock: () => Date) {
  // A token's scopes as a set, shared by every request with the same scopes:
  // building a set of 55 scopes was a third of authenticating a request
  // (`npm run bench -- jobs`). Read-only, so sharing is safe. The tokens of a
  // tenant carry few distinct scope lists; minting arbitrary subsets could
  // grow the cache, so it starts over past a bound.
  const scopeSets = new Map<string, ReadonlySet<string>>();
  const scopeSet = (scopes: string): ReadonlySet<string> => {
    let set = scopeSets.get(scopes);
    if (set === undefined) {
      if (scopeSets.size >= 256) scopeSets.clear();
      set = new Set(scopes.split(' '));
      scopeSets.set(scopes, set);
    }
    return set;
  };
  return (header: string | undefined): Principal => {
    const token = bearerToken(header);
    if (token === undefined) throw unauthorized();
    const row = tokens.findPresented(token);
    if (!row || row.revoke_time !== null || row.expires * 1000 <= clock().getTime()) throw unauthorized();
    return {
      tokenId: row.id,
      tenantId: row.tenant_id,
      realmId: row.realm_id,
      applicationId: row.application_id,
      scopes: scopeSet(row.scopes),
      actor: `token:${row.id}`,
    };
  };
}

/** The token of an `Authorization: Bearer …` header (RFC 6750 syntax); undefined for any other header. */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header)?.[1] : undefined;
}
