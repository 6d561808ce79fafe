import type { Context } from 'hono';
import { z } from 'zod';
import type { Credential } from '../../../../contracts/bi/credential';
import type { Identity } from '../../../../contracts/bi/identity';
import {
  createIdentityRequest,
  listCredentialsQuery,
  listIdentitiesQuery,
  updateIdentityRequest,
  type IdentityDetail,
  type ListCredentialsResponse,
  type ListIdentitiesQuery,
  type ListIdentitiesResponse,
} from '../../../../contracts/console-api';
import { ApiError, found, invalidField } from '../../../lib/api-error';
import { revokeCredential } from '../../credentials/revoke-credential';
import type { CloudDeps } from '../../deps';
import { readJsonBody } from '../../http/operation';
import { readPage, takePage } from '../../http/paging';
import { createIdentity } from '../../identities/create-identity';
import { deleteIdentity } from '../../identities/delete-identity';
import { updateIdentity } from '../../identities/update-identity';
import { idParam, runAsAdmin } from '../as-admin';
import { readQuery } from '../errors';
import type { ConsoleEnv } from '../session';
import { credentialRow, identityDetail, identityRow } from '../views';

type C = Context<ConsoleEnv>;

/** Custom methods take `{}` or no body (like the API's `:revoke`). */
const revokeCredentialBody = z.object({});

/** Identities and their credentials. */
export function identityRoutes(deps: CloudDeps) {
  const { identities } = deps.repos;
  const getIdentity = (c: C, id: string): Identity =>
    found(identities.get(c.get('realmId'), id, deps.clock()), 'Identity', id);

  return {
    listIdentities(c: C): Response {
      const query = readQuery(c, listIdentitiesQuery);
      const page = readSearchPage(query);
      const realmId = c.get('realmId');
      const now = deps.clock();
      const { rows, total } = deps.repos.console.searchIdentities(realmId, page.filter, page);
      const { items, ...rest } = takePage(rows, page, total, (row) => identityRow(identities.get(realmId, row.id, now)!));
      return c.json({ identities: items, ...rest } satisfies ListIdentitiesResponse);
    },

    async createIdentity(c: C): Promise<Response> {
      const body = await readJsonBody(c, createIdentityRequest);
      const created = await runAsAdmin(c, deps, createIdentity, {
        body: {
          identity: {
            display_name: body.display_name,
            ...(body.status ? { status: body.status } : {}),
            traits: { type: 'traits_v0', username: body.username, ...(body.email ? { primary_email_address: body.email } : {}) },
          },
        },
      }) as Identity;
      return c.json(identityDetail(created) satisfies IdentityDetail);
    },

    getIdentity(c: C): Response {
      return c.json(identityDetail(getIdentity(c, idParam(c, 'identity_id'))) satisfies IdentityDetail);
    },

    async updateIdentity(c: C): Promise<Response> {
      const identityId = idParam(c, 'identity_id');
      const body = await readJsonBody(c, updateIdentityRequest);
      const traits = {
        ...(body.username !== undefined ? { username: body.username } : {}),
        // The API removes the address when it is set to ''.
        ...(body.email !== undefined ? { primary_email_address: body.email ?? '' } : {}),
      };
      const updated = await runAsAdmin(c, deps, updateIdentity, {
        params: { identity_id: identityId },
        body: {
          identity: {
            ...(body.display_name !== undefined ? { display_name: body.display_name } : {}),
            ...(body.status !== undefined ? { status: body.status } : {}),
            ...(Object.keys(traits).length > 0 ? { traits } : {}),
          },
        },
      }) as Identity;
      return c.json(identityDetail(updated) satisfies IdentityDetail);
    },

    async deleteIdentity(c: C): Promise<Response> {
      await runAsAdmin(c, deps, deleteIdentity, { params: { identity_id: idParam(c, 'identity_id') } });
      return c.body(null, 204);
    },

    /**
     * Newest first, a page at a time. The Management API lists oldest first; a first page of
     * that, reversed, showed the oldest credentials and hid the newest (the ones an admin comes
     * to revoke) behind any number of old revoked ones. The page token's cursor is the last
     * (oldest) row shown: the next page is the rows before it.
     */
    listCredentials(c: C): Response {
      const identity = getIdentity(c, idParam(c, 'identity_id'));
      const query = readQuery(c, listCredentialsQuery);
      const page = readPage({ page_size: query.page_size?.toString(), page_token: query.page_token }, { defaultSize: 100, maxSize: 100 });
      const { rows, total } = deps.repos.console.credentialsOfIdentity(identity.realm_id, identity.id, {
        // 0: no token, the first page (rowids start at 1).
        ...(page.afterSeq > 0 ? { beforeSeq: page.afterSeq } : {}),
        limit: page.size + 1,
      });
      const { items, ...rest } = takePage(rows, page, total, credentialRow);
      return c.json({ credentials: items, ...rest } satisfies ListCredentialsResponse);
    },

    async revokeCredential(c: C): Promise<Response> {
      const params = { identity_id: idParam(c, 'identity_id'), credential_id: idParam(c, 'credential_id') };
      await readJsonBody(c, revokeCredentialBody);
      const credential = await runAsAdmin(c, deps, revokeCredential, { params }) as Credential;
      return c.json(credentialRow(credential));
    },
  };
}

/**
 * The page to read. The search string rides in the page token as the API's
 * `filter` does, so a token used with another `q` is a 400 (naming `q`).
 */
function readSearchPage(query: ListIdentitiesQuery) {
  try {
    return readPage({ page_size: query.page_size?.toString(), page_token: query.page_token, filter: query.q ?? '' }, { defaultSize: 20, maxSize: 100 });
  } catch (error) {
    const field = error instanceof ApiError && error.details?.[0]?.type === 'FieldViolations' ? error.details[0].field_violations[0]?.field : undefined;
    if (field === 'filter') throw invalidField('q', 'must match the q of the page token');
    throw error;
  }
}
