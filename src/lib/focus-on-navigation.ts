import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

/**
 * Calls `focus` after each client-side navigation to another path, so that keyboard and
 * screen-reader focus moves into the new page as a full page load would start reading at its
 * top; otherwise the clicked link or button unmounts and focus drops to `<body>`, and nothing
 * is announced. Not on the first render (a page load, left to the browser), and not when only
 * the query string changes (as it does while typing a search). Shared by the app and the console.
 */
export function useFocusOnNavigation(focus: () => void): void {
  const { pathname } = useLocation();
  const previous = useRef(pathname);
  useEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    focus();
  }, [pathname, focus]);
}
