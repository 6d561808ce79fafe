import { createApplication } from './applications/create-application';
import { deleteApplication } from './applications/delete-application';
import { getApplication } from './applications/get-application';
import { listApplications } from './applications/list-applications';
import { updateApplication } from './applications/update-application';
import { createAuthenticatorConfig } from './authenticator-configs/create-authenticator-config';
import { deleteAuthenticatorConfig } from './authenticator-configs/delete-authenticator-config';
import { getAuthenticatorConfig } from './authenticator-configs/get-authenticator-config';
import { listAuthenticatorConfigs } from './authenticator-configs/list-authenticator-configs';
import { updateAuthenticatorConfig } from './authenticator-configs/update-authenticator-config';
import { createBatchJob } from './batch-jobs/create-batch-job';
import { getBatchJob } from './batch-jobs/get-batch-job';
import { listBatchResults } from './batch-jobs/list-batch-results';
import { createBindingJob } from './binding-jobs/create-binding-job';
import { getBindingJob } from './binding-jobs/get-binding-job';
import { listBindingJobs } from './binding-jobs/list-binding-jobs';
import { revokeBindingJob } from './binding-jobs/revoke-binding-job';
import { getCredential } from './credentials/get-credential';
import { listCredentials } from './credentials/list-credentials';
import { revokeCredential } from './credentials/revoke-credential';
import type { Operation } from './http/operation';
import { batchDeleteIdentities } from './identities/batch-delete-identities';
import { createIdentity } from './identities/create-identity';
import { deleteIdentity } from './identities/delete-identity';
import { getIdentity } from './identities/get-identity';
import { listIdentities } from './identities/list-identities';
import { updateIdentity } from './identities/update-identity';
import { createRealm } from './realms/create-realm';
import { deleteRealm } from './realms/delete-realm';
import { getRealm } from './realms/get-realm';
import { listRealms } from './realms/list-realms';
import { updateRealm } from './realms/update-realm';
import { getTenant } from './tenants/get-tenant';
import { updateTenant } from './tenants/update-tenant';
import { createTheme } from './themes/create-theme';
import { getActiveTheme } from './themes/get-active-theme';
import { getTheme } from './themes/get-theme';
import { updateTheme } from './themes/update-theme';
import { listTokens } from './tokens/list-tokens';
import { revokeToken } from './tokens/revoke-token';

/**
 * Every management operation the local cloud serves. Static paths come before
 * parameterised ones at the same depth (`themes/active` before `themes/{id}`).
 */
export const managementOperations = [
  getTenant, updateTenant,
  createRealm, listRealms, getRealm, updateRealm, deleteRealm,
  createIdentity, listIdentities, batchDeleteIdentities, getIdentity, updateIdentity, deleteIdentity,
  listCredentials, getCredential, revokeCredential,
  createBindingJob, listBindingJobs, getBindingJob, revokeBindingJob,
  createBatchJob, getBatchJob, listBatchResults,
  createTheme, getActiveTheme, getTheme, updateTheme,
  createApplication, listApplications, getApplication, updateApplication, deleteApplication,
  createAuthenticatorConfig, listAuthenticatorConfigs, getAuthenticatorConfig, updateAuthenticatorConfig, deleteAuthenticatorConfig,
  listTokens, revokeToken,
] as unknown as readonly Operation[];
