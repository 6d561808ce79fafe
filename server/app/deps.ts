import type { Hono } from 'hono';
import type { Logger } from '../lib/logger';
import type { BackgroundTasks } from './background';
import type { BiClient } from './bi/client';
import type { AppConfig } from './config';
import { BiError } from './bi/errors';
import { AppError } from './errors';
import type { OidcClient } from './oidc/client';
import type { FlowCookie } from './oidc/flow-cookie';
import type { RateLimiter } from './rate-limit';
import type { Sessions } from './session';

export interface AppEnv {
  Variables: { requestId: string };
}

export type AppHono = Hono<AppEnv>;

/** The rate limiters, one per rule. */
export interface AppLimits {
  emailLinkPerIp: RateLimiter;
  emailLinkPerIdentifier: RateLimiter;
  previewPerIp: RateLimiter;
  signupPerIp: RateLimiter;
}

/** What route handlers use; built once by `buildApp`. */
export interface AppDeps {
  config: AppConfig;
  log: Logger;
  bi: BiClient;
  sessions: Sessions;
  /** Sign-in with a passkey; undefined when the sign-in client is not configured. */
  oidc: OidcClient | undefined;
  /** The started sign-in between `/auth/login` and `/auth/callback`. */
  flows: FlowCookie;
  limits: AppLimits;
  background: BackgroundTasks;
}

/** Counts a hit on `limiter`; over the limit it throws 429 `rate_limited` with `Retry-After`. */
export function enforce(limiter: RateLimiter, key: string): void {
  const result = limiter.hit(key);
  if (!result.ok) {
    throw new AppError(429, 'rate_limited', `Too many requests. Try again in ${wait(result.retryAfterSeconds)}.`, {
      headers: { 'Retry-After': String(result.retryAfterSeconds) },
    });
  }
}

function wait(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/**
 * Logs a failed Beyond Identity call that the person saw as a 5xx (or, for sign-up, as a
 * missing link): the request id and the upstream answer, which the browser never gets.
 */
export function logCloudFailure(log: Logger, requestId: string, path: string, error: AppError): void {
  const upstream = error.cause instanceof BiError ? error.cause : undefined;
  log.warn('Beyond Identity call failed', { requestId, path, code: error.code, upstream: upstream?.upstream, cause: upstream?.cause });
}
