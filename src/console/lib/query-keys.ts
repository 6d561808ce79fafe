/**
 * Every query key of the console, hierarchical so that a mutation invalidates the narrowest prefix
 * (`['realm', r, 'identities', 'detail', id]` covers the identity, its credentials and its jobs).
 * One module for all features: the live job stream of one feature refreshes another's lists, and
 * features do not import each other.
 */
export const consoleKeys = {
  session: () => ['session'] as const,
  realm: (realmId: string) => ['realm', realmId] as const,

  identities: (realmId: string) => [...consoleKeys.realm(realmId), 'identities'] as const,
  identityLists: (realmId: string) => [...consoleKeys.identities(realmId), 'list'] as const,
  identityList: (realmId: string, query: { q: string; pageToken: string | undefined }) =>
    [...consoleKeys.identityLists(realmId), query] as const,
  /** Everything about one identity: itself, its credentials, its jobs. */
  identity: (realmId: string, identityId: string) => [...consoleKeys.identities(realmId), 'detail', identityId] as const,
  identitySelf: (realmId: string, identityId: string) => [...consoleKeys.identity(realmId, identityId), 'self'] as const,
  credentials: (realmId: string, identityId: string) => [...consoleKeys.identity(realmId, identityId), 'credentials'] as const,
  jobs: (realmId: string, identityId: string) => [...consoleKeys.identity(realmId, identityId), 'jobs'] as const,
  jobList: (realmId: string, identityId: string) => [...consoleKeys.jobs(realmId, identityId), 'list'] as const,
  job: (realmId: string, identityId: string, jobId: string) => [...consoleKeys.jobs(realmId, identityId), 'detail', jobId] as const,
  bindingLinkCurl: (realmId: string, identityId: string, applicationId: string) =>
    [...consoleKeys.identity(realmId, identityId), 'binding-link-curl', applicationId] as const,

  batch: (realmId: string, batchId: string) => [...consoleKeys.realm(realmId), 'batch', batchId] as const,

  applications: (realmId: string) => [...consoleKeys.realm(realmId), 'applications'] as const,
  authenticatorConfigs: (realmId: string) => [...consoleKeys.realm(realmId), 'authenticator-configs'] as const,

  tokens: (realmId: string) => [...consoleKeys.realm(realmId), 'tokens'] as const,

  theme: (realmId: string) => [...consoleKeys.realm(realmId), 'theme'] as const,

  activity: (realmId: string, identityId: string | undefined) =>
    [...consoleKeys.realm(realmId), 'activity', { identityId: identityId ?? null }] as const,
};
