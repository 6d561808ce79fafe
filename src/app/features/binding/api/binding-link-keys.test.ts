import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { credentialKeys } from '../../credentials/api/credential-keys';
import { meKeys } from '../../auth/api/get-me';
import { passkeyKeys } from '../../passkeys/api/passkey-keys';
import { bindingLinkKeys, forgetReturnBindingLinks } from './binding-link-keys';

/** A client holding one entry per key, all fresh. */
function clientWith(keys: readonly (readonly unknown[])[]) {
  const client = new QueryClient();
  for (const key of keys) client.setQueryData(key, { key });
  return client;
}

const invalidated = (client: QueryClient) =>
  client
    .getQueryCache()
    .getAll()
    .filter((query) => query.state.isInvalidated)
    .map((query) => query.queryKey);

describe('query keys', () => {
  it('nest as documented', () => {
    expect(bindingLinkKeys.preview('job-1')).toEqual(['binding-link', 'preview', { job_id: 'job-1' }]);
    expect(bindingLinkKeys.return(null)).toEqual(['binding-link', 'return', { next: null }]);
    expect(credentialKeys.list()).toEqual(['credentials', 'list']);
    expect(passkeyKeys.list()).toEqual(['passkeys', 'list']);
    expect(meKeys.all()).toEqual(['me']);
  });

  it("invalidating ['binding-link'] covers every preview and RETURN link, nothing else", async () => {
    const client = clientWith([
      bindingLinkKeys.preview('a'),
      bindingLinkKeys.preview('b'),
      bindingLinkKeys.return('/passkeys'),
      credentialKeys.list(),
      meKeys.all(),
    ]);
    await client.invalidateQueries({ queryKey: bindingLinkKeys.all() });
    expect(invalidated(client)).toEqual([bindingLinkKeys.preview('a'), bindingLinkKeys.preview('b'), bindingLinkKeys.return('/passkeys')]);
  });

  it('invalidating the previews leaves the RETURN links (each refetch would create a binding job)', async () => {
    const client = clientWith([bindingLinkKeys.preview('a'), bindingLinkKeys.return(null)]);
    await client.invalidateQueries({ queryKey: bindingLinkKeys.previews() });
    expect(invalidated(client)).toEqual([bindingLinkKeys.preview('a')]);
  });

  it('one preview is addressed by job id alone', async () => {
    const client = clientWith([bindingLinkKeys.preview('a'), bindingLinkKeys.preview('b')]);
    await client.invalidateQueries({ queryKey: bindingLinkKeys.preview('b') });
    expect(invalidated(client)).toEqual([bindingLinkKeys.preview('b')]);
  });

  it('forgetting the RETURN links drops all of them and keeps the previews', () => {
    const client = clientWith([bindingLinkKeys.return(null), bindingLinkKeys.return('/x'), bindingLinkKeys.preview('a')]);
    forgetReturnBindingLinks(client);
    expect(client.getQueryCache().getAll().map((query) => query.queryKey)).toEqual([bindingLinkKeys.preview('a')]);
  });
});
