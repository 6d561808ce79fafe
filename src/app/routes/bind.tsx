import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useLocation } from 'react-router';
import { useAppConfig } from '../../lib/app-config';
import { safeNextPath } from '../../lib/same-origin';
import { hasBindLinkParams, parseBindLinkQuery, toSdkBindUrl } from '../../passkeys/bind-link';
import { useMe } from '../features/auth/api/get-me';
import { forgetReturnBindingLinks } from '../features/binding/api/binding-link-keys';
import { useReturnBindingLink } from '../features/binding/api/create-binding-link';
import { failureFromApiError } from '../features/binding/bind-failure';
import { BindFailureView } from './bind/bind-failure-view';
import { BindFlow, type BindLink } from './bind/bind-flow';

interface SourceProps {
  search: string;
  signedIn: boolean;
  signInAvailable: boolean;
}

/**
 * (a) The EMAIL flow: the cloud redirected here with the link's six parameters in the query.
 * The https form goes to the SDK as is; the http form (the local cloud) is rebuilt into the
 * `:invokeAuthenticator` link (bi-protocol.md).
 */
function EmailLinkSource({ search, signedIn, signInAvailable }: SourceProps) {
  const link = useMemo((): BindLink | null => {
    const params = parseBindLinkQuery(search);
    if (!params) return null;
    return { sdkUrl: toSdkBindUrl(params, { origin: window.location.origin, search }), preview: params };
  }, [search]);

  if (!link) {
    return <BindFailureView failure={{ kind: 'not_a_binding_link' }} signedIn={signedIn} signInAvailable={signInAvailable} />;
  }
  return <BindFlow link={link} signedIn={signedIn} signInAvailable={signInAvailable} />;
}

/**
 * (b) The RETURN flow: the link comes from memory (sign-up put it there) or from
 * `POST /api/me/binding-link`, and never touches the address bar, history or a Referer.
 *
 * Sign-up starts no session, so its link is used signed out: the page shows whose passkey it
 * creates from what sign-up answered (the backend only previews its own links for the signed-in
 * person they belong to). Signed out without a link in memory, there is nothing to bind.
 */
function ReturnLinkSource({ search, signedIn, signInAvailable }: SourceProps) {
  const queryClient = useQueryClient();
  const me = useMe();
  const next = useMemo(() => safeNextPath(new URLSearchParams(search).get('next')), [search]);
  // Disabled signed out, but a link already in memory (sign-up's) is still answered.
  const link = useReturnBindingLink(next, { enabled: signedIn });

  // A RETURN link that was used (or found dead) is dropped when the page closes, so the next
  // "Add passkey" makes a new one. Not while the page shows it: that would create another job.
  const spent = useRef(false);
  const onLinkSpent = useCallback(() => {
    spent.current = true;
  }, []);
  useEffect(
    () => () => {
      if (spent.current) forgetReturnBindingLinks(queryClient);
    },
    [queryClient],
  );

  const signedInAs = me.data?.identity_id;
  const bindLink = useMemo((): BindLink | null => {
    if (!link.data) return null;
    const { identity } = link.data;
    // Sign-up's link for someone other than the signed-in person (or for nobody signed in).
    if (identity && identity.identity_id !== signedInAs) {
      return {
        sdkUrl: link.data.link,
        preview: null,
        known: {
          state: 'usable',
          identity: { username: identity.username, display_name: identity.display_name },
          expire_time: link.data.expire_time,
        },
      };
    }
    return { sdkUrl: link.data.link, preview: { job_id: link.data.job_id, own: true } };
  }, [link.data, signedInAs]);

  if (me.isPending) {
    return (
      <p className="status status--pending" role="status">
        Checking whether you are signed in…
      </p>
    );
  }
  if (bindLink && bindLink.preview === null) {
    return <BindFlow link={bindLink} signedIn={signedIn} signInAvailable={signInAvailable} onLinkSpent={onLinkSpent} />;
  }
  if (me.isError) {
    return (
      <BindFailureView
        failure={failureFromApiError(me.error)}
        signedIn={false}
        signInAvailable={signInAvailable}
        onRetry={() => void me.refetch()}
        retrying={me.isFetching}
      />
    );
  }
  if (!signedIn) {
    return <BindFailureView failure={{ kind: 'signed_out' }} signedIn={false} signInAvailable={signInAvailable} />;
  }
  if (link.isError) {
    return (
      <BindFailureView
        failure={failureFromApiError(link.error)}
        signedIn={signedIn}
        signInAvailable={signInAvailable}
        onRetry={() => void link.refetch()}
        retrying={link.isFetching}
      />
    );
  }
  if (!bindLink) {
    return (
      <p className="status status--pending" role="status">
        Preparing your link…
      </p>
    );
  }
  return <BindFlow link={bindLink} signedIn={signedIn} signInAvailable={signInAvailable} onLinkSpent={onLinkSpent} />;
}

/** `/bind`: create a passkey on this browser from a binding link, when the person clicks. */
export function BindRoute() {
  const { search } = useLocation();
  const me = useMe();
  const config = useAppConfig();
  const props: SourceProps = {
    search,
    signedIn: Boolean(me.data),
    signInAvailable: config.data?.sign_in ?? false,
  };
  return (
    <section className="card" aria-labelledby="bind-title">
      <title>Create a passkey · Bindery</title>
      <h1 id="bind-title">Create a passkey</h1>
      {hasBindLinkParams(search) ? <EmailLinkSource {...props} /> : <ReturnLinkSource {...props} />}
    </section>
  );
}
