import { describe, expect, it } from 'vitest';
import { BIND_LINK_PARAMS, hasBindLinkParams, parseBindLinkQuery, toSdkBindUrl } from './bind-link';

const httpQuery = {
  api_base_url: 'http://localhost:8787',
  tenant_id: 'ten-1',
  realm_id: 'realm-1',
  identity_id: 'id-1',
  job_id: 'job-1',
  token: 'tok/+=en',
};
const search = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

describe('parseBindLinkQuery', () => {
  it('reads the six parameters', () => {
    expect(parseBindLinkQuery(search(httpQuery))).toEqual(httpQuery);
  });

  it.each(BIND_LINK_PARAMS)('is not a binding link without %s', (name) => {
    const { [name]: _omitted, ...rest } = httpQuery;
    expect(parseBindLinkQuery(search(rest))).toBeNull();
  });

  it.each(BIND_LINK_PARAMS)('is not a binding link with an empty %s', (name) => {
    expect(parseBindLinkQuery(search({ ...httpQuery, [name]: ' ' }))).toBeNull();
  });

  it('ignores extra parameters', () => {
    expect(parseBindLinkQuery(search({ ...httpQuery, utm_source: 'mail', next: '/x', junk: '<script>' }))).toEqual(httpQuery);
  });

  it('rejects an api_base_url that is not an absolute http(s) URL', () => {
    expect(parseBindLinkQuery(search({ ...httpQuery, api_base_url: 'javascript:alert(1)' }))).toBeNull();
    expect(parseBindLinkQuery(search({ ...httpQuery, api_base_url: '/relative' }))).toBeNull();
    expect(parseBindLinkQuery(search({ ...httpQuery, api_base_url: 'ftp://example.com' }))).toBeNull();
  });

  it('does not take credential_binding_job_id for job_id', () => {
    const { job_id: _job, ...rest } = httpQuery;
    expect(parseBindLinkQuery(search({ ...rest, credential_binding_job_id: 'job-1' }))).toBeNull();
  });
});

describe('hasBindLinkParams', () => {
  it('tells an EMAIL query (even incomplete) from the RETURN flow', () => {
    expect(hasBindLinkParams(search(httpQuery))).toBe(true);
    expect(hasBindLinkParams('?token=abc')).toBe(true);
    expect(hasBindLinkParams('?next=/passkeys')).toBe(false);
    expect(hasBindLinkParams('')).toBe(false);
  });
});

describe('toSdkBindUrl', () => {
  it('turns an http api_base_url into the :invokeAuthenticator link', () => {
    const query = search(httpQuery);
    const params = parseBindLinkQuery(query)!;
    expect(toSdkBindUrl(params, { origin: 'http://localhost:3000', search: query })).toBe(
      'http://localhost:8787/v1/tenants/ten-1/realms/realm-1/identities/id-1/credential-binding-jobs/job-1:invokeAuthenticator?token=tok%2F%2B%3Den',
    );
  });

  it('drops trailing slashes of api_base_url and encodes path segments', () => {
    const params = { ...httpQuery, api_base_url: 'http://cloud.test/', job_id: 'a b' };
    expect(toSdkBindUrl(params, { origin: 'http://app.test', search: '' })).toBe(
      'http://cloud.test/v1/tenants/ten-1/realms/realm-1/identities/id-1/credential-binding-jobs/a%20b:invokeAuthenticator?token=tok%2F%2B%3Den',
    );
  });

  it('passes an https link to the SDK unchanged, as a full URL of this origin', () => {
    const query = `${search({ ...httpQuery, api_base_url: 'https://api-us.beyondidentity.com' })}&extra=1`;
    const params = parseBindLinkQuery(query)!;
    expect(toSdkBindUrl(params, { origin: 'https://app.example.com', search: query })).toBe(
      `https://app.example.com/bind${query}`,
    );
  });
});
