import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAppConfig } from './config';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'bindery-config-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** A complete environment for the real Beyond Identity cloud (no dev tenant). */
const realCloud = () => ({
  DATA_DIR: dataDir,
  BI_API_BASE_URL: 'https://api-us.beyondidentity.com',
  BI_AUTH_BASE_URL: 'https://auth-us.beyondidentity.com/',
  BI_TENANT_ID: '000176d94fd7b4d1',
  BI_REALM_ID: '19a95130480dfa79',
  BI_APPLICATION_ID: '0001f1f460b1ace6',
  BI_AUTHENTICATOR_CONFIG_ID: '8f5bec58229e6f29',
  BI_API_TOKEN: 'an-api-token',
});

/** A development tenant in DATA_DIR, as `npm start` writes it, whose cloud is `apiBaseUrl`. */
function writeDevTenant(apiBaseUrl: string): void {
  writeFileSync(
    join(dataDir, 'dev-tenant.json'),
    JSON.stringify({
      api_base_url: apiBaseUrl,
      auth_base_url: 'http://localhost:8787',
      tenant_id: 'aaaaaaaaaaaaaaaa',
      realm_id: 'bbbbbbbbbbbbbbbb',
      management: { application_id: 'cccccccccccccccc', client_id: 'cid', client_secret: 'csecret', api_token: 'ignored' },
      app: { application_id: 'dddddddddddddddd', authenticator_config_id: 'eeeeeeeeeeeeeeee', invoke_url: 'http://localhost:3000', client_id: 'x', client_secret: 'y' },
    }),
  );
}

