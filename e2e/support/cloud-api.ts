import { readFileSync } from 'node:fs';
import path from 'node:path';
import { devTenantSchema, type DevTenant } from '../../contracts/dev-tenant';
import { e2eEnv } from './e2e-env';

/**
 * The local cloud's management API, driven over real sockets with the dev
 * tenant's API token, as a backend (or an admin with curl) would drive it.
 */
export class CloudApi {
  readonly tenant: DevTenant;

  constructor() {
    this.tenant = devTenantSchema.parse(JSON.parse(readFileSync(path.join(e2eEnv().dataDir, 'dev-tenant.json'), 'utf8')));
  }

  get realmUrl(): string {
    return `${this.tenant.api_base_url}/v1/tenants/${this.tenant.tenant_id}/realms/${this.tenant.realm_id}`;
  }

  async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${this.tenant.management.api_token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A new identity with a unique username (`{prefix}-{random}`) and an email address. */
  /** `emailDomain` `undeliverable.invalid`: the local SMTP capture refuses the address for good (550). */
  async createIdentity(prefix: string, emailDomain = 'example.com'): Promise<{ id: string; username: string; email: string }> {
    const username = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
    const email = `${username}@${emailDomain}`;
    const identity = await this.call<{ id: string }>('POST', `${this.realmUrl}/identities`, {
      identity: { display_name: `E2E ${prefix}`, traits: { type: 'traits_v0', username, primary_email_address: email } },
    });
    return { id: identity.id, username, email };
  }

  async createBindingJob(identityId: string, deliveryMethod: 'RETURN' | 'EMAIL', extra: Record<string, unknown> = {}) {
    return this.call<{ credential_binding_job: { id: string; state: string }; credential_binding_link?: string }>(
      'POST',
      `${this.realmUrl}/identities/${identityId}/credential-binding-jobs`,
      { job: { delivery_method: deliveryMethod, authenticator_config_id: this.tenant.app.authenticator_config_id, ...extra } },
    );
  }

  getBindingJob(identityId: string, jobId: string) {
    return this.call<{ state: string; credential_id?: string }>('GET', `${this.realmUrl}/identities/${identityId}/credential-binding-jobs/${jobId}`);
  }

  listCredentials(identityId: string) {
    return this.call<{ credentials: { id: string; state: string; jwk_thumbprint: string; jwk_json: string }[]; total_size: number }>(
      'GET',
      `${this.realmUrl}/identities/${identityId}/credentials`,
    );
  }
}
