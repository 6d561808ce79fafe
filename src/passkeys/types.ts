/**
 * The SDK's data types, for the rest of the app. Type-only: importing this module loads nothing,
 * so the SDK stays in its own lazy chunk.
 */
export type { AuthenticateResponse, AuthenticationContext, BindPasskeyResponse, Passkey } from '@beyondidentity/bi-sdk-js';
