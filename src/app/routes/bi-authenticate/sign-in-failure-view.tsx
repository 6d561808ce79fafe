import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { paths } from '../../../lib/paths';
import { FailureAlert } from '../../components/failure-alert';
import { RetryButton } from '../../components/retry-button';
import { UnsupportedBrowserText } from '../../components/unsupported-browser';
import type { SignInFailure } from '../../features/sign-in/sign-in-failure';

export interface SignInFailureViewProps {
  failure: SignInFailure;
  /** Tries again (for failures where that may help). */
  onRetry?: (() => void) | undefined;
  retrying?: boolean | undefined;
  /** Goes back to the list to pick another passkey (after a refusal, when there is another). */
  onChooseAnother?: (() => void) | undefined;
}

/** "Start again": a new sign-in request from the backend, by a full page navigation. */
function StartAgain({ secondary = false }: { secondary?: boolean }) {
  return (
    <a className={secondary ? 'button button--secondary' : 'button'} href={paths.auth.login.getHref()}>
      Start again
    </a>
  );
}

/** The SDK's own text, folded away: for a bug report, not for reading. */
function TechnicalDetails({ detail }: { detail: string | undefined }) {
  if (!detail) return null;
  return (
    <details className="details">
      <summary>Technical details</summary>
      <pre>{detail}</pre>
    </details>
  );
}

/** One failure of /bi-authenticate: a heading, a sentence saying what happened, and the next step. */
export function SignInFailureView({ failure, onRetry, retrying, onChooseAnother }: SignInFailureViewProps) {
  let title: string;
  let body: ReactNode;
  let actions: ReactNode;
  switch (failure.kind) {
    case 'not_a_sign_in_request':
      title = 'This is not a sign-in link';
      body = 'The address is incomplete or was changed on the way. Start signing in from the home page.';
      actions = (
        <Link className="button" to={paths.app.home.getHref()}>
          Go home
        </Link>
      );
      break;
    case 'expired':
      title = 'This sign-in request has expired';
      body = 'A sign-in request only lasts a few minutes, and this one ran out. Start again to get a new one.';
      actions = <StartAgain />;
      break;
    case 'no_passkey':
      title = 'There is no passkey for this site on this browser';
      body =
        'Have a link emailed to you to create a passkey here for your account, or create an account if you do not have one yet.';
      actions = (
        <>
          <Link className="button" to={paths.app.emailLink.getHref()}>
            Email me a link
          </Link>
          <Link className="button button--secondary" to={paths.app.signup.getHref()}>
            Create an account
          </Link>
        </>
      );
      break;
    case 'denied':
      title = 'This passkey can no longer sign you in';
      body =
        'Beyond Identity refused it: it may have been revoked, or your account suspended. Have a link emailed to you to create a new passkey on this browser.';
      actions = (
        <>
          <Link className="button" to={paths.app.emailLink.getHref()}>
            Email me a link
          </Link>
          {onChooseAnother && (
            <button type="button" className="button button--secondary" onClick={onChooseAnother}>
              Choose another passkey
            </button>
          )}
        </>
      );
      break;
    case 'request_used':
      // No Retry: the cloud takes a request once, so sending this one again could only be
      // refused (and would read as a refused passkey). A new request is the way on.
      title = 'This sign-in request cannot be used again';
      // After a reload nothing says whether the earlier proof signed the person in, so the
      // sentence does not claim either.
      body = failure.sentEarlier
        ? 'This browser already sent this sign-in request once, and each sign-in request works only once. Start again to get a new one.'
        : 'Signing in did not finish, and this request may already have been used up: each sign-in request works only once. You are not signed in. Start again to get a new one.';
      actions = (
        <>
          <StartAgain />
          <TechnicalDetails detail={failure.detail} />
        </>
      );
      break;
    case 'cloud_unreachable':
      title = 'Beyond Identity could not be reached';
      body = 'You are not signed in yet. Check your internet connection, then try again.';
      actions = (
        <>
          <RetryButton onRetry={onRetry} retrying={retrying} />
          <StartAgain secondary />
        </>
      );
      break;
    case 'server_unreachable':
      // The app's own server, not Beyond Identity: the SDK could not get its settings, so nothing
      // was sent to Beyond Identity. No "Start again": that is the same server.
      title = 'Bindery’s server could not be reached';
      body = 'You are not signed in yet. Check your internet connection, then try again in a moment.';
      actions = <RetryButton onRetry={onRetry} retrying={retrying} />;
      break;
    case 'unsupported_browser':
      title = 'This browser cannot store passkeys';
      body = <UnsupportedBrowserText missing={failure.missing} />;
      break;
    case 'sdk_failed':
      title = 'Signing in did not work';
      body = failure.needsReload
        ? 'The passkey software did not start in this browser. Reload the page to try again.'
        : 'Something went wrong on this browser while signing in. Try again; if it keeps failing, start again.';
      actions = (
        <>
          <RetryButton onRetry={onRetry} retrying={retrying} reload={failure.needsReload} />
          <StartAgain secondary />
          <TechnicalDetails detail={failure.detail} />
        </>
      );
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
