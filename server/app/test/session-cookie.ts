import { Hono } from 'hono';
import type { MeResponse } from '../../../contracts/app-api';
import { createSessions } from '../session';

/**
 * A session cookie (`name=value`) for `me`, signed with `secret` exactly as
 * the app signs one at the end of a sign-in. Since sign-up no longer starts
 * a session, tests of the signed-in API use this instead of going through
 * the whole passkey sign-in (which test/app-sign-in.test.ts covers).
 */
export async function sessionCookieFor(me: MeResponse, options: { secret: string; publicUrl: string }): Promise<string> {
  const sessions = createSessions(options);
  const app = new Hono();
  app.get('/', async (c) => {
    await sessions.start(c, me);
    return c.body(null, 204);
  });
  const response = await app.request('/');
  return response.headers.get('set-cookie')!.split(';')[0]!;
}
