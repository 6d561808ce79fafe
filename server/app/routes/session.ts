import type { AppDeps, AppHono } from '../deps';
import { unauthenticated } from '../errors';
import { meOf } from '../session';

/** `GET /api/me` (who is signed in) and `POST /api/logout`. */
export function mountSession(app: AppHono, deps: AppDeps): void {
  app.get('/api/me', async (c) => {
    const session = await deps.sessions.read(c);
    if (!session) throw unauthenticated();
    return c.json(meOf(session));
  });

  app.post('/api/logout', (c) => {
    deps.sessions.clear(c);
    return c.body(null, 204);
  });
}
