import { createApplicationRepository } from './applications/repository';
import { createAuditRepository } from './audit/repository';
import { createAuthenticatorConfigRepository } from './authenticator-configs/repository';
import { createBatchJobRepository } from './batch-jobs/repository';
import { createBindingJobRepository } from './binding-jobs/repository';
import { createConsoleRepository } from './console/repository';
import { createCredentialRepository } from './credentials/repository';
import type { Db } from './db/open';
import { createIdentityRepository } from './identities/repository';
import { createOutboxRepository } from './mail/outbox';
import { createOidcRepository } from './oidc/repository';
import { createRealmRepository } from './realms/repository';
import { createTenantRepository } from './tenants/repository';
import { createThemeRepository } from './themes/repository';
import { createTokenRepository } from './tokens/repository';

/** Every repository over one database; statements are prepared once, here. */
export function createRepos(db: Db) {
  return {
    tenants: createTenantRepository(db),
    realms: createRealmRepository(db),
    identities: createIdentityRepository(db),
    credentials: createCredentialRepository(db),
    bindingJobs: createBindingJobRepository(db),
    batchJobs: createBatchJobRepository(db),
    themes: createThemeRepository(db),
    applications: createApplicationRepository(db),
    authenticatorConfigs: createAuthenticatorConfigRepository(db),
    tokens: createTokenRepository(db),
    audit: createAuditRepository(db),
    outbox: createOutboxRepository(db),
    oidc: createOidcRepository(db),
    console: createConsoleRepository(db),
  };
}

export type Repos = ReturnType<typeof createRepos>;
