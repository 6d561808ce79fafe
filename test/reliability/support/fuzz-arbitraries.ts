import fc from 'fast-check';

/**
 * Building blocks for the fuzzer: strings, ids, tokens and bodies that are
 * malformed on purpose. Each generator only makes values that no endpoint may
 * accept, so every request built from them must be refused.
 */

/** Printable ASCII (what an HTTP header or a URL-encoded value can carry). */
export const printable = (maxLength = 40, minLength = 0) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength, maxLength });

/** Any Unicode text, astral planes and control characters included. */
export const anyText = (maxLength = 60) => fc.string({ unit: 'binary', maxLength });

const ID = /^[0-9a-f]{16}$/;

/** A well-formed id (16 lowercase hex) that names nothing. */
export const unknownId = fc.stringMatching(/^[0-9a-f]{16}$/);

/** Not an id: wrong length, wrong case, wrong characters, empty, path tricks. */
export const badId = fc.oneof(
  printable(30, 1).filter((s) => !ID.test(s) && s !== '-' && s.trim() !== '' && s !== '.' && s !== '..'),
  fc.stringMatching(/^[0-9a-f]{1,15}$/),
  fc.stringMatching(/^[0-9a-f]{17,40}$/),
  fc.stringMatching(/^[0-9A-F]{16}$/).filter((s) => !ID.test(s)),
  fc.constantFrom('%00', '..%2F..%2F', '%zz', '0123456789abcdeg', ' 0123456789abcdef', '0x0123456789abcd', 'null', 'undefined', '-1', '1e16'),
);

/**
 * A path segment for `badId`: usually percent-encoded, sometimes raw (routing,
 * URI decoding and all). Never a dot segment (`..`, `%2e%2e`): the URL parser
 * would remove it together with the segment before, and the request would
 * reach another route (say PATCH …/authenticator-configs/.. → PATCH the realm).
 */
export const badIdSegment = fc
  .oneof(
    { weight: 4, arbitrary: badId.map((s) => (s.startsWith('%') ? s : encodeURIComponent(s))) },
    { weight: 1, arbitrary: badId.filter((s) => !/[?#/\\]/.test(s)) },
  )
  .filter((segment) => !/^(\.|%2e){1,2}$/i.test(segment));

/** Values that are not JSON objects. */
export const nonObject = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
);

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Text that is not JSON at all (truncated, trailing garbage, or plain text). */
export const notJson = fc.oneof(
  printable(200, 1).filter((s) => s.trim() !== '' && !parses(s)),
  fc.json({ maxDepth: 3 }).filter((s) => s.length > 1).map((s) => s.slice(0, -1)).filter((s) => s.trim() !== '' && !parses(s)),
  fc.json({ maxDepth: 3 }).map((s) => `${s},`),
  fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}}', "{'a':1}", 'NaN', '{"a":undefined}', '\u0000', '{"a":"\\x"}'),
);

/** JSON text of something other than an object. */
export const nonObjectJson = nonObject.map((value) => JSON.stringify(value));

/** Values of no string, object or array type: wrong for every field a body schema here declares. */
export const wrongScalar = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));

/**
 * `{ [key]: wrongScalar }` for one of `keys` (the fields a body must carry), so
 * the body is refused whatever else the schema allows. With no keys, a random
 * one (only where the path already guarantees a refusal).
 */
export const wrongWrapper = (keys: readonly string[]) =>
  fc
    .tuple(keys.length > 0 ? fc.constantFrom(...keys) : printable(12, 1), wrongScalar)
    .map(([key, value]) => JSON.stringify({ [key]: value }));

/** A body just over `limitBytes`. */
export const hugeBody = (limitBytes: number) =>
  fc.integer({ min: 1, max: 4096 }).map((extra) => `{"x":"${'a'.repeat(limitBytes + extra)}"}`);

/** Content types that are not JSON. */
export const notJsonContentType = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonx',
  'text/json; charset=utf-8',
);

/** What may sit in a query value: anything printable. */
export const queryValue = printable(60).map((s) => encodeURIComponent(s));

/** Not a page size, skip or other unsigned integer. */
export const badUint = fc.oneof(
  fc.integer({ max: -1 }).map(String),
  printable(12, 1).filter((s) => !/^\d{1,9}$/.test(s)),
  fc.constantFrom('1e3', '9999999999', '0x10', '1.5', ' 5', '+5', 'Infinity'),
);

/** An `Authorization` header that authenticates nobody (or `undefined`: none at all). */
export const junkAuthorization = fc.oneof(
  fc.constant(undefined),
  printable(80).map((s) => `Bearer ${s}`),
  printable(80),
  fc.stringMatching(/^[A-Za-z0-9_-]{20,64}$/).map((s) => `Bearer ${s}`),
  fc.constantFrom('Bearer', 'Bearer ', 'bearer', 'Basic', 'Basic Og==', 'Bearer a b', 'Bearer null', 'Digest x'),
);

/** A random cookie header (never a valid session). */
export const junkCookie = (name: string) =>
  fc.oneof(
    fc.constant(undefined),
    printable(80).map((s) => `${name}=${encodeURIComponent(s)}`),
    fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((s) => `${name}=${s}`),
    printable(40).map((s) => `other=${encodeURIComponent(s)}`),
  );
