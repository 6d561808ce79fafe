import type {
  ConsoleApplication,
  CredentialRow,
  IdentityDetail,
  IdentityRow,
  JobRow,
  SessionResponse,
} from '../../../../contracts/console-api';
import { json } from '../../../lib/testing/fetch-stub';

/** Ids are 16 lowercase hex characters, as the contract requires. */
export const REALM = 'aaaaaaaaaaaaaaaa';
export const TENANT = 'bbbbbbbbbbbbbbbb';
export const APP_ID = 'cccccccccccccccc';
export const MGMT_APP_ID = 'dddddddddddddddd';
export const ANN = '1111111111111111';
export const BOB = '2222222222222222';
export const JOB = '3333333333333333';
export const CREDENTIAL = '4444444444444444';
export const BATCH = '5555555555555555';

const TIME = '2030-01-01T10:00:00.000Z';

export const realmPath = (path = '') => `/console/api/realms/${REALM}${path}`;

export function session(overrides: Partial<SessionResponse> = {}): SessionResponse {
  return {
    admin: { id: 'eeeeeeeeeeeeeeee', username: 'admin', last_sign_in_time: TIME },
    csrf_token: 'csrf-1',
    expire_time: '2030-01-01T22:00:00.000Z',
    tenant: { id: TENANT, display_name: 'Bindery Dev' },
    realms: [{ id: REALM, display_name: 'Bindery' }],
    default_realm_id: REALM,
    cloud: { api_base_url: 'http://localhost:8787', auth_base_url: 'http://localhost:8787' },
    inbox: { url: 'http://localhost:8787/inbox' },
    ...overrides,
  };
}

export function identityRow(overrides: Partial<IdentityRow> = {}): IdentityRow {
  return {
    id: ANN,
    username: 'ann',
    display_name: 'Ann Lee',
    email: 'ann@example.com',
    status: 'active',
    enrollment_status: 'PENDING',
    passkey_bound: false,
    create_time: TIME,
    update_time: TIME,
    ...overrides,
  };
}

export function identityDetail(overrides: Partial<IdentityDetail> = {}): IdentityDetail {
  const row = identityRow(overrides);
  return {
    ...row,
    traits: { type: 'traits_v0', username: row.username, ...(row.email ? { primary_email_address: row.email } : {}) },
    ...overrides,
  };
}

export function jobRow(overrides: Partial<JobRow> = {}): JobRow {
  const state = overrides.state ?? 'LINK_SENT';
  return {
    id: JOB,
    identity_id: ANN,
    delivery_method: 'EMAIL',
    state,
    state_reason: null,
    terminal: ['COMPLETE', 'EXPIRED', 'FAILED_TO_SEND', 'REVOKED'].includes(state),
    authenticator_config_id: 'ffffffffffffffff',
    application_id: APP_ID,
    batch_id: null,
    credential_id: null,
    post_binding_redirect_uri: null,
    create_time: TIME,
    update_time: TIME,
    expire_time: '2030-01-08T10:00:00.000Z',
    email: { recipient: 'ann@example.com', state: 'queued', attempts: 0, last_error: null, sent_time: null },
    ...overrides,
  };
}

export function credentialRow(overrides: Partial<CredentialRow> = {}): CredentialRow {
  return {
    id: CREDENTIAL,
    state: 'ACTIVE',
    csr_type: 'JWT',
    jwk_thumbprint: 'thumbprint-of-the-key',
    create_time: TIME,
    update_time: TIME,
    ...overrides,
  };
}

export function application(overrides: { id?: string; name?: string; canBind?: boolean } = {}): ConsoleApplication {
  const id = overrides.id ?? APP_ID;
  const canBind = overrides.canBind ?? true;
  return {
    application: {
      id,
      realm_id: REALM,
      tenant_id: TENANT,
      display_name: overrides.name ?? 'Bindery App',
      is_managed: !canBind,
      ...(canBind ? { authenticator_config_id: 'ffffffffffffffff' } : {}),
      protocol_config: { type: 'oidc', client_id: `client-${id}` },
    },
    authenticator_config: canBind
      ? {
          id: 'ffffffffffffffff',
          realm_id: REALM,
          tenant_id: TENANT,
          display_name: 'Bindery App (embedded)',
          config: { type: 'embedded', invoke_url: 'http://localhost:3000', trusted_origins: ['http://localhost:3000'], invocation_type: 'automatic' },
        }
      : null,
    can_bind: canBind,
  };
}

/** The contract's error body. */
export function consoleError(status: number, code: string, message = `${code} (from the test)`, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json({ code, message, ...extra }, status, headers);
}
