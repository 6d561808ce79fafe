import type { CredentialSummary, CredentialsResponse } from '../../../contracts/app-api';
import { BiError } from '../bi/errors';
import type { AppDeps, AppHono } from '../deps';
import { notFound } from '../errors';
import { forSessionIdentity } from '../session';

/** The signed-in person's cloud credentials: list and revoke. */
export function mountCredentials(app: AppHono, deps: AppDeps): void {
  app.get('/api/me/credentials', async (c) => {
    const session = await deps.sessions.require(c);
    const credentials = await forSessionIdentity(c, deps.sessions, () => deps.bi.credentials.list(session.identity_id));
    const summaries: CredentialSummary[] = credentials
      .map((credential) => ({
        id: credential.id,
        // Beyond Identity defines ACTIVE and REVOKED; anything else cannot sign in either.
        state: credential.state === 'ACTIVE' ? ('ACTIVE' as const) : ('REVOKED' as const),
        create_time: credential.create_time,
        update_time: credential.update_time,
        jwk_thumbprint: credential.jwk_thumbprint,
      }))
      .sort((a, b) => b.create_time.localeCompare(a.create_time));
    return c.json({ credentials: summaries } satisfies CredentialsResponse);
  });

  app.post('/api/me/credentials/:id/revoke', async (c) => {
    const session = await deps.sessions.require(c);
    try {
      // The session's identity is in the path: the cloud answers 404 for anyone else's credential.
      await deps.bi.credentials.revoke(session.identity_id, c.req.param('id'));
    } catch (error) {
      if (error instanceof BiError && error.code === 'not_found') throw notFound('You have no passkey with that id.');
      throw error;
    }
    return c.body(null, 204);
  });
}
