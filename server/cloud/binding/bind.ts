import type { Context } from 'hono';
import { createHash, createPublicKey, verify, type JsonWebKey as NodeJwk, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { z } from 'zod';
import { invalidField } from '../../lib/api-error';
import { hashSecret, newId } from '../../lib/ids';
import type { CloudDeps, CloudEnv } from '../deps';
import { readJsonBody } from '../http/operation';
import { bindingTokenError, problemWith, usableLink } from './binding-token';

const bindBody = z.object({
  type: z.literal('JWT', { error: 'must be "JWT"' }),
  raw: z.string().min(1).max(8192),
});

/**
 * `POST …/credential-binding-jobs/{job}:bind` (Bearer = binding token), body
 * `{"type":"JWT","raw":…}`: the SDK's proof of possession of the new key.
 * The JWT's header carries the new P-256 public key and it is signed by the
 * matching private key (ES256); its payload names the token and the identity.
 * On success, in one transaction: the credential is created ACTIVE, the job
 * turns COMPLETE and the token is used up. The answer is unwrapped
 * `{id, state, create_time, update_time}`, as the SDK requires.
 */
export async function bind(c: Context<CloudEnv>, deps: CloudDeps): Promise<Response> {
  const { job, token } = usableLink(c.get('binding'));
  const body = await readJsonBody(c, bindBody);
  const jwk = verifyProof(body.raw, token, `CN=${job.identity_id}, OU=${job.realm_id}, O=${job.tenant_id}`, deps.clock());
  const thumbprint = ecThumbprint(jwk);

  const credential = await deps.write(() => {
    const now = deps.clock();
    const time = now.toISOString();
    const record = {
      id: newId(),
      tenant_id: job.tenant_id,
      realm_id: job.realm_id,
      identity_id: job.identity_id,
      state: 'ACTIVE' as const,
      csr_type: 'JWT' as const,
      jwk_json: JSON.stringify(jwk),
      jwk_thumbprint: thumbprint,
      create_time: time,
      update_time: time,
    };
    deps.repos.credentials.insert(record);
    // The conditional update is the single-use guarantee: of any number of
    // concurrent binds on one token, only the first to commit finds the job
    // still pending; the others roll back their credential. It also judges the
    // link again where the credential is written, as bi-authenticate and the
    // code grant do: a suspension, revocation or deletion of the authenticator
    // config committed since the request began (while the body was read and the
    // proof verified, or earlier in this group commit) refuses it, so none ends
    // with an ACTIVE credential. Only then is the link read, to say why.
    if (!deps.repos.bindingJobs.complete(job.id, record.id, now)) {
      throw bindingTokenError(problemWith(deps.repos.bindingJobs.getLink(job.id, hashSecret(token), now)) ?? 'used', job.id);
    }
    deps.repos.audit.record(
      { tenant_id: job.tenant_id, realm_id: job.realm_id, actor: 'binding-link', action: 'credential.create', resource_type: 'Credential', resource_id: record.id, identity_id: job.identity_id, detail: { credential_binding_job_id: job.id, jwk_thumbprint: thumbprint } },
      now,
    );
    return record;
  });
  c.header('Cache-Control', 'no-store');
  return c.json({ id: credential.id, state: credential.state, create_time: credential.create_time, update_time: credential.update_time });
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Checks the proof JWT and returns the public JWK it proves possession of.
 * With node:crypto, synchronously: jose's `importJWK` and `jwtVerify` go
 * through WebCrypto, whose key object, argument conversions and thread-pool
 * hop for the verify cost about as much as the key import and the ECDSA
 * verify themselves (`npm run bench:profile -- bind`). What `jwtVerify`
 * checked is checked here too: a compact JWS, ES256 only, no `crit`
 * extensions, a JSON object as claims, and `exp`/`nbf`/`iat` when present.
 */
function verifyProof(raw: string, token: string, expectedSub: string, now: Date): JWK {
  const parts = raw.split('.');
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) throw invalidField('raw', 'must be a compact JWS');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = decodeJson(encodedHeader);
  if (!header) throw invalidField('raw', 'must be a compact JWS');
  if (header.alg !== 'ES256') throw invalidField('raw', 'the proof must be signed with ES256');
  // No extension is understood here, so a JWS that makes one critical is refused (RFC 7515 §4.1.11).
  if ('crit' in header) throw invalidField('raw', 'invalid proof: "crit" extensions are not supported');
  const jwk = header.jwk as Partial<Record<string, unknown>> | undefined;
  if (!jwk || typeof jwk !== 'object' || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || 'd' in jwk) {
    throw invalidField('raw', 'the header must carry the new P-256 public key as "jwk"');
  }
  // Each coordinate is exactly 32 bytes (RFC 7518 §6.2.1.2), canonically encoded: a longer
  // spelling of the same point would be the same key under another thumbprint.
  if (![jwk.x, jwk.y].every((c) => Buffer.from(c, 'base64url').toString('base64url') === c && Buffer.byteLength(c, 'base64url') === 32)) {
    throw invalidField('raw', 'the header must carry the new P-256 public key as "jwk"');
  }
  const publicJwk: JWK = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  let key: KeyObject;
  try {
    // Refuses coordinates that are not a point on P-256.
    key = createPublicKey({ key: publicJwk as NodeJwk, format: 'jwk' });
  } catch {
    throw invalidField('raw', 'the header must carry the new P-256 public key as "jwk"');
  }
  const signature = Buffer.from(encodedSignature, 'base64url');
  // ES256 signatures are r || s, 32 bytes each (RFC 7518 §3.4), not DER.
  const valid =
    signature.length === 64 &&
    verify('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`), { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!valid) throw invalidField('raw', 'signature verification failed');
  const payload = decodeJson(encodedPayload);
  if (!payload) throw invalidField('raw', 'invalid proof: the claims must be a JSON object');
  const seconds = Math.floor(now.getTime() / 1000);
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    if (payload[claim] !== undefined && (typeof payload[claim] !== 'number' || !Number.isFinite(payload[claim]))) {
      throw invalidField('raw', `invalid proof: "${claim}" must be a number`);
    }
  }
  if (typeof payload.exp === 'number' && payload.exp <= seconds) throw invalidField('raw', 'invalid proof: "exp" claim timestamp check failed');
  if (typeof payload.nbf === 'number' && payload.nbf > seconds) throw invalidField('raw', 'invalid proof: "nbf" claim timestamp check failed');
  if (payload.token !== token) throw invalidField('raw', 'token does not match the binding token');
  if (payload.sub !== expectedSub) throw invalidField('raw', `sub must be "${expectedSub}"`);
  return publicJwk;
}

/** A base64url segment's JSON, when it is an object; undefined otherwise. */
function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The RFC 7638 thumbprint (SHA-256, base64url) of a P-256 public key: the
 * hash of its required members in lexicographic order, no whitespace. The
 * same value as jose's `calculateJwkThumbprint`, computed in place rather
 * than by a WebCrypto digest, which costs a hop to the thread pool on every
 * bind for 60 bytes of input.
 */
export function ecThumbprint(jwk: JWK): string {
  const members = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(members).digest('base64url');
}
