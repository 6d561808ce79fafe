import { z } from 'zod';

/**
 * Characters Beyond Identity refuses in display names and usernames
 * (the `pattern` of `display_name` and `traits.username` in its OpenAPI file).
 */
export const SAFE_NAME_PATTERN = /^[^{}[\]<>;:?\\/|*^%$#=~`!]*$/;

/** A display name or username: 1–64 characters, none of the refused ones. */
export const safeName = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(SAFE_NAME_PATTERN, 'must not contain any of {}[]<>;:?\\/|*^%$#=~`!');

/** An absolute http(s) URL. */
export const httpUrl = z.string().refine(isHttpUrl, 'must be an absolute http(s) URL');

/** An origin: scheme, host and optional port, with no path, query or fragment. */
export const httpOrigin = z.string().refine(isHttpOrigin, 'must be an http(s) origin such as https://app.example.com');

/** True for an absolute http: or https: URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
  } catch {
    return false;
  }
}

/** True for a bare origin (`https://host[:port]`, an optional trailing slash allowed). */
export function isHttpOrigin(value: string): boolean {
  if (!isHttpUrl(value)) return false;
  const url = new URL(value);
  return url.origin === value.replace(/\/$/, '') && url.search === '' && url.hash === '';
}

/** An email address, loosely (the cloud only needs somewhere to send the binding link). */
export const emailAddress = z.string().max(254).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address');

/** List envelopes share this paging tail. */
export interface Page {
  total_size: number;
  next_page_token?: string;
}
