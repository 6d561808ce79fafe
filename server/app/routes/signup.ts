import { signupRequest, type MeResponse, type SignupResponse } from '../../../contracts/app-api';
import type { AppDeps, AppHono } from '../deps';
import { AppError, toAppError } from '../errors';
import { readJson } from '../request';
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
    const identity = await deps.bi.identities.create({ username: body.username, email: body.email, displayName: body.display_name });
    const me: MeResponse = {
      identity_id: identity.id,
      username: identity.traits.username,
      display_name: identity.display_name,
      ...(identity.traits.primary_email_address ? { email: identity.traits.primary_email_address } : {}),
    };
    let binding;
    try {
      binding = await createReturnLink(deps, identity.id, signInAfterBinding(deps.config.publicUrl));
    } catch (error) {
      // The identity (and its username) exists now, and without a session
      // only the EMAIL link can still reach it: say so instead of "try again",
      // which would answer username_taken.
      const appError = toAppError(error);
      if (!appError || appError.status < 500) throw error;
      throw new AppError(
        appError.status,
        appError.code,
        'Your account was created, but the link to add a passkey could not be made. Ask for a link by email in a moment.',
        { cause: error },
      );
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ me, binding } satisfies SignupResponse, 201);
  });
}
