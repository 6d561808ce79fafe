/**
 * Errors in Beyond Identity's wire shape: `{code, message, details}`.
 *
 * Every refusal the local cloud makes is one of these, so a client written
 * against the real Beyond Identity API (and the OpenAPI file's `Error` schema)
 * can read ours without a special case.
 */

/** The `code` strings Beyond Identity answers with, per HTTP status. */
export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'gone'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable_entity'
  | 'too_many_requests'
  | 'internal_server_error'
  | 'service_unavailable';

export interface FieldViolation {
  field: string;
  description: string;
}

export type ErrorDetail =
  | { type: 'FieldViolations'; field_violations: FieldViolation[] }
  | { type: 'ResourceInfo'; resource_type: string; id: string; description: string }
  | {
      type: 'BatchOperationErrors';
      description: string;
      errors: { Description: string; IDs: string[]; ResourceType: string }[];
    };

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  details?: ErrorDetail[];
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503;

/** A refusal with a status, a Beyond Identity `code`, and optional details. */
export class ApiError extends Error {
  readonly status: ErrorStatus;
  readonly code: ApiErrorCode;
  readonly details: ErrorDetail[] | undefined;
  /** Response headers that belong to the refusal (e.g. `RateLimit-Remaining` on a 429). */
  readonly headers: Record<string, string>;

  constructor(
    status: ErrorStatus,
    code: ApiErrorCode,
    message: string,
    details?: ErrorDetail[],
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = options?.headers ?? {};
  }

  /** The JSON body sent to the client. */
  toBody(): ApiErrorBody {
    return this.details && this.details.length > 0
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/** 400 with a `FieldViolations` detail naming each bad field. */
export function invalidParameters(violations: FieldViolation[]): ApiError {
  return new ApiError(400, 'bad_request', 'invalid parameters', [
    { type: 'FieldViolations', field_violations: violations },
  ]);
}

/** 400 for one bad field. */
export function invalidField(field: string, description: string): ApiError {
  return invalidParameters([{ field, description }]);
}

/** 400 for a body that is not JSON at all. */
export function malformedRequest(cause?: unknown): ApiError {
  return new ApiError(400, 'bad_request', 'invalid request', undefined, { cause });
}

/** 404 with a `ResourceInfo` detail, e.g. `notFound('Identity', id)` -> "identity not found". */
export function notFound(resourceType: string, id: string): ApiError {
  const description = `${humanize(resourceType)} not found`;
  return new ApiError(404, 'not_found', description, [
    { type: 'ResourceInfo', resource_type: resourceType, id, description },
  ]);
}

/** 409, optionally naming the conflicting resource. */
export function conflict(message: string, resource?: { type: string; id: string }): ApiError {
  return new ApiError(
    409,
    'conflict',
    message,
    resource ? [{ type: 'ResourceInfo', resource_type: resource.type, id: resource.id, description: message }] : undefined,
  );
}

/** 422 naming the resource that cannot be processed. */
export function unprocessable(message: string, resource: { type: string; id: string }): ApiError {
  return new ApiError(422, 'unprocessable_entity', message, [
    { type: 'ResourceInfo', resource_type: resource.type, id: resource.id, description: message },
  ]);
}

export const unauthorized = (): ApiError => new ApiError(401, 'unauthorized', 'unauthorized');
export const forbidden = (): ApiError => new ApiError(403, 'forbidden', 'forbidden');
export const internalError = (cause?: unknown): ApiError =>
  new ApiError(500, 'internal_server_error', 'internal server error', undefined, { cause });

/** "CredentialBindingJob" -> "credential binding job" (Beyond Identity's message style). */
function humanize(resourceType: string): string {
  return resourceType.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** `value`, or a 404 naming the resource when it is missing. */
export function found<T>(value: T | undefined, resourceType: string, id: string): T {
  if (value === undefined) throw notFound(resourceType, id);
  return value;
}
