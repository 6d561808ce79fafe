/** RFC 6749 §5.2 error; the token endpoint speaks OAuth, not the management API's error shape. */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'unsupported_grant_type'
      | 'invalid_scope'
      | 'unauthorized_client',
    readonly description: string,
  ) {
    super(description);
  }
}
