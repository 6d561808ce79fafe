import { expect } from '@playwright/test';
import { e2eEnv } from './e2e-env';

export interface InboxMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
  links: string[];
}

/**
 * The local cloud's built-in SMTP capture, read through its JSON page: the
 * message got there over real SMTP (nodemailer to smtp-server).
 */
export async function waitForEmail(to: string, timeoutMs = 15_000): Promise<InboxMessage> {
  let found: InboxMessage | undefined;
  await expect
    .poll(
      async () => {
        const response = await fetch(`${e2eEnv().cloudUrl}/inbox/messages`);
        const { messages } = (await response.json()) as { messages: InboxMessage[] };
        found = messages.find((m) => m.to.includes(to));
        return found !== undefined;
      },
      { timeout: timeoutMs, message: `an email to ${to}` },
    )
    .toBe(true);
  return found!;
}
