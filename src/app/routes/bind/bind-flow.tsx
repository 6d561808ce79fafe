import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { formatDateTime } from '../../../lib/format';
import { paths } from '../../../lib/paths';
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
import { credentialKeys } from '../../features/credentials/api/credential-keys';
import { useSdk } from '../../features/passkeys/api/load-sdk';
import { passkeyKeys } from '../../features/passkeys/api/passkey-keys';
import { BindFailureView } from './bind-failure-view';

/** A binding link ready for the SDK, and how to ask the backend about it. */
export interface BindLink {
  /** What `bindPasskey` receives. */
  sdkUrl: string;
  /** What `POST /api/binding-link/preview` receives. */
  preview: PreviewRequest;
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

  useEffect(() => {
    if (state.step !== 'done') return;
    successRef.current?.focus();
    if (redirectTo === null) return;
    const timer = setTimeout(() => void navigate(redirectTo), redirectDelayMs);
    return () => clearTimeout(timer);
  }, [state.step, redirectTo, redirectDelayMs, navigate]);

  const linkState = preview.data?.state;
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
      if (mounted.current) setState({ step: 'done', result });
    } catch (error) {
      clearTimeout(timer);
      // Ask the backend what became of the link rather than trusting the SDK's text.
      const after: PreviewOutcome = await queryClient
        .fetchQuery({ ...previewQueryOptions(link.preview), staleTime: 0, retry: false })
        .then(
          (answer) => ({ ok: true as const, preview: answer }),
          (previewError: unknown) => ({ ok: false as const, error: previewError }),
        );
      if (mounted.current) setState({ step: 'failed', failure: classifyBindFailure(error, after) });
    } finally {
      busy.current = false;
    }
  }

  const working = state.step === 'working';

  // What the polite live region says. It stays mounted so that every change is announced.
  let live: ReactNode = null;
  if (state.step === 'working') live = PROGRESS_TEXT[state.phase];
  else if (state.step === 'idle' && preview.isPending && missing.length === 0) live = 'Checking your link…';

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
          {redirectTo ? '. Taking you on in a moment…' : '.'}
        </p>
      </div>
    );
    content = (
      <div className="actions">
        <Link className="button" to={redirectTo ?? paths.app.passkeys.getHref()}>
          Continue
        </Link>
      </div>
    );
  } else if (missing.length > 0) {
    content = (
      <BindFailureView failure={{ kind: 'unsupported_browser', missing }} signedIn={signedIn} signInAvailable={signInAvailable} />
    );
  } else if (state.step === 'failed') {
    const retryable = state.failure.kind === 'cloud_unreachable' || state.failure.kind === 'sdk_failed';
    content = (
      <BindFailureView
        failure={state.failure}
        signedIn={signedIn}
        signInAvailable={signInAvailable}
        {...(retryable ? { onRetry: () => void create() } : {})}
      />
    );
  } else if (preview.isError) {
    content = (
      <BindFailureView
        failure={failureFromApiError(preview.error)}
        signedIn={signedIn}
        signInAvailable={signInAvailable}
        onRetry={() => void preview.refetch()}
        retrying={preview.isFetching}
      />
    );
  } else if (preview.data) {
    const dead = failureFromLinkState(preview.data.state);
    if (dead) {
      content = <BindFailureView failure={dead} signedIn={signedIn} signInAvailable={signInAvailable} />;
    } else if (sdk.isError && !working) {
      // The SDK did not start (before any click); say so now rather than after one.
      const failure = classifyBindFailure(sdk.error, { ok: true, preview: preview.data });
      content = (
        <BindFailureView failure={failure} signedIn={signedIn} signInAvailable={signInAvailable} onRetry={() => void sdk.refetch()} retrying={sdk.isFetching} />
      );
    } else {
      content = (
        <>
          <PreviewDetails preview={preview.data} />
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
    <div className="bind-flow" aria-busy={working || (preview.isPending && missing.length === 0)}>
      <div className="live live--progress" role="status">
        {live}
      </div>
      {content}
    </div>
  );
}
