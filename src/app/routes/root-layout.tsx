import { Outlet } from 'react-router';
import { AppShell } from '../components/app-shell';

/** The root route: page chrome around the matched child route. */
export function RootLayout() {
  return (
    <AppShell>
      <Outlet />
    </AppShell>
  );
}
