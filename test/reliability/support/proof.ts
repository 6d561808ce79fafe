import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/** The `sub` the cloud expects in a binding proof: the identity, realm and tenant, as the SDK writes them. */
export function proofSubject(ids: { identity_id: string; realm_id: string; tenant_id: string }): string {
  return `CN=${ids.identity_id}, OU=${ids.realm_id}, O=${ids.tenant_id}`;
}

/**
 * What the SDK sends to `:bind`: an ES256 JWT whose header carries the new
 * P-256 public key and whose payload names the binding token and the identity
 * (see server/cloud/binding/bind.ts). `signWith` signs with another key (a forged proof).
 */
export async function bindingProof(token: string, sub: string, options: { signWith?: CryptoKey } = {}): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return new SignJWT({ sub, token })
    .setProtectedHeader({ alg: 'ES256', jwk: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! } })
    .sign(options.signWith ?? privateKey);
}
