/** The six query parameters of an email link as the local cloud redirects to `/bind` (bi-protocol.md). */
export const emailLinkParams = {
  api_base_url: 'http://localhost:8787',
  tenant_id: 'ten1',
  realm_id: 'realm1',
  identity_id: 'ident1',
  job_id: 'job1',
  token: 'TOKEN123',
};

/** `/bind?…` for an email link, with some of its parameters changed. */
export const emailLinkUrl = (overrides: Record<string, string> = {}) => `/bind?${new URLSearchParams({ ...emailLinkParams, ...overrides }).toString()}`;
