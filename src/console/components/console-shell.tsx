import type { ReactNode } from 'react';
import { Link, NavLink, useNavigate } from 'react-router';
import type { SessionResponse } from '../../../contracts/console-api';
import { useSignOut } from '../features/session/api/sign-out';
import { selectRealm, useRealmId } from '../lib/realm';
import { consolePaths } from '../paths';
import { ErrorText } from './error-text';

const NAV = [
  { to: consolePaths.identities.getHref(), label: 'Identities' },
  { to: consolePaths.batches.getHref(), label: 'Batch' },
  { to: consolePaths.applications.getHref(), label: 'Applications' },
  { to: consolePaths.tokens.getHref(), label: 'API tokens' },
  { to: consolePaths.theme.getHref(), label: 'Theme' },
  { to: consolePaths.activity.getHref(), label: 'Activity' },
];

/** Signs out, then shows the sign-in page; a failure stays next to the button. */
function SignOutButton() {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <>
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() => signOut.mutate(undefined, { onSuccess: () => void navigate(consolePaths.signIn.getHref()) })}
        disabled={signOut.isPending}
        aria-busy={signOut.isPending || undefined}
      >
        Sign out
      </button>
      <ErrorText error={signOut.error} prefix="You are still signed in." />
    </>
  );
}

/** Realm picker, only for tenants with more than one realm. */
function RealmPicker({ session }: { session: SessionResponse }) {
  const realmId = useRealmId();
  if (session.realms.length < 2) return null;
  return (
    <label className="console-realm">
      <span>Realm</span>
      <select className="field__input" value={realmId} onChange={(event) => selectRealm(event.target.value)}>
        {session.realms.map((realm) => (
          <option key={realm.id} value={realm.id}>
            {realm.display_name}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The console's chrome: skip link, header (tenant, realm, admin, sign out), navigation (with the
 * local mail inbox when the cloud runs its SMTP capture) and the main landmark.
 */
export function ConsoleShell({ session, children }: { session: SessionResponse; children: ReactNode }) {
  const realm = session.realms.find((candidate) => candidate.id === session.default_realm_id);
  return (
    <div className="shell console">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="console-container site-header__inner">
          <Link className="brand" to={consolePaths.identities.getHref()}>
            <img className="brand__mark" src="/favicon.svg" alt="" width={28} height={28} />
            <span>Bindery Console</span>
          </Link>
          <div className="console-session">
            <span className="muted">
              {session.tenant.display_name}
              {session.realms.length < 2 && realm ? ` · ${realm.display_name}` : ''}
            </span>
            <RealmPicker session={session} />
            <span>
              Signed in as <strong>{session.admin.username}</strong>
            </span>
            <SignOutButton />
          </div>
        </div>
        <nav className="console-nav" aria-label="Console">
          <ul className="console-container">
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
            {session.inbox && (
              <li>
                <a href={session.inbox.url} target="_blank" rel="noreferrer">
                  Local inbox<span className="visually-hidden"> (opens in a new tab)</span>
                </a>
              </li>
            )}
          </ul>
        </nav>
      </header>
      {/* tabIndex lets the skip link move keyboard focus into the content. */}
      <main id="main" className="console-container site-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
