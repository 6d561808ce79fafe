import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { formatDateTime } from '../../../lib/format';
import { isBackendPagePath, paths } from '../../../lib/paths';
import { sameOriginPath } from '../../../lib/same-origin';
import { bindPasskey } from '../../../passkeys/bind-passkey';
import { missingCapabilities } from '../../../passkeys/browser-support';
import type { BindPasskeyResponse } from '../../../passkeys/types';
import { previewQueryOptions, useBindingLinkPreview, type PreviewRequest, type PreviewResponse } from '../../features/binding/api/preview-binding-link';
import {
  classifyBindFailure,
  failureFromApiError,
  failureFromLinkState,
  type BindFailure,
  type PreviewOutcome,
} from '../../features/binding/bind-failure';
import { bindingLinkKeys } from '../../features/binding/api/binding-link-keys';
import { credentialKeys } from '../../features/credentials/api/credential-keys';
import { useSdk } from '../../features/passkeys/api/load-sdk';
import { passkeyKeys } from '../../features/passkeys/api/passkey-keys';
import { BindFailureView } from './bind-failure-view';

/** A binding link ready for the SDK, and how to ask the backend about it. */
export interface BindLink {
  /** What `bindPasskey` receives. */
  sdkUrl: string;
  /**
   * What `POST /api/binding-link/preview` receives; `null` when the backend cannot preview the
   * link (sign-up's, with no session), and `known` says what the page knows instead.
   */
  preview: PreviewRequest | null;
  /** The preview to show when `preview` is `null`. */
  known?: PreviewResponse;
}

type Phase = 'loading' | 'creating' | 'registering';

/** The sentence of each step, in the polite live region. */
export const PROGRESS_TEXT: Record<Phase, string> = {
  loading: 'Loading secure storage…',
  creating: 'Creating your key…',
  registering: 'Registering with the cloud…',
};

/**
 * The SDK does the whole bind in one call (create the key, then `:getInfo` and `:bind` at the
 * cloud). Key creation takes a moment; after this long the text moves on to the network part.
 */
const CREATING_MS = 700;

/** How long the success message stays before following the link's redirect. */
export const REDIRECT_DELAY_MS = 2500;

type BindState =
  | { step: 'idle' }
  | { step: 'working'; phase: Phase }
  | { step: 'done'; result: BindPasskeyResponse }
  | { step: 'failed'; failure: BindFailure };

export interface BindFlowProps {
  link: BindLink;
  signedIn: boolean;
  signInAvailable: boolean;
  /** Called once the passkey exists (or the link turned out dead), e.g. to forget a used RETURN link. */
  onLinkSpent?: () => void;
  /** Milliseconds before following a same-origin `postBindingRedirectUri` (tests pass 0). */
  redirectDelayMs?: number;
}

/** Who the link creates a passkey for, and where, before anything happens. */
function PreviewDetails({ preview }: { preview: PreviewResponse }) {
  return (
    <dl className="facts">
      <div>
        <dt>Passkey for</dt>
        <dd>
          {preview.identity ? (
            <>
              <strong>{preview.identity.display_name}</strong>{' '}
              <span className="muted">({preview.identity.username})</span>
            </>
          ) : (
            'Your account'
          )}
        </dd>
      </div>
      {preview.realm && (
        <div>
          <dt>Realm</dt>
          <dd>{preview.realm.display_name}</dd>
        </div>
      )}
      <div>
        <dt>Stored</dt>
        <dd>On this browser</dd>
      </div>
      {preview.expire_time && (
        <div>
          <dt>Link expires</dt>
          <dd>
            <time dateTime={preview.expire_time}>{formatDateTime(preview.expire_time)}</time>
          </dd>
        </div>
      )}
    </dl>
  );
}

/**
 * The heart of /bind: preview the link, load the SDK meanwhile, and bind ONLY when the person
 * clicks "Create passkey" (a GET of the page must never use the link up: mail scanners open
 * links). Progress and success are announced in one polite live region; each failure is its
 * own sentence with the next step.
 */
