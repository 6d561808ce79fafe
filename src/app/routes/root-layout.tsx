import { Outlet } from 'react-router';
import { AppShell } from '../components/app-shell';
import { RouteFocus } from '../components/route-focus';
import { useSignOutOnUnauthenticated } from '../features/auth/sign-out-on-unauthenticated';

/** The root route: page chrome around the matched child route. */
export function RootLayout() {
  useSignOutOnUnauthenticated();
  return (
    <AppShell>
      <RouteFocus />
      <Outlet />
    </AppShell>
  );
}
