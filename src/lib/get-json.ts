import { request } from './request';
import type { Validator } from './validate';

/**
 * GETs a same-origin JSON endpoint and validates the body with `schema` (a zod schema or a
 * `guard`). A shorthand for `request(url, { validate: schema })`.
 *
 * @throws {ApiError} for network failures, non-2xx statuses and bodies that do not match.
 */
export function getJson<T>(url: string, schema: Validator<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
  return request(url, { validate: schema, ...(options.signal ? { signal: options.signal } : {}) });
}