export function BindFlow({ link, signedIn, signInAvailable, onLinkSpent, redirectDelayMs = REDIRECT_DELAY_MS }: BindFlowProps) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  // Starts downloading and initialising the SDK as the page opens, so the click is fast.
  const sdk = useSdk();
  const [missing] = useState(() => missingCapabilities());
  const preview = useBindingLinkPreview(link.preview);
  const previewData = link.preview ? preview.data : link.known;
  const previewPending = link.preview !== null && preview.isPending;
  const previewError = link.preview !== null && preview.isError ? preview.error : null;
  const [state, setState] = useState<BindState>({ step: 'idle' });
  const busy = useRef(false);
  const mounted = useRef(true);
  const successRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const redirectTo = state.step === 'done' ? sameOriginPath(state.result.postBindingRedirectUri) : null;
  // `/auth/login?return_to=…` (sign-up's and the new-device email's links: sign in with the new
  // passkey) is the backend's page: the router would show "Page not found" for it.
  const fullPageRedirect = redirectTo !== null && isBackendPagePath(redirectTo);
  const toSignIn = redirectTo !== null && fullPageRedirect && /^\/auth\/login(?:[?#]|$)/.test(redirectTo);

  useEffect(() => {
    if (state.step !== 'done') return;
    successRef.current?.focus();
    if (redirectTo === null) return;
    const timer = setTimeout(() => {
      if (fullPageRedirect) window.location.assign(redirectTo);
      else void navigate(redirectTo);
    }, redirectDelayMs);
    return () => clearTimeout(timer);
  }, [state.step, redirectTo, fullPageRedirect, redirectDelayMs, navigate]);

  const linkState = previewData?.state;
  useEffect(() => {
    if (linkState && linkState !== 'usable') onLinkSpent?.();
  }, [linkState, onLinkSpent]);

  async function create() {
    if (busy.current) return;
    busy.current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const setPhase = (phase: Phase) => {
      if (mounted.current) setState({ step: 'working', phase });
    };
    setPhase(sdk.isSuccess ? 'creating' : 'loading');
    try {
      const result = await bindPasskey(link.sdkUrl, {
        onProgress: (phase) => {
          if (phase === 'loading') return;
          setPhase('creating');
          timer = setTimeout(() => setPhase('registering'), CREATING_MS);
        },
      });
      clearTimeout(timer);
      onLinkSpent?.();
      void queryClient.invalidateQueries({ queryKey: passkeyKeys.list() });
      void queryClient.invalidateQueries({ queryKey: credentialKeys.all() });
      // The link is used now: coming back to this URL must read it again, not offer "Create
      // passkey" from the cached preview. Not refetched here: this page shows the success.
      if (link.preview) void queryClient.invalidateQueries({ queryKey: bindingLinkKeys.preview(link.preview.job_id), refetchType: 'none' });
      if (mounted.current) setState({ step: 'done', result });
    } catch (error) {
      clearTimeout(timer);
      // Ask the backend what became of the link rather than trusting the SDK's text (when it can
      // tell; otherwise the SDK's hint is all there is).
      const previewRequest = link.preview;
      const after: PreviewOutcome = previewRequest
        ? await queryClient.fetchQuery({ ...previewQueryOptions(previewRequest), staleTime: 0, retry: false }).then(
            (answer) => ({ ok: true as const, preview: answer }),
            (afterError: unknown) => ({ ok: false as const, error: afterError }),
          )
        : { ok: false, error: undefined };
      if (mounted.current) setState({ step: 'failed', failure: classifyBindFailure(error, after) });
    } finally {
      busy.current = false;
    }
  }

  const working = state.step === 'working';

  // What the polite live region says. It stays mounted so that every change is announced.
  let live: ReactNode = null;
  if (state.step === 'working') live = PROGRESS_TEXT[state.phase];
  else if (state.step === 'idle' && previewPending && missing.length === 0) live = 'Checking your link…';

  let content: ReactNode;
  if (state.step === 'done') {
    const { passkey } = state.result;
    live = (
      <div ref={successRef} className="outcome outcome--ok" tabIndex={-1}>
        <h2>Passkey created</h2>
        <p>
          Your passkey for <strong>{passkey.identity.username}</strong> is ready on this browser.
        </p>
        <p className="muted">
          Created <time dateTime={passkey.created}>{formatDateTime(passkey.created)}</time>
          {redirectTo ? (toSignIn ? '. Taking you to sign in with it in a moment…' : '. Taking you on in a moment…') : '.'}
        </p>
      </div>
    );
    let next: ReactNode;
    if (redirectTo !== null && fullPageRedirect) {
      next = (
        <a className="button" href={redirectTo}>
          {toSignIn ? 'Sign in with your new passkey' : 'Continue'}
        </a>
      );
    } else if (redirectTo !== null) {
      next = (
        <Link className="button" to={redirectTo}>
          Continue
        </Link>
      );
    } else if (!signedIn && signInAvailable) {
      // No redirect to follow, and nobody signed in (e.g. sign-up): the new passkey is the way in.
      next = (
        <a className="button" href={paths.auth.login.getHref(paths.app.passkeys.getHref())}>
          Sign in with your new passkey
        </a>
      );
    } else {
      next = (
        <Link className="button" to={paths.app.passkeys.getHref()}>
          Continue
        </Link>
      );
    }
    content = <div className="actions">{next}</div>;
  } else if (missing.length > 0) {
    content = (
      <BindFailureView failure={{ kind: 'unsupported_browser', missing }} signedIn={signedIn} signInAvailable={signInAvailable} />
    );
  } else if (state.step === 'failed') {
    const retryable =
      state.failure.kind === 'cloud_unreachable' || state.failure.kind === 'server_unreachable' || state.failure.kind === 'sdk_failed';
    content = (
      <BindFailureView
        failure={state.failure}
        signedIn={signedIn}
        signInAvailable={signInAvailable}
        {...(retryable ? { onRetry: () => void create() } : {})}
      />
    );
  } else if (previewError) {
    content = (
      <BindFailureView
        failure={failureFromApiError(previewError)}
        signedIn={signedIn}
        signInAvailable={signInAvailable}
        onRetry={() => void preview.refetch()}
        retrying={preview.isFetching}
      />
    );
  } else if (previewData) {
    const dead = failureFromLinkState(previewData.state);
    if (dead) {
      content = <BindFailureView failure={dead} signedIn={signedIn} signInAvailable={signInAvailable} />;
    } else if (sdk.isError && !working) {
      // The SDK did not start (before any click); say so now rather than after one.
      const failure = classifyBindFailure(sdk.error, { ok: true, preview: previewData });
      content = (
        <BindFailureView failure={failure} signedIn={signedIn} signInAvailable={signInAvailable} onRetry={() => void sdk.refetch()} retrying={sdk.isFetching} />
      );
    } else {
      content = (
        <>
          <PreviewDetails preview={previewData} />
          <p>Nothing happens until you choose “Create passkey”.</p>
          <div className="actions">
            <button type="button" className="button" onClick={() => void create()} disabled={working} aria-busy={working}>
              Create passkey
            </button>
            {!working && (
              <span className="note">
                {sdk.isSuccess ? 'Ready on this browser.' : 'Preparing secure storage…'}
              </span>
            )}
          </div>
        </>
      );
    }
  }

  return (
    <div className="bind-flow" aria-busy={working || (previewPending && missing.length === 0)}>
      <div className="live live--progress" role="status">
        {live}
      </div>
      {content}
    </div>
  );
}
