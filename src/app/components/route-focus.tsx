import { useFocusOnNavigation } from '../../lib/focus-on-navigation';

/**
 * After a client-side navigation, moves focus to the new page's heading (see
 * `useFocusOnNavigation`). A page that has already put focus inside the content itself (an error
 * alert, a success) keeps it.
 */
export function RouteFocus() {
  useFocusOnNavigation(focusNewPage);
  return null;
}

function focusNewPage(): void {
  const main = document.getElementById('main');
  if (!main) return;
  const active = document.activeElement;
  if (active && active !== document.body && main.contains(active)) return;
  const heading = main.querySelector<HTMLElement>('h1');
  const target = heading ?? main;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus();
}
