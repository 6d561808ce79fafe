import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { describeRateLimit, isApiError } from '../../../lib/api-error';
import { paths } from '../../../lib/paths';
import { FailureAlert } from '../../components/failure-alert';
import { RetryButton } from '../../components/retry-button';
import { UnsupportedBrowserText } from '../../components/unsupported-browser';
import type { BindFailure } from '../../features/binding/bind-failure';
import { useSendMyEmailLink } from '../../features/email-link/api/send-my-email-link';

export interface BindFailureViewProps {
  failure: BindFailure;
  /** Whether someone is signed in (decides how a new link is asked for). */
  signedIn: boolean;
  /** Whether "Sign in with a passkey" is available (`/api/config` `sign_in`). */
  signInAvailable: boolean;
  /** Tries again (for failures where that may help). */
  onRetry?: () => void;
  /** Whether a retry is running. */
  retrying?: boolean;
}

/**
 * "Email me a new link": signed in, the backend emails one straight away (POST
 * /api/me/email-link, answer in a live region); signed out, the /email-link form asks for the
 * username or address first.
 */
export function EmailNewLink({ signedIn }: { signedIn: boolean }) {
  const send = useSendMyEmailLink();
  if (!signedIn) {
    return (
      <Link className="button" to={paths.app.emailLink.getHref()}>
        Email me a new link
      </Link>
    );
  }
  let result = '';
  if (send.isPending) result = 'Sending…';
  else if (send.isSuccess) result = send.data.message ?? 'We emailed you a new link. Open it to create your passkey.';
  else if (send.isError) {
    result = isApiError(send.error, 'rate_limited')
      ? describeRateLimit(send.error)
      : `The link was not sent. ${send.error.message}`;
  }
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => send.mutate()}
        disabled={send.isPending || send.isSuccess}
        aria-busy={send.isPending}
      >
        Email me a new link
      </button>
      <p className="live" role="status">
        {result}
      </p>
    </>
  );
}

/** One failure of /bind: a heading, a sentence saying what happened, and the next step. */
export function BindFailureView({ failure, signedIn, signInAvailable, onRetry, retrying }: BindFailureViewProps) {
  let title: string;
  let body: ReactNode;
  let actions: ReactNode;
  switch (failure.kind) {
    case 'not_a_binding_link':
      title = 'This is not a binding link';
      body = 'The link is incomplete or was changed on the way. Open the link from your email again, or ask for a new one.';
      actions = <EmailNewLink signedIn={signedIn} />;
      break;
    case 'expired':
      title = 'This link has expired';
      body = 'Binding links only work for a limited time. Ask for a new one and open it soon.';
      actions = <EmailNewLink signedIn={signedIn} />;
      break;
    case 'used':
      title = 'This link was already used';
      body = 'Each link creates one passkey, and this one already did. Your passkey may be on this browser or on the device where the link was opened first.';
      actions = (
        <>
          <Link className="button" to={paths.app.passkeys.getHref()}>
            See your passkeys
          </Link>
          {!signedIn && signInAvailable && (
            <a className="button button--secondary" href={paths.auth.login.getHref()}>
              Sign in with a passkey
            </a>
          )}
        </>
      );
      break;
    case 'revoked':
      title = 'This link was revoked';
      body = 'It was cancelled before it was used, so it cannot create a passkey. Ask for a new link.';
      actions = <EmailNewLink signedIn={signedIn} />;
      break;
    case 'signed_out':
      title = 'Sign in to add a passkey';
      body = 'A passkey is added to an account. Create an account, or have a link emailed to the address of yours.';
      actions = (
        <>
          <Link className="button" to={paths.app.signup.getHref()}>
            Create an account
          </Link>
          <Link className="button button--secondary" to={paths.app.emailLink.getHref()}>
            Email me a link
          </Link>
          {signInAvailable && (
            <a className="button button--secondary" href={paths.auth.login.getHref()}>
              Sign in with a passkey
            </a>
          )}
        </>
      );
      break;
    case 'cloud_unreachable':
      title = 'Beyond Identity could not be reached';
      body = 'No passkey was created. Check your internet connection, then try again.';
      actions = <RetryButton onRetry={onRetry} retrying={retrying} />;
      break;
    case 'server_unreachable':
      // The app's own server, not Beyond Identity: people must not be sent to check on the wrong
      // one. Retry asks that server again (or, after a failed bind, binds again).
      title = 'Bindery’s server could not be reached';
      body = 'No passkey was created. Check your internet connection, then try again in a moment.';
      actions = <RetryButton onRetry={onRetry} retrying={retrying} />;
      break;
    case 'sdk_failed':
      title = 'The passkey could not be created';
      body = failure.needsReload
        ? 'The passkey software did not start in this browser. Reload the page to try again.'
        : 'Something went wrong while creating it on this browser. Try again; if it keeps failing, ask for a new link.';
      actions = (
        <>
          <RetryButton onRetry={onRetry} retrying={retrying} reload={failure.needsReload} />
          {failure.detail && (
            <details className="details">
              <summary>Technical details</summary>
              <pre>{failure.detail}</pre>
            </details>
          )}
        </>
      );
      break;
    case 'unsupported_browser':
      title = 'This browser cannot store passkeys';
      body = <UnsupportedBrowserText missing={failure.missing} />;
      break;
    case 'server_error':
      title = 'Something went wrong';
      body = `${failure.message} Try again in a moment.`;
      actions = <RetryButton onRetry={onRetry} retrying={retrying} />;
      break;
  }

  return (
    <FailureAlert kind={failure.kind} title={title} actions={actions}>
      {body}
    </FailureAlert>
  );
}
