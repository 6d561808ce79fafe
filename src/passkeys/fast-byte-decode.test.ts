// @vitest-environment node
// Pure JavaScript: one realm, as in the page (jsdom mixes its Uint8Array with Node's String).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fastFrom, withFastByteDecode } from './fast-byte-decode';

/** %TypedArray%.from, which Uint8Array inherits. */
const typedArrayFrom = (Object.getPrototypeOf(Uint8Array) as { from: typeof Uint8Array.from }).from;

afterEach(() => {
  delete (Uint8Array as { from?: unknown }).from;
});

/** Runs `from` on Uint8Array, recording every call of the mapping function: its `this` and all its arguments. */
function record(from: (...args: unknown[]) => unknown, source: unknown, map: (value: string, index: number) => unknown, thisArg?: unknown) {
  const calls: unknown[][] = [];
  const mapFn = function (this: unknown, value: string, index: number) {
    // eslint-disable-next-line prefer-rest-params -- every argument, their count included
    calls.push([this, ...arguments]);
    return map(value, index);
  };
  let result: unknown;
  let error: unknown;
  try {
    // Reflect.apply, not from.call: a test below changes Function.prototype.call.
    result = Array.from(Reflect.apply(from, Uint8Array, [source, mapFn, thisArg]) as Uint8Array);
  } catch (caught) {
    error = caught;
  }
  return { result, error, calls };
}

/** Any UTF-16 unit, lone surrogates included, and pairs that make one code point. */
const unit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((code) => String.fromCodePoint(code)),
  fc.constantFrom('\ud800', '\udc00', '\ud83d\ude00'),
);

/** Mapping results of every kind the array's conversion treats differently. */
const mappings: ((value: string, index: number) => unknown)[] = [
  (value) => value.charCodeAt(0),
  (value) => value.codePointAt(0),
  (value, index) => index * 7 + value.length,
  (value) => -value.charCodeAt(0) - 0.5,
  (value) => String(value.charCodeAt(0) % 300),
  () => Number.NaN,
  (value) => ({ valueOf: () => value.length * 1000 }),
  () => undefined,
];

