import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { describeRateLimit, isApiError } from '../../lib/api-error';
import { useAppConfig } from '../../lib/app-config';
import { useHealthStatus } from '../../lib/health';
import { paths } from '../../lib/paths';
import { useMe, type Me } from '../features/auth/api/get-me';
import { useLogout } from '../features/auth/api/logout';
import { forgetReturnBindingLinks } from '../features/binding/api/binding-link-keys';
import { credentialKeys } from '../features/credentials/api/credential-keys';
import { useSendMyEmailLink } from '../features/email-link/api/send-my-email-link';

/** One line about whether the backend is up and which Beyond Identity API it uses. */
function HealthStatus() {
  const { data, error, isPending, isFetching, refetch } = useHealthStatus();

  if (isPending) {
    return (
      <p className="status status--pending" role="status">
        Checking…
      </p>
    );
  }

  if (error) {
    return (
      <div className="status status--error" role="alert">
        <p>Could not check the server status. {error.message}</p>
        <button type="button" className="button" onClick={() => void refetch()} disabled={isFetching}>
          {isFetching ? 'Retrying…' : 'Retry'}
        </button>
      </div>
    );
  }

  return (
    <p className="status status--ok" role="status">
      Connected. Beyond Identity API: <code>{data.cloud.api_base_url}</code>
    </p>
  );
}

/** "Sign in with a passkey": a full page navigation to the backend's OIDC start, once enabled. */
function SignInAction() {
  const { data: config } = useAppConfig();
  if (config?.sign_in) {
    return (
      <a className="button button--secondary" href={paths.auth.login.getHref()}>
        Sign in with a passkey
      </a>
    );
  }
  return (
    <span className="action-with-note">
      <button type="button" className="button button--secondary" disabled aria-describedby="sign-in-soon">
        Sign in with a passkey
      </button>
      <span id="sign-in-soon" className="note">
        coming soon
      </span>
    </span>
  );
}

type SignInErrorCode = 'denied' | 'expired' | 'failed';

/** What `/auth/callback` reports in `?sign_in_error=`: a heading, a sentence and the next step. */
const SIGN_IN_ERRORS: Record<SignInErrorCode, { title: string; sentence: string; action: ReactNode }> = {
  denied: {
    title: 'Your passkey could not sign you in',
    sentence:
      'Beyond Identity refused it: it may have been revoked, or your account suspended. Have a link emailed to you to create a new passkey.',
    action: (
      <Link className="button" to={paths.app.emailLink.getHref()}>
        Email me a link
      </Link>
    ),
  },
  expired: {
    title: 'Your sign-in request expired',
    sentence: 'It was not completed within a few minutes. Start again to sign in.',
    action: (
      <a className="button" href={paths.auth.login.getHref()}>
        Start again
      </a>
    ),
  },
  failed: {
    title: 'Sign-in did not complete',
    sentence: 'Something went wrong while signing you in, and you are not signed in. Try again in a moment.',
    action: (
      <a className="button" href={paths.auth.login.getHref()}>
        Try again
      </a>
    ),
  },
};

function isSignInErrorCode(value: string | null): value is SignInErrorCode {
  return value !== null && Object.hasOwn(SIGN_IN_ERRORS, value);
}

/**
 * A failed sign-in, as `/auth/callback` reports it (`/?sign_in_error=denied|expired|failed`).
 * Dismissing it drops the parameter (replacing the history entry), so a reload or Back does not
 * bring it back; focus moves to the page's content.
 */
