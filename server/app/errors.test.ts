import { describe, expect, it } from 'vitest';
import { BiError, type BiErrorCode } from './bi/errors';
import { AppError, fromBiError, toAppError } from './errors';

describe('fromBiError', () => {
  it.each<[BiErrorCode, number, string]>([
    ['username_taken', 409, 'username_taken'],
    ['not_found', 404, 'not_found'],
    ['unreachable', 502, 'cloud_unreachable'],
    ['bad_request', 502, 'cloud_error'],
    ['unauthorized', 502, 'cloud_error'],
    ['forbidden', 502, 'cloud_error'],
    ['conflict', 502, 'cloud_error'],
    ['gone', 502, 'cloud_error'],
    ['unprocessable', 502, 'cloud_error'],
    ['cloud_error', 502, 'cloud_error'],
  ])('%s → HTTP %i %s, with none of the upstream text', (code, status, appCode) => {
    const error = fromBiError(new BiError(code, { operation: 'Op', status: 400, code: 'upstream_code', message: 'UPSTREAM SECRET DETAIL' }));
    expect(error.status).toBe(status);
    expect(error.code).toBe(appCode);
    expect(JSON.stringify(error.toBody('req1'))).not.toMatch(/UPSTREAM|upstream_code/);
    expect((error.cause as BiError).code).toBe(code);
  });

  it('toAppError passes AppErrors through and leaves anything else (a bug) to the 500 handler', () => {
    const appError = new AppError(429, 'rate_limited', 'slow down');
    expect(toAppError(appError)).toBe(appError);
    expect(toAppError(new TypeError('x'))).toBeUndefined();
    expect(appError.toBody()).toEqual({ error: { code: 'rate_limited', message: 'slow down' } });
    expect(new AppError(400, 'invalid_request', 'm', { fields: { a: 'b' } }).toBody('r')).toEqual({
      error: { code: 'invalid_request', message: 'm', request_id: 'r', fields: { a: 'b' } },
    });
  });
});
