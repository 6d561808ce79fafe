import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../../lib/format';
import { paths } from '../../lib/paths';
import { missingCapabilities } from '../../passkeys/browser-support';
import { PasskeyError } from '../../passkeys/passkey-error';
import { useMe, type Me } from '../features/auth/api/get-me';
import { useCredentials, type CredentialSummary } from '../features/credentials/api/list-credentials';
import { useRevokeCredential } from '../features/credentials/api/revoke-credential';
import { useDeletePasskey } from '../features/passkeys/api/delete-passkey';
import { useLocalPasskeys, type Passkey } from '../features/passkeys/api/list-passkeys';

/** An inline "are you sure?" step (instead of `window.confirm`, which screen readers and tests handle poorly). */
function Confirm({
  question,
  confirmLabel,
  onConfirm,
  onCancel,
  pending,
}: {
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending: boolean;
}) {
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmButton.current?.focus(), []);
  return (
    <div className="confirm" role="group" aria-label={question}>
      <p>{question}</p>
      <div className="actions">
        <button ref={confirmButton} type="button" className="button button--danger" onClick={onConfirm} disabled={pending} aria-busy={pending}>
          {confirmLabel}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function LocalPasskey({ passkey, me }: { passkey: Passkey; me: Me | null }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeletePasskey();
  const name = passkey.identity.displayName || passkey.identity.username;
  const yours = me !== null && passkey.identity.id === me.identity_id;

  return (
    <li className="item">
      <div className="item__main">
        <p className="item__title">
          <strong>{name}</strong> <span className="muted">({passkey.identity.username})</span>
          {yours && <span className="badge">Your account</span>}
          {/* The type says "Active"; SDK 3.0.6 reports "active". */}
          {passkey.state.toLowerCase() !== 'active' && <span className="badge badge--warn">{passkey.state}</span>}
        </p>
        <p className="muted">
          {passkey.realm.displayName} · {passkey.tenant.displayName} · created{' '}
          <time dateTime={passkey.created}>{formatDateTime(passkey.created)}</time>
        </p>
      </div>
      {confirming ? (
        <Confirm
          question={`Delete the passkey for ${passkey.identity.username} from this browser? Its credential stays active in the cloud until it is revoked.`}
          confirmLabel="Delete passkey"
          pending={remove.isPending}
          onConfirm={() => remove.mutate(passkey.id, { onSuccess: () => setConfirming(false) })}
          onCancel={() => setConfirming(false)}
        />
      ) : (
        <button type="button" className="button button--secondary" onClick={() => setConfirming(true)} aria-label={`Delete the passkey for ${passkey.identity.username}`}>
          Delete
        </button>
      )}
      {remove.isError && (
        <p className="status status--error" role="alert">
          {remove.error.message}
        </p>
      )}
    </li>
  );
}

function LocalPasskeys({ me, passkeys }: { me: Me | null; passkeys: ReturnType<typeof useLocalPasskeys> }) {
  const [missing] = useState(() => missingCapabilities());

  let body;
  if (missing.length > 0) {
    body = (
      <p className="status status--error" role="alert">
        This browser cannot store passkeys (it lacks {missing.includes('indexeddb') ? 'IndexedDB' : ''}
        {missing.length === 2 ? ' and ' : ''}
        {missing.includes('webcrypto') ? 'the Web Crypto API' : ''}). Use a current version of Chrome, Edge, Firefox or
        Safari, outside private browsing, over https.
      </p>
    );
  } else if (passkeys.isPending) {
    body = (
      <p className="status status--pending" role="status">
        Loading secure storage…
      </p>
    );
  } else if (passkeys.isError) {
    const error = passkeys.error;
    const reload = error instanceof PasskeyError && error.needsReload;
    body = (
      <div className="status status--error" role="alert">
        <p>{error.message}</p>
        <button
          type="button"
          className="button"
          onClick={() => (reload ? window.location.reload() : void passkeys.refetch())}
          disabled={passkeys.isFetching}
        >
          Retry
        </button>
      </div>
    );
  } else if (passkeys.data.length === 0) {
    body = (
      <p>
        No passkeys on this browser yet.{' '}
        {me && <Link to={paths.app.bind.getHref()}>Add passkey</Link>}
      </p>
    );
  } else {
    body = (
      <ul className="list">
        {passkeys.data.map((passkey) => (
          <LocalPasskey key={passkey.id} passkey={passkey} me={me} />
        ))}
      </ul>
    );
  }

  return (
    <section className="card" aria-labelledby="local-title" aria-busy={passkeys.isFetching}>
      <h2 id="local-title">On this browser</h2>
      <p className="muted">Deleting a passkey here only removes it from this browser.</p>
      {body}
    </section>
  );
}

function CloudCredential({ credential, onThisBrowser }: { credential: CredentialSummary; onThisBrowser: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const revoke = useRevokeCredential();
  const active = credential.state === 'ACTIVE';

  return (
    <li className="item">
      <div className="item__main">
        <p className="item__title">
          <code>{credential.id}</code>
          {onThisBrowser && <span className="badge">On this browser</span>}
          <span className={active ? 'badge badge--ok' : 'badge badge--warn'}>{active ? 'Active' : 'Revoked'}</span>
        </p>
        <p className="muted">
          Created <time dateTime={credential.create_time}>{formatDateTime(credential.create_time)}</time>
        </p>
      </div>
      {active &&
        (confirming ? (
          <Confirm
            question="Revoke this credential? The passkey holding it stops working on every device."
            confirmLabel="Revoke credential"
            pending={revoke.isPending}
            onConfirm={() => revoke.mutate(credential.id, { onSuccess: () => setConfirming(false) })}
            onCancel={() => setConfirming(false)}
          />
        ) : (
          <button type="button" className="button button--secondary" onClick={() => setConfirming(true)} aria-label={`Revoke credential ${credential.id}`}>
            Revoke
          </button>
        ))}
      {revoke.isError && (
        <p className="status status--error" role="alert">
          The credential was not revoked. {revoke.error.message}
        </p>
      )}
    </li>
  );
}

function CloudCredentials({ me, localPasskeyIds }: { me: Me; localPasskeyIds: ReadonlySet<string> }) {
  const credentials = useCredentials({ enabled: true });

  let body;
  if (credentials.isPending) {
    body = (
      <p className="status status--pending" role="status">
        Loading your credentials…
      </p>
    );
  } else if (credentials.isError) {
    body = (
      <div className="status status--error" role="alert">
        <p>Could not load your credentials. {credentials.error.message}</p>
        <button type="button" className="button" onClick={() => void credentials.refetch()} disabled={credentials.isFetching}>
          Retry
        </button>
      </div>
    );
  } else if (credentials.data.length === 0) {
    body = <p>No credentials yet.</p>;
  } else {
    body = (
      <ul className="list">
        {credentials.data.map((credential) => (
          <CloudCredential key={credential.id} credential={credential} onThisBrowser={localPasskeyIds.has(credential.id)} />
        ))}
      </ul>
    );
  }

  return (
    <section className="card" aria-labelledby="cloud-title" aria-busy={credentials.isFetching}>
      <h2 id="cloud-title">Your account’s credentials</h2>
      <p className="muted">
        Every passkey of {me.display_name} ({me.username}), on any device. Revoking one stops it working everywhere.
      </p>
      {body}
    </section>
  );
}

/** `/passkeys`: the passkeys in this browser and, signed in, the account's cloud credentials. */
export function PasskeysRoute() {
  const me = useMe();
  const [supported] = useState(() => missingCapabilities().length === 0);
  const passkeys = useLocalPasskeys({ enabled: supported });
  // A passkey's `passkeyId` is its cloud credential's `id`.
  const localPasskeyIds = new Set((passkeys.data ?? []).map((passkey) => passkey.passkeyId));
  const signedInMe = me.data ?? null;

  return (
    <>
      <title>Passkeys · Bindery</title>
      <h1 className="page-title">Passkeys</h1>
      <LocalPasskeys me={signedInMe} passkeys={passkeys} />
      {signedInMe ? (
        <CloudCredentials me={signedInMe} localPasskeyIds={localPasskeyIds} />
      ) : (
        !me.isPending && (
          <section className="card" aria-labelledby="cloud-title">
            <h2 id="cloud-title">Your account’s credentials</h2>
            <p>
              {me.isError ? `Could not check whether you are signed in. ${me.error.message} ` : ''}
              Sign in to see and revoke the credentials of your account. <Link to={paths.app.home.getHref()}>Go to the home page</Link>
            </p>
          </section>
        )
      )}
    </>
  );
}