function SignInErrorAlert() {
  const [searchParams, setSearchParams] = useSearchParams();
  const code = searchParams.get(paths.auth.signInErrorParam);
  if (!isSignInErrorCode(code)) return null;
  const { title, sentence, action } = SIGN_IN_ERRORS[code];

  const dismiss = () => {
    setSearchParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.delete(paths.auth.signInErrorParam);
        return next;
      },
      { replace: true },
    );
    document.getElementById('main')?.focus();
  };

  return (
    <div className="outcome outcome--error notice" role="alert" data-sign-in-error={code}>
      <h2>{title}</h2>
      <p>{sentence}</p>
      <div className="actions">
        {action}
        <button type="button" className="button button--link" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

function SignedOut() {
  return (
    <section className="card" aria-labelledby="start-title">
      <h2 id="start-title">Get started</h2>
      <p>Create an account and a passkey on this browser: no password involved.</p>
      <div className="actions">
        <Link className="button" to={paths.app.signup.getHref()}>
          Create an account
        </Link>
        <SignInAction />
      </div>
      <p className="aside">
        <Link to={paths.app.emailLink.getHref()}>I have a passkey elsewhere — email me a link</Link>
      </p>
    </section>
  );
}

/** "Send me a link for another device", with the answer in a polite live region. */
function SendLinkForAnotherDevice({ me }: { me: Me }) {
  const sendLink = useSendMyEmailLink();

  let result = '';
  if (sendLink.isPending) result = 'Sending…';
  else if (sendLink.isSuccess) {
    result =
      sendLink.data.message ??
      `We emailed a link${me.email ? ` to ${me.email}` : ''}. Open it on the device where you want the passkey.`;
  } else if (sendLink.isError) {
    const error = sendLink.error;
    result = isApiError(error, 'rate_limited') ? describeRateLimit(error) : `The link was not sent. ${error.message}`;
  }

  return (
    <>
      <button
        type="button"
        className="button button--secondary"
        onClick={() => sendLink.mutate()}
        disabled={sendLink.isPending}
        aria-busy={sendLink.isPending}
      >
        Send me a link for another device
      </button>
      <p className={sendLink.isError ? 'live live--error' : 'live'} role="status">
        {result}
      </p>
    </>
  );
}

function SignedIn({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  // POST /api/logout (the JSON API; /auth/* are pages for full navigations), then `me` is read again.
  const logout = useLogout({
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: credentialKeys.all() });
      forgetReturnBindingLinks(queryClient);
    },
  });

  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">Your account</h2>
      <p className="who">
        Signed in as <strong>{me.display_name}</strong> <span className="muted">({me.username})</span>
      </p>
      <div className="actions">
        <Link className="button" to={paths.app.bind.getHref()}>
          Add passkey
        </Link>
        <SendLinkForAnotherDevice me={me} />
      </div>
      <div className="actions actions--quiet">
        <Link to={paths.app.passkeys.getHref()}>Your passkeys</Link>
        <button
          type="button"
          className="button button--link"
          onClick={() => logout.mutate()}
          disabled={logout.isPending}
          aria-busy={logout.isPending}
        >
          Sign out
        </button>
      </div>
      {logout.isError && (
        <p className="status status--error" role="alert">
          You are still signed in. {logout.error.message}
        </p>
      )}
    </section>
  );
}

/** The session part of the home page: what a signed-out or signed-in person can do. */
function Account() {
  const me = useMe();

  if (me.isPending) {
    return (
      <section className="card" aria-busy="true" aria-label="Your account">
        <p className="status status--pending">Checking whether you are signed in…</p>
      </section>
    );
  }
  if (me.isError) {
    return (
      <section className="card" aria-label="Your account">
        <div className="status status--error" role="alert">
          <p>Could not check whether you are signed in. {me.error.message}</p>
          <button type="button" className="button" onClick={() => void me.refetch()} disabled={me.isFetching}>
            Retry
          </button>
        </div>
      </section>
    );
  }
  return me.data ? <SignedIn me={me.data} /> : <SignedOut />;
}

/** The landing page. */
export function HomeRoute() {
  return (
    <>
      <title>Bindery</title>
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">Bindery</h1>
        <p className="hero__lede">Bind passkeys to your account with Beyond Identity.</p>
      </section>
      <SignInErrorAlert />
      <Account />
      <section className="card" aria-labelledby="status-title">
        <h2 id="status-title">Status</h2>
        <HealthStatus />
      </section>
    </>
  );
}
