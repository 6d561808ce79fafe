import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useAppConfig } from '../../lib/app-config';
import { missingCapabilities } from '../../passkeys/browser-support';
import { PasskeyError } from '../../passkeys/passkey-error';
import { useLocalPasskeys, type Passkey } from '../features/passkeys/api/list-passkeys';
import { passkeyKeys } from '../features/passkeys/api/passkey-keys';
import { useAuthenticationContext } from '../features/sign-in/api/get-authentication-context';
import { useSignInWithPasskey, type SignInVariables } from '../features/sign-in/api/sign-in-with-passkey';
import { passkeysForRealm } from '../features/sign-in/realm-passkeys';
import { isRequestExpired, readSentRequest, signInRequestOf } from '../features/sign-in/sent-requests';
import {
  classifyAuthenticateFailure,
  classifySignInFailure,
  failureOfSentRequest,
  type SignInFailure,
} from '../features/sign-in/sign-in-failure';
import { SignInFailureView, type SignInFailureViewProps } from './bi-authenticate/sign-in-failure-view';

/** The sentence of each step, in the polite live region. */
export const SIGN_IN_PROGRESS_TEXT = {
  loading: 'Loading secure storage…',
  checking: 'Checking the sign-in request…',
  signingIn: 'Signing in…',
  leaving: 'Signed in. Taking you back…',
} as const;

/**
 * Failures of loading the SDK itself (its file, its core, or its settings from the app's server):
 * nothing else on the page can work, so they come first.
 */
function isSdkStartFailure(error: unknown): boolean {
  return (
    error instanceof PasskeyError &&
    ['unsupported_browser', 'sdk_load_failed', 'config_failed', 'app_server_unreachable'].includes(error.code)
  );
}

/** How a person is named in the list: "Ann Lee (ann)", or the username alone. */
function PasskeyLabel({ passkey }: { passkey: Passkey }) {
  const { displayName, username } = passkey.identity;
  if (!displayName || displayName === username) return <strong>{username}</strong>;
  return (
    <>
      <strong>{displayName}</strong> <span className="muted">({username})</span>
    </>
  );
}

/**
 * The heart of /bi-authenticate: read the sign-in request and this browser's passkeys of the
 * app's realm, let the person pick one (a single one is preselected), and only on "Sign in" call
 * the SDK; then leave for the backend's `/auth/callback` with a full page navigation.
 */
