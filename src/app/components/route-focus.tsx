import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

/**
 * After a client-side navigation, moves keyboard and screen-reader focus to the new page's
 * heading, as a full page load would start reading at the top. Without it, the link or button
 * that was clicked unmounts and focus drops to `<body>`: nothing is announced. A page that has
 * already put focus inside the content itself (an error alert, a success) keeps it. The first
 * render is a page load and is left to the browser.
 */
export function RouteFocus() {
  const { pathname } = useLocation();
  const previous = useRef(pathname);

  useEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    const main = document.getElementById('main');
    if (!main) return;
    const active = document.activeElement;
    if (active && active !== document.body && main.contains(active)) return;
    const heading = main.querySelector<HTMLElement>('h1');
    const target = heading ?? main;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  }, [pathname]);

  return null;
}
