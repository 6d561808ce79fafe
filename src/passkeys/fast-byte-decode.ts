/**
 * A faster `Uint8Array.from(string, mapFn)` while the Beyond Identity SDK initialises.
 *
 * Why: `initialize()` decodes the SDK's WebAssembly core, 4.3 MB held in its file as base64,
 * with `Uint8Array.from(atob(data), (c) => c.charCodeAt(0))`. V8 runs that in its generic
 * `%TypedArray%.from`: it first lists the string's 4.3 million characters through the string
 * iterator, then calls the mapping function once per character from inside the builtin, where
 * the call is never inlined. That is about 0.3 s of one task on the main thread of this machine
 * (`npm run bench:trace`; 382 ms against 37 ms for the loop below in Node on the same data),
 * more than anything else on `/bind`. The SDK's file is served unmodified, byte for byte, so
 * the only place to fix it is the platform under it.
 *
 * `fastFrom` does exactly what the specification's TypedArrayFrom does for a string source
 * (ECMA-262 %TypedArray%.from: iterate the string by code points, create the array of that
 * length, then call `mapFn` with `(codePoint, index)` and `thisArg`, storing each result with
 * the array's own conversion), as a plain loop the JIT can optimise. Anything else (another
 * constructor, a source that is not a string, no mapping function, or a page that changed how
 * strings iterate) goes to the original, untouched.
 */

const original = Uint8Array.from;
const stringIterator = String.prototype[Symbol.iterator];
const stringIteratorNext = Object.getPrototypeOf(''[Symbol.iterator]()).next as unknown;

/** The code points of `source`, as the string iterator yields them (a lone surrogate is one). */
function codePointCount(source: string): number {
  let count = 0;
  for (let i = 0; i < source.length; i++, count++) {
    const unit = source.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < source.length) {
      const next = source.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return count;
}

/** Whether strings still iterate as the language defines (the fast path relies on it). */
function stringsIterateNatively(): boolean {
  return (
    String.prototype[Symbol.iterator] === stringIterator &&
    Object.getPrototypeOf(''[Symbol.iterator]()).next === stringIteratorNext
  );
}

/** How many `withFastByteDecode` calls are running. */
let active = 0;

type Mapper = (this: unknown, value: string, index: number) => unknown;

/** `Uint8Array.from`, with a loop for a string and a mapping function. */
export function fastFrom(this: unknown, source: unknown, mapFn?: unknown, thisArg?: unknown): Uint8Array {
  if (this !== Uint8Array || typeof source !== 'string' || typeof mapFn !== 'function' || !stringsIterateNatively()) {
    // eslint-disable-next-line prefer-rest-params -- the original must see the same arguments (their count included)
    return Reflect.apply(original, this, arguments) as Uint8Array;
  }
  const map = mapFn as Mapper;
  const target = new Uint8Array(codePointCount(source));
  for (let i = 0, k = 0; i < source.length; i++, k++) {
    const unit = source.charCodeAt(i);
    let value: string;
    const next = unit >= 0xd800 && unit <= 0xdbff && i + 1 < source.length ? source.charCodeAt(i + 1) : -1;
    if (next >= 0xdc00 && next <= 0xdfff) {
      value = source.slice(i, i + 2);
      i++;
    } else {
      value = source[i]!;
    }
    // The array's own conversion (ToNumber, then modulo 2^8), as the specification's Set does.
    (target as unknown as unknown[])[k] = map.call(thisArg, value, k);
  }
  return target;
}
Object.defineProperty(fastFrom, 'name', { value: 'from' });
Object.defineProperty(fastFrom, 'length', { value: 1 });

/**
 * Runs `work` with `Uint8Array.from` made fast for strings (see above), then puts the original
 * back, even when `work` fails. Calls may overlap; the last to finish restores.
 */
export async function withFastByteDecode<T>(work: () => Promise<T>): Promise<T> {
  const installed = Object.getOwnPropertyDescriptor(Uint8Array, 'from');
  // Only over the inherited %TypedArray%.from: a page that set its own is left alone.
  if (installed && installed.value !== fastFrom) return work();
  active++;
  if (active === 1) Object.defineProperty(Uint8Array, 'from', { value: fastFrom, writable: true, configurable: true, enumerable: false });
  try {
    return await work();
  } finally {
    active--;
    if (active === 0) delete (Uint8Array as { from?: unknown }).from;
  }
}
