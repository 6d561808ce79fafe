import { vi, type Mock } from 'vitest';

export interface StubbedLocation {
  href: string;
  origin: string;
  protocol: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
  assign: Mock<(url: string | URL) => void>;
  replace: Mock<(url: string | URL) => void>;
  reload: Mock<() => void>;
}

/**
 * Replaces `window.location` (jsdom's cannot be spied on: its methods are unforgeable) with a
 * plain object for `url`, whose `assign`, `replace` and `reload` only record their calls. Undo
 * with `vi.unstubAllGlobals()`.
 */
export function stubLocation(url: string): StubbedLocation {
  const parsed = new URL(url, window.location.origin);
  const location: StubbedLocation = {
    href: parsed.href,
    origin: parsed.origin,
    protocol: parsed.protocol,
    host: parsed.host,
    hostname: parsed.hostname,
    port: parsed.port,
    pathname: parsed.pathname,
    search: parsed.search,
    hash: parsed.hash,
    assign: vi.fn(),
    replace: vi.fn(),
    reload: vi.fn(),
  };
  vi.stubGlobal('location', location);
  return location;
}
