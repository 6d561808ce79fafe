import { emailLinkRequest, type EmailLinkResponse } from '../../../contracts/app-api';
import { BiError } from '../bi/errors';
import { enforce, type AppDeps, type AppHono } from '../deps';
import { AppError } from '../errors';
import { clientIp, readJson } from '../request';
import { forSessionIdentity } from '../session';
import { signInAfterBinding } from './signup';

/** The one answer to `POST /api/email-link`, whether or not an account matched. */
export const EMAIL_LINK_SENT: EmailLinkResponse = {
  message: 'If an account matches and has an email address, a link to add a passkey is on its way. Open it on the device that should get the passkey.',
};

/** EMAIL binding links: for the signed-in person, and for someone on a new device. */
export function mountEmailLink(app: AppHono, deps: AppDeps): void {
  app.post('/api/me/email-link', async (c) => {
    const session = await deps.sessions.require(c);
    // The same per-identifier budget as the public route: each call sends a real email.
    enforce(deps.limits.emailLinkPerIdentifier, `identity:${session.identity_id}`);
    try {
      await forSessionIdentity(c, deps.sessions, () => deps.bi.bindingJobs.create(session.identity_id, { deliveryMethod: 'EMAIL' }));
    } catch (error) {
      // Beyond Identity refuses an EMAIL job (422) for an identity without a primary email address.
      if (error instanceof BiError && error.code === 'unprocessable') {
        throw new AppError(422, 'invalid_request', 'Your account has no email address, so there is nowhere to send a link. Add a passkey on this device instead.', { cause: error });
      }
      throw error;
    }
    return c.json({ message: 'A link to add a passkey is on its way to your email address. Open it on the device that should get the passkey.' } satisfies EmailLinkResponse, 202);
  });

  /**
   * No account enumeration: the answer is the same 202 whether or not the
   * identifier matches, and it goes out before any cloud call, so its timing
   * says nothing either. The lookup and the job run afterwards.
   */
  app.post('/api/email-link', async (c) => {
    const { username } = await readJson(c, emailLinkRequest);
    enforce(deps.limits.emailLinkPerIp, clientIp(c));
    enforce(deps.limits.emailLinkPerIdentifier, `username:${username.toLowerCase()}`);
    deps.background.run('email-link', () => sendEmailLink(deps, username), { requestId: c.get('requestId') });
    return c.json(EMAIL_LINK_SENT, 202);
  });
}

/**
 * Finds the identity by username and, when it is active and has an email
 * address, creates an EMAIL job for it. Not by email address: Beyond
 * Identity filters identities by username only, so an app that looked
 * addresses up would mail nobody against the real cloud, and say nothing.
 */
async function sendEmailLink(deps: AppDeps, username: string): Promise<void> {
  const identity = await deps.bi.identities.findByUsername(username);
  if (!identity || (identity.status ?? 'active') !== 'active' || !identity.traits.primary_email_address) return;
  // Binding from the email ends signed in, through the same path as any sign-in.
  await deps.bi.bindingJobs.create(identity.id, { deliveryMethod: 'EMAIL', postBindingRedirectUri: signInAfterBinding(deps.config.publicUrl) });
}
