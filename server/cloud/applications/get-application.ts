import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';
import { publicApplication } from './repository';

export const getApplication = defineOperation({
  id: 'GetApplication',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/applications/:application_id',
  scope: 'applications:read',
  level: 'realm',
  handle: ({ params, deps }) =>
    publicApplication(found(deps.repos.applications.get(params.realm_id!, params.application_id!), 'Application', params.application_id!)),
});
