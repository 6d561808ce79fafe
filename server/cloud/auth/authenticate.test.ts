import { describe, expect, it } from 'vitest';
import type { PresentedToken, TokenRepository } from '../tokens/repository';
import { createAuthenticator } from './authenticate';

// A seam for the token table: the authenticator only calls findPresented.
function authenticatorOver(rows: Record<string, Partial<PresentedToken>>, now = new Date('2026-12-05T00:00:00Z')) {
  const tokens = {
    findPresented: (token: string) =>
      rows[token] && { id: token, tenant_id: 't', realm_id: 'r', application_id: 'a', expires: now.getTime() / 1000 + 60, revoke_time: null, scopes: '', ...rows[token] },
  } as unknown as TokenRepository;
  return createAuthenticator(tokens, () => now);
}

describe('createAuthenticator', () => {
  it("gives each token its own scopes, whichever token was seen first", () => {
    const authenticate = authenticatorOver({ wide: { scopes: 'identities:read identities:create' }, narrow: { scopes: 'identities:read' } });
    expect([...authenticate('Bearer wide').scopes]).toEqual(['identities:read', 'identities:create']);
    expect(authenticate('Bearer narrow').scopes.has('identities:create')).toBe(false);
    expect(authenticate('Bearer wide').scopes.has('identities:create')).toBe(true);
  });

  it('still answers each token its own scopes after more distinct scope lists than it keeps', () => {
    const rows: Record<string, Partial<PresentedToken>> = {};
    for (let i = 0; i < 600; i++) rows[`t${i}`] = { scopes: `s${i} common` };
    const authenticate = authenticatorOver(rows);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < 600; i++) {
        const scopes = authenticate(`Bearer t${i}`).scopes;
        expect(scopes.has(`s${i}`) && scopes.has('common') && !scopes.has(`s${i + 1}`)).toBe(true);
      }
    }
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic abc'],
    ['an unknown token', 'Bearer nobody'],
    ['a revoked token', 'Bearer revoked'],
    ['an expired token', 'Bearer expired'],
  ])('refuses %s with 401', (_what, header) => {
    const authenticate = authenticatorOver({ revoked: { revoke_time: '2026-12-04T00:00:00Z' }, expired: { expires: 1 } });
    expect(() => authenticate(header)).toThrow(expect.objectContaining({ status: 401 }));
  });
});
