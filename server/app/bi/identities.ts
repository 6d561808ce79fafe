import { z } from 'zod';
import { BiError } from './errors';
import { idSegment, lookup, type BiHttp } from './http';

/** The fields of a Beyond Identity identity that the app reads. */
export const biIdentity = z.object({
  id: z.string(),
  display_name: z.string(),
  status: z.string().optional(),
  traits: z.object({
    username: z.string(),
    primary_email_address: z.string().optional(),
  }),
});
export type BiIdentity = z.infer<typeof biIdentity>;

const identityList = z.object({ identities: z.array(biIdentity) });

export interface NewIdentity {
  username: string;
  email: string;
  displayName: string;
}

/** Identities: CreateIdentity, GetIdentity and ListIdentities by username (the only filter Beyond Identity supports). */
export function identitiesClient(http: BiHttp) {
  return {
    /** Creates an active identity. @throws {BiError} `username_taken` when the realm has the username (in any case). */
    async create(input: NewIdentity): Promise<BiIdentity> {
      try {
        return await http.management('CreateIdentity', 'POST', '/identities', biIdentity, {
          identity: {
            display_name: input.displayName,
            traits: { type: 'traits_v0', username: input.username, primary_email_address: input.email },
          },
        });
      } catch (error) {
        // CreateIdentity's only 409 is the realm's unique (case-insensitive) username.
        if (error instanceof BiError && error.code === 'conflict') {
          throw new BiError('username_taken', error.upstream, { cause: error });
        }
        throw error;
      }
    },

    /** GetIdentity. @throws {BiError} `not_found`, also for an id the cloud refuses as malformed (see `lookup`). */
    async get(id: string): Promise<BiIdentity> {
      return await lookup(() => http.management('GetIdentity', 'GET', `/identities/${idSegment(id)}`, biIdentity));
    },

    /** The identity with this username (compared regardless of case, as Beyond Identity does), if any. */
    async findByUsername(username: string): Promise<BiIdentity | undefined> {
      const list = await http.management('ListIdentities', 'GET', `/identities?${query(`traits.username eq ${quoted(username)}`, 1)}`, identityList);
      return list.identities.find((i) => i.traits.username.toLowerCase() === username.toLowerCase());
    },

  };
}

export type IdentitiesClient = ReturnType<typeof identitiesClient>;

/** A SCIM filter string literal (RFC 7644 §3.4.2.2): `"` and `\` are escaped, so a value cannot end the filter early. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

function query(filter: string, pageSize: number): string {
  return new URLSearchParams({ filter, page_size: String(pageSize) }).toString();
}
