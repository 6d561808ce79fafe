import { createHash, timingSafeEqual } from 'node:crypto';
import type { ProtocolConfig } from '../../../contracts/bi/application';

/** The `code_challenge_method`s the cloud accepts (RFC 7636 §4.3), strongest first. */
export const CHALLENGE_METHODS = ['S256', 'plain'] as const;
export type ChallengeMethod = (typeof CHALLENGE_METHODS)[number];

/** An application's `pkce` setting (spec, PkceConfig). */
export type PkceSetting = NonNullable<ProtocolConfig['pkce']>;

/** The challenge an authorize request carried, stored with its transaction; null when it sent none. */
export interface StoredChallenge {
  code_challenge: string;
  code_challenge_method: ChallengeMethod;
}

/** RFC 7636 §4.1: code-verifier = 43*128unreserved, unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** An S256 challenge is BASE64URL(SHA256(verifier)) (RFC 7636 §4.2): base64url only, no padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;

/**
 * What the application asks of PKCE. Spec, PkceConfig: `disabled` "is the
 * default state if the `pkce` field is left blank". A public client with PKCE
 * disabled is refused at creation and update (applications/protocol-rules.ts),
 * but a row written before that rule may hold one: it has no secret, so its
 * codes would be protected by nothing. It must send a challenge (any method).
 */
export function pkceSettingOf(protocol: Pick<ProtocolConfig, 'pkce' | 'confidentiality'> | undefined): PkceSetting {
  const setting = protocol?.pkce ?? 'disabled';
  return setting === 'disabled' && protocol?.confidentiality === 'public' ? 'plain' : setting;
}

/** Whether a challenge sent with `method` (null: none) satisfies `setting`. `plain` takes S256 too: it is stronger than asked. */
export function meetsSetting(setting: PkceSetting, method: ChallengeMethod | null): boolean {
  if (setting === 's256') return method === 'S256';
  if (setting === 'plain') return method !== null;
  return true;
}

/**
 * The PKCE parameters of an authorize request, checked against the
 * application's setting: the challenge to store (null when none is sent and
 * none is required), or why the request is refused (an `invalid_request`).
 * A challenge sent to an application with PKCE disabled is checked and kept
 * all the same: the client that sent it will present its verifier, and
 * enforcing it is what keeps its code useless to whoever intercepts it.
 */
export function challengeFrom(
  setting: PkceSetting,
  params: { code_challenge?: string | undefined; code_challenge_method?: string | undefined },
): { challenge: StoredChallenge | null } | { refusal: string } {
  // RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were omitted".
  const challenge = params.code_challenge || undefined;
  const asked = params.code_challenge_method || undefined;
  if (!challenge) {
    if (asked) return { refusal: 'code_challenge_method was sent without a code_challenge' };
    if (setting === 's256') return { refusal: 'PKCE is required: code_challenge with code_challenge_method=S256' };
    if (setting === 'plain') return { refusal: 'PKCE is required: code_challenge (code_challenge_method plain or S256)' };
    return { challenge: null };
  }
  // RFC 7636 §4.3: the method "defaults to "plain" if not present in the request".
  const method = asked ?? 'plain';
  if (!isChallengeMethod(method)) return { refusal: 'code_challenge_method must be S256 or plain' };
  if (!meetsSetting(setting, method)) return { refusal: 'PKCE is required: code_challenge with code_challenge_method=S256' };
  // A plain challenge is the verifier itself, so it has the verifier's form.
  if (!(method === 'S256' ? S256_CHALLENGE : VERIFIER).test(challenge)) {
    return { refusal: `code_challenge is malformed for code_challenge_method=${method}` };
  }
  return { challenge: { code_challenge: challenge, code_challenge_method: method } };
}

/** Whether a `code_verifier` has the form RFC 7636 §4.1 gives it. */
export function isVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

/**
 * RFC 7636 §4.6: `plain` compares the verifier with the challenge itself, `S256`
 * compares BASE64URL(SHA256(verifier)). In constant time: a plain challenge is
 * the secret itself.
 */
export function verifierMatches(verifier: string, stored: StoredChallenge): boolean {
  const derived = stored.code_challenge_method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(derived);
  const b = Buffer.from(stored.code_challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isChallengeMethod(method: string): method is ChallengeMethod {
  return (CHALLENGE_METHODS as readonly string[]).includes(method);
}
