import { describe, expect, it } from 'vitest';
import { sameOriginPath, safeNextPath } from './same-origin';

const origin = 'http://localhost:3000';

describe('safeNextPath', () => {
  it('accepts a path on this site', () => {
    expect(safeNextPath('/passkeys', origin)).toBe('/passkeys');
    expect(safeNextPath('/a/b?c=1#d', origin)).toBe('/a/b?c=1#d');
  });

  it.each([null, '', 'passkeys', '//evil.example/x', '/\\evil.example', 'https://evil.example/', '/a b', '/x\n', `/${'a'.repeat(600)}`])(
    'refuses %j',
    (value) => {
      expect(safeNextPath(value, origin)).toBeNull();
    },
  );
});

describe('sameOriginPath', () => {
  it('accepts a full URL of this origin, or a path', () => {
    expect(sameOriginPath('http://localhost:3000/welcome?x=1', origin)).toBe('/welcome?x=1');
    expect(sameOriginPath('/passkeys', origin)).toBe('/passkeys');
  });

  it('ignores other origins and schemes', () => {
    expect(sameOriginPath('https://localhost:3000/x', origin)).toBeNull();
    expect(sameOriginPath('http://localhost:8787/x', origin)).toBeNull();
    expect(sameOriginPath('//evil.example/x', origin)).toBeNull();
    // On this origin, but the path alone would name another host.
    expect(sameOriginPath('http://localhost:3000//evil.example/x', origin)).toBeNull();
    expect(sameOriginPath('/.//evil.example', origin)).toBeNull();
    expect(safeNextPath('/a/..//evil.example', origin)).toBeNull();
    expect(sameOriginPath('javascript:alert(1)', origin)).toBeNull();
    expect(sameOriginPath(undefined, origin)).toBeNull();
  });
});
