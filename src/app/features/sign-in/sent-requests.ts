import { PasskeyError } from '../../../passkeys/passkey-error';

/**
 * What this browser remembers of a sign-in request it sent a proof for, so that a reloaded
 * `/bi-authenticate?request=…` page, or the same request opened in another tab, can tell a used
 * request from a refused passkey:
 * - `sent`: a proof went out and its answer is not known (still on its way, lost, or the page was
 *   left or reloaded before it came): the cloud may have used the request;
 * - `allowed`: the cloud allowed a proof: it has used the request (it takes each one once).
 *
 * Nothing is kept for a request whose proof was refused or never sent: the cloud uses a request
 * only when it allows it (`useTransaction` before `{"type":"allow"}`), so it is still usable.
 */
export type SentRequestState = 'sent' | 'allowed';

/** One sign-in request, as this page identifies it in `localStorage`. */
export interface SignInRequest {
  /** The storage key: a hash of the request JWT, never the JWT itself. */
  key: string;
  /** The request JWT's `exp` in ms since the epoch, if it could be read. */
  expiresAt: number | undefined;
}

const KEY_PREFIX = 'bindery.sign-in.sent.';
/** How long a record is kept when the request's `exp` cannot be read (the cloud's requests last 5 minutes). */
const FALLBACK_LIFETIME_MS = 60 * 60 * 1000;

interface StoredRecord {
  state: SentRequestState;
  /** When to forget it (ms since the epoch): once the request has expired it cannot be used anyway. */
  until: number;
}

/**
 * The sign-in request of a `/bi-authenticate?request=<JWT>` URL, or `undefined` without one.
 *
 * The JWT's claims are read without checking its signature: the SDK checks it
 * (`getAuthenticationContext`), and the page only uses `exp` to word a refusal, never to trust
 * anything.
 */
export function signInRequestOf(url: string): SignInRequest | undefined {
  let jwt: string | null;
  try {
    jwt = new URL(url).searchParams.get('request');
  } catch {
    return undefined;
  }
  if (!jwt) return undefined;
  return { key: `${KEY_PREFIX}${hashText(jwt)}`, expiresAt: expiryOf(jwt) };
}

/** Whether the request's `exp` (as read by `signInRequestOf`) has passed by this browser's clock. */
export function isRequestExpired(request: SignInRequest | undefined, now = Date.now()): boolean {
  return request?.expiresAt !== undefined && now >= request.expiresAt;
}

/** What this browser remembers of `request`, if anything (an expired record is forgotten). */
export function readSentRequest(request: SignInRequest, now = Date.now()): SentRequestState | undefined {
  const record = parseRecord(storage()?.getItem(request.key) ?? null);
  return record && record.until > now ? record.state : undefined;
}

/**
 * Sends a proof for `request` with `send` (the SDK's `authenticate`) and keeps what became of it:
 * `sent` before `send` starts (a reload from now on may find the request used), `allowed` once it
 * succeeded, and the earlier state back when the failure shows the cloud did not use the request.
 */
export async function sendRemembered<T>(request: SignInRequest | undefined, send: () => Promise<T>): Promise<T> {
  if (!request) return send();
  const before = readSentRequest(request);
  writeRecord(request, 'sent');
  try {
    const result = await send();
    writeRecord(request, 'allowed');
    return result;
  } catch (error) {
    if (!mayHaveUsedRequest(error)) writeRecord(request, before);
    throw error;
  }
}

/**
 * Whether the cloud may have used the request in the attempt that failed with `error`. Not when
 * it refused the proof (`denied`: it uses a request only to allow it), nor when the SDK stopped
 * before sending anything (its own checks, or it did not start); otherwise it may have.
 */
function mayHaveUsedRequest(error: unknown): boolean {
  if (!(error instanceof PasskeyError)) return true;
  switch (error.code) {
    case 'denied':
    case 'passkey_not_found':
    case 'request_expired':
    case 'not_an_authenticate_url':
    case 'unsupported_browser':
    case 'sdk_load_failed':
    case 'config_failed':
    case 'app_server_unreachable':
      return false;
    default:
      return true;
  }
}

function writeRecord(request: SignInRequest, state: SentRequestState | undefined): void {
  const store = storage();
  if (!store) return;
  const now = Date.now();
  try {
    if (state === undefined) {
      store.removeItem(request.key);
      return;
    }
    forgetExpired(store, now);
    const record: StoredRecord = { state, until: request.expiresAt ?? now + FALLBACK_LIFETIME_MS };
    store.setItem(request.key, JSON.stringify(record));
  } catch {
    // Storage full or refused: the page words a refusal as it would without a record.
  }
}

/** Drops the records of requests that have expired, so they do not pile up in the browser. */
function forgetExpired(store: Storage, now: number): void {
  const keys: string[] = [];
  for (let index = 0; index < store.length; index += 1) {
    const key = store.key(index);
    if (key?.startsWith(KEY_PREFIX)) keys.push(key);
  }
  for (const key of keys) {
    const record = parseRecord(store.getItem(key));
    if (!record || record.until <= now) store.removeItem(key);
  }
}

function parseRecord(text: string | null): StoredRecord | undefined {
  if (text === null) return undefined;
  try {
    const value = JSON.parse(text) as Partial<StoredRecord> | null;
    if ((value?.state === 'sent' || value?.state === 'allowed') && typeof value.until === 'number') {
      return { state: value.state, until: value.until };
    }
  } catch {
    // Not ours, or damaged: as if there were none.
  }
  return undefined;
}

/**
 * `localStorage`, or `undefined` where the browser refuses it (storage disabled). Not
 * `sessionStorage`, which each tab has its own of: a used request opened in another tab (a copied
 * address, a restored window) would then read as a refused passkey, since the cloud refuses both
 * alike. A record holds a hash and a state, and lasts no longer than its request.
 */
function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** The request JWT's `exp`, in ms; `undefined` when the payload is not readable JSON with a numeric `exp`. */
function expiryOf(jwt: string): number | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='))) as { exp?: unknown } | null;
    return typeof claims?.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A 106-bit hash of `text` (two 53-bit cyrb53 hashes with different seeds), as hex. Synchronous,
 * so the page knows on its first render whether it sent this request before; it only has to keep
 * the JWT out of storage and tell one browser's few live requests apart, not resist an attacker.
 */
function hashText(text: string): string {
  return cyrb53(text, 0x9e3779b9).toString(16).padStart(14, '0') + cyrb53(text, 0x85ebca6b).toString(16).padStart(14, '0');
}

function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
