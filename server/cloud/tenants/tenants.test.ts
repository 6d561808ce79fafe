import { beforeEach, describe, expect, it } from 'vitest';
import { createTestCloud, type TestCloud } from '../test/harness';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const tenantPath = () => `/v1/tenants/${t.tenant.tenant_id}`;
const violatedFields = (body: { details: { field_violations: { field: string }[] }[] }) =>
  body.details[0]!.field_violations.map((v) => v.field);

describe('tenants', () => {
  it('GetTenant returns the seeded tenant', async () => {
    const got = await t.get(tenantPath());
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      id: t.tenant.tenant_id,
      display_name: 'Bindery Dev',
      create_time: expect.any(String),
      update_time: expect.any(String),
    });
  });

  it('UpdateTenant renames the tenant and moves update_time, and ignores read-only fields', async () => {
    const before = (await t.get(tenantPath())).body;
    t.advance(5_000);
    const updated = await t.patch(tenantPath(), { tenant: { display_name: 'Acme Corp', id: '0000000000000000', create_time: '2000-01-01T00:00:00Z' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: t.tenant.tenant_id, display_name: 'Acme Corp', create_time: before.create_time });
    expect(Date.parse(updated.body.update_time)).toBeGreaterThan(Date.parse(before.update_time));
    expect((await t.get(tenantPath())).body).toEqual(updated.body);
  });

  it('UpdateTenant with no display_name keeps the name', async () => {
    const updated = await t.patch(tenantPath(), { tenant: {} });
    expect(updated.status).toBe(200);
    expect(updated.body.display_name).toBe('Bindery Dev');
  });

  it.each([
    ['a refused character', 'Acme/Corp'],
    ['another refused character', 'Acme{x}'],
    ['an empty name', ''],
    ['65 characters', 'x'.repeat(65)],
  ])('UpdateTenant refuses %s in display_name with 400 naming tenant.display_name', async (_what, name) => {
    const bad = await t.patch(tenantPath(), { tenant: { display_name: name } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad_request');
    expect(violatedFields(bad.body)).toEqual(['tenant.display_name']);
    expect((await t.get(tenantPath())).body.display_name).toBe('Bindery Dev');
  });

  it('UpdateTenant accepts exactly 64 characters', async () => {
    const updated = await t.patch(tenantPath(), { tenant: { display_name: 'y'.repeat(64) } });
    expect(updated.status).toBe(200);
    expect(updated.body.display_name).toBe('y'.repeat(64));
  });

  it('UpdateTenant without the tenant wrapper is a 400 naming tenant', async () => {
    const bad = await t.patch(tenantPath(), { display_name: 'Acme' });
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(['tenant']);
  });
});