function SignInFlow({ url }: { url: string }) {
  const queryClient = useQueryClient();
  const [missing] = useState(() => missingCapabilities());
  const supported = missing.length === 0;
  const config = useAppConfig();
  const passkeys = useLocalPasskeys({ enabled: supported });
  const context = useAuthenticationContext(url, { enabled: supported });
  const [chosen, setChosen] = useState<string | null>(null);
  const [choiceError, setChoiceError] = useState(false);
  const [leaving, setLeaving] = useState(false);
  // Whether a sign-in with this request got no answer: the cloud may have used it all the same.
  const [unansweredBefore, setUnansweredBefore] = useState(false);
  // The request in the URL, and what this browser remembered of it as the page opened: a reloaded
  // page, or another tab, may hold a request already sent (see sent-requests.ts).
  const [request] = useState(() => signInRequestOf(url));
  const [sentEarlier] = useState(() => (request ? readSentRequest(request) : undefined));
  const firstChoice = useRef<HTMLInputElement>(null);

  const signIn = useSignInWithPasskey({
    onSuccess: ({ redirectUrl }) => {
      setLeaving(true);
      // A full navigation, not the router: `/auth/callback` is the backend's, and it answers
      // with the session cookie and a redirect.
      window.location.assign(redirectUrl);
    },
  });

  /** Sends the sign-in request with a passkey: from "Sign in", and again from "Retry". */
  const send = (variables: SignInVariables) =>
    signIn.mutate(variables, {
      onError: (error) => {
        // The chosen passkey is not on this browser any more: read the list again.
        if (error instanceof PasskeyError && error.code === 'passkey_not_found') {
          void queryClient.invalidateQueries({ queryKey: passkeyKeys.list() });
        }
        if (error instanceof PasskeyError && error.code === 'network' && error.httpStatus === undefined) setUnansweredBefore(true);
      },
    });

  const realmPasskeys = config.data && passkeys.data ? passkeysForRealm(passkeys.data, config.data) : undefined;
  const selected = chosen && realmPasskeys?.some((passkey) => passkey.id === chosen) ? chosen : realmPasskeys?.length === 1 ? realmPasskeys[0]!.id : null;
  const busy = signIn.isPending || leaving;

  // The failure to show, if any, most fundamental first.
  let failure: SignInFailure | null = null;
  let failureProps: Omit<SignInFailureViewProps, 'failure'> = {};
  const sdkStartError = [context.error, passkeys.error].find(isSdkStartFailure);
  const usedEarlier = failureOfSentRequest(sentEarlier);
  if (!supported) {
    failure = { kind: 'unsupported_browser', missing };
  } else if (usedEarlier) {
    // This tab's earlier proof for this request was allowed, so the cloud has used it: say so
    // before anyone picks a passkey (whatever else may fail, this request cannot sign in).
    failure = usedEarlier;
  } else if (sdkStartError) {
    failure = classifySignInFailure(sdkStartError);
    // Both reads wait on the one SDK start, so both failed with it: retry both, or the one
    // left failed would bring this same failure back.
    failureProps = {
      onRetry: () => {
        if (context.isError) void context.refetch();
        if (passkeys.isError) void passkeys.refetch();
        // The SDK's settings are the app config: when its own read failed too, read it again.
        if (config.isError) void config.refetch();
      },
      retrying: context.isFetching || passkeys.isFetching || (config.isError && config.isFetching),
    };
  } else if (context.error instanceof PasskeyError && context.error.code === 'not_an_authenticate_url') {
    failure = { kind: 'not_a_sign_in_request' };
  } else if (config.isError) {
    failure = classifySignInFailure(config.error);
    failureProps = { onRetry: () => void config.refetch(), retrying: config.isFetching };
  } else if (passkeys.isError) {
    failure = classifySignInFailure(passkeys.error);
    failureProps = { onRetry: () => void passkeys.refetch(), retrying: passkeys.isFetching };
  } else if (realmPasskeys?.length === 0) {
    failure = { kind: 'no_passkey' };
  } else if (context.isError) {
    failure = classifySignInFailure(context.error);
    failureProps = { onRetry: () => void context.refetch(), retrying: context.isFetching };
  } else if (signIn.isError) {
    // Only a failure from before the cloud answered keeps a Retry with the same request; the
    // others are `request_used`, which offers a new request instead (see there).
    failure = classifyAuthenticateFailure(signIn.error, {
      unansweredBefore,
      sentEarlier,
      requestExpired: isRequestExpired(request),
    });
    const variables = signIn.variables;
    failureProps = {
      onRetry: variables && failure.kind !== 'request_used' ? () => send(variables) : undefined,
      // Another passkey may still be welcome after this one was refused or has gone.
      onChooseAnother:
        (failure.kind === 'denied' || failure.kind === 'no_passkey') && (realmPasskeys?.length ?? 0) > 1
          ? () => {
              setChosen(null);
              signIn.reset();
            }
          : undefined,
    };
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy || !context.data) return;
    if (!selected) {
      setChoiceError(true);
      firstChoice.current?.focus();
      return;
    }
    // The SDK may hand back a different URL to authenticate with (its documentation says so).
    send({ url: context.data.authUrl || url, passkeyId: selected, request });
  };

  // What the polite live region says. It stays mounted so that every change is announced.
  let live = '';
  if (leaving) live = SIGN_IN_PROGRESS_TEXT.leaving;
  else if (signIn.isPending) live = SIGN_IN_PROGRESS_TEXT.signingIn;
  else if (!failure && supported && passkeys.isPending) live = SIGN_IN_PROGRESS_TEXT.loading;
  else if (!failure && supported && (context.isPending || config.isPending)) live = SIGN_IN_PROGRESS_TEXT.checking;

  let content: ReactNode = null;
  if (failure) {
    content = <SignInFailureView failure={failure} {...failureProps} />;
  } else if (realmPasskeys && context.data) {
    const single = realmPasskeys.length === 1;
    const application = context.data.application.displayName;
    content = (
      <form className="form" noValidate onSubmit={onSubmit} aria-busy={busy}>
        <p>
          Sign in{application ? ` to ${application}` : ''} with a passkey stored on this browser. Nothing happens until you
          choose “Sign in”.
        </p>
        <fieldset className="choices" aria-describedby={choiceError ? 'passkey-choice-error' : undefined}>
          <legend className="field__label">{single ? 'Your passkey on this browser' : 'Choose a passkey'}</legend>
          {realmPasskeys.map((passkey, index) => (
            <label key={passkey.id} className="choice">
              <input
                ref={index === 0 ? firstChoice : undefined}
                type="radio"
                name="passkey"
                value={passkey.id}
                checked={selected === passkey.id}
                onChange={() => {
                  setChosen(passkey.id);
                  setChoiceError(false);
                }}
                disabled={busy}
              />
              <span>
                <PasskeyLabel passkey={passkey} />
              </span>
            </label>
          ))}
          {choiceError && (
            <p id="passkey-choice-error" className="field__error">
              Choose a passkey to sign in with.
            </p>
          )}
        </fieldset>
        <div className="actions">
          <button type="submit" className="button" disabled={busy} aria-busy={busy}>
            Sign in
          </button>
        </div>
      </form>
    );
  }

  return (
    <div className="sign-in-flow" aria-busy={busy || Boolean(live && !failure)}>
      <div className="live live--progress" role="status">
        {live}
      </div>
      {content}
    </div>
  );
}

/**
 * `/bi-authenticate?request=<JWT>`: where the cloud's OIDC authorize sends the browser to sign in
 * with a passkey of this browser.
 */
export function BiAuthenticateRoute() {
  // The SDK's authenticate URL is this page's full URL, read once: the sign-in request is in
  // its query, and the URL must reach the SDK exactly as the cloud built it.
  const [url] = useState(() => window.location.href);
  return (
    <section className="card" aria-labelledby="sign-in-title">
      <title>Sign in · Bindery</title>
      <h1 id="sign-in-title">Sign in with a passkey</h1>
      <SignInFlow url={url} />
    </section>
  );
}
