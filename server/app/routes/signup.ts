import { signupRequest, type MeResponse, type SignupResponse } from '../../../contracts/app-api';
import type { AppDeps, AppHono } from '../deps';
import { readJson } from '../request';
import { createReturnLink } from './binding-link';

/**
 * `POST /api/signup`: creates the identity, signs the person in, and answers
 * the first (RETURN) binding link so the SPA can create the passkey at once.
 */
export function mountSignup(app: AppHono, deps: AppDeps): void {
  app.post('/api/signup', async (c) => {
    const body = await readJson(c, signupRequest);
    const identity = await deps.bi.identities.create({ username: body.username, email: body.email, displayName: body.display_name });
    const me: MeResponse = {
      identity_id: identity.id,
      username: identity.traits.username,
      display_name: identity.display_name,
      ...(identity.traits.primary_email_address ? { email: identity.traits.primary_email_address } : {}),
    };
    // The session starts before the binding job: if the job fails, the
    // identity (and its username) exists anyway, and the signed-in person can
    // ask for a new link instead of being locked out of their own username.
    await deps.sessions.start(c, me);
    const binding = await createReturnLink(deps, identity.id);
    c.header('Cache-Control', 'no-store');
    return c.json({ me, binding } satisfies SignupResponse, 201);
  });
}