describe('fastFrom', () => {
  it('answers what %TypedArray%.from answers for any string: the bytes, and each call of the mapping (value, index, this)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 64 }),
        fc.integer({ min: 0, max: mappings.length - 1 }),
        fc.constantFrom(undefined, null, { marker: true }),
        (source, which, thisArg) => {
          const map = mappings[which]!;
          expect(record(fastFrom as never, source, map, thisArg)).toEqual(record(typedArrayFrom as never, source, map, thisArg));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("decodes the SDK's own WebAssembly core to the same bytes as the SDK's call does", async () => {
    const file = readFileSync(createRequire(import.meta.url).resolve('@beyondidentity/bi-sdk-js/dist/bi-embedded.js'), 'utf8');
    const start = file.indexOf("const __kmc_data = '") + "const __kmc_data = '".length;
    const binary = atob(file.slice(start, file.indexOf("'", start)));
    expect(binary.length).toBeGreaterThan(1_000_000);

    // The SDK's own expression (load_inline_data), as initialize() runs it in the app.
    const fast = await withFastByteDecode(async () => {
      expect(Uint8Array.from).toBe(fastFrom);
      return Uint8Array.from(binary, (c) => c.charCodeAt(0));
    });
    const native = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    expect(Uint8Array.from).toBe(typedArrayFrom);
    expect(fast).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(fast).equals(Buffer.from(native))).toBe(true);
    // A WebAssembly module: "\0asm", version 1.
    expect([...fast.subarray(0, 8)]).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  });

  it("throws what the mapping function throws, after the same calls as the original", () => {
    const boom = new Error('boom');
    const map = (_value: string, index: number) => {
      if (index === 2) throw boom;
      return index;
    };
    const fast = record(fastFrom as never, 'abcd', map);
    expect(fast.error).toBe(boom);
    expect(fast).toEqual(record(typedArrayFrom as never, 'abcd', map));
  });

  it('leaves everything else to the original: other constructors, sources that are not strings, no or a bad mapping', () => {
    class Bytes extends Uint8Array {}
    const fromBytes = fastFrom.call(Bytes, 'ab', (c: string) => c.charCodeAt(0));
    expect(fromBytes).toBeInstanceOf(Bytes);
    expect([...fromBytes]).toEqual([97, 98]);
    expect(fastFrom.call(Int16Array, 'ab', (c: string) => -c.charCodeAt(0))).toEqual(Int16Array.from([-97, -98]));

    expect([...fastFrom.call(Uint8Array, [1, 2, 300])]).toEqual([1, 2, 44]);
    expect([...fastFrom.call(Uint8Array, new Set([5, 6]), (n: number) => n * 2)]).toEqual([10, 12]);
    expect([...fastFrom.call(Uint8Array, '12')]).toEqual([1, 2]);
    expect(() => fastFrom.call(Uint8Array, 'a', 5)).toThrow(TypeError);
  });

  it('takes its own loop for a string and a mapping function: the original is not called', async () => {
    const spy = vi.fn(function (this: unknown, ...args: unknown[]) {
      return Reflect.apply(typedArrayFrom, this, args) as Uint8Array;
    });
    const TypedArray = Object.getPrototypeOf(Uint8Array) as { from: unknown };
    TypedArray.from = spy;
    try {
      vi.resetModules();
      const fresh = await import('./fast-byte-decode');
      expect([...fresh.fastFrom.call(Uint8Array, 'hi', (c: string) => c.charCodeAt(0))]).toEqual([104, 105]);
      expect(spy).not.toHaveBeenCalled();
      expect([...fresh.fastFrom.call(Uint8Array, [1, 2])]).toEqual([1, 2]);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      TypedArray.from = typedArrayFrom;
    }
  });

  it('answers as the original does on a page that changed the functions a loop would use', () => {
    const patches: [object, string][] = [
      [Function.prototype, 'call'],
      [Function.prototype, 'apply'],
      [String.prototype, 'charCodeAt'],
      [String.prototype, 'slice'],
      [String.prototype, 'codePointAt'],
    ];
    const map = (value: string, index: number) => value.length * 10 + index;
    for (const [target, name] of patches) {
      const descriptor = Object.getOwnPropertyDescriptor(target, name)!;
      let used = 0;
      Object.defineProperty(target, name, {
        ...descriptor,
        value: () => {
          used++;
          return 2;
        },
      });
      let fast: ReturnType<typeof record>;
      let native: ReturnType<typeof record>;
      try {
        fast = record(fastFrom as never, 'a\ud83d\ude00b', map);
        native = record(typedArrayFrom as never, 'a\ud83d\ude00b', map);
      } finally {
        Object.defineProperty(target, name, descriptor);
      }
      expect(fast, name).toEqual(native);
      expect(used, name).toBe(0);
    }
  });

  it('iterates as the page says when the page changed how strings iterate', () => {
    const iterator = Object.getOwnPropertyDescriptor(String.prototype, Symbol.iterator)!;
    Object.defineProperty(String.prototype, Symbol.iterator, {
      ...iterator,
      value: function* () {
        yield 'x';
      },
    });
    try {
      expect([...fastFrom.call(Uint8Array, 'abc', (c: string) => c.charCodeAt(0))]).toEqual([120]);
    } finally {
      Object.defineProperty(String.prototype, Symbol.iterator, iterator);
    }
  });

  it('looks like the function it stands in for: its name and length, no prototype, not a constructor', () => {
    expect(fastFrom.name).toBe('from');
    expect(fastFrom.length).toBe(1);
    expect(Object.hasOwn(fastFrom, 'prototype')).toBe(false);
    expect(() => new (fastFrom as unknown as new () => unknown)()).toThrow(TypeError);
  });
});

describe('withFastByteDecode', () => {
  it('makes Uint8Array.from fast while the work runs, and puts the original back after it succeeds or fails', async () => {
    const during = await withFastByteDecode(async () => Uint8Array.from);
    expect(during).toBe(fastFrom);
    expect(Object.hasOwn(Uint8Array, 'from')).toBe(false);
    expect(Uint8Array.from).toBe(typedArrayFrom);

    const failure = new Error('initialize failed');
    await expect(
      withFastByteDecode(async () => {
        expect(Uint8Array.from).toBe(fastFrom);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(Object.hasOwn(Uint8Array, 'from')).toBe(false);
  });

  it('restores only when the last of overlapping calls ends', async () => {
    let endFirst!: () => void;
    const first = withFastByteDecode(() => new Promise<void>((resolve) => (endFirst = resolve)));
    await withFastByteDecode(async () => undefined);
    expect(Uint8Array.from).toBe(fastFrom);
    endFirst();
    await first;
    expect(Uint8Array.from).toBe(typedArrayFrom);
  });

  it('keeps a Uint8Array.from the page set while the work ran', async () => {
    const own = (() => new Uint8Array(0)) as unknown as typeof Uint8Array.from;
    await withFastByteDecode(async () => {
      expect(Uint8Array.from).toBe(fastFrom);
      Object.defineProperty(Uint8Array, 'from', { value: own, writable: true, configurable: true });
    });
    expect(Uint8Array.from).toBe(own);
  });

  it("leaves a page's own Uint8Array.from alone, and a %TypedArray%.from it replaced", async () => {
    const TypedArray = Object.getPrototypeOf(Uint8Array) as { from: unknown };
    const replaced = function (this: unknown, ...args: unknown[]) {
      return Reflect.apply(typedArrayFrom, this, args) as Uint8Array;
    };
    TypedArray.from = replaced;
    try {
      expect(await withFastByteDecode(async () => Uint8Array.from)).toBe(replaced);
      expect(Object.hasOwn(Uint8Array, 'from')).toBe(false);
    } finally {
      TypedArray.from = typedArrayFrom;
    }

    const own = (() => new Uint8Array(0)) as unknown as typeof Uint8Array.from;
    Object.defineProperty(Uint8Array, 'from', { value: own, writable: true, configurable: true });
    expect(await withFastByteDecode(async () => Uint8Array.from)).toBe(own);
    expect(Uint8Array.from).toBe(own);
  });
});
