/**
 * Why a call to Beyond Identity failed, as a string-literal `code` the app
 * backend can branch on. The upstream body is kept on the error for logs only
 * (`upstream`); it never reaches the browser, which sees the app's own
 * messages (see `../errors.ts`).
 */
export type BiErrorCode =
  | 'bad_request' // 400: the cloud refused our request's shape (a bug on our side; a refused id in a lookup's path is `not_found`, see `lookup`)
  | 'unauthorized' // 401: the management token (or binding token) was refused
  | 'forbidden' // 403: token lacks a scope, or (binding token) the link is revoked / identity suspended
  | 'not_found' // 404
  | 'conflict' // 409
  | 'username_taken' // 409 from CreateIdentity: usernames are unique per realm, regardless of case
  | 'gone' // 410: (binding token) the link has expired
  | 'unprocessable' // 422: e.g. an EMAIL job for an identity without an email address
  | 'unreachable' // no HTTP answer: network error, DNS, refused connection, timeout
  | 'cloud_error'; // any other answer: 5xx, 429, unexpected statuses, or a 2xx body of the wrong shape

/** What the cloud answered, for logs. Never sent to the browser. */
export interface UpstreamInfo {
  operation: string;
  status?: number;
  /** Beyond Identity's `{code, message}` (or OAuth's `{error, error_description}`), when the body had them. */
  code?: string;
  message?: string;
  /** The fields a 400's `FieldViolations` detail names (Beyond Identity's error shape), e.g. `credential_id`. */
  fields?: string[];
}

/** A failed Beyond Identity call. */
export class BiError extends Error {
  override readonly name = 'BiError';
  readonly code: BiErrorCode;
  readonly upstream: UpstreamInfo;

  constructor(code: BiErrorCode, upstream: UpstreamInfo, options: { cause?: unknown } = {}) {
    super(`${upstream.operation}: ${code}${upstream.status ? ` (HTTP ${upstream.status})` : ''}`, options);
    this.code = code;
    this.upstream = upstream;
  }
}

/**
 * The code for an HTTP status. Beyond Identity's error `code` strings are
 * not relied on: its documentation defines them per status, so the status is
 * the stable part of the contract (and the OAuth token endpoint speaks RFC
 * 6749 errors, not the management API's shape).
 */
export function codeForStatus(status: number): BiErrorCode {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 410:
      return 'gone';
    case 422:
      return 'unprocessable';
    default:
      return 'cloud_error';
  }
}

/** Builds the error for a non-2xx response, reading (at most 4 KB of) its body for the log. */
export async function errorFromResponse(operation: string, response: Response): Promise<BiError> {
  const upstream: UpstreamInfo = { operation, status: response.status, ...(await describeBody(response)) };
  return new BiError(codeForStatus(response.status), upstream);
}

/** The error for a fetch that produced no response (network failure or timeout). */
export function unreachable(operation: string, cause: unknown): BiError {
  return new BiError('unreachable', { operation }, { cause });
}

async function describeBody(response: Response): Promise<Pick<UpstreamInfo, 'code' | 'message' | 'fields'>> {
  try {
    const text = (await response.text()).slice(0, 4096);
    const body = JSON.parse(text) as Record<string, unknown>;
    const code = typeof body.code === 'string' ? body.code : typeof body.error === 'string' ? body.error : undefined;
    const message =
      typeof body.message === 'string' ? body.message : typeof body.error_description === 'string' ? body.error_description : undefined;
    const fields = violatedFields(body.details);
    return { ...(code ? { code } : {}), ...(message ? { message: message.slice(0, 300) } : {}), ...(fields.length > 0 ? { fields } : {}) };
  } catch {
    return {};
  }
}

/** The `field` of each entry of the `FieldViolations` details (at most 10, each cut to 100 characters). */
function violatedFields(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  const fields: string[] = [];
  for (const detail of details as unknown[]) {
    if (typeof detail !== 'object' || detail === null) continue;
    const violations = (detail as Record<string, unknown>).field_violations;
    if (!Array.isArray(violations)) continue;
    for (const violation of violations as unknown[]) {
      const field = typeof violation === 'object' && violation !== null ? (violation as Record<string, unknown>).field : undefined;
      if (typeof field === 'string') fields.push(field.slice(0, 100));
    }
  }
  return fields.slice(0, 10);
}
