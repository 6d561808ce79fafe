import { bindingLinkRequest, type BindingLinkResponse } from '../../../contracts/app-api';
import type { AppDeps, AppHono } from '../deps';
import { AppError } from '../errors';
import { readJson } from '../request';
import { forSessionIdentity } from '../session';

/** `POST /api/me/binding-link`: a RETURN binding link for the signed-in person. */
export function mountBindingLink(app: AppHono, deps: AppDeps): void {
  app.post('/api/me/binding-link', async (c) => {
    const session = await deps.sessions.require(c);
    const body = await readJson(c, bindingLinkRequest);
    const redirect = body.post_binding_redirect_path ? onOwnOrigin(deps.config.publicUrl, body.post_binding_redirect_path) : undefined;
    const binding = await forSessionIdentity(c, deps.sessions, () => createReturnLink(deps, session.identity_id, redirect));
    c.header('Cache-Control', 'no-store');
    return c.json(binding);
  });
}

/**
 * Creates a RETURN job and answers its link. The link holds the binding
 * token: it goes to the browser in a response body only (never a URL), and
 * with `Cache-Control: no-store`.
 */
export async function createReturnLink(deps: AppDeps, identityId: string, postBindingRedirectUri?: string): Promise<BindingLinkResponse> {
  const { job, link } = await deps.bi.bindingJobs.create(identityId, {
    deliveryMethod: 'RETURN',
    ...(postBindingRedirectUri ? { postBindingRedirectUri } : {}),
  });
  return { link: link!, job_id: job.id, expire_time: job.expire_time };
}

/**
 * `path` as an absolute URL on the app's origin. Beyond Identity only
 * accepts a `post_binding_redirect_uri` on the Invoke URL's origin (or a
 * trusted origin), and taking only a path from the browser keeps the app
 * from being an open redirector.
 */
export function onOwnOrigin(publicUrl: string, path: string): string {
  const origin = new URL(publicUrl).origin;
  const url = new URL(path, origin);
  // The contract's pattern already refuses `//host` and backslashes; this is the backstop.
  // `//` at the start of the normalised path (from `/.//host`) would read as another host once the path is taken alone.
  if (url.origin !== origin || url.pathname.startsWith('//')) {
    throw new AppError(400, 'invalid_request', 'Use a path on this site.', { fields: { post_binding_redirect_path: 'Use a path on this site, like /passkeys.' } });
  }
  return url.href;
}
