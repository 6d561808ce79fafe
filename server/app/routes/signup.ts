import { signupRequest, type MeResponse, type SignupResponse } from '../../../contracts/app-api';
import { enforce, logCloudFailure, type AppDeps, type AppHono } from '../deps';
import { toAppError } from '../errors';
import { clientIp, readJson } from '../request';
import { createReturnLink } from './binding-link';

/**
 * Where a binding link made for someone not signed in leads once the passkey
 * exists: sign-in with it, then the passkeys page. Sign-up and the new-device
 * EMAIL link end signed in through the same path as any later sign-in.
 */
export function signInAfterBinding(publicUrl: string): string {
  return `${publicUrl}/auth/login?return_to=/passkeys`;
}

/**
 * `POST /api/signup`: creates the identity and answers its first (RETURN)
 * binding link so the SPA can create the passkey at once. It starts no
 * session: the person signs in with the new passkey (the link's
 * `post_binding_redirect_uri` leads to `/auth/login`), so a session always
 * means "proved a passkey".
 */
export function mountSignup(app: AppHono, deps: AppDeps): void {
  app.post('/api/signup', async (c) => {
    const body = await readJson(c, signupRequest);
    // Counted once the request is well formed: only those reach Beyond Identity.
    enforce(deps.limits.signupPerIp, clientIp(c));
    const identity = await deps.bi.identities.create({ username: body.username, email: body.email, displayName: body.display_name });
    const me: MeResponse = {
      identity_id: identity.id,
      username: identity.traits.username,
      display_name: identity.display_name,
      ...(identity.traits.primary_email_address ? { email: identity.traits.primary_email_address } : {}),
    };
    let binding: SignupResponse['binding'];
    try {
      binding = await createReturnLink(deps, identity.id, signInAfterBinding(deps.config.publicUrl));
    } catch (error) {
      // The identity (and its username) exists now: an error answer would
      // read "not created", and trying again would answer username_taken.
      // So the answer is what happened, 201 without a link, and the SPA
      // offers the EMAIL link, the one way left to reach the account.
      const appError = toAppError(error);
      if (!appError || appError.status < 500) throw error;
      logCloudFailure(deps.log, c.get('requestId'), c.req.path, appError);
      binding = null;
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ me, binding } satisfies SignupResponse, 201);
  });
}