function message(env: NodeJS.ProcessEnv): string {
  try {
    readAppConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('readAppConfig accepted the configuration');
}

describe('readAppConfig', () => {
  it('reads the real cloud from the environment alone', () => {
    const config = readAppConfig({ ...realCloud(), APP_PUBLIC_URL: 'https://app.example.com/', APP_SESSION_SECRET: 'x'.repeat(32) });
    expect(config).toEqual({
      port: 3000,
      publicUrl: 'https://app.example.com',
      sessionSecret: 'x'.repeat(32),
      allowedDomains: ['api-us.beyondidentity.com', 'auth-us.beyondidentity.com'],
      bi: {
        apiBaseUrl: 'https://api-us.beyondidentity.com',
        authBaseUrl: 'https://auth-us.beyondidentity.com',
        tenantId: '000176d94fd7b4d1',
        realmId: '19a95130480dfa79',
        applicationId: '0001f1f460b1ace6',
        authenticatorConfigId: '8f5bec58229e6f29',
        management: { kind: 'token', apiToken: 'an-api-token' },
        signIn: undefined,
      },
    });
  });

  it('reads the sign-in client (BI_APP_CLIENT_ID, BI_APP_CLIENT_SECRET, the auth method) from the environment', () => {
    const env = { ...realCloud(), APP_SESSION_SECRET: 'x'.repeat(32), BI_APP_CLIENT_ID: 'app-client', BI_APP_CLIENT_SECRET: 'app-secret' };
    expect(readAppConfig(env).bi.signIn).toEqual({ clientId: 'app-client', clientSecret: 'app-secret', tokenEndpointAuthMethod: 'client_secret_basic' });
    expect(readAppConfig({ ...env, BI_APP_TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_post' }).bi.signIn).toEqual({
      clientId: 'app-client',
      clientSecret: 'app-secret',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    expect(message({ ...env, BI_APP_TOKEN_ENDPOINT_AUTH_METHOD: 'private_key_jwt' })).toContain(
      '✖ must be client_secret_basic or client_secret_post\n  → at BI_APP_TOKEN_ENDPOINT_AUTH_METHOD',
    );
    for (const half of [{ BI_APP_CLIENT_ID: 'app-client' }, { BI_APP_CLIENT_SECRET: 'app-secret' }]) {
      expect(message({ ...realCloud(), APP_SESSION_SECRET: 'x'.repeat(32), ...half })).toContain(
        '✖ set both BI_APP_CLIENT_ID and BI_APP_CLIENT_SECRET (for sign-in with a passkey), or neither\n  → at BI_APP_CLIENT_SECRET',
      );
    }
  });

  it('names every missing or invalid variable in one message', () => {
    const text = message({ DATA_DIR: dataDir, BI_API_BASE_URL: 'ftp://x', APP_SESSION_SECRET: 'short', BI_TENANT_ID: '../x' });
    expect(text).toMatch(/^Invalid app configuration \(set these in the environment\):/);
    expect(text).toContain('→ at BI_API_BASE_URL');
    expect(text).toContain('must be an http(s) URL');
    expect(text).toContain('✖ must be at least 32 characters\n  → at APP_SESSION_SECRET');
    expect(text).toContain('✖ must be a Beyond Identity id (letters, digits, - or _)\n  → at BI_TENANT_ID');
    for (const name of ['BI_AUTH_BASE_URL', 'BI_REALM_ID', 'BI_APPLICATION_ID', 'BI_AUTHENTICATOR_CONFIG_ID']) expect(text).toContain(`→ at ${name}`);
    expect(text).toContain(
      '✖ set BI_API_TOKEN, or BI_MANAGEMENT_APPLICATION_ID with BI_MANAGEMENT_CLIENT_ID and BI_MANAGEMENT_CLIENT_SECRET\n  → at BI_API_TOKEN',
    );
  });

  it('takes BI_ALLOWED_DOMAINS as a comma list of bare host names', () => {
    const config = readAppConfig({ ...realCloud(), APP_SESSION_SECRET: 'x'.repeat(32), BI_ALLOWED_DOMAINS: ' beyondidentity.com, auth-us.beyondidentity.com ,' });
    expect(config.allowedDomains).toEqual(['beyondidentity.com', 'auth-us.beyondidentity.com']);
    for (const bad of ['https://x.com', 'x.com:443', 'x.com/path', ',']) {
      expect(message({ ...realCloud(), APP_SESSION_SECRET: 'x'.repeat(32), BI_ALLOWED_DOMAINS: bad })).toContain(
        '✖ must be a comma-separated list of bare host names (no scheme, port or path), e.g. localhost,auth-us.beyondidentity.com\n  → at BI_ALLOWED_DOMAINS',
      );
    }
  });

  it('fills BI_* from DATA_DIR/dev-tenant.json, with the environment winning, and defaults the domains to the bare hosts', () => {
    writeDevTenant('http://localhost:8787');
    const config = readAppConfig({ DATA_DIR: dataDir, APP_PORT: '4000', BI_REALM_ID: 'ffffffffffffffff' });
    expect(config.publicUrl).toBe('http://localhost:4000');
    expect(config.allowedDomains).toEqual(['localhost']);
    expect(config.bi).toMatchObject({ tenantId: 'aaaaaaaaaaaaaaaa', realmId: 'ffffffffffffffff', authenticatorConfigId: 'eeeeeeeeeeeeeeee' });
    // The management application's realm defaults to BI_REALM_ID; BI_MANAGEMENT_REALM_ID names another.
    expect(config.bi.management).toEqual({ kind: 'client', realmId: 'ffffffffffffffff', applicationId: 'cccccccccccccccc', clientId: 'cid', clientSecret: 'csecret' });
    expect(readAppConfig({ DATA_DIR: dataDir, BI_MANAGEMENT_REALM_ID: '1111111111111111' }).bi.management).toMatchObject({ kind: 'client', realmId: '1111111111111111' });
    expect(config.bi.signIn).toEqual({ clientId: 'x', clientSecret: 'y', tokenEndpointAuthMethod: 'client_secret_basic' });
    // The environment wins here too.
    expect(readAppConfig({ DATA_DIR: dataDir, BI_APP_CLIENT_ID: 'env-client' }).bi.signIn).toMatchObject({ clientId: 'env-client', clientSecret: 'y' });
  });

  it('takes nothing from dev-tenant.json when BI_API_BASE_URL names another cloud: the unset variables are errors', () => {
    writeDevTenant('http://localhost:8787/');
    const text = message({ DATA_DIR: dataDir, BI_API_BASE_URL: 'https://api-us.beyondidentity.com', BI_TENANT_ID: '0123456789abcdef' });
    for (const name of ['BI_AUTH_BASE_URL', 'BI_REALM_ID', 'BI_APPLICATION_ID', 'BI_AUTHENTICATOR_CONFIG_ID']) expect(text).toContain(`→ at ${name}`);
    // The same cloud, written with a trailing slash or without, still takes the local tenant's values.
    expect(readAppConfig({ DATA_DIR: dataDir, BI_API_BASE_URL: 'http://localhost:8787' }).bi.tenantId).toBe('aaaaaaaaaaaaaaaa');
  });

  it('without APP_SESSION_SECRET, creates DATA_DIR/secrets/app-session.key (0600) once and shares it', () => {
    const first = readAppConfig(realCloud());
    const file = join(dataDir, 'secrets', 'app-session.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.sessionSecret).toBe(readFileSync(file, 'utf8').trim());
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    // A second instance on the same DATA_DIR gets the same key.
    expect(readAppConfig(realCloud()).sessionSecret).toBe(first.sessionSecret);
    // The environment wins over the file.
    expect(readAppConfig({ ...realCloud(), APP_SESSION_SECRET: 'y'.repeat(40) }).sessionSecret).toBe('y'.repeat(40));
  });

  it('refuses a key file that is too short', () => {
    mkdirSync(join(dataDir, 'secrets'), { recursive: true });
    writeFileSync(join(dataDir, 'secrets', 'app-session.key'), 'short\n');
    expect(message(realCloud())).toBe(
      `${join(dataDir, 'secrets', 'app-session.key')} holds fewer than 32 characters; delete it to have a new key made, or set APP_SESSION_SECRET.`,
    );
  });
});
