import type { Context } from 'hono';
import type { CloudDeps, CloudEnv } from '../deps';
import { bindingTokenError, problemWith, usableLink, type BindingRequest } from './binding-token';
import { htmlPage } from './html-page';
import { invokeUrlWith } from './invoke-url';

/**
 * `GET …/credential-binding-jobs/{job}:invokeAuthenticator?token=…`, the
 * binding link. Two callers, told apart by `Accept`:
 * - the SDK (`Accept: application/json`) gets the binding instruction, the
 *   six fields `bindPasskey` needs for `:getInfo` and `:bind`;
 * - a person's browser opening the emailed link (`Accept: text/html`) is sent
 *   on to the authenticator config's Invoke URL, `{invoke_url}/bind?…`, and
 *   the job reads LINK_OPENED.
 * Neither uses up the token: mail scanners open links, and only the person's
 * click on "Create passkey" (`:bind`) may consume it.
 */
export async function invokeAuthenticator(c: Context<CloudEnv>, deps: CloudDeps): Promise<Response> {
  const request = c.get('binding');
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  if (/text\/html/i.test(c.req.header('accept') ?? '')) return await openedByPerson(c, deps, request);

  const { job, token } = usableLink(request);
  return c.json({
    api_base_url: deps.config.apiBaseUrl,
    tenant_id: job.tenant_id,
    realm_id: job.realm_id,
    identity_id: job.identity_id,
    job_id: job.id,
    token,
  });
}

async function openedByPerson(c: Context<CloudEnv>, deps: CloudDeps, request: BindingRequest | undefined): Promise<Response> {
  const link = request?.link;
  if (!link) {
    const error = bindingTokenError('unknown');
    return c.html(htmlPage('This link is not valid', 'Ask for a new passkey link and open it from the newest message.'), error.status);
  }
  const { job, config } = link;
  if (!config || config.type !== 'embedded') {
    return c.html(htmlPage('This link cannot be opened here', 'Its authenticator configuration has no Invoke URL.'), 409);
  }
  const now = deps.clock();
  // Only a usable link moves the job on; an expired or used one is still
  // forwarded, so that the app can say which it is.
  // HEAD is a safe method (link checkers send it): it is answered, not counted as opened.
  if (!problemWith(link) && c.req.method !== 'HEAD') {
    // Through the group commit: with several HTTP workers it waits for the
    // write lock without stalling this process.
    await deps.write(() => {
      if (deps.repos.bindingJobs.markOpened(job.id, now)) {
        deps.repos.audit.record(
          { tenant_id: job.tenant_id, realm_id: job.realm_id, actor: 'link', action: 'credential_binding_job.open', resource_type: 'CredentialBindingJob', resource_id: job.id, identity_id: job.identity_id },
          now,
        );
      }
    });
  }
  const location = invokeUrlWith(config.invoke_url, '/bind', {
    api_base_url: deps.config.apiBaseUrl,
    tenant_id: job.tenant_id,
    realm_id: job.realm_id,
    identity_id: job.identity_id,
    job_id: job.id,
    token: request.token!,
  });
  return c.redirect(location, 302);
}
