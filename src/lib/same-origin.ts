/**
 * Redirect targets are checked here so that a link someone crafted cannot send a person to
 * another site after they create a passkey (an open redirect dressed in our domain).
 */

/** Characters that browsers strip or reinterpret in URLs (tabs, newlines, controls, backslash). */
const UNSAFE = /[\u0000-\u001f\u007f\s\\]/;

/**
 * A `?next=` value: a path on this site (`/passkeys`, `/x?y#z`), never a URL, a scheme-relative
 * `//host` or anything with whitespace or backslashes. Mirrors `bindingLinkRequest` of the
 * contract, and resolves it to be sure it stays on `origin`.
 *
 * @returns the path, or `null` when it is not a safe same-origin path.
 */
export function safeNextPath(value: string | null | undefined, origin: string = window.location.origin): string | null {
  if (!value || value.length > 512 || !value.startsWith('/') || value.startsWith('//') || UNSAFE.test(value)) {
    return null;
  }
  return sameOriginPath(value, origin);
}

/**
 * A redirect URI from elsewhere (e.g. the SDK's `postBindingRedirectUri`): a full URL or a path,
 * accepted only when it resolves to `origin` over http(s).
 *
 * @returns the path with query and hash, for the router, or `null` to ignore it.
 */
export function sameOriginPath(value: string | null | undefined, origin: string = window.location.origin): string | null {
  if (!value || UNSAFE.test(value.trim())) return null;
  let url: URL;
  try {
    url = new URL(value.trim(), origin);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== new URL(origin).origin) return null;
  // `http://here//evil.example` (or `/.//evil.example`) is on this origin, but its path alone,
  // `//evil.example`, names another host wherever a path is taken as a URL.
  if (url.pathname.startsWith('//')) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
