import { describe, expect, it } from 'vitest';
import { isBackendPagePath, paths } from './paths';

describe('paths.auth.login', () => {
  it('starts sign-in, optionally returning to a path', () => {
    expect(paths.auth.login.getHref()).toBe('/auth/login');
    expect(paths.auth.login.getHref('/passkeys')).toBe('/auth/login?return_to=/passkeys');
    expect(paths.auth.login.getHref('/a b?x=1&y=2')).toBe('/auth/login?return_to=/a%20b%3Fx%3D1%26y%3D2');
  });
});

describe('isBackendPagePath', () => {
  it('is true for the backend pages under /auth', () => {
    for (const path of ['/auth', '/auth/login', '/auth/login?return_to=/passkeys', '/auth/callback?code=x', '/auth?x']) {
      expect(isBackendPagePath(path)).toBe(true);
    }
  });

  it('is false for the SPA routes, including look-alikes', () => {
    for (const path of ['/', '/passkeys', '/bind?next=/auth/login', '/authors', '/api/auth']) {
      expect(isBackendPagePath(path)).toBe(false);
    }
  });
});
