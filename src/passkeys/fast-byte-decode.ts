/**
 * A faster `Uint8Array.from(string, mapFn)` while the Beyond Identity SDK initialises.
 *
 * Why: `initialize()` decodes the SDK's WebAssembly core, 4.3 MB held in its file as base64,
 * with `Uint8Array.from(atob(data), (c) => c.charCodeAt(0))`. V8 runs that in its generic
 * `%TypedArray%.from`: it first lists the string's 4.3 million characters through the string
 * iterator, then calls the mapping function once per character from inside the builtin, where
 * the call is never inlined. That is about 0.3 s of one task on the main thread of this machine
 * (`npm run bench:trace`; 382 ms against 35–65 ms for the loop below in Node on the same data),
 * more than anything else on `/bind`. The SDK's file is served unmodified, byte for byte, so
 * the only place to fix it is the platform under it.
 *
 * `fastFrom` does what the specification's TypedArrayFrom does for a string source (ECMA-262
 * %TypedArray%.from: iterate the string by code points, create the array of that length, then
 * call `mapFn` with `(codePoint, index)` and `thisArg`, storing each result with the array's
 * own conversion), as a plain loop the JIT can optimise. It looks up nothing a page could
 * have changed: characters are read and compared by index, and the mapping is called through
 * `Reflect.apply` as taken when this module loaded. Anything else (another constructor, a
 * source that is not a string, no mapping function, or a page that changed how strings
 * iterate) goes to the original, untouched.
 */

const TypedArray = Object.getPrototypeOf(Uint8Array) as { from: typeof Uint8Array.from };
const original = TypedArray.from;
const apply = Reflect.apply;
const stringIterator = String.prototype[Symbol.iterator];
const StringIteratorPrototype = Object.getPrototypeOf(''[Symbol.iterator]()) as { next: unknown };
const stringIteratorNext = StringIteratorPrototype.next;

/** Whether `source[i]` starts a surrogate pair, which the string iterator yields as one code point. */
function pairAt(source: string, i: number): boolean {
  const unit = source[i]!;
  if (unit < '\ud800' || unit > '\udbff' || i + 1 >= source.length) return false;
  const next = source[i + 1]!;
  return next >= '\udc00' && next <= '\udfff';
}

/** Whether strings still iterate as the language defines (each read once, as the iteration would). */
function stringsIterateNatively(): boolean {
  return String.prototype[Symbol.iterator] === stringIterator && StringIteratorPrototype.next === stringIteratorNext;
}

/**
 * `Uint8Array.from`, with a loop for a string and a mapping function. A method, like the
 * built-in: no `prototype`, and not a constructor.
 */
export const { from: fastFrom } = {
  from(this: unknown, source: unknown, mapFn?: unknown, thisArg?: unknown): Uint8Array {
    if (this !== Uint8Array || typeof source !== 'string' || typeof mapFn !== 'function' || !stringsIterateNatively()) {
      // eslint-disable-next-line prefer-rest-params -- the original must see the same arguments (their count included)
      return apply(original, this, arguments) as Uint8Array;
    }
    let length = 0;
    for (let i = 0; i < source.length; i++, length++) if (pairAt(source, i)) i++;
    const target = new Uint8Array(length);
    for (let i = 0, k = 0; i < source.length; i++, k++) {
      const pair = pairAt(source, i);
      const value = pair ? source[i]! + source[i + 1]! : source[i]!;
      if (pair) i++;
      // The array's own conversion (ToNumber, then modulo 2^8), as the specification's Set does.
      (target as unknown as unknown[])[k] = apply(mapFn, thisArg, [value, k]);
    }
    return target;
  },
};
Object.defineProperty(fastFrom, 'length', { value: 1 });

/** How many `withFastByteDecode` calls are running. */
let active = 0;

/**
 * Runs `work` with `Uint8Array.from` made fast for strings (see above), then puts the original
 * back, even when `work` fails. Calls may overlap; the last to finish restores. A page that set
 * a `from` of its own, or cannot take one (a frozen `Uint8Array`), runs `work` as it is.
 */
export async function withFastByteDecode<T>(work: () => Promise<T>): Promise<T> {
  if (active === 0) {
    const ours = !Object.hasOwn(Uint8Array, 'from') && TypedArray.from === original && Object.isExtensible(Uint8Array);
    if (!ours) return work();
    Object.defineProperty(Uint8Array, 'from', { value: fastFrom, writable: true, configurable: true, enumerable: false });
  } else if (Object.getOwnPropertyDescriptor(Uint8Array, 'from')?.value !== fastFrom) {
    return work();
  }
  active++;
  try {
    return await work();
  } finally {
    active--;
    // Only ours: a `from` the page set meanwhile stays.
    if (active === 0 && Object.getOwnPropertyDescriptor(Uint8Array, 'from')?.value === fastFrom) {
      delete (Uint8Array as { from?: unknown }).from;
    }
  }
}
