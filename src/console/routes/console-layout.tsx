import { Fragment } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { ConsoleShell } from '../components/console-shell';
import { Loading } from '../components/query-state';
import { useSession } from '../features/session/api/get-session';
import { useRealmId } from '../lib/realm';
import { useFocusOnNavigation } from '../../lib/focus-on-navigation';
import { consolePaths } from '../paths';

/** The new page's heading (`PageTitle`), after a client-side navigation (`useFocusOnNavigation`). */
function focusNewPageHeading(): void {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

/** The signed-in part of the console: the shell around the matched page. The loader made sure of the session. */
export function ConsoleLayout() {
  const session = useSession();
  const location = useLocation();
  const realmId = useRealmId();
  useFocusOnNavigation(focusNewPageHeading);
  if (session.isPending) return <Loading what="the console" />;
  // Signed out meanwhile (the session query was cleared): the sign-in page, then back here.
  if (!session.data) return <Navigate to={consolePaths.signIn.getHref(`${location.pathname}${location.search}`)} replace />;
  return (
    <ConsoleShell session={session.data}>
      {/* A page starts over in another realm: its page tokens, selection, chosen application and
          form values belong to the realm it was in, and would be sent to the new one. */}
      <Fragment key={realmId}>
        <Outlet />
      </Fragment>
    </ConsoleShell>
  );
}
