import { z } from 'zod';
import { idSegment, lookup, type BiHttp } from './http';

/** The fields of a credential (the cloud side of a passkey) that the app reads. */
export const biCredential = z.object({
  id: z.string(),
  identity_id: z.string(),
  state: z.string(),
  jwk_thumbprint: z.string(),
  create_time: z.string(),
  update_time: z.string(),
});
export type BiCredential = z.infer<typeof biCredential>;

const credentialPage = z.object({
  credentials: z.array(biCredential),
  next_page_token: z.string().optional(),
});

/** ListCredentials pages this big (Beyond Identity's maximum). */
const PAGE_SIZE = 200;
/** A person with more than 2,000 credentials is not a person; stop there rather than loop. */
const MAX_PAGES = 10;

/** Credentials: ListCredentials and RevokeCredential, always for one identity. */
export function credentialsClient(http: BiHttp) {
  const path = (identityId: string) => `/identities/${idSegment(identityId)}/credentials`;
  return {
    /** Every credential of the identity (following `next_page_token`). */
    async list(identityId: string): Promise<BiCredential[]> {
      const all: BiCredential[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const params = new URLSearchParams({ page_size: String(PAGE_SIZE), ...(pageToken ? { page_token: pageToken } : {}) });
        const result = await http.management('ListCredentials', 'GET', `${path(identityId)}?${params}`, credentialPage);
        all.push(...result.credentials);
        pageToken = result.next_page_token;
        if (!pageToken) break;
      }
      return all;
    },

    /**
     * RevokeCredential. The identity is part of the path, so Beyond Identity
     * itself refuses (404) a credential of another identity.
     * @throws {BiError} `not_found`, also for an id the cloud refuses as malformed (see `lookup`).
     */
    async revoke(identityId: string, credentialId: string): Promise<BiCredential> {
      return await lookup(() => http.management('RevokeCredential', 'POST', `${path(identityId)}/${idSegment(credentialId)}:revoke`, biCredential, {}));
    },
  };
}

export type CredentialsClient = ReturnType<typeof credentialsClient>;
