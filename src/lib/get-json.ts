import type { ZodType } from 'zod';
import { ApiError } from './api-error';

/**
 * GETs a same-origin JSON endpoint and validates the body with `schema`.
 *
 * @throws {ApiError} for network failures, non-2xx statuses and bodies that do not match.
 *   An abort (from `signal`) is rethrown as is, so TanStack Query recognises its own cancellation.
 */
export async function getJson<T>(url: string, schema: ZodType<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
      signal: options.signal ?? null,
    });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ApiError('network', 'The server could not be reached.', { cause });
  }

  if (!response.ok) {
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    throw new ApiError('http', `The server answered ${response.status}${statusText}.`, { status: response.status });
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new ApiError('invalid-response', 'The server answered with something other than JSON.', {
      status: response.status,
      cause,
    });
  }

  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError('invalid-response', 'The server answered in an unexpected format.', {
      status: response.status,
      cause: parsed.error,
    });
  }
  return parsed.data;
}
