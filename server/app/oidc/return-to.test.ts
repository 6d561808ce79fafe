import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to';

const APP = 'http://localhost:3000';

describe('safeReturnTo', () => {
  it.each([
    ['/passkeys', '/passkeys'],
    ['/', '/'],
    ['/passkeys?added=1#top', '/passkeys?added=1#top'],
    ['/a/../passkeys', '/passkeys'],
    ['/bind?next=%2Fpasskeys', '/bind?next=%2Fpasskeys'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'], // an encoded slash is a path segment, not a host
  ])('keeps the same-origin path %j as %j', (value, expected) => {
    expect(safeReturnTo(value, APP)).toBe(expected);
  });

  it.each([
    [undefined],
    [''],
    ['https://evil.example'],
    ['https://evil.example/passkeys'],
    ['http://localhost:3000/passkeys'], // absolute, even our own: only paths are taken
    ['//evil.example'],
    ['//evil.example/x'],
    // Dot segments that normalise to a `//host` path (a Location header reads it as that host).
    ['/.//evil.example/phish'],
    ['/a/..//evil.example'],
    ['/%2e//evil.example'],
    ['/\\evil.example'],
    ['\\\\evil.example'],
    ['/\tevil'],
    ['/ /evil.example'],
    ['/\n/evil.example'],
    ['/\u0000x'],
    ['javascript:alert(1)'],
    ['passkeys'],
    ['?x=1'],
    ['#x'],
    ['/auth/login'],
    ['/auth/callback?code=x'],
    ['/auth'],
    [`/${'x'.repeat(600)}`],
  ])('sends %j to /', (value) => {
    expect(safeReturnTo(value, APP)).toBe('/');
  });

  it('works the same behind an https public URL with a path', () => {
    expect(safeReturnTo('/passkeys', 'https://app.example.com')).toBe('/passkeys');
    expect(safeReturnTo('//app.example.com.evil.example/', 'https://app.example.com')).toBe('/');
  });
});
