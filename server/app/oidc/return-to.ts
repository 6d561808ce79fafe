/** Longest `return_to` kept; anything longer is not a path of this app. */
const MAX_LENGTH = 512;

/**
 * Where to go after sign-in: `value` when it is a path on the app's own
 * origin, else `/`. Only a path is ever taken (never a URL), so `/auth/login`
 * cannot be used as an open redirector: `https://evil.example`,
 * `//evil.example` (protocol-relative), `/\evil.example` (browsers read `\`
 * as `/`), whitespace and control characters (browsers strip some of them
 * before parsing) are all refused. `/auth/…` is refused too: returning to
 * the sign-in itself would start another one. The answer is the normalised
 * path, query and fragment.
 */
export function safeReturnTo(value: string | undefined, publicUrl: string): string {
  if (!value || value.length > MAX_LENGTH) return '/';
  // The same rule as the contract's post_binding_redirect_path, plus no control characters.
  if (!/^\/(?!\/)[^\s\\\u0000-\u001f\u007f]*$/.test(value)) return '/';
  const origin = new URL(publicUrl).origin;
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return '/';
  }
  // A backstop: the pattern above already keeps every accepted value on this origin.
  if (url.origin !== origin) return '/';
  // Dot segments can still make one: `/.//evil.example` normalises to the path
  // `//evil.example`, which a Location header reads as another host.
  if (url.pathname.startsWith('//')) return '/';
  if (url.pathname === '/auth' || url.pathname.startsWith('/auth/')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
