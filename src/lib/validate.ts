/**
 * Response validation without zod in the eager bundle.
 *
 * `Validator<T>` is the shape of a zod schema's `safeParse`, so lazily loaded code can pass a
 * contract schema as is, while code every page loads (session, config, health) passes a small
 * hand-written guard and keeps zod out of the app shell.
 */
export interface Validator<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` is absent or a string (an optional string field). */
export function isOptionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

/** Turns a type guard into a `Validator`; `what` names the expected shape in the error. */
export function guard<T>(what: string, test: (value: unknown) => value is T): Validator<T> {
  return {
    safeParse: (value) =>
      test(value) ? { success: true, data: value } : { success: false, error: new TypeError(`expected ${what}`) },
  };
}
