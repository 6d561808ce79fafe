import { describe, expect, it } from 'vitest';
import { createTestCloud } from '../test/harness';
import { retiredKeySeconds, rotateSigningKey } from './rotate-signing-key';

const setLifetime = (t: ReturnType<typeof createTestCloud>, applicationId: string, seconds: number) =>
  t.db
    .prepare(`UPDATE applications SET protocol_config_json = json_set(protocol_config_json, '$.token_configuration.expires_after', ?) WHERE id = ?`)
    .run(seconds, applicationId);

describe('rotateSigningKey', () => {
  it('keeps the old key published for the longest token lifetime of any application, and signs with the new one', async () => {
    const t = createTestCloud();
    const now = t.cloud.deps.clock();
    const old = await t.cloud.deps.signingKeys.current(now);
    // The seeded app sets no lifetime (an hour); the management app's 90 days are for API tokens, which the key does not sign.
    expect(retiredKeySeconds(t.db)).toBe(3600);
    setLifetime(t, t.tenant.app.application_id, 86_400);
    expect(retiredKeySeconds(t.db)).toBe(86_400);
    // Without the code grant, an application's lifetime does not count.
    t.db.prepare(`UPDATE applications SET protocol_config_json = json_set(protocol_config_json, '$.grant_type', json('["client_credentials"]')) WHERE id = ?`).run(t.tenant.app.application_id);
    expect(retiredKeySeconds(t.db)).toBe(3600);
    t.db.prepare(`UPDATE applications SET protocol_config_json = json_set(protocol_config_json, '$.grant_type', json('["authorization_code"]')) WHERE id = ?`).run(t.tenant.app.application_id);

    const { kid, retiredUntil } = await rotateSigningKey(t.db, t.cloud.deps.signingKeys, now);
    expect(kid).not.toBe(old.kid);
    expect(retiredUntil).toEqual(new Date(now.getTime() + 86_400_000));
    expect((await t.cloud.deps.signingKeys.current(now)).kid).toBe(kid);
    const published = (at: Date) => t.cloud.deps.signingKeys.jwks(at).keys.map((k) => k.kid).sort();
    expect(published(now)).toEqual([kid, old.kid].sort());
    expect(published(new Date(now.getTime() + 86_399_000))).toContain(old.kid);
    expect(published(new Date(now.getTime() + 86_400_000))).toEqual([kid]);
  });

  it('counts an application whose protocol config is not JSON as having no lifetime of its own', () => {
    const t = createTestCloud();
    t.db.prepare(`UPDATE applications SET protocol_config_json = 'not json' WHERE id = ?`).run(t.tenant.app.application_id);
    expect(retiredKeySeconds(t.db)).toBe(3600);
  });
});
