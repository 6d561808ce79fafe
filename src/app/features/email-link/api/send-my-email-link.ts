import { useMutation } from '@tanstack/react-query';
import { paths } from '../../../../lib/paths';
import { request } from '../../../../lib/request';
import { guard, isRecord } from '../../../../lib/validate';

/** What the page shows after sending; the backend's sentence when it gives one. */
export interface MyEmailLinkResult {
  message: string | undefined;
}

/** The contract does not define this answer yet; any JSON object is accepted, `message` is read. */
const answerGuard = guard('a JSON object', (value): value is Record<string, unknown> => isRecord(value));

/**
 * `POST /api/me/email-link`: emails the signed-in person a binding link, to open on another
 * device (EMAIL delivery).
 *
 * @throws {ApiError} `unauthenticated`, `rate_limited`, `cloud_unreachable`…
 */
export async function sendMyEmailLink(): Promise<MyEmailLinkResult> {
  const answer = await request(paths.api.myEmailLink, { method: 'POST', body: {}, validate: answerGuard });
  return { message: typeof answer.message === 'string' && answer.message.trim() ? answer.message : undefined };
}

/** `sendMyEmailLink` as a mutation. */
export function useSendMyEmailLink() {
  return useMutation({ mutationFn: sendMyEmailLink });
}
